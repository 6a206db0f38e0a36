#!/usr/bin/env bash
# Side-by-side benchmark of RnnNative against PyTorch, libtorch, ONNX Runtime and numpy (issues 6 and 17); see README.md.
# Usage: bench/compare/run.sh [--quick] [--rounds N]   (PyTorch, libtorch, ONNX Runtime, numpy); writes bench/compare/results.md
#   --rounds N: every side measured N times, rounds interleaved, each row keeping each side's best (a shared host's bursts of load).
set -euo pipefail
cd "$(dirname "$0")/../.."
usage() { echo "usage: bench/compare/run.sh [--quick] [--rounds N]" >&2; exit 2; }
args=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --quick) shift ;;
    --rounds) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage; shift 2 ;;
    *) usage ;;
  esac
done
# The binding loads the best flavour this CPU runs: AVX-512 (v4) or AVX2 (v3); build.sh reuses fresh ones.
# The host's load before this run's own builds and rows (which raise the load average themselves).
RNN_BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg); export RNN_BENCH_LOAD_BEFORE
bindings/c/build.sh linux-x64-v3 linux-x64-v4

# OpenBLAS for PyTorch and numpy when the system BLAS is the reference one (see bench/blas.sh).
source bench/blas.sh
COMPARE_COMMAND="bench/compare/run.sh${args[*]:+ ${args[*]}}" exec /usr/bin/python3 bench/compare/compare.py "${args[@]}"
