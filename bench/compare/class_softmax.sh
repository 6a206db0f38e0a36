#!/usr/bin/env bash
# Class-factored vs full softmax (issue 16, section 3): training tokens/s at V = 30,000 on a generated Zipf corpus
# (target: class >= 5x full) and validation perplexity on tinyshakespeare split into words after the same number of
# updates (target: class within 10% of full). See ClassSoftmaxProbe/Program.cs for the setup.
# Usage: bench/compare/class_softmax.sh [path/to/tinyshakespeare.txt] [speed updates, default 40] [quality updates, default 600]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-../shared/data/tinyshakespeare.txt}"
[ -r "$data" ] || { echo "class_softmax.sh: cannot read $data (pass its path as the first argument)" >&2; exit 1; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec dotnet run -c Release --project bench/compare/ClassSoftmaxProbe -- "$(realpath "$data")" "${@:2}"
