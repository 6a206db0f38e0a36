/* Every error path: handles, arguments, buffers, files, and the ABI check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

static rnn_vocab* byte_vocab(void) {
    rnn_vocab_config vc;
    rnn_vocab_config_init(&vc);
    vc.kind = RNN_VOCAB_BYTE;
    rnn_vocab* vocab = NULL;
    rnn_vocab_build(&vc, NULL, 0, &vocab);
    return vocab;
}

TEST(abi_check_and_versions) {
    CHECK_OK(rnn_check_abi(RNN_ABI_VERSION));
    CHECK(rnn_abi_version() == RNN_ABI_VERSION);
    CHECK_STATUS(RNN_E_ABI_MISMATCH, rnn_check_abi(RNN_ABI_VERSION + 1));
    CHECK_ERROR_MENTIONS("ABI version 2");
    CHECK(strcmp(rnn_version_string(), RNN_VERSION_STRING) == 0);
    CHECK(strcmp(rnn_status_string(RNN_OK), "ok") == 0);
    CHECK(strcmp(rnn_status_string(RNN_E_FORMAT), "invalid model file") == 0);
    CHECK(strcmp(rnn_status_string(12345), "unknown status") == 0);
}

TEST(kernel_path_is_the_one_this_flavour_claims) {
    rnn_kernel path = -1;
    const char* name = NULL;
    CHECK_OK(rnn_kernel_path(&path, &name));
    static const char* names[] = {"scalar", "v128", "avx2", "avx512"};
    CHECK(path >= RNN_KERNEL_SCALAR && path <= RNN_KERNEL_AVX512);
    CHECK(strcmp(name, names[path]) == 0);
    const char* expected = getenv("RNN_EXPECT_KERNEL");
    printf("  kernel path: %s (expected: %s)\n", name, expected ? expected : "any");
    if (expected) CHECK(strcmp(name, expected) == 0);
}

TEST(thread_count_gets_and_sets) {
    int32_t before, count;
    CHECK_OK(rnn_get_thread_count(&before));
    CHECK(before >= 1);
    CHECK_OK(rnn_set_thread_count(1));
    CHECK_OK(rnn_get_thread_count(&count));
    CHECK(count == 1);
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_set_thread_count(0));
    CHECK_ERROR_MENTIONS("count");
    CHECK_OK(rnn_set_thread_count(before));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_get_thread_count(NULL));
}

TEST(null_freed_forged_and_wrong_type_handles_are_rejected) {
    int32_t size = 123;
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_vocab_size(NULL, &size));
    CHECK(size == 0);
    CHECK_ERROR_MENTIONS("vocab is NULL");

    rnn_vocab* vocab = byte_vocab();
    CHECK(vocab != NULL);
    CHECK_OK(rnn_vocab_size(vocab, &size));
    CHECK(size == 256);
    rnn_vocab_destroy(vocab);
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_vocab_size(vocab, &size));
    CHECK_ERROR_MENTIONS("not a live handle");
    rnn_vocab_destroy(vocab); /* destroying twice is harmless */

    /* A new object may reuse the slot, but the old handle stays dead (generation counter). */
    rnn_vocab* reused = byte_vocab();
    CHECK(reused != NULL && reused != vocab);
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_vocab_size(vocab, &size));
    CHECK_OK(rnn_vocab_size(reused, &size));

    uintptr_t forged_values[] = {1, 0x1234, 0xdeadbeef, (uintptr_t)&size, UINTPTR_MAX, ((uintptr_t)reused) + 1};
    for (size_t i = 0; i < sizeof forged_values / sizeof forged_values[0]; i++) {
        CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_vocab_size((rnn_vocab*)forged_values[i], &size));
        CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_state_reset((rnn_state*)forged_values[i]));
    }

    /* A vocabulary where a model is expected. */
    rnn_state* state = (rnn_state*)0x1;
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_state_create((const rnn_model*)reused, &state));
    CHECK(state == NULL);
    CHECK_ERROR_MENTIONS("model is an rnn_vocab*, expected an rnn_model*");

    rnn_model_destroy(NULL);
    rnn_vocab_destroy(NULL);
    rnn_corpus_destroy(NULL);
    rnn_trainer_destroy(NULL);
    rnn_state_destroy(NULL);
    rnn_sampler_destroy(NULL);
    rnn_generator_destroy(NULL);
    rnn_model_destroy((rnn_model*)reused); /* wrong type: ignored, the vocabulary lives on */
    CHECK_OK(rnn_vocab_size(reused, &size));
    rnn_vocab_destroy(reused);
}

