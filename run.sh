#!/usr/bin/env bash
# The main job on the built-in default, no download: build the `rnn` CLI, train the seq2seq addition demo
# (an LSTM encoder-decoder on 50,000 generated questions "535+61" -> "596", about a minute, with a progress
# bar and periodic validation), then print its exact match on 1,000 held-out questions it never saw, with
# greedy and with beam decoding, and a few of its answers. Outputs go to ./out/.
# Extra arguments are passed to `rnn train --task seq2seq` (e.g. ./run.sh --time 120, or --data pairs.tsv).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build src/Cli/RnnNative.Cli -c Release --nologo -v q -o artifacts/cli >/dev/null
mkdir -p out
artifacts/cli/rnn train --task seq2seq --checkpoint out/model.rnn --overwrite "$@"
echo
artifacts/cli/rnn info --model out/model.rnn
