#!/usr/bin/env bash
# The addition demo's curve (issue 16, section 2; benchmark, not a test): the seq2seq defaults (LSTM 1x128 encoder and
# decoder, B=64, Adam 1e-2 with a cosine to 1e-4, clip 1) on TaskDemos.Addition (50,000 reversed Keras questions; 1,000
# held-out questions never trained on), trained for N seconds; every 500 updates the held-out exact match, greedy and
# beam 4, with the training seconds (validation excluded) and the CPU seconds the training took. Target on the 2-core
# machine: >= 99% exact match within 120 s. The budget is wall-clock seconds: run on an idle machine (uptime load below
# ~1); on a loaded one, read the CPU column. The load average and CPU are printed after the curve.
# The same run through the CLI (held-out report at the end): rnn train --task seq2seq --time 120
# Usage: bench/quality/addition.sh [seconds] [extra AdditionCurves flags, e.g. --threads 1 --hidden 256 --lr 5e-3]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-120}"
shift || true
dotnet build bench/quality/AdditionCurves -c Release --nologo -v q >/dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run --no-build -c Release --project bench/quality/AdditionCurves -- --seconds "$seconds" "$@"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), model $(grep -m1 -P '^model\t' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "CPU: $cpu, $(nproc) logical cores; load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(date -u '+%Y-%m-%d %H:%M UTC')"
