#!/usr/bin/env bash
# Publishes every flavour of librnnnative (Native AOT) into artifacts/native/<flavour>/:
#   linux-x64-v2  x86-64-v2 (SSE4.2, POPCNT)       kernels: v128
#   linux-x64-v3  x86-64-v3 (AVX2, FMA, BMI2)      kernels: avx2
#   linux-x64-v4  x86-64-v4 (AVX-512 F/BW/CD/DQ/VL) kernels: avx512
#   linux-arm64   armv8-a (NEON), cross-compiled with clang     kernels: v128
# Under Native AOT the IsSupported checks are constants fixed by IlcInstructionSet, so each ISA
# level is its own build; rnn_loader.c picks the best one at run time.
# Usage: build.sh [flavour...]  (default: all). A flavour newer than every engine and export
# source is reused as is; FORCE=1 republishes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
project=$root/src/Native/RnnNative.Native/RnnNative.Native.csproj
flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(linux-x64-v2 linux-x64-v3 linux-x64-v4 linux-arm64)

up_to_date() {
  local library=$1
  [ "${FORCE:-0}" != 1 ] && [ -f "$library" ] && [ -z "$(find "$root/src/Managed" "$root/src/Native" "$root/Directory.Build.props" \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -newer "$library" -print -quit)" ]
}

# Programs linked against a flavour record its SONAME (librnnnative.so.<major>, see the csproj):
# a link by that name next to the library lets them run from here with LD_LIBRARY_PATH.
link_soname() {
  local soname
  soname=$(readelf -d "$1/librnnnative.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
  [ -z "$soname" ] || ln -sfn librnnnative.so "$1/$soname"
}

for flavour in "${flavours[@]}"; do
  case $flavour in
    linux-x64-v2) args=(-r linux-x64 -p:IlcInstructionSet=x86-64-v2) ;;
    linux-x64-v3) args=(-r linux-x64 -p:IlcInstructionSet=x86-64-v3) ;;
    linux-x64-v4) args=(-r linux-x64 -p:IlcInstructionSet=x86-64-v4) ;;
    # Cross-compiling: clang targets aarch64 and finds the Debian cross toolchain and sysroot
    # (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross); llvm-objcopy strips the ARM64 ELF.
    linux-arm64) args=(-r linux-arm64 -p:CppCompilerAndLinker=clang -p:ObjCopyName=llvm-objcopy) ;;
    *) echo "build.sh: unknown flavour '$flavour'" >&2; exit 2 ;;
  esac
  out=$root/artifacts/native/$flavour
  if up_to_date "$out/librnnnative.so"; then
    echo "build.sh: $flavour is up to date"
    link_soname "$out"
    continue
  fi
  echo "build.sh: publishing $flavour"
  start=$SECONDS
  # Each flavour compiles and links in its own folders: ILC's incremental build does not track the
  # instruction set, so a shared obj/ would hand one flavour's code to another, and a shared bin/
  # (where the linked library lands before it is copied to $out) would let a flavour whose own
  # objects are up to date publish the library another flavour linked last.
  dotnet publish "$project" -c Release "${args[@]}" --nologo -v q \
    -p:IntermediateOutputPath="$root/artifacts/obj/$flavour/" -p:OutputPath="$root/artifacts/bin/$flavour/" -o "$out"
  rm -f "$out"/*.pdb "$out"/*.xml
  link_soname "$out"
  echo "build.sh: $flavour published in $((SECONDS - start)) s"
done