TEST(bad_arguments_name_the_argument_and_leave_outputs_null) {
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    CHECK(mc.struct_size == sizeof mc && mc.cell == RNN_CELL_LSTM && mc.layers == 2 && mc.hidden_size == 128);
    mc.vocab_size = 10;
    mc.embedding_size = 4;
    mc.hidden_size = 0;
    rnn_model* model = (rnn_model*)0x1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK(model == NULL);
    CHECK_ERROR_MENTIONS("config->hidden_size");
    mc.hidden_size = 8;
    mc.cell = 7;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->cell");
    mc.cell = RNN_CELL_LSTM;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(NULL, &model));
    CHECK_ERROR_MENTIONS("config");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, NULL));
    CHECK_ERROR_MENTIONS("out_model");
    rnn_model_config zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&zeroed, &model));
    CHECK_ERROR_MENTIONS("struct_size");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_config_init_sized(&mc, 2));
    mc.input = RNN_INPUT_ONE_HOT;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->embedding_size");
    CHECK_ERROR_MENTIONS("one-hot");
    mc.input = 7;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->input");
    /* A host compiled before `input` existed passes the shorter struct: an embedding model. */
    mc.struct_size = (uint32_t)offsetof(rnn_model_config, input);
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_model_config got;
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(model, &got));
    CHECK(got.input == RNN_INPUT_EMBEDDING && got.embedding_size == 4);
    rnn_model_destroy(model);
    mc.struct_size = sizeof mc;
    mc.input = RNN_INPUT_EMBEDDING;
    CHECK_OK(rnn_model_create(&mc, &model));

    rnn_corpus* corpus;
    int32_t ids[] = {0, 1, 2, 12};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_corpus_from_tokens(ids, 4, 10, &corpus));
    CHECK_ERROR_MENTIONS("ids");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_corpus_from_tokens(NULL, 4, 10, &corpus));
    CHECK_ERROR_MENTIONS("ids");
    CHECK_OK(rnn_corpus_from_tokens(ids, 3, 10, &corpus));

    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    CHECK(tc.seq_len == 50 && tc.batch_size == 50 && tc.optimizer == RNN_OPTIMIZER_ADAM);
    rnn_trainer* trainer = (rnn_trainer*)0x1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK(trainer == NULL);
    CHECK_ERROR_MENTIONS("max_steps"); /* no limit set */
    tc.max_steps = 10;
    tc.seq_len = 0;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK_ERROR_MENTIONS("config->seq_len: must be at least 1, not 0"); /* one line, no .NET wording */
    CHECK(strstr(rnn_last_error(), "Parameter") == NULL && strchr(rnn_last_error(), '\n') == NULL);
    tc.seq_len = 4;
    tc.learning_rate = -1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK_ERROR_MENTIONS("config->learning_rate");
    tc.learning_rate = 0.01f;
    tc.validation_fraction = 1.5;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK_ERROR_MENTIONS("config->validation_fraction");

    rnn_sampling_config sc;
    CHECK_OK(rnn_sampling_config_init(&sc));
    sc.top_p = 0;
    rnn_sampler* sampler = (rnn_sampler*)0x1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_sampler_create(10, &sc, &sampler));
    CHECK(sampler == NULL);
    CHECK_ERROR_MENTIONS("config->top_p");
    sc.top_p = 1;
    sc.temperature = -1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_sampler_create(10, &sc, &sampler));
    CHECK_ERROR_MENTIONS("config->temperature");

    /* Generator over a vocabulary of another size. */
    rnn_vocab* vocab = byte_vocab();
    sc.temperature = 1;
    rnn_generator* generator = (rnn_generator*)0x1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_generator_create(model, vocab, &sc, &generator));
    CHECK(generator == NULL);
    CHECK_ERROR_MENTIONS("vocab");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_save_file(model, vocab, "/tmp/never.rnn"));
    CHECK_ERROR_MENTIONS("vocab");

    rnn_state* state;
    CHECK_OK(rnn_state_create(model, &state));
    float logits[10];
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_state_step(state, 10, logits, 10, NULL));
    CHECK_ERROR_MENTIONS("token");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_state_step(state, 0, NULL, 10, NULL));
    CHECK_ERROR_MENTIONS("logits");

    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    vc.kind = RNN_VOCAB_WORD;
    rnn_vocab* words = (rnn_vocab*)0x1;
    vc.max_size = 1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_vocab_build(&vc, "a b", 3, &words));
    CHECK(words == NULL);
    CHECK_ERROR_MENTIONS("config->max_size: must be 0 (no cap) or at least 2, not 1");
    /* 0 keeps the engine's default number of words, as the CLI does (since 0.2.0). */
    vc.max_size = 0;
    CHECK_OK(rnn_vocab_build(&vc, "a b", 3, &words));
    int32_t word_count;
    CHECK_OK(rnn_vocab_size(words, &word_count));
    CHECK(word_count == 3); /* "a", "b", <unk> */
    rnn_vocab_destroy(words);
    vc.kind = 9;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_vocab_build(&vc, "a b", 3, &words));
    CHECK_ERROR_MENTIONS("config->kind");

    /* A character vocabulary without <unk> cannot encode unseen characters. */
    vc.kind = RNN_VOCAB_CHAR;
    vc.max_size = 0;
    rnn_vocab* chars;
    CHECK_OK(rnn_vocab_build(&vc, "abc", 3, &chars));
    int32_t out[4];
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_vocab_encode(chars, "abz", 3, out, 4, NULL));
    int32_t bad_id = 3;
    char text[8];
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_vocab_decode(chars, &bad_id, 1, text, sizeof text, NULL));
    CHECK_ERROR_MENTIONS("id");

    rnn_vocab_destroy(chars);
    rnn_state_destroy(state);
    rnn_vocab_destroy(vocab);
    rnn_corpus_destroy(corpus);
    rnn_model_destroy(model);
}

