"""A built gallery served as users serve it: files with the modes `cp` would give under the
user's umask, read by a real nginx whose workers run as another user (www-data)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from photoseek import samples

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKER_USER = "www-data"


def _build(base: Path, umask: int) -> tuple[Path, Path]:
    """A site and its library built under `umask`, in a folder any user may enter."""
    pics = base / "pics"
    pics.mkdir()
    samples.picture(0, (1800, 1200)).save(pics / "wide.jpg", quality=90)
    for seed in range(1, 4):
        samples.picture(seed, (400, 300)).save(pics / f"p{seed}.jpg", quality=90)
    site = base / "site"
    command = [sys.executable, "-m", "photoseek", "build", str(pics), "--out", str(site),
               "--model", "colour", "--no-ocr"]  # fmt: skip
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(umask),  # noqa: PLW1509 - a child of its own, no threads
    )
    assert done.returncode == 0, done.stderr
    return site, base / "site-library"


@pytest.fixture
def public_folder():
    """A folder under /tmp that other users may enter, as /var/www would be."""
    base = Path(tempfile.mkdtemp(prefix="photoseek-publish-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _modes(root: Path) -> tuple[set[int], set[int]]:
    files, folders = set(), set()
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        (folders if path.is_dir() else files).add(mode)
    return files, folders


@pytest.mark.parametrize(("umask", "modes"), [(0o022, (0o644, 0o755)), (0o027, (0o640, 0o750))])
def test_files_and_folders_get_the_modes_cp_would_give(public_folder, umask, modes):
    site, library = _build(public_folder, umask)
    for root in (site, library):
        files, folders = _modes(root)
        assert files == {modes[0]}, (root, sorted(oct(m) for m in files))
        assert folders == {modes[1]}, (root, sorted(oct(m) for m in folders))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _worker_users(master: int) -> set[int]:
    """The user ids of the master's children (nginx's workers)."""
    users = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["PPid"]) == master:
            users.add(int(fields["Uid"].split()[0]))
    return users


def test_a_real_web_server_running_as_another_user_serves_every_file(public_folder):
    if os.geteuid() != 0:
        pytest.skip("nginx can run its workers as www-data only when started by root")
    assert Path(NGINX).is_file(), "nginx is not installed (apt-get install nginx)"
    site, _ = _build(public_folder, 0o022)
    port = _free_port()
    prefix = Path(tempfile.mkdtemp(prefix="photoseek-nginx-"))
    (prefix / "nginx.conf").write_text(
        f"""user {WORKER_USER};
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
    }}
}}
"""
    )
    server = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
                )
                time.sleep(0.1)
        assert _worker_users(server.pid) == {pwd.getpwnam(WORKER_USER).pw_uid}
        files = [p for p in site.rglob("*") if p.is_file()]
        assert len(files) > 40
        # Straight to the server: a proxy named in the environment must not answer for it.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        refused = {}
        for path in files:
            relative = urllib.parse.quote(path.relative_to(site).as_posix())
            try:
                with opener.open(f"http://127.0.0.1:{port}/{relative}", timeout=10) as r:
                    if r.status != 200 or r.read() != path.read_bytes():
                        refused[relative] = r.status
            except urllib.error.HTTPError as err:
                refused[relative] = err.code
        assert refused == {}, f"{len(refused)} of {len(files)} files not served: {refused}"
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(prefix, ignore_errors=True)
