/* first_token: time from process start to the first sampled token of a saved 2x256 LSTM.
 *   first_token make MODEL      save a seeded 2x256 LSTM (byte vocabulary, E = 64)
 *   first_token run MODEL [N]   spawn N fresh processes; each loads MODEL, creates a generator,
 *                               samples one token and reports when it had it. Prints min/median.
 * The clock starts in the parent just before posix_spawn and stops in the child when the token
 * is sampled (CLOCK_MONOTONIC is system-wide), so exec, dynamic loading of librnnnative, runtime
 * start-up, reading and checking the file and the first step are all included. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rnn.h"

extern char** environ;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int fail(const char* what, rnn_status s) {
    fprintf(stderr, "first_token: %s: %s: %s\n", what, rnn_status_string(s), rnn_last_error());
    return 1;
}

static int make(const char* path) {
    rnn_vocab_config vc;
    rnn_vocab_config_init(&vc);
    vc.kind = RNN_VOCAB_BYTE;
    rnn_vocab* vocab;
    rnn_status s = rnn_vocab_build(&vc, NULL, 0, &vocab);
    if (s) return fail("vocab", s);
    rnn_model_config mc;
    rnn_model_config_init(&mc);
    mc.vocab_size = 256;
    mc.embedding_size = 64;
    mc.cell = RNN_CELL_LSTM;
    mc.hidden_size = 256;
    mc.layers = 2;
    mc.seed = 1;
    rnn_model* model;
    if ((s = rnn_model_create(&mc, &model))) return fail("create", s);
    if ((s = rnn_model_save_file(model, vocab, path))) return fail("save", s);
    return 0;
}

static int child(const char* path) {
    rnn_status s;
    if ((s = rnn_check_abi(RNN_ABI_VERSION))) return fail("abi", s);
    rnn_model* model;
    rnn_vocab* vocab;
    if ((s = rnn_model_load_file(path, &model, &vocab))) return fail("load", s);
    rnn_sampling_config sc;
    rnn_sampling_config_init(&sc);
    sc.max_tokens = 1;
    rnn_generator* generator;
    if ((s = rnn_generator_create(model, vocab, &sc, &generator))) return fail("generator", s);
    char token[16];
    if ((s = rnn_generator_generate(generator, "", token, sizeof token, NULL))) return fail("generate", s);
    printf("%lld\n", now_ns());
    return 0;
}

static int compare(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

static int run(const char* self, const char* path, int n) {
    double* ms = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++) {
        int fds[2];
        if (pipe(fds)) return 1;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        char* argv[] = {(char*)self, "child", (char*)path, NULL};
        pid_t pid;
        long long start = now_ns();
        if (posix_spawn(&pid, self, &actions, NULL, argv, environ)) return 1;
        close(fds[1]);
        char line[64] = "";
        ssize_t got = read(fds[0], line, sizeof line - 1);
        close(fds[0]);
        int status;
        waitpid(pid, &status, 0);
        if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "first_token: child failed\n");
            return 1;
        }
        ms[i] = (atoll(line) - start) / 1e6;
    }
    qsort(ms, n, sizeof(double), compare);
    const char* name;
    rnn_kernel_path(NULL, &name);
    printf("process start -> first sampled token, 2x256 LSTM, %s kernels, %d runs: min %.1f ms, median %.1f ms, max %.1f ms\n",
           name, n, ms[0], ms[n / 2], ms[n - 1]);
    free(ms);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "make") == 0) return make(argv[2]);
    if (argc == 3 && strcmp(argv[1], "child") == 0) return child(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "run") == 0) return run(argv[0], argv[2], argc > 3 ? atoi(argv[3]) : 21);
    fprintf(stderr, "usage: first_token make MODEL | run MODEL [N]\n");
    return 2;
}
