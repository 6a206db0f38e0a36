#!/usr/bin/env bash
# Tests of the C ABI: installs missing tools (apt, idempotent), publishes the library flavours
# (reusing up-to-date ones), builds the C tests, the example and the cross-flavour tool, and runs
#   - the symbol check (exports == rnn.h) for every flavour,
#   - the C test suite against each x64 flavour this CPU can run, asserting its kernel path
#     (v2 -> v128, v3 -> avx2, v4 -> avx512), and again with RNN_KERNEL=bogus,
#   - the install (cmake --install into a prefix that is then moved): SONAME and links, the example
#     built through pkg-config and through CMake's find_package, the C++ wrapper's tests (rnn.hpp),
#     the loader with the installed flavours; no installed file or program names the clone,
#   - cross-flavour agreement: every flavour's logits of one saved model within 1e-4 relative,
#   - all of it for linux-arm64 under qemu-aarch64-static, asserting the NEON (v128) path.
# Prints "N passed, N failed" last and exits non-zero on any failure. SKIP_ARM64=1 skips ARM64.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
native=$root/artifacts/native
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

section() { echo; echo "== $* =="; }
record() {  # record NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}

# --- tools ------------------------------------------------------------------------------------
packages=(make cmake gcc g++ pkgconf binutils clang lld llvm gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  section "installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" || { echo "run_tests.sh: apt-get failed" >&2; exit 1; }
fi

# --- publish ----------------------------------------------------------------------------------
flavours=(linux-x64-v2 linux-x64-v3 linux-x64-v4)
[ "${SKIP_ARM64:-0}" = 1 ] || flavours+=(linux-arm64)
section "publish ${flavours[*]}"
"$here/build.sh" "${flavours[@]}" || { echo "run_tests.sh: publishing failed" >&2; echo "0 passed, 1 failed"; exit 1; }

# Runs the C suite; adds its "N passed, N failed" to the totals.
run_suite() {  # run_suite LABEL COMMAND...
  local label=$1; shift
  local log=$tmp/suite.log
  "$@" 2>&1 | tee "$log" | sed 's/^/  /'
  local line; line=$(tail -n 1 "$log")
  if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
    echo "$label: $line"
  else
    failed=$((failed + 1)); echo "FAIL $label: the suite did not finish (crash?)"
  fi
}

cpu_has() { grep -qw "$1" /proc/cpuinfo; }
can_run() {
  case $1 in
    linux-x64-v2) cpu_has sse4_2 && cpu_has popcnt ;;
    linux-x64-v3) cpu_has avx2 && cpu_has fma && cpu_has bmi2 ;;
    linux-x64-v4) cpu_has avx512f && cpu_has avx512bw && cpu_has avx512cd && cpu_has avx512dq && cpu_has avx512vl ;;
  esac
}
expected_kernel() { case $1 in linux-x64-v2) echo v128 ;; linux-x64-v3) echo avx2 ;; linux-x64-v4) echo avx512 ;; linux-arm64) echo v128 ;; esac; }

# --- x64 --------------------------------------------------------------------------------------
section "headers"
printf '#include "rnn.h"\n#include "rnn_loader.h"\nint main(void) { return 0; }\n' > "$tmp/headers.c"
cc -std=c99 -Wall -Wextra -pedantic -Werror -I"$here/include" -fsyntax-only -x c - <<< '#include "rnn.h"' \
  && cc -std=c11 -Wall -Wextra -Werror -I"$here/include" -I"$here/loader" -fsyntax-only "$tmp/headers.c" \
  && c++ -std=c++11 -Wall -Wextra -pedantic -Werror -I"$here/include" -I"$here/loader" -fsyntax-only -x c++ "$tmp/headers.c" \
  && c++ -std=c++20 -Wall -Wextra -pedantic -Werror -I"$here/include" -fsyntax-only -x c++ - <<< '#include "rnn.hpp"'
record "rnn.h compiles as C99, rnn.h + rnn_loader.h as C11 and C++11, rnn.hpp as C++20" $?

section "build C tests (x64)"
build=$root/artifacts/c/x64
make -s -C "$here/tests" LIBDIR="$native/linux-x64-v2" BUILD="$build" || { echo "0 passed, 1 failed"; exit 1; }
# One LSTM and one GRU model, stepped and evaluated by every flavour (and ARM64's NEON kernels below).
cells=(lstm gru)
for cell in "${cells[@]}"; do
  LD_LIBRARY_PATH=$native/linux-x64-v2 "$build/flavour_logits" make "$tmp/agreement-$cell.rnn" "$cell"
  record "agreement model saved ($cell)" $?
