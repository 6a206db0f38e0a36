#!/usr/bin/env bash
# Quality benchmark of issue 14's dropout (not a unit test): a 2-layer LSTM, hidden 512, embedding 256,
# on tinyshakespeare (first 90% train, last 10% validation, validated over the whole held-out part),
# T=64, B=32, Adam 2e-3, global-norm clipping 5, for 600 s of training time, with dropout p on the
# embedding, between the layers and before the output layer (Zaremba et al. 2014). An epoch is ~490
# updates; a 2x512 LSTM run for several epochs overfits without dropout, so compare `dropout.sh 0.25`
# with the baseline `dropout.sh 0`. Prints the validation curve and the best validation loss.
# Needs `rnn train --dropout` (issue 14's CLI flags).
# Usage: bench/quality/dropout.sh [p] [seconds] [path/to/tinyshakespeare.txt]
set -euo pipefail
cd "$(dirname "$0")/../.."
p="${1:-0.25}"
seconds="${2:-600}"
data="${3:-../shared/data/tinyshakespeare.txt}"
[ -r "$data" ] || { echo "dropout.sh: cannot read $data (pass its path as the third argument)" >&2; exit 1; }
dotnet build src/Cli/RnnNative.Cli -c Release --nologo -v q -o artifacts/cli >/dev/null
mkdir -p out/quality
model="out/quality/dropout-$p.rnn"
artifacts/cli/rnn train --data "$data" --vocab char --cell lstm --layers 2 --hidden 512 --embedding 256 --dropout "$p" \
  --seq-length 64 --batch 32 --optimizer adam --lr 2e-3 --clip 5 --time "$seconds" --eval-every 100 \
  --sample-length 0 --seed 1 --checkpoint "$model" --overwrite
# The best validation loss and the validation curve (update, seconds of training, loss).
artifacts/cli/rnn info --model "$model" --curve
