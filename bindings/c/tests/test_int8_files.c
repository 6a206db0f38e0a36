/* Int8 model files (since 0.6.0): about a quarter of the float32 file; loaded, a model that steps in int8
 * exactly as the model it was made from does with RNN_PRECISION_INT8, says so, and refuses the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

static const char* int8_path(void) {
    static char path[512];
    const char* dir = getenv("RNN_TEST_TMP");
    snprintf(path, sizeof path, "%s/int8-files.rnn", dir ? dir : "/tmp");
    return path;
}

/* Steps a fresh state of `model` through fixed tokens; `logits` [steps x V] gets every step's. */
static rnn_status int8_steps(const rnn_model* model, int32_t vocab_size, float* logits, int steps) {
    static const int32_t tokens[] = {1, 7, 3, 3, 12, 0, 9, 5};
    rnn_state* state = NULL;
    rnn_status s = rnn_state_create(model, &state);
    for (int t = 0; s == RNN_OK && t < steps; t++) {
        s = rnn_state_step(state, tokens[t % 8] % vocab_size, logits + (size_t)t * vocab_size, (size_t)vocab_size, NULL);
    }
    rnn_state_destroy(state);
    return s;
}

TEST(an_int8_file_is_a_quarter_of_the_size_and_steps_exactly_as_int8_steps_of_its_model) {
    rnn_vocab* vocab = NULL;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    CHECK_OK(rnn_model_get_config(model, &mc));
    rnn_precision precision = -1;
    CHECK_OK(rnn_model_get_weight_precision(model, &precision));
    CHECK(precision == RNN_PRECISION_F32);

    CHECK_OK(rnn_model_save_file_int8(model, vocab, int8_path()));
    void* f32_bytes = NULL;
    void* int8_bytes = NULL;
    size_t f32_size = 0, int8_size = 0;
    CHECK_OK(rnn_model_save_to_memory(model, vocab, &f32_bytes, &f32_size));
    CHECK_OK(rnn_model_save_int8_to_memory(model, vocab, &int8_bytes, &int8_size));
    printf("  float32 file %zu bytes, int8 file %zu bytes (%.3f)\n", f32_size, int8_size, (double)int8_size / (double)f32_size);
    CHECK(int8_size * 3 < f32_size); /* a quarter plus scales, biases, vocabulary and the tiny model's headers */
    FILE* f = fopen(int8_path(), "rb");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long on_disk = ftell(f);
    fclose(f);
    CHECK(on_disk == (long)int8_size); /* the file and the memory copy are the same bytes */
    rnn_free(f32_bytes);

    rnn_model* loaded = NULL;
    rnn_vocab* loaded_vocab = NULL;
    CHECK_OK(rnn_model_load_file(int8_path(), &loaded, &loaded_vocab));
    rnn_model* from_memory = NULL;
    CHECK_OK(rnn_model_load_from_memory(int8_bytes, int8_size, &from_memory, NULL));
    rnn_free(int8_bytes);
    CHECK_OK(rnn_model_get_weight_precision(loaded, &precision));
    CHECK(precision == RNN_PRECISION_INT8);
    CHECK_OK(rnn_model_get_step_precision(loaded, &precision));
    CHECK(precision == RNN_PRECISION_INT8); /* without being set */

    enum { STEPS = 8 };
    size_t n = (size_t)STEPS * (size_t)mc.vocab_size;
    float* expected = malloc(n * sizeof(float));
    float* actual = malloc(n * sizeof(float));
    float* memory = malloc(n * sizeof(float));
    CHECK(expected && actual && memory);
    CHECK_OK(rnn_model_set_step_precision(model, RNN_PRECISION_INT8));
    rnn_status s = int8_steps(model, mc.vocab_size, expected, STEPS);
    CHECK_OK(rnn_model_set_step_precision(model, RNN_PRECISION_F32)); /* the shared fixture stays float32 */
    CHECK_OK(s);
    CHECK_OK(int8_steps(loaded, mc.vocab_size, actual, STEPS));
    CHECK_OK(int8_steps(from_memory, mc.vocab_size, memory, STEPS));
    CHECK(memcmp(expected, actual, n * sizeof(float)) == 0); /* bit for bit */
    CHECK(memcmp(expected, memory, n * sizeof(float)) == 0);
    free(expected);
    free(actual);
    free(memory);
    rnn_model_destroy(from_memory);
    rnn_vocab_destroy(loaded_vocab);
    rnn_model_destroy(loaded);
}

TEST(a_loaded_int8_model_refuses_float_steps_training_safetensors_and_float_saves_naming_the_file) {
    rnn_vocab* vocab = NULL;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    CHECK_OK(rnn_model_save_file_int8(model, vocab, int8_path()));
    rnn_model* loaded = NULL;
    CHECK_OK(rnn_model_load_file(int8_path(), &loaded, NULL));

    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_set_step_precision(loaded, RNN_PRECISION_F32));
    CHECK_ERROR_MENTIONS(int8_path());
    CHECK_ERROR_MENTIONS("holds int8 weights for inference only");
    printf("  %s\n", rnn_last_error());
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_set_step_precision(loaded, RNN_PRECISION_BF16));
    CHECK_OK(rnn_model_set_step_precision(loaded, RNN_PRECISION_INT8));
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_export_safetensors(loaded, vocab, "/tmp/never-written.safetensors"));
    CHECK_ERROR_MENTIONS(int8_path());
    void* bytes = (void*)1;
    size_t size = 1;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_save_to_memory(loaded, vocab, &bytes, &size));
    CHECK(bytes == NULL && size == 0);
    CHECK_ERROR_MENTIONS("float32 file");

    rnn_corpus* corpus = NULL;
    CHECK_OK(rnn_corpus_from_text(vocab, fixture_text, strlen(fixture_text), &corpus));
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 8;
    tc.batch_size = 2;
    tc.max_steps = 1;
    rnn_trainer* trainer = (rnn_trainer*)1;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_trainer_create(loaded, corpus, &tc, &trainer));
    CHECK(trainer == NULL);
    CHECK_ERROR_MENTIONS(int8_path());
    rnn_corpus_destroy(corpus);

    rnn_precision precision = -1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_get_weight_precision(loaded, NULL));
    CHECK_ERROR_MENTIONS("out_precision");
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_get_weight_precision(NULL, &precision));
    CHECK(precision == 0);
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_save_file_int8(loaded, NULL, int8_path()));
    CHECK_ERROR_MENTIONS("vocab");
    rnn_model_destroy(loaded);
}
