#!/usr/bin/env bash
# Runs every test suite of RnnNative. This is the README's test command and what CI runs.
# It installs what it needs on a fresh machine first.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

# The PyTorch parity tests (tests/RnnNative.Tests/PyTorch) run /usr/bin/python3 with torch and numpy.
if ! /usr/bin/python3 -c "import torch, numpy" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== installing python3-torch and python3-numpy for the PyTorch parity tests =="
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy python3-pytest >/dev/null
  else
    echo "test.sh: the PyTorch parity tests need /usr/bin/python3 with torch and numpy:" >&2
    echo "  sudo apt-get install -y python3-torch python3-numpy" >&2
  fi
fi

echo "== xunit: engine (every kernel path this machine runs) =="
dotnet test RnnNative.sln -c Release --nologo -v q

echo
echo "== C ABI: Native-AOT flavours (x86-64-v2/v3/v4) and linux-arm64 under qemu =="
bindings/c/run_tests.sh
