#!/usr/bin/env bash
# Python binding tests: publishes the native flavours when missing or stale (bindings/c/build.sh),
# runs the pytest suite with /usr/bin/python3 on every x64 flavour this CPU runs (the best one in
# full, the others on a core subset and the sequence models), then the README's install command,
# offline, into a fresh venv, and the built wheels: their tags and contents, and one installed into
# another fresh venv.
# Both venvs are used from outside the checkout. Exits non-zero on failure. About 60 s when the
# libraries are up to date.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-/usr/bin/python3}
cd "$here"

case $(uname -m) in
  x86_64) arch=x86_64 wanted=(linux-x64-v2 linux-x64-v3 linux-x64-v4) ;;
  aarch64) arch=aarch64 wanted=(linux-arm64) ;;
  *) echo "run_tests.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
"$root/bindings/c/build.sh" "${wanted[@]}"

"$python" -c "import torch, numpy" 2>/dev/null || {
  echo "run_tests.sh: the tests need numpy and PyTorch: apt-get install python3-numpy python3-torch python3-pytest" >&2; exit 1; }

failed=0
flavours=$("$python" -c "import sys; sys.path.insert(0, '.'); from rnnnative._native import flavours; print(' '.join(flavours()))")
best=${flavours%% *}
echo "== pytest, all tests, $best"
RNN_NATIVE_FLAVOUR=$best "$python" -m pytest -q -p no:cacheprovider tests || failed=1
for flavour in $flavours; do
  [ "$flavour" = "$best" ] && continue
  echo "== pytest, core tests, $flavour"
  RNN_NATIVE_FLAVOUR=$flavour "$python" -m pytest -q -p no:cacheprovider tests/test_pytorch.py \
    tests/test_api.py -k "(loads or same_seed or streaming or step_object or threshold or pytorch or torch) and not ddp" || failed=1
  RNN_NATIVE_FLAVOUR=$flavour "$python" -m pytest -q -p no:cacheprovider tests/test_tasks.py tests/test_seq2seq.py || failed=1  # a few s
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Uses the installed package from outside the checkout: the library must be the wheel's.
use_installed() {  # use_installed VENV
  (cd "$tmp" && "$1/bin/python" - <<'PY'
import rnnnative
assert "site-packages" in str(rnnnative.library_path), rnnnative.library_path
vocab = rnnnative.Vocabulary.from_text("abcabd " * 50)
with rnnnative.Model.lstm(vocab, hidden=16, seed=1) as model:
    model.train("abcabd " * 50, steps=30, seq_length=8, batch_size=4, progress=False)
    print("installed:", rnnnative.library_path, repr(model.sample(prime="ab", n=12, seed=1)))
PY
  )
}

echo "== the README's install command, offline, in a fresh venv (no system site-packages)"
if (cd "$root" && "$python" -m venv "$tmp/venv" && PIP_NO_INDEX=1 "$tmp/venv/bin/pip" install -q ./bindings/python) \
    && use_installed "$tmp/venv"; then :; else echo "run_tests.sh: pip install ./bindings/python failed" >&2; failed=1; fi

echo "== wheels: tags, contents, installed offline in a fresh venv"
# The aarch64 wheel is built too when linux-arm64 is published (bindings/c/run_tests.sh does it).
arm64=(); [ -f "$root/artifacts/native/linux-arm64/librnnnative.so" ] && arm64=(--arch aarch64)
if "$python" build_wheel.py --arch "$arch" "${arm64[@]}" --out "$tmp/wheels" && "$python" - "$tmp/wheels" <<'PY'
import pathlib, sys, zipfile
expected = {"x86_64": {"linux-x64-v2", "linux-x64-v3", "linux-x64-v4"}, "aarch64": {"linux-arm64"}}
for wheel in sorted(pathlib.Path(sys.argv[1]).glob("*.whl")):
    arch = next(a for a in expected if wheel.name.endswith(f"_{a}.whl"))
    assert "-py3-none-manylinux_2_" in wheel.name, wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    flavours = {n.split("/")[2] for n in names if n.startswith("rnnnative/_lib/") and n.endswith("/librnnnative.so")}
    assert flavours == expected[arch], (wheel.name, flavours)
    print("wheel:", wheel.name, sorted(flavours))
PY
then
  "$python" -m venv "$tmp/wheel-venv" && PIP_NO_INDEX=1 "$tmp/wheel-venv/bin/pip" install -q "$tmp"/wheels/*_"$arch".whl \
    && use_installed "$tmp/wheel-venv" || { echo "run_tests.sh: the wheel failed" >&2; failed=1; }
else echo "run_tests.sh: building or checking the wheels failed" >&2; failed=1; fi

[ $failed = 0 ] && echo "run_tests.sh: all Python tests passed" || echo "run_tests.sh: FAILED" >&2
exit $failed
