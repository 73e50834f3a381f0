"""Folders photoseek owns, in-process: markers, emptiness, containment, whole files with the
modes `cp` gives, and the one writer's lock. Fast, for a mutation tester."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys

import pytest

from photoseek import ownership


def test_markers_are_photoseeks_own_json_objects(tmp_path):
    assert ownership.read_marker(tmp_path, "m") is None
    ownership.write_marker(tmp_path, "m", {"kind": "site"})
    assert json.loads((tmp_path / "m").read_text()) == {"photoseek": True, "kind": "site"}
    assert ownership.read_marker(tmp_path, "m") == {"photoseek": True, "kind": "site"}
    for foreign in ('{"kind": "site"}', '{"photoseek": false}', "[1]", "not json", "\xff"):
        (tmp_path / "m").write_text(foreign)
        assert ownership.read_marker(tmp_path, "m") is None, foreign


def test_emptiness_containment_and_overlap(tmp_path):
    assert ownership.is_empty(tmp_path / "missing") and ownership.is_empty(tmp_path)
    (tmp_path / "a").mkdir()
    assert not ownership.is_empty(tmp_path)
    assert ownership.inside(tmp_path / "a", tmp_path) and ownership.inside(tmp_path, tmp_path)
    assert not ownership.inside(tmp_path, tmp_path / "a")
    assert ownership.contained(tmp_path, "a/b.html") == tmp_path / "a" / "b.html"
    (tmp_path / "a" / "out").symlink_to("/etc")
    for escape in ("../x", "/etc/passwd", "a/out/passwd"):
        with pytest.raises(ownership.OwnershipError, match="not inside"):
            ownership.contained(tmp_path, escape)


def test_whole_files_get_the_mode_cp_gives_under_the_umask(tmp_path):
    target = tmp_path / "deep" / "file.txt"
    ownership.write_whole(target, b"one")
    ownership.write_whole(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"], "no part left"
    assert stat.S_IMODE(target.stat().st_mode) == ownership.file_mode()
    for mask, mode in ((0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)):
        script = (
            "import os, stat, sys; from pathlib import Path; from photoseek import ownership;"
            f"os.umask({mask}); p = Path(sys.argv[1]); ownership.write_whole(p, b'x');"
            "print(oct(stat.S_IMODE(p.stat().st_mode)), oct(ownership.file_mode()))"
        )
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path / f"m{mask}")],
                              capture_output=True, text=True, check=True)  # fmt: skip
        assert done.stdout.split() == [oct(mode), oct(mode)]


def test_the_umask_is_read_where_proc_cannot_tell_it(tmp_path, monkeypatch):
    ownership._umask.cache_clear()
    monkeypatch.setattr(ownership, "Path", lambda _p: tmp_path / "no-proc")
    try:
        before = os.umask(0o027)
        try:
            assert ownership.file_mode() == 0o640
            assert os.umask(before) == 0o027, "the umask is left as it was"
        finally:
            os.umask(before)
    finally:
        ownership._umask.cache_clear()


def test_one_writer_holds_the_lock_and_names_its_process(tmp_path):
    lock = ownership.WriterLock(tmp_path, "site")
    assert (tmp_path / ownership.LOCK_NAME).read_text().startswith(f"pid {os.getpid()}: photoseek")
    other = subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from photoseek import ownership;"
         "ownership.WriterLock(Path(sys.argv[1]), 'site')", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert other.returncode == 1
    assert f"{tmp_path} is in use by another photoseek (pid {os.getpid()}" in other.stderr
    assert "Only one run may write to a site at a time." in other.stderr
    lock.release()
    lock.release()
    again = ownership.WriterLock(tmp_path, "site")
    again.release()


def test_a_whole_file_may_start_a_new_folder_tree(tmp_path):
    ownership.write_whole(tmp_path / "a" / "b" / "c.txt", b"x")
    assert (tmp_path / "a" / "b" / "c.txt").read_bytes() == b"x"


def test_the_lock_names_the_command_never_its_arguments(tmp_path):
    script = (
        "import os, sys; from pathlib import Path; from photoseek import ownership;"
        "lock = ownership.WriterLock(Path(os.environ['FOLDER']), 'site');"
        "print(Path(os.environ['FOLDER'], ownership.LOCK_NAME).read_text());"
        "lock.release(); lock.release(); print('still writing')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "site", "--out", "/home/ana/secret"],
        capture_output=True, text=True, check=True, env={**os.environ, "FOLDER": str(tmp_path)},
    )  # fmt: skip
    held, after = done.stdout.splitlines()
    assert re.fullmatch(r"pid \d+: photoseek site", held), held
    # Released twice, the second time closes nothing: the process still writes its output.
    assert after == "still writing"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / ownership.LOCK_NAME).stat().st_mode) == 0o644 & ~mask