done
reference=""
for flavour in linux-x64-v2 linux-x64-v3 linux-x64-v4; do
  section "$flavour"
  "$here/tests/check_symbols.sh" "$native/$flavour/librnnnative.so" "$here/include/rnn.h"
  record "$flavour: exports == rnn.h" $?
  if ! can_run "$flavour"; then echo "skip $flavour: this CPU lacks its instruction set"; continue; fi
  mkdir -p "$tmp/$flavour"
  export LD_LIBRARY_PATH=$native/$flavour
  run_suite "$flavour" env RNN_TEST_TMP="$tmp/$flavour" RNN_EXPECT_KERNEL="$(expected_kernel $flavour)" "$build/rnn_tests"
  run_suite "$flavour RNN_KERNEL=bogus" env RNN_KERNEL=bogus RNN_TEST_TMP="$tmp/$flavour" "$build/rnn_tests" forced_kernel
  (cd "$tmp/$flavour" && "$build/train_and_sample" > example.log 2>&1 && grep -q "^sample:" example.log)
  record "$flavour: examples/train_and_sample" $?
  if [ "$flavour" = linux-x64-v2 ]; then
    # Too little virtual memory for 1023 thread stacks, enough for the runtime: thread starts fail for real.
    (ulimit -v 2000000 && "$build/thread_limit") 2>&1 | sed 's/^/  /'
    record "$flavour: rnn_set_thread_count failing for lack of memory leaves no threads and the old count" "${PIPESTATUS[0]}"
  fi
  for cell in "${cells[@]}"; do
    "$build/flavour_logits" dump "$tmp/agreement-$cell.rnn" "$tmp/$flavour-$cell.logits"
    record "$flavour: $cell logits dumped" $?
    if [ -n "$reference" ]; then
      "$build/flavour_logits" compare "$reference-$cell.logits" "$tmp/$flavour-$cell.logits"
      record "$flavour agrees with linux-x64-v2 ($cell)" $?
    fi
  done
  [ -n "$reference" ] || reference=$tmp/$flavour
  unset LD_LIBRARY_PATH
done

section "install (x64): cmake --install, then pkg-config and find_package against the prefix"
# Installed as a user would (README), into a prefix that is then moved: the installed files must
# find each other relative to themselves, and nothing may point back into this clone.
version=$(sed -n 's/^#define RNN_VERSION_STRING "\(.*\)"/\1/p' "$here/include/rnn.h")
major=${version%%.*}
{ cmake -S "$here" -B "$tmp/install-build" -DRNN_FLAVOUR=linux-x64-v2 && cmake --build "$tmp/install-build" \
    && cmake --install "$tmp/install-build" --prefix "$tmp/prefix"; } > "$tmp/install.log" 2>&1 || sed 's/^/  /' "$tmp/install.log"
mv "$tmp/prefix" "$tmp/moved-prefix" 2>/dev/null
prefix=$tmp/moved-prefix
[ -f "$prefix/lib/librnnnative.so.$version" ] \
  && [ "$(readlink "$prefix/lib/librnnnative.so.$major")" = "librnnnative.so.$version" ] \
  && [ "$(readlink "$prefix/lib/librnnnative.so")" = "librnnnative.so.$major" ] \
  && [[ $(readelf -d "$prefix/lib/librnnnative.so.$version") == *"Library soname: [librnnnative.so.$major]"* ]] \
  && [ -f "$prefix/include/rnnnative/rnn.h" ] && [ -f "$prefix/include/rnnnative/rnn.hpp" ] && [ -f "$prefix/include/rnnnative/rnn_loader.h" ] \
  && [ -f "$prefix/lib/librnnnative_loader.a" ] && [ -f "$prefix/lib/rnnnative/linux-x64-v2/librnnnative.so" ] \
  && [ -f "$prefix/lib/pkgconfig/rnnnative.pc" ] && [ -f "$prefix/lib/pkgconfig/rnnnative-loader.pc" ] \
  && [ -f "$prefix/lib/cmake/RnnNative/RnnNativeConfig.cmake" ] && ! grep -rqs "$root" "$prefix"
record "installed: headers, librnnnative.so.$version (SONAME librnnnative.so.$major) and its links, loader, pkg-config and CMake files, none naming the clone" $?

# A program built against the prefix: needs librnnnative.so.<major>, finds it in the prefix
# through its rpath, and names nothing in the clone. runs_from_prefix PROGRAM LOG
runs_from_prefix() {
  local dynamic resolved   # captured first: grep -q ending a pipeline early fails it under pipefail
  dynamic=$(readelf -d "$1") && resolved=$(env -u LD_LIBRARY_PATH ldd "$1") \
    && grep -q "Shared library: \[librnnnative.so.$major\]" <<< "$dynamic" \
    && ! grep -E 'RPATH|RUNPATH' <<< "$dynamic" | grep -q "$root" \
    && grep -q "librnnnative.so.$major => $prefix/lib/" <<< "$resolved" \
    && (cd "$tmp" && env -u LD_LIBRARY_PATH "$1" > "$2" 2>&1)
}
pc() { PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config "$@"; }
cc -O2 -o "$tmp/example_pc" "$here/examples/train_and_sample.c" $(pc --cflags --libs rnnnative) -Wl,-rpath,"$(pc --variable=libdir rnnnative)" \
  && runs_from_prefix "$tmp/example_pc" "$tmp/example_pc.log" && grep -q "v128 kernels" "$tmp/example_pc.log"
record "example built with pkg-config against the prefix runs from it" $?

