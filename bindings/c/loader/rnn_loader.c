/* rnn_loader.c - see rnn_loader.h. Build: cc -c rnn_loader.c -I../include; link with -ldl. */
#define _GNU_SOURCE
#include "rnn_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__APPLE__)
#define RNN_LIBRARY_FILE "librnnnative.dylib"
#else
#define RNN_LIBRARY_FILE "librnnnative.so"
#endif

/* Flavours of this architecture, best first, with whether this CPU (and OS) can run each. */
static int candidates(const char* names[4]) {
    int n = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512cd") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        names[n++] = "linux-x64-v4";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
        __builtin_cpu_supports("bmi2"))
        names[n++] = "linux-x64-v3";
    if (__builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt")) names[n++] = "linux-x64-v2";
#elif defined(__aarch64__)
    names[n++] = "linux-arm64";
#endif
    return n;
}

const char* rnn_loader_best_flavour(void) {
    const char* names[4];
    return candidates(names) > 0 ? names[0] : NULL;
}

int rnn_loader_open(const char* root, rnn_api* api, char* error, size_t error_size) {
    memset(api, 0, sizeof *api);
    if (error_size > 0) error[0] = 0;
    if (!root) root = getenv("RNN_NATIVE_ROOT");
    if (!root) {
        snprintf(error, error_size, "rnn_loader: no root folder (pass one or set RNN_NATIVE_ROOT)");
        return -1;
    }
    const char* names[4];
    int count = candidates(names);
    const char* forced = getenv("RNN_NATIVE_FLAVOUR");
    if (forced && *forced) {
        names[0] = forced;
        count = 1;
    }
    size_t used = 0;
    void* library = NULL;
    for (int i = 0; i < count && !library; i++) {
        snprintf(api->path, sizeof api->path, "%s/%s/%s", root, names[i], RNN_LIBRARY_FILE);
        if (access(api->path, R_OK) != 0) {
            used += (size_t)snprintf(used < error_size ? error + used : NULL, used < error_size ? error_size - used : 0, "%s%s: missing", used ? "; " : "rnn_loader: ", api->path);
            continue;
        }
        library = dlopen(api->path, RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            used += (size_t)snprintf(used < error_size ? error + used : NULL, used < error_size ? error_size - used : 0, "%s%s", used ? "; " : "rnn_loader: ", dlerror());
        } else {
            api->flavour = names[i];
        }
    }
    if (!library) {
        if (count == 0) snprintf(error, error_size, "rnn_loader: no flavour for this CPU");
        return -1;
    }
#define RNN_LOADER_RESOLVE(name)                                                               \
    *(void**)&api->name = dlsym(library, #name);                                               \
    if (!api->name) {                                                                          \
        snprintf(error, error_size, "rnn_loader: %s lacks %s (older library?)", api->path, #name); \
        return -1;                                                                             \
    }
    RNN_LOADER_FUNCTIONS(RNN_LOADER_RESOLVE)
#undef RNN_LOADER_RESOLVE
    if (api->rnn_check_abi(RNN_ABI_VERSION) != RNN_OK) {
        snprintf(error, error_size, "rnn_loader: %s", api->rnn_last_error());
        return -1;
    }
    if (error_size > 0) error[0] = 0;
    return 0;
}
