/* The step precision: float32 by default, bfloat16 or int8 on request, seen by existing states. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "rnn.h"

#define VOCAB 40

/* A small untrained LSTM of its own: the shared fixture must keep float32 for the other tests. */
static rnn_model* small_model(void) {
    rnn_model_config mc;
    if (rnn_model_config_init(&mc) != RNN_OK) return NULL;
    mc.vocab_size = VOCAB;
    mc.embedding_size = 16;
    mc.hidden_size = 64;
    mc.layers = 2;
    mc.seed = 3;
    rnn_model* model = NULL;
    return rnn_model_create(&mc, &model) == RNN_OK ? model : NULL;
}

/* Resets `state` and steps it through a fixed token sequence; `logits` gets the last step's. */
static rnn_status run_sequence(rnn_state* state, float* logits) {
    static const int32_t tokens[] = {1, 7, 3, 3, 12, 0, 39, 5, 21, 8};
    rnn_status s = rnn_state_reset(state);
    for (size_t i = 0; s == RNN_OK && i < sizeof tokens / sizeof tokens[0]; i++) {
        s = rnn_state_step(state, tokens[i], logits, VOCAB, NULL);
    }
    return s;
}

TEST(step_precision_defaults_to_f32_and_round_trips) {
    rnn_model* model = small_model();
    CHECK(model != NULL);
    rnn_precision precision = -1;
    CHECK_OK(rnn_model_get_step_precision(model, &precision));
    CHECK(precision == RNN_PRECISION_F32);
    CHECK_OK(rnn_model_set_step_precision(model, RNN_PRECISION_BF16));
    CHECK_OK(rnn_model_get_step_precision(model, &precision));
    CHECK(precision == RNN_PRECISION_BF16);
    CHECK_OK(rnn_model_set_step_precision(model, RNN_PRECISION_INT8));
    CHECK_OK(rnn_model_get_step_precision(model, &precision));
    CHECK(precision == RNN_PRECISION_INT8);
    CHECK_OK(rnn_model_set_step_precision(model, RNN_PRECISION_F32));
    CHECK_OK(rnn_model_get_step_precision(model, &precision));
    CHECK(precision == RNN_PRECISION_F32);
    rnn_model_destroy(model);
}

/* Steps `state` in float32, then in `reduced`, then in float32 again: the reduced precision's logits
 * differ from float32 by more than 0 and less than `tolerance`, and float32 comes back bit for bit.
 * Takes the calling test's failure flag, which the CHECK macros set. */
static void check_reduced_precision(int* check_failed_, rnn_precision reduced, const char* name, float tolerance) {
    rnn_model* model = small_model();
    CHECK(model != NULL);
    rnn_state* state;
    CHECK_OK(rnn_state_create(model, &state)); /* before the change: the state must still see it */
    float f32[VOCAB], low[VOCAB], again[VOCAB];
    CHECK_OK(run_sequence(state, f32));
    CHECK_OK(rnn_model_set_step_precision(model, reduced));
    CHECK_OK(run_sequence(state, low));
    CHECK_OK(rnn_model_set_step_precision(model, RNN_PRECISION_F32));
    CHECK_OK(run_sequence(state, again));

    float max_diff = 0, max_abs = 0;
    for (int i = 0; i < VOCAB; i++) {
        max_diff = fmaxf(max_diff, fabsf(low[i] - f32[i]));
        max_abs = fmaxf(max_abs, fabsf(f32[i]));
        CHECK(again[i] == f32[i]); /* back to float32: the same logits as before */
    }
    printf("  %s vs f32: max |diff| %.3g (max |logit| %.3g)\n", name, max_diff, max_abs);
    CHECK(max_abs > 0.05f);
    CHECK(max_diff > 0 && max_diff < tolerance);
    rnn_state_destroy(state);
    rnn_model_destroy(model);
}

TEST(bf16_steps_of_an_existing_state_differ_slightly_from_f32) {
    check_reduced_precision(check_failed_, RNN_PRECISION_BF16, "bf16", 0.05f);
}

/* int8's integer dot products run on every flavour: AVX-VNNI or pmaddubsw on x64, sdot or widening
 * multiplies on ARM64 (under qemu in run_tests.sh). */
TEST(int8_steps_of_an_existing_state_differ_slightly_from_f32) {
    check_reduced_precision(check_failed_, RNN_PRECISION_INT8, "int8", 0.01f);
}

TEST(step_precision_rejects_unknown_values_and_bad_handles) {
    rnn_model* model = small_model();
    CHECK(model != NULL);
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_set_step_precision(model, 3));
    CHECK_ERROR_MENTIONS("precision");
    printf("  unknown precision: %s\n", rnn_last_error());
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_set_step_precision(model, -1));
    rnn_precision precision = -1;
    CHECK_OK(rnn_model_get_step_precision(model, &precision));
    CHECK(precision == RNN_PRECISION_F32); /* unchanged by the failures */
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_get_step_precision(model, NULL));
    CHECK_ERROR_MENTIONS("out_precision");

    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_set_step_precision(NULL, RNN_PRECISION_BF16));
    CHECK_ERROR_MENTIONS("model");
    precision = -1;
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_get_step_precision(NULL, &precision));
    CHECK(precision == 0);
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    vc.kind = RNN_VOCAB_BYTE;
    rnn_vocab* vocab;
    CHECK_OK(rnn_vocab_build(&vc, NULL, 0, &vocab));
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_set_step_precision((rnn_model*)vocab, RNN_PRECISION_BF16));
    CHECK_ERROR_MENTIONS("expected an rnn_model*");
    rnn_vocab_destroy(vocab);
    rnn_model_destroy(model);
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_set_step_precision(model, RNN_PRECISION_BF16));
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_get_step_precision(model, &precision));
}
