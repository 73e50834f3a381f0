"""How much runs at once, decided in one place, and overlapping slow I/O with the main thread."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and taskset set)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_workers(asked: int | None = None) -> int:
    """Worker threads or processes for a stage: `asked`, else $PHOTOSEEK_WORKERS, else the cores."""
    if asked is None:
        text = os.environ.get("PHOTOSEEK_WORKERS", "")
        asked = int(text) if text.strip().isdigit() else None
    return max(1, asked) if asked is not None else usable_cores()


def prefetch(
    fn: Callable[[T], R], items: Iterable[T], workers: int, ahead: int
) -> Iterator[tuple[T, Future[R]]]:
    """Map fn over items on worker threads, in order, never holding more than `ahead` results."""
    pending: list[tuple[T, Future[R]]] = []
    pool = ThreadPoolExecutor(workers)
    try:
        for item in items:
            pending.append((item, pool.submit(fn, item)))
            if len(pending) >= ahead:
                yield pending.pop(0)
        while pending:
            yield pending.pop(0)
    finally:
        for _, future in pending:
            future.cancel()
        # Not waiting: on an interrupt the few pictures being read finish on their own.
        pool.shutdown(wait=False, cancel_futures=True)
