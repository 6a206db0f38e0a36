#!/usr/bin/env bash
# Copies the published flavours (artifacts/native/<flavour>/librnnnative.so, from
# bindings/c/build.sh) into rnnnative/_lib/<flavour>/ so `pip install ./bindings/python` ships
# them inside the package. The copies are .gitignored. Usage: bundle_native.sh [flavour...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
native=$here/../../artifacts/native
flavours=("$@")
if [ ${#flavours[@]} -eq 0 ]; then
  for dir in "$native"/*/; do [ -f "$dir/librnnnative.so" ] && flavours+=("$(basename "$dir")"); done
fi
[ ${#flavours[@]} -gt 0 ] || { echo "bundle_native.sh: nothing in $native; run bindings/c/build.sh" >&2; exit 1; }
rm -rf "$here/rnnnative/_lib"
for flavour in "${flavours[@]}"; do
  mkdir -p "$here/rnnnative/_lib/$flavour"
  cp "$native/$flavour/librnnnative.so" "$here/rnnnative/_lib/$flavour/"
  echo "bundle_native.sh: $flavour"
done
