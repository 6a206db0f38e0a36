/* Adversarial sizes and files through the ABI (issue 13): each must fail at the call that takes
 * the bad input, with the right status and a message naming the field, instead of succeeding and
 * failing later, overflowing, or reading forever. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

TEST(models_whose_sizes_overflow_are_refused_at_creation_naming_the_field) {
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 64;
    mc.embedding_size = 16;
    mc.cell = RNN_CELL_LSTM;
    mc.hidden_size = 65536; /* 4H x H = 2^34 weights */
    rnn_model* model = (rnn_model*)0x1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK(model == NULL);
    CHECK_ERROR_MENTIONS("config->hidden_size");
    mc.hidden_size = 8;
    mc.vocab_size = mc.embedding_size = 65536; /* V x E = 2^32: wrapped to an empty embedding */
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->embedding_size");
    mc.vocab_size = 64;
    mc.embedding_size = 16;
    mc.hidden_size = 8000;
    mc.layers = 64; /* 3.3e10 weights over the layers */
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->layers");
}

TEST(windows_too_large_are_refused_naming_the_argument) {
    rnn_vocab* vocab = NULL;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    rnn_corpus* corpus = NULL;
    CHECK_OK(rnn_corpus_from_text(vocab, fixture_text, strlen(fixture_text), &corpus));
    rnn_evaluation e = {.struct_size = sizeof e};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_evaluate(model, corpus, 1, INT32_MAX - 1, &e));
    CHECK_ERROR_MENTIONS("steps");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_evaluate(model, corpus, INT32_MAX - 1, 1, &e));
    CHECK_ERROR_MENTIONS("batch_size");
    /* One token has nothing to predict: refused since 0.2.0 (the loss was NaN). */
    rnn_corpus* one = NULL;
    CHECK_OK(rnn_corpus_from_text(vocab, fixture_text, 1, &one));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_evaluate(model, one, 1, 8, &e));
    CHECK_ERROR_MENTIONS("corpus: 1 token(s); evaluate needs at least 2");
    rnn_corpus_destroy(one);

    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 8192;
    tc.batch_size = 4096; /* 33.5M rows: the gates [T*B, 4H] exceed any buffer */
    tc.max_steps = 1;
    rnn_trainer* trainer = (rnn_trainer*)0x1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK(trainer == NULL);
    CHECK_ERROR_MENTIONS("config->seq_len");
    rnn_corpus_destroy(corpus);
}

TEST(safetensors_from_a_device_without_end_fails_at_once) {
    rnn_model* model = (rnn_model*)0x1;
    double start = seconds_now();
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_import_safetensors("/dev/zero", NULL, NULL, &model, NULL));
    CHECK(seconds_now() - start < 2.0);
    CHECK(model == NULL);
    CHECK_ERROR_MENTIONS("/dev/zero");
}

/* A safetensors file of the header `json` only (no tensors). */
static size_t header_only(const char* json, unsigned char* file, size_t capacity) {
    size_t n = strlen(json);
    if (8 + n > capacity) return 0;
    for (int i = 0; i < 8; i++) file[i] = (unsigned char)(((uint64_t)n >> (8 * i)) & 0xFF);
    memcpy(file + 8, json, n);
    return 8 + n;
}

TEST(invalid_utf8_in_a_safetensors_header_is_a_format_error) {
    unsigned char file[256];
    size_t size = header_only("{\"__metadata__\":{\"cell\":\"lstm\"}}", file, sizeof file);
    file[8 + 20] = 0xFF; /* inside "cell" */
    rnn_model* model = NULL;
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_import_safetensors_from_memory(file, size, NULL, NULL, &model, NULL));
    CHECK_ERROR_MENTIONS("UTF-8");
}

/* That the tensors are checked before the model is allocated is tested in the engine's tests
 * (OversizedInputTests), which can count allocated bytes: the pages of an untouched 8 GiB
 * allocation cost neither time nor resident memory here. */
TEST(a_small_safetensors_file_declaring_a_large_model_names_the_missing_tensor) {
    unsigned char file[256];
    size_t size = header_only("{\"__metadata__\":{\"cell\":\"lstm\",\"vocab_size\":\"256\",\"embedding_dim\":\"4\","
                              "\"hidden_size\":\"16384\",\"num_layers\":\"1\"}}", file, sizeof file);
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    vc.kind = RNN_VOCAB_BYTE;
    rnn_vocab* bytes = NULL;
    CHECK_OK(rnn_vocab_build(&vc, NULL, 0, &bytes));
    rnn_model* model = NULL;
    rnn_status s = rnn_model_import_safetensors_from_memory(file, size, bytes, NULL, &model, NULL);
    rnn_vocab_destroy(bytes);
    CHECK_STATUS(RNN_E_FORMAT, s);
    CHECK(model == NULL);
    CHECK_ERROR_MENTIONS("tensor 'embedding.weight' is missing");
}
