#!/usr/bin/env bash
# The adding problem's curves (issue 15, section 5; benchmark, not a test): IRNN (ReLU Elman, identity init),
# LSTM, GRU and tanh Elman, 1 layer x 100 units (Le et al. 2015), regressors on TaskDemos.Adding (10000 training
# sequences, seed 1; test MSE on 1000 held-out sequences, seed 2, every 200 updates), batch 32, global-norm clip 1,
# each for up to 300 s of training time, at T = 100 and 200. Settings per network: bench/quality/AddingCurves/Contender.cs.
# Target on the 2-core machine: at T = 100 an IRNN or an LSTM reaches test MSE < 0.01 within 300 s (the mean
# predictor's MSE is 1/6). Run on an idle machine (uptime load below ~1): the budget is seconds of training.
# Writes out/adding/adding-T{100,200}.{csv,svg} and summary.txt; the load average and CPU go to the summary too.
# One network through the CLI instead (the same engine path, TaskTraining; it holds out 10% of the 10000 rather than
# a separate test set), e.g. the IRNN: rnn train --task regress --timesteps 100 --cell elman --activation relu
#   --init identity --hidden 100 --layers 1 --batch 32 --optimizer adam --lr 3e-4 --clip 1 --time 300 --threads 2
# Usage: bench/quality/adding.sh [seconds] [extra AddingCurves flags, e.g. --timesteps 100 --lr irnn=1e-4]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-300}"
shift || true
dotnet build bench/quality/AddingCurves -c Release --nologo -v q >/dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run --no-build -c Release --project bench/quality/AddingCurves -- --seconds "$seconds" --out out/adding "$@"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), model $(grep -m1 -P '^model\t' /proc/cpuinfo | cut -d: -f2 | xargs)"
note="CPU: $cpu, $(nproc) logical cores; load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$note" | tee -a out/adding/summary.txt
