#!/usr/bin/env bash
# The main job on the built-in default, no download: build the `rnn` CLI, train an LSTM on the
# generated addition corpus (about 45 s, with a progress bar and periodic validation), evaluate
# it, and print its answers to new sums. Outputs go to ./out/.
# Extra arguments are passed to `rnn train` (e.g. ./run.sh --time 120, or --data FILE).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build src/Cli/RnnNative.Cli -c Release --nologo -v q -o artifacts/cli >/dev/null
mkdir -p out
artifacts/cli/rnn train --checkpoint out/model.rnn --overwrite "$@"
echo
artifacts/cli/rnn info --model out/model.rnn
