"""Ctrl-C stops any command within two seconds, and what it stopped is resumable.

Python raises KeyboardInterrupt only between bytecodes, so a model call that
runs for seconds in MLX would hold it back. The signal's wake-up file
descriptor is written by the C-level handler at once, whatever the main thread
is doing; a watcher thread reads it and gives the main thread a grace period
to stop at a safe point (commit what is done, close files). If it has not
stopped by then, the process exits with status 130: every store of photoseek is
crash-safe (the same guarantee that covers a SIGKILL), so the next run goes on
from the last commit.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

EXIT_INTERRUPTED = 130
GRACE_SECONDS = 1.0
MESSAGE = (
    "photoseek: interrupted; everything finished so far is kept, "
    "run the same command again to go on"
)

_installed = False
_said = threading.Lock()
_pressed = threading.Event()


def say_interrupted() -> None:
    """Tell the user once, whichever of the main thread and the watcher stops first."""
    if _said.acquire(blocking=False):
        print(f"\n{MESSAGE}", file=sys.stderr, flush=True)


def _watch(read_fd: int) -> None:
    deadline: threading.Timer | None = None
    while True:
        try:
            signals = os.read(read_fd, 64)
        except OSError:
            return
        if signal.SIGINT not in signals:
            continue
        _pressed.set()
        if deadline is not None:
            # A second Ctrl-C: the user wants out now.
            _exit_now()
        deadline = threading.Timer(GRACE_SECONDS, _exit_now)
        deadline.daemon = True
        deadline.start()


def pressed(within: float = 0.2) -> bool:
    """Whether Ctrl-C was pressed (waiting up to `within` seconds for the watcher to hear it).

    Ctrl-C reaches the whole foreground process group: a helper the main thread waits on (the
    C++ compiler MLX runs to fuse a kernel) dies of it, and the main thread then sees that
    helper's failure before Python's KeyboardInterrupt. Such a failure is the interrupt."""
    return _pressed.wait(within) if _installed else False


def _exit_now() -> None:
    say_interrupted()
    os._exit(EXIT_INTERRUPTED)


def stop_promptly_on_ctrl_c() -> None:
    """Make Ctrl-C end this process within GRACE_SECONDS (call once, from the main thread)."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    threading.Thread(target=_watch, args=(read_fd,), name="ctrl-c", daemon=True).start()
    _installed = True
