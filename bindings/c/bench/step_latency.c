/* step_latency: batch-1 latency of one generated token = rnn_state_step + rnn_sampler_sample, on a
 * saved 2x256 LSTM (first_token make), at 1 thread and at the default thread count.
 *   step_latency MODEL [TOKENS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rnn.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define TRY(call)                                                                                       \
    do {                                                                                                \
        rnn_status s_ = (call);                                                                         \
        if (s_) {                                                                                       \
            fprintf(stderr, "%s: %s: %s\n", #call, rnn_status_string(s_), rnn_last_error());            \
            return 1;                                                                                   \
        }                                                                                               \
    } while (0)

static int measure(rnn_state* state, rnn_sampler* sampler, int tokens, int threads, double* step_us, double* total_us) {
    TRY(rnn_set_thread_count(threads));
    float logits[256];
    int32_t token = '\n';
    for (int i = 0; i < 2000; i++) { /* warm-up */
        TRY(rnn_state_step(state, token, logits, 256, NULL));
        TRY(rnn_sampler_sample(sampler, logits, 256, &token));
    }
    double start = now_s();
    for (int i = 0; i < tokens; i++) {
        TRY(rnn_state_step(state, token, logits, 256, NULL));
        TRY(rnn_sampler_sample(sampler, logits, 256, &token));
    }
    *total_us = (now_s() - start) / tokens * 1e6;
    start = now_s();
    for (int i = 0; i < tokens; i++) TRY(rnn_state_step(state, i & 255, logits, 256, NULL));
    *step_us = (now_s() - start) / tokens * 1e6;
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: step_latency MODEL [TOKENS]\n");
        return 2;
    }
    int tokens = argc > 2 ? atoi(argv[2]) : 20000;
    TRY(rnn_check_abi(RNN_ABI_VERSION));
    rnn_model* model;
    TRY(rnn_model_load_file(argv[1], &model, NULL));
    rnn_state* state;
    TRY(rnn_state_create(model, &state));
    rnn_sampling_config sc;
    TRY(rnn_sampling_config_init(&sc));
    sc.seed = 1;
    rnn_sampler* sampler;
    TRY(rnn_sampler_create(256, &sc, &sampler));
    int32_t default_threads;
    TRY(rnn_get_thread_count(&default_threads));
    const char* name;
    TRY(rnn_kernel_path(NULL, &name));
    int counts[] = {1, default_threads};
    for (int i = 0; i < (default_threads > 1 ? 2 : 1); i++) {
        double step_us, total_us;
        if (measure(state, sampler, tokens, counts[i], &step_us, &total_us)) return 1;
        printf("2x256 LSTM, V=256, batch 1, %s kernels, %d thread%s: step %.1f us, step+sample %.1f us per token (%d tokens)\n",
               name, counts[i], counts[i] > 1 ? "s" : "", step_us, total_us, tokens);
    }
    return 0;
}
