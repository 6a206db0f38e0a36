#!/usr/bin/env bash
# The library exports exactly the functions rnn.h declares: `nm -D --defined-only` of the library
# (symbol versions stripped; the runtime's own DotNetRuntimeDebugHeader and the version node
# excluded) against every `RNN_API ... rnn_x(` declaration of the header.
# The function table of loader/rnn_loader.h must list the same functions.
# Usage: check_symbols.sh LIBRARY HEADER [NM]
set -euo pipefail
library=$1 header=$2 nm=${3:-nm}
loader=$(dirname "$0")/../loader/rnn_loader.h
exported=$("$nm" -D --defined-only "$library" | awk '{print $3}' | sed 's/@.*//' \
  | grep -v -x -e DotNetRuntimeDebugHeader -e 'V1\.0' -e '' | sort -u)
declared=$(grep -oE '^RNN_API [^;]*\brnn_[a-z0-9_]+\(' "$header" | grep -oE 'rnn_[a-z0-9_]+\($' | tr -d '(' | sort -u)
tabled=$(grep -oE '^    X\(rnn_[a-z0-9_]+\)' "$loader" | grep -oE 'rnn_[a-z0-9_]+' | sort -u)
if [ "$tabled" != "$declared" ]; then
  echo "symbols: the function table of rnn_loader.h and rnn.h differ (< table, > header):" >&2
  diff <(echo "$tabled") <(echo "$declared") >&2 || true
  exit 1
fi
if [ "$exported" = "$declared" ]; then
  echo "symbols: the $(echo "$declared" | wc -l) functions of rnn.h are exactly the exports (and the loader table) of $(basename "$(dirname "$library")")/$(basename "$library")"
  exit 0
fi
echo "symbols: exports and rnn.h differ (< only exported, > only declared):" >&2
diff <(echo "$exported") <(echo "$declared") >&2 || true
exit 1
