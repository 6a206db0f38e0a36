#!/usr/bin/env bash
# A/B of RnnNative's training and sampling rows against another checkout, e.g. the version before a
# restructuring (issue 14: "no LSTM or Elman row slower than before, interleaved runs"); see README.md.
# Usage: bench/compare/ab.sh OLD_CHECKOUT [--repeats N] [--quick] [--cells lstm,elman]
#   Builds both checkouts' libraries (build.sh reuses fresh ones; each writes into its own checkout),
#   then runs `compare.py ours` N times per side (default 3), alternating, and prints per-row medians
#   and new/old. Rows default to the cells a 0.2.0 build has (lstm, elman).
#   RNN_NATIVE_FLAVOUR=linux-x64-v4 builds and loads that flavour only (default: v3 and v4, as run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] && [ -d "$1/bindings/python/rnnnative" ] || { echo "usage: bench/compare/ab.sh OLD_CHECKOUT [--repeats N] [--quick]" >&2; exit 2; }
old=$(cd "$1" && pwd)
shift
# RNN_LIB_PATH would make both sides load the same file.
[ -z "${RNN_LIB_PATH:-}" ] || { echo "ab.sh: unset RNN_LIB_PATH (each side loads its own checkout's library)" >&2; exit 2; }
read -ra flavours <<< "${RNN_NATIVE_FLAVOUR:-linux-x64-v3 linux-x64-v4}"
bindings/c/build.sh "${flavours[@]}"
"$old/bindings/c/build.sh" "${flavours[@]}"
exec /usr/bin/python3 bench/compare/compare.py ab --old "$old/bindings/python" --cells lstm,elman "$@"
