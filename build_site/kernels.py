"""The WebAssembly kernel of the gallery's text model: shipped compiled, rebuilt from source.

`python -m photoseek.build_site.kernels` compiles site/kernels.wat into site/kernels.wasm
(it needs the `wasmtime` package, in the test extra); a test checks the two agree.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def kernels_wasm() -> bytes:
    """The compiled kernel, as shipped in the package."""
    return (resources.files("photoseek.site") / "kernels.wasm").read_bytes()


def compile_source(source: Path) -> bytes:
    """WebAssembly bytes from the kernel's text format."""
    try:
        import wasmtime
    except ImportError as err:
        raise SystemExit("compiling the kernel needs wasmtime: pip install wasmtime") from err
    return bytes(wasmtime.wat2wasm(source.read_text(encoding="utf-8")))


if __name__ == "__main__":
    site = Path(__file__).resolve().parents[1] / "site"
    (site / "kernels.wasm").write_bytes(compile_source(site / "kernels.wat"))
    print(f"wrote {site / 'kernels.wasm'}")