TEST(small_buffers_report_the_size_needed) {
    rnn_vocab* vocab = byte_vocab();
    CHECK(vocab != NULL);
    int32_t ids[4];
    size_t needed = 0;
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_vocab_encode(vocab, "hello", 5, ids, 4, &needed));
    CHECK(needed == 5);
    CHECK_ERROR_MENTIONS("5");
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_vocab_encode(vocab, "hello", 5, NULL, 0, &needed));
    CHECK(needed == 5);
    int32_t hello[] = {'h', 'e', 'l', 'l', 'o'};
    char text[5];
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_vocab_decode(vocab, hello, 5, text, sizeof text, &needed));
    CHECK(needed == 6); /* the text and its NUL */
    char fits[6];
    CHECK_OK(rnn_vocab_decode(vocab, hello, 5, fits, sizeof fits, &needed));
    CHECK(strcmp(fits, "hello") == 0);

    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 256;
    mc.embedding_size = 4;
    mc.hidden_size = 4;
    rnn_model* model;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_state* state;
    CHECK_OK(rnn_state_create(model, &state));
    float logits[256];
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_state_step(state, 1, logits, 255, &needed));
    CHECK(needed == 256);
    CHECK_OK(rnn_state_step(state, 1, logits, 256, &needed));

    rnn_sampling_config sc;
    CHECK_OK(rnn_sampling_config_init(&sc));
    sc.max_tokens = 20;
    rnn_generator* generator;
    CHECK_OK(rnn_generator_create(model, vocab, &sc, &generator));
    char one[1];
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_generator_generate(generator, "hi", one, sizeof one, &needed));
    CHECK(needed > 1);
    char* whole = malloc(needed);
    size_t again;
    CHECK_OK(rnn_generator_generate(generator, "hi", whole, needed, &again));
    CHECK(again == needed);
    free(whole);

    rnn_generator_destroy(generator);
    rnn_state_destroy(state);
    rnn_model_destroy(model);
    rnn_vocab_destroy(vocab);
}

TEST(truncated_corrupt_and_missing_model_files_are_rejected) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    void* bytes;
    size_t size;
    CHECK_OK(rnn_model_save_to_memory(model, vocab, &bytes, &size));

    rnn_model* loaded = (rnn_model*)0x1;
    rnn_vocab* loaded_vocab = (rnn_vocab*)0x1;
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_load_from_memory(bytes, size / 2, &loaded, &loaded_vocab));
    CHECK(loaded == NULL && loaded_vocab == NULL);
    printf("  truncated: %s\n", rnn_last_error());
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_load_from_memory(bytes, 0, &loaded, NULL));
    unsigned char* corrupt = malloc(size);
    memcpy(corrupt, bytes, size);
    corrupt[size / 2] ^= 0x40; /* a bit in the middle of the weights: the checksum catches it */
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_load_from_memory(corrupt, size, &loaded, NULL));
    printf("  corrupt: %s\n", rnn_last_error());
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_load_from_memory("hello, world, not a model", 25, &loaded, NULL));

    char path[512];
    const char* dir = getenv("RNN_TEST_TMP");
    snprintf(path, sizeof path, "%s/truncated.rnn", dir ? dir : "/tmp");
    FILE* f = fopen(path, "wb");
    CHECK(f != NULL);
    fwrite(bytes, 1, size - 100, f);
    fclose(f);
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_load_file(path, &loaded, NULL));
    CHECK(loaded == NULL);
    CHECK_STATUS(RNN_E_IO, rnn_model_load_file("/nonexistent/dir/model.rnn", &loaded, NULL));
    CHECK_ERROR_MENTIONS("model.rnn");
    CHECK_STATUS(RNN_E_IO, rnn_model_save_file(model, vocab, "/nonexistent/dir/model.rnn"));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_load_file(NULL, &loaded, NULL));
    CHECK_ERROR_MENTIONS("path");
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    rnn_vocab* missing = (rnn_vocab*)0x1;
    CHECK_STATUS(RNN_E_IO, rnn_vocab_build_file(&vc, "/nonexistent/corpus.txt", &missing));
    CHECK(missing == NULL);
    free(corrupt);
    rnn_free(bytes);
}

TEST(forced_kernel_errors_are_unsupported_not_crashes) {
    /* run_tests.sh also runs this test with RNN_KERNEL=bogus. */
    const char* forced = getenv("RNN_KERNEL");
    rnn_kernel path;
    if (forced && strcmp(forced, "bogus") == 0) {
        CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_kernel_path(&path, NULL));
        CHECK_ERROR_MENTIONS("bogus");
    } else {
        CHECK_OK(rnn_kernel_path(&path, NULL));
    }
}