cc -O2 -o "$tmp/loader_pc" "$here/tests/check_main.c" "$here/tests/test_loader.c" $(pc --cflags --libs rnnnative-loader)
run_suite "loader built with pkg-config rnnnative-loader, flavours from the prefix" env RNN_NATIVE_ROOT="$(pc --variable=flavourdir rnnnative-loader)" \
  RNN_NATIVE_FLAVOUR=linux-x64-v2 RNN_EXPECT_FLAVOUR=linux-x64-v2 RNN_EXPECT_KERNEL=v128 "$tmp/loader_pc"

# tests/cmake is a CMake host as a user writes one; its log is shown only when something fails.
cmake_build=$tmp/cmake
{ cmake -S "$here/tests/cmake" -B "$cmake_build" -DCMAKE_PREFIX_PATH="$prefix" && cmake --build "$cmake_build"; } > "$tmp/cmake.log" 2>&1 \
  || sed 's/^/  /' "$tmp/cmake.log"
runs_from_prefix "$cmake_build/train_and_sample" "$tmp/example_cmake.log" && grep -q "v128 kernels" "$tmp/example_cmake.log"
record "example built with find_package(RnnNative) against the prefix runs from it" $?
runs_from_prefix "$cmake_build/rnn_hpp_tests" "$tmp/rnn_hpp.log"
status=$?
sed 's/^/  /' "$tmp/rnn_hpp.log"
record "rnn.hpp (C++20): vocab, model, training, sampling, evaluation and errors through the wrapper" $status
run_suite "loader built with RnnNative::loader, flavours from the prefix" env RNN_NATIVE_ROOT="$prefix/lib/rnnnative" RNN_NATIVE_FLAVOUR=linux-x64-v2 \
  RNN_EXPECT_FLAVOUR=linux-x64-v2 RNN_EXPECT_KERNEL=v128 "$cmake_build/loader_tests"
cmake -S "$here" -B "$tmp/install_missing" -DRNN_FLAVOUR=no-such-flavour > "$tmp/install_missing.log" 2>&1
[ $? -ne 0 ] && tr -s ' \n' ' ' < "$tmp/install_missing.log" | grep -q "run $here/build.sh no-such-flavour first"
record "installing a flavour that was not published fails naming build.sh" $?

section "loader (x64)"
best=""
for flavour in linux-x64-v4 linux-x64-v3 linux-x64-v2; do
  if [ -z "$best" ] && can_run "$flavour"; then best=$flavour; fi
done
run_suite "loader picks $best" env RNN_NATIVE_ROOT="$native" RNN_EXPECT_FLAVOUR="$best" RNN_EXPECT_KERNEL="$(expected_kernel "$best")" \
  "$root/artifacts/c/x64/loader_tests"
run_suite "loader forced to linux-x64-v2" env RNN_NATIVE_ROOT="$native" RNN_NATIVE_FLAVOUR=linux-x64-v2 RNN_EXPECT_FLAVOUR=linux-x64-v2 \
  RNN_EXPECT_KERNEL=v128 "$root/artifacts/c/x64/loader_tests" loader_picks

# --- arm64 ------------------------------------------------------------------------------------
if [ "${SKIP_ARM64:-0}" != 1 ]; then
  section "linux-arm64 (qemu-aarch64-static)"
  build=$root/artifacts/c/arm64
  lib=$native/linux-arm64
  make -s -C "$here/tests" CC=aarch64-linux-gnu-gcc LIBDIR="$lib" BUILD="$build" || { failed=$((failed + 1)); }
  "$here/tests/check_symbols.sh" "$lib/librnnnative.so" "$here/include/rnn.h" aarch64-linux-gnu-nm
  record "linux-arm64: exports == rnn.h" $?
  qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH="$lib")
  mkdir -p "$tmp/arm64"
  run_suite "linux-arm64" env RNN_TEST_TMP="$tmp/arm64" RNN_EXPECT_KERNEL=v128 "${qemu[@]}" "$build/rnn_tests"
  run_suite "linux-arm64 RNN_KERNEL=bogus" env RNN_KERNEL=bogus RNN_TEST_TMP="$tmp/arm64" "${qemu[@]}" "$build/rnn_tests" forced_kernel
  run_suite "linux-arm64 loader" env RNN_EXPECT_FLAVOUR=linux-arm64 RNN_EXPECT_KERNEL=v128 \
    qemu-aarch64-static -L /usr/aarch64-linux-gnu -E RNN_NATIVE_ROOT="$native" "$build/loader_tests"
  for cell in "${cells[@]}"; do
    "${qemu[@]}" "$build/flavour_logits" dump "$tmp/agreement-$cell.rnn" "$tmp/arm64-$cell.logits"
    record "linux-arm64: $cell logits dumped" $?
    if [ -n "$reference" ]; then
      LD_LIBRARY_PATH=$native/linux-x64-v2 "$root/artifacts/c/x64/flavour_logits" compare "$reference-$cell.logits" "$tmp/arm64-$cell.logits"
      record "linux-arm64 agrees with linux-x64-v2 ($cell)" $?
    fi
  done
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
