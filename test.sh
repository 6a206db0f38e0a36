#!/usr/bin/env bash
# Runs every test suite of RnnNative. This is the README's test command and what CI runs.
# It installs what it needs on a fresh machine first.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

# Debian packages the suites need: PyTorch and numpy (parity oracles for the xunit and Python
# tests), pytest, and venv/setuptools/pip for the offline `pip install` test. The C suite installs
# its own cross toolchain (bindings/c/run_tests.sh).
packages=(python3-torch python3-numpy python3-pytest python3-venv python3-setuptools python3-pip)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} =="
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== xunit: engine (every kernel path this machine runs) =="
dotnet test RnnNative.sln -c Release --nologo -v q

echo
echo "== .NET packages: the engine in a new console app, the CLI as a .NET tool and a Native-AOT binary =="
tests/packaging/run_tests.sh

echo
echo "== C ABI: Native-AOT flavours (x86-64-v2/v3/v4) and linux-arm64 under qemu =="
bindings/c/run_tests.sh

echo
echo "== Python binding (ctypes) with pytest, PyTorch parity, offline pip install =="
bindings/python/run_tests.sh
