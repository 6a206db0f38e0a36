# Version check for find_package(RnnNative <version>), the CMake twin of rnnnative.pc's Version.
# The version is read from rnn.h's RNN_VERSION_* macros, so bumping the header is the one edit a
# release needs. Compatibility: SameMajorVersion (what write_basic_package_version_file writes);
# binary compatibility is RNN_ABI_VERSION's business and is checked at run time (rnn_check_abi).
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/../include/rnn.h" _rnn_version_lines
     REGEX "^#define RNN_VERSION_(MAJOR|MINOR|PATCH) +[0-9]+")
foreach(_rnn_part MAJOR MINOR PATCH)
  string(REGEX REPLACE ".*#define RNN_VERSION_${_rnn_part} +([0-9]+).*" "\\1" _rnn_${_rnn_part} "${_rnn_version_lines}")
endforeach()
set(PACKAGE_VERSION "${_rnn_MAJOR}.${_rnn_MINOR}.${_rnn_PATCH}")

if(PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION
   OR (PACKAGE_FIND_VERSION AND NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL _rnn_MAJOR))
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()

# Every flavour is a 64-bit library: a 32-bit build must not pick this package.
if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(PACKAGE_VERSION "${PACKAGE_VERSION} (64-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()

unset(_rnn_version_lines)
unset(_rnn_part)
unset(_rnn_MAJOR)
unset(_rnn_MINOR)
unset(_rnn_PATCH)
