"""Builds rnnnative's platform wheels offline, with the standard library only.

The package is pure Python over librnnnative, a native library built per CPU architecture, so a
wheel holds the library flavours of one architecture and is tagged for it:
    x86_64   linux-x64-v2, linux-x64-v3, linux-x64-v4   (the loader picks the best this CPU runs)
    aarch64  linux-arm64
as rnnnative/_lib/<flavour>/librnnnative.so, taken from artifacts/native/<flavour>/ (published by
bindings/c/build.sh). The tag is py3-none-manylinux_2_<N>_<arch>: any Python 3 (ctypes, no
extension module) on a glibc at least as new as the newest symbol version the libraries need.

    python3 bindings/python/build_wheel.py [--arch x86_64|aarch64]... [--native DIR] [--out DIR]
        default: every architecture whose flavours are all published; out: artifacts/wheels/

This file is also the PEP 517 build backend of pyproject.toml (no build requirements), so
`pip install ./bindings/python` in a fresh venv builds and installs this machine's wheel without
setuptools, wheel or a network.
"""
from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import platform
import re
import sys
import zipfile
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "rnnnative"
NATIVE = HERE.parent.parent / "artifacts" / "native"
OUT = HERE.parent.parent / "artifacts" / "wheels"
LIBRARY = "librnnnative.so"
FLAVOURS: Dict[str, Tuple[str, ...]] = {
    "x86_64": ("linux-x64-v2", "linux-x64-v3", "linux-x64-v4"),
    "aarch64": ("linux-arm64",),
}
SUMMARY = ("Train and sample recurrent (LSTM, GRU, Elman) language models, taggers, classifiers and regressors "
           "on the CPU: Python binding of librnnnative")
EXTRAS = {"progress": ["tqdm"], "tasks": ["numpy"], "torch": ["torch"], "test": ["pytest", "numpy", "torch"]}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same inputs give the same wheel, byte for byte


class BuildError(Exception):
    """A wheel cannot be built (missing libraries, unknown architecture); the message says why."""


def version() -> str:
    """The package version, from rnnnative/__init__.py (its one definition)."""
    match = re.search(r'^__version__ = "([^"]+)"$', (PACKAGE / "__init__.py").read_text(), re.M)
    if not match:
        raise BuildError(f"{PACKAGE / '__init__.py'}: no __version__ line")
    return match.group(1)


def machine() -> str:
    """This machine's wheel architecture (x86_64 or aarch64)."""
    name = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(name, name)


def libraries(arch: str, native: Path) -> List[Path]:
    """The library of every flavour of `arch`; BuildError naming the missing ones."""
    if arch not in FLAVOURS:
        raise BuildError(f"no rnnnative libraries for {arch}: architectures are {', '.join(FLAVOURS)}")
    paths = [native / flavour / LIBRARY for flavour in FLAVOURS[arch]]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise BuildError(f"the {arch} wheel needs {', '.join(missing)}: run bindings/c/build.sh "
                         f"{' '.join(FLAVOURS[arch])}")
    return paths


def glibc_minor(paths: Iterable[Path]) -> int:
    """N of the newest GLIBC_2.N symbol version the libraries need. The version names sit in the
    ELF's dynamic string table, the only place a shared library spells GLIBC_2.<N>."""
    versions = [int(m) for p in paths for m in re.findall(rb"GLIBC_2\.(\d+)", p.read_bytes())]
    if not versions:
        raise BuildError(f"{', '.join(map(str, paths))}: no GLIBC symbol versions (not glibc libraries?)")
    return max(versions)


def tag(arch: str, paths: List[Path]) -> str:
    return f"py3-none-manylinux_2_{glibc_minor(paths)}_{arch}"


def metadata(ver: str) -> str:
    lines = ["Metadata-Version: 2.1", "Name: rnnnative", f"Version: {ver}", f"Summary: {SUMMARY}",
             "Requires-Python: >=3.9"]
    for extra, requirements in EXTRAS.items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in requirements]
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + (HERE / "README.md").read_text()


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build(arch: str, native: Path = NATIVE, out: Path = OUT) -> Path:
    """Writes the wheel of `arch` into `out` and returns its path."""
    paths = libraries(arch, native)
    ver, wheel_tag = version(), tag(arch, paths)
    dist_info = f"rnnnative-{ver}.dist-info"
    files: List[Tuple[str, bytes]] = [(f"rnnnative/{p.name}", p.read_bytes())
                                      for p in sorted(PACKAGE.iterdir()) if p.suffix == ".py" or p.name == "py.typed"]
    files += [(f"rnnnative/_lib/{p.parent.name}/{LIBRARY}", p.read_bytes()) for p in paths]
    files.append((f"{dist_info}/METADATA", metadata(ver).encode()))
    files.append((f"{dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: rnnnative build_wheel.py\n"
                                         f"Root-Is-Purelib: false\nTag: {wheel_tag}\n").encode()))
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    writer.writerows((name, _record_hash(data), len(data)) for name, data in files)
    writer.writerow((f"{dist_info}/RECORD", "", ""))
    files.append((f"{dist_info}/RECORD", record.getvalue().encode()))

    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"rnnnative-{ver}-{wheel_tag}.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return wheel


# -- PEP 517 backend (pyproject.toml: build-backend = "build_wheel") ------------------------------

def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None, metadata_directory: Optional[str] = None) -> str:
    """pip install ./bindings/python: the wheel of this machine's architecture."""
    try:
        return build(machine(), NATIVE, Path(wheel_directory)).name
    except BuildError as e:
        raise SystemExit(f"rnnnative: {e}") from None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Builds rnnnative's platform wheels (offline, standard library only).")
    parser.add_argument("--arch", action="append", choices=sorted(FLAVOURS),
                        help="an architecture to build (repeatable); default: every one whose libraries are published")
    parser.add_argument("--native", type=Path, default=NATIVE, help=f"the published flavours (default {NATIVE})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the wheels go (default {OUT})")
    args = parser.parse_args(argv)
    arches = args.arch or [a for a, flavours in FLAVOURS.items()
                           if all((args.native / f / LIBRARY).is_file() for f in flavours)]
    if not arches:
        print(f"build_wheel.py: no architecture has all its flavours in {args.native}: run bindings/c/build.sh",
              file=sys.stderr)
        return 1
    try:
        for arch in arches:
            print(build(arch, args.native, args.out))
    except BuildError as e:
        print(f"build_wheel.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
