#!/usr/bin/env bash
# PyTorch's curve for the quality run (bench/quality/tinyshakespeare.sh), on this machine: the same
# data layout, model, optimizer and clipping (torch_reference.py), validated every 100 updates.
# PyTorch runs with TORCH_THREADS threads (default 1, its faster setting for this job in
# bench/compare) on OpenBLAS with cores/TORCH_THREADS threads of its own (see bench/blas.sh and
# bench/compare/README.md: PyTorch's and OpenBLAS's threads add up).
# Usage: [TORCH_THREADS=N] bench/quality/torch_reference.sh [updates] [path/to/tinyshakespeare.txt]
set -euo pipefail
cd "$(dirname "$0")/../.."
updates="${1:-2000}"
data="${2:-../shared/data/tinyshakespeare.txt}"
[ -r "$data" ] || { echo "torch_reference.sh: cannot read $data (pass its path as the second argument)" >&2; exit 1; }
source bench/blas.sh
[ -z "$COMPARE_BLAS_DIR" ] || export LD_LIBRARY_PATH="$COMPARE_BLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
threads="${TORCH_THREADS:-1}"
OPENBLAS_NUM_THREADS=$(( $(nproc) / threads > 0 ? $(nproc) / threads : 1 )) \
  exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/quality/torch_reference.py "$data" --updates "$updates" --threads "$threads"
