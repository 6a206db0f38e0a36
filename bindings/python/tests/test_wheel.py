"""build_wheel.py: one wheel per architecture, tagged for it, holding only its libraries, with a RECORD
that pip verifies. Stand-in libraries (the version strings the tag is read from) keep this fast;
run_tests.sh installs the real wheel into a fresh venv."""
import base64
import csv
import hashlib
import io
import zipfile

import pytest

import build_wheel
import rnnnative


def publish(native, flavour, glibc_versions):
    folder = native / flavour
    folder.mkdir(parents=True)
    needs = b"\0".join(b"GLIBC_2.%d" % v for v in glibc_versions)
    (folder / "librnnnative.so").write_bytes(b"\x7fELF " + flavour.encode() + b"\0" + needs + b"\0")


@pytest.fixture
def native(tmp_path):
    native = tmp_path / "native"
    for flavour in ("linux-x64-v2", "linux-x64-v3", "linux-x64-v4"):
        publish(native, flavour, (2, 17, 28, 14))
    publish(native, "linux-arm64", (17, 34))
    return native


def read_wheel(path):
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("arch, tag, flavours", [
    ("x86_64", "py3-none-manylinux_2_28_x86_64", {"linux-x64-v2", "linux-x64-v3", "linux-x64-v4"}),
    ("aarch64", "py3-none-manylinux_2_34_aarch64", {"linux-arm64"}),
])
def test_a_wheel_holds_the_libraries_of_its_architecture_only_and_says_so_in_its_tag(tmp_path, native, arch, tag, flavours):
    wheel = build_wheel.build(arch, native, tmp_path / "out")
    version = rnnnative.__version__
    assert wheel.name == f"rnnnative-{version}-{tag}.whl"
    files = read_wheel(wheel)
    info = f"rnnnative-{version}.dist-info"
    assert f"Tag: {tag}\n" in files[f"{info}/WHEEL"].decode() and "Root-Is-Purelib: false" in files[f"{info}/WHEEL"].decode()
    assert f"Version: {version}\n" in files[f"{info}/METADATA"].decode()
    libraries = {name.split("/")[2] for name in files if name.startswith("rnnnative/_lib/")}
    assert libraries == flavours
    for flavour in flavours:
        assert files[f"rnnnative/_lib/{flavour}/librnnnative.so"].startswith(b"\x7fELF " + flavour.encode())
    assert {"rnnnative/__init__.py", "rnnnative/_native.py", "rnnnative/py.typed"} <= set(files)
    assert not any("__pycache__" in name or name.startswith("tests/") for name in files)

    rows = list(csv.reader(io.StringIO(files[f"{info}/RECORD"].decode())))
    assert sorted(row[0] for row in rows) == sorted(files) and rows[-1] == [f"{info}/RECORD", "", ""]
    for name, digest, size in rows[:-1]:
        expected = base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).rstrip(b"=").decode()
        assert digest == f"sha256={expected}" and int(size) == len(files[name]), name


def test_a_wheel_is_reproducible_and_refuses_missing_libraries(tmp_path, native):
    first = build_wheel.build("x86_64", native, tmp_path / "a").read_bytes()
    assert build_wheel.build("x86_64", native, tmp_path / "b").read_bytes() == first
    (native / "linux-x64-v3" / "librnnnative.so").unlink()
    with pytest.raises(build_wheel.BuildError, match=r"linux-x64-v3/librnnnative.so: run bindings/c/build.sh"):
        build_wheel.build("x86_64", native, tmp_path / "c")
    assert build_wheel.main(["--native", str(native), "--out", str(tmp_path / "d")]) == 0  # aarch64 only now
    assert [p.name for p in (tmp_path / "d").iterdir()] == [f"rnnnative-{rnnnative.__version__}-py3-none-manylinux_2_34_aarch64.whl"]
