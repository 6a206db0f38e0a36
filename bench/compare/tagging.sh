#!/usr/bin/env bash
# The tagging row (issue 15): a bidirectional LSTM 1x256 tagger's training speed, RnnNative (TaggingProbe)
# against PyTorch packed (sorted, unsorted) and padded, with 1 and 2 threads; see tagging_torch.py.
# Usage: bench/compare/tagging.sh [--quick]   (--quick: fewer updates, noisier)
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in ""|--quick) ;; *) echo "usage: bench/compare/tagging.sh [--quick]" >&2; exit 2 ;; esac
# OpenBLAS for PyTorch when the system BLAS is the reference one (see bench/blas.sh).
source bench/blas.sh
exec /usr/bin/python3 bench/compare/tagging_torch.py "$@"
