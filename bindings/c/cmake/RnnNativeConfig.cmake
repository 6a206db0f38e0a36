# CMake package config for librnnnative in this repository (after bindings/c/build.sh); the CMake
# twin of ../rnnnative.pc. Point CMake here and link the imported target:
#   cmake -DRnnNative_DIR=<repo>/bindings/c/cmake ...      (or add <repo>/bindings/c/cmake to CMAKE_PREFIX_PATH)
#   find_package(RnnNative 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE RnnNative::rnnnative)
# Targets:
#   RnnNative::rnnnative  the shared library of one flavour (cache variable RnnNative_FLAVOUR) and
#                         rnn.h. Every flavour exports the same ABI, so a program linked against
#                         one runs with any other picked by LD_LIBRARY_PATH.
#   RnnNative::loader     loader/rnn_loader.c compiled into the consuming target, for hosts that
#                         ship every flavour and pick one at run time (no librnnnative link; pass
#                         RnnNative_NATIVE_ROOT or your own folder to rnn_loader_open). Needs C
#                         enabled in the consuming project.
# Variables: RnnNative_FLAVOUR, RnnNative_LIBRARY, RnnNative_INCLUDE_DIR, RnnNative_NATIVE_ROOT.

get_filename_component(_rnn_root "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(RnnNative_INCLUDE_DIR "${_rnn_root}/bindings/c/include")
set(RnnNative_NATIVE_ROOT "${_rnn_root}/artifacts/native")

# The flavour to link and to find at run time through the rpath. x64 defaults to x86-64-v2, which
# every x86-64 CPU of the last decade runs (as rnnnative.pc does); faster flavours are opt-in
# because a library built for an ISA the CPU lacks stops the process.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(_rnn_default_flavour linux-arm64)
else()
  set(_rnn_default_flavour linux-x64-v2)
endif()
set(RnnNative_FLAVOUR "${_rnn_default_flavour}" CACHE STRING
    "librnnnative flavour to link (folder under artifacts/native)")
set_property(CACHE RnnNative_FLAVOUR PROPERTY STRINGS linux-x64-v2 linux-x64-v3 linux-x64-v4 linux-arm64)
set(RnnNative_LIBRARY "${RnnNative_NATIVE_ROOT}/${RnnNative_FLAVOUR}/librnnnative.so")

if(NOT EXISTS "${RnnNative_LIBRARY}")
  # The library is a build artefact (gitignored), not part of the checkout: say how to make it.
  set(RnnNative_FOUND FALSE)
  set(RnnNative_NOT_FOUND_MESSAGE "${RnnNative_LIBRARY} does not exist: run \
${_rnn_root}/bindings/c/build.sh ${RnnNative_FLAVOUR} first (flavours: linux-x64-v2, linux-x64-v3, \
linux-x64-v4, linux-arm64; choose one with -DRnnNative_FLAVOUR=...)")
  unset(_rnn_root)
  unset(_rnn_default_flavour)
  return()
endif()

if(NOT TARGET RnnNative::rnnnative)
  add_library(RnnNative::rnnnative SHARED IMPORTED)
  # The Native-AOT library has no DT_SONAME. Without IMPORTED_NO_SONAME CMake would link it by
  # full path and ld would record that absolute path as DT_NEEDED, so neither the rpath nor
  # LD_LIBRARY_PATH could switch flavours; with it CMake links -L<dir> -lrnnnative, DT_NEEDED is
  # plain librnnnative.so, and CMake's build rpath (the library's folder) finds it at run time
  # without LD_LIBRARY_PATH. Installed programs need their own INSTALL_RPATH (or
  # CMAKE_INSTALL_RPATH_USE_LINK_PATH), as with any library outside the install prefix.
  set_target_properties(RnnNative::rnnnative PROPERTIES
    IMPORTED_LOCATION "${RnnNative_LIBRARY}"
    IMPORTED_NO_SONAME TRUE
    INTERFACE_INCLUDE_DIRECTORIES "${RnnNative_INCLUDE_DIR}")
endif()

if(NOT TARGET RnnNative::loader)
  # An INTERFACE target whose source is compiled into each target linking it: rnn_loader.c is one
  # small file meant to be built into the host program (see rnn_loader.h), and an INTERFACE target
  # needs no library file or build step of its own.
  add_library(RnnNative::loader INTERFACE IMPORTED)
  set_target_properties(RnnNative::loader PROPERTIES
    INTERFACE_SOURCES "${_rnn_root}/bindings/c/loader/rnn_loader.c"
    INTERFACE_INCLUDE_DIRECTORIES "${_rnn_root}/bindings/c/loader;${RnnNative_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
endif()

unset(_rnn_root)
unset(_rnn_default_flavour)
