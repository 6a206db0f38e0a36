#!/usr/bin/env bash
# Benchmarks from C (not tests): startup to first token, and per-token latency.
#   bindings/c/bench/run.sh [flavour]   (default: linux-x64-v4 if this CPU has AVX-512, else v3/v2)
# Needs the published library (bindings/c/build.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
flavour=${1:-}
if [ -z "$flavour" ]; then
  if grep -qw avx512bw /proc/cpuinfo; then flavour=linux-x64-v4; elif grep -qw avx2 /proc/cpuinfo; then flavour=linux-x64-v3; else flavour=linux-x64-v2; fi
fi
lib=$root/artifacts/native/$flavour
out=$root/artifacts/c/bench
mkdir -p "$out"
for program in first_token step_latency; do
  cc -O2 -std=gnu11 -Wall -Wextra -Werror -I"$here/../include" -o "$out/$program" "$here/$program.c" -L"$lib" -lrnnnative
done
export LD_LIBRARY_PATH=$lib
model=$out/lstm-2x256.rnn
"$out/first_token" make "$model"
"$out/first_token" run "$model" 21
"$out/step_latency" "$model" 20000
