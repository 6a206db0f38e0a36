#!/usr/bin/env bash
# The .NET front doors installed exactly as the README says, from freshly packed packages:
#   - the engine: RnnNative.nupkg consumed by a new console app (dotnet new console), offline;
#   - the CLI as a .NET tool (dotnet tool install from the local package folder);
#   - the CLI as one self-contained Native-AOT binary (dotnet publish -p:PublishAot=true).
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=$work/packages
passed=0 failed=0

check() { # check NAME COMMAND...: runs the command, its output in $work/NAME.log
  local name=$1; shift
  if "$@" >"$work/$name.log" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$work/$name.log" | tail -30
  fi
}

expect() { # expect NAME PATTERN: the last check's log contains the extended regex PATTERN
  if grep -Eq -- "$2" "$work/$1.log"; then
    passed=$((passed + 1)); echo "ok   $1 shows /$2/"
  else
    failed=$((failed + 1)); echo "FAIL $1 lacks /$2/"; sed 's/^/     /' "$work/$1.log" | tail -30
  fi
}

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
corpus=$work/corpus.txt
for _ in $(seq 80); do printf 'the cat sat on the mat. the dog sat on the log. '; done >"$corpus"

check pack-engine dotnet pack "$root/src/Managed/RnnNative" -c Release -o "$packages" --nologo
check pack-cli dotnet pack "$root/src/Cli/RnnNative.Cli" -c Release -o "$packages" --nologo

# A package cache of its own: a re-packed $version must never be served from an older copy.
export NUGET_PACKAGES=$work/nuget-cache

# The CLI as a .NET tool.
check tool-install dotnet tool install --tool-path "$work/tools" --add-source "$packages" RnnNative.Cli --version "$version"
check tool-version "$work/tools/rnn" --version
expect tool-version "^rnn $version"
check tool-train "$work/tools/rnn" train --data "$corpus" --checkpoint "$work/tool.rnn" --hidden 16 --embedding 8 \
  --seq-length 16 --batch 4 --updates 20 --eval-every 10 --sample-length 0 --lr 0.01 -s 3
check tool-sample "$work/tools/rnn" sample -m "$work/tool.rnn" -p "the " -n 30 -s 5 --temp 0.5
expect tool-sample "^the "
expect tool-train "validation loss"

# The engine as a package in a new console app, restored from the local folder only.
app=$work/app
check new-console dotnet new console -o "$app" -n Consumer --no-restore
cat >"$app/nuget.config" <<CONFIG
<configuration><packageSources><clear /><add key="local" value="$packages" /></packageSources></configuration>
CONFIG
cp "$root/tests/packaging/ConsumerProgram.cs" "$app/Program.cs"
check add-package dotnet add "$app" package RnnNative --version "$version"
check consumer-run dotnet run --project "$app" -c Release
expect consumer-run "^updates 60$"
expect consumer-run '^sample "the '
# The package's buildTransitive props reached the app's runtime settings.
check consumer-runtimeconfig grep -q '"System.Runtime.TieredCompilation.QuickJitForLoops": false' "$app/bin/Release/net10.0/Consumer.runtimeconfig.json"
# The README's .NET example compiles against the package as printed.
readme_app=$work/readme-app
mkdir -p "$readme_app" && cp "$app/Consumer.csproj" "$app/nuget.config" "$readme_app/"
awk '/^## Using the engine from .NET/ { section = 1 } section && /^```csharp/ { code = 1; next }
     code && /^```/ { exit } code { print }' "$root/README.md" >"$readme_app/Program.cs"
check readme-example-builds dotnet build "$readme_app" -c Release --nologo
unset NUGET_PACKAGES

# The CLI as one Native-AOT binary, with the README's command, in an intermediate folder of its own
# (ILC's incremental build does not track the instruction set). It must be AOT-clean: no IL/trim warnings.
check aot-publish dotnet publish "$root/src/Cli/RnnNative.Cli" -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=native \
  -p:IntermediateOutputPath="$work/aot-obj/" -o "$work/dist" --nologo
check aot-clean bash -c "! grep -E 'warning (IL|CS)[0-9]' '$work/aot-publish.log'"
check aot-version "$work/dist/rnn" --version
# Compiled for this CPU, the binary runs the same kernel path as the JIT-compiled tool.
expect aot-version "$(grep -o 'kernel path: [a-z0-9]*' "$work/tool-version.log")"
check aot-sample "$work/dist/rnn" sample -m "$work/tool.rnn" -p "the " -n 30 -s 5 --temp 0.5
check aot-same-sample cmp "$work/tool-sample.log" "$work/aot-sample.log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
