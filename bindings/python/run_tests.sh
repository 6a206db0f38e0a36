#!/usr/bin/env bash
# Python binding tests: publishes the native flavours when missing or stale (bindings/c/build.sh),
# bundles them into the package, runs the pytest suite with /usr/bin/python3 on every x64 flavour
# this CPU runs (the best one in full, the others on a core subset), then installs the package
# offline into a throwaway venv and uses it from outside the checkout. Exits non-zero on failure.
# About 30 s when the libraries are up to date.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-/usr/bin/python3}
cd "$here"

case $(uname -m) in
  x86_64) wanted=(linux-x64-v2 linux-x64-v3 linux-x64-v4) ;;
  aarch64) wanted=(linux-arm64) ;;
  *) echo "run_tests.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
"$root/bindings/c/build.sh" "${wanted[@]}"
./bundle_native.sh "${wanted[@]}"

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
    tests/test_api.py -k "loads or same_seed or streaming or step_object or threshold or pytorch or torch" || failed=1
done

echo "== pip install --no-build-isolation into a venv"
venv=$(mktemp -d)
trap 'rm -rf "$venv"; rm -rf "$here/build" "$here"/*.egg-info' EXIT
"$python" -m venv --system-site-packages "$venv"
if "$venv/bin/pip" install -q --no-build-isolation --no-index "$here" && (cd "$venv" && "$venv/bin/python" - <<'PY'
import rnnnative
assert "site-packages" in str(rnnnative.library_path), rnnnative.library_path
vocab = rnnnative.Vocabulary.from_text("abcabd " * 50)
with rnnnative.Model.lstm(vocab, hidden=16, seed=1) as model:
    model.train("abcabd " * 50, steps=30, seq_length=8, batch_size=4, progress=False)
    print("installed:", rnnnative.library_path, repr(model.sample(prime="ab", n=12, seed=1)))
PY
); then :; else echo "run_tests.sh: the installed package failed" >&2; failed=1; fi

[ $failed = 0 ] && echo "run_tests.sh: all Python tests passed" || echo "run_tests.sh: FAILED" >&2
exit $failed
