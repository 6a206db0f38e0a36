/* PyTorch exchange (safetensors export/import) and resumable trainer checkpoints. */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

static const char* temp_path(const char* name) {
    static char path[512];
    const char* dir = getenv("RNN_TEST_TMP");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
    return path;
}

/* Logits after stepping `prime` (bytes as ids of the vocabulary) into `out` (capacity floats). */
static int logits_after(const rnn_model* model, const int32_t* ids, int count, float* out, size_t capacity) {
    rnn_state* state;
    if (rnn_state_create(model, &state) != RNN_OK) return 0;
    for (int i = 0; i < count; i++) {
        if (rnn_state_step(state, ids[i], out, capacity, NULL) != RNN_OK) return 0;
    }
    rnn_state_destroy(state);
    return 1;
}

TEST(safetensors_export_import_round_trips_exactly_through_file_and_memory) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    int32_t v;
    CHECK_OK(rnn_vocab_size(vocab, &v));
    CHECK_OK(rnn_model_export_safetensors(model, vocab, temp_path("exchange.safetensors")));

    void* data;
    size_t size;
    CHECK_OK(rnn_model_export_safetensors_to_memory(model, vocab, &data, &size));
    CHECK(size > 8);
    FILE* f = fopen(temp_path("exchange.safetensors"), "rb");
    CHECK(f != NULL);
    char* file = malloc(size + 1);
    size_t read = fread(file, 1, size + 1, f);
    fclose(f);
    CHECK(read == size && memcmp(file, data, size) == 0);
    free(file);
    CHECK(memmem(data, size, "embedding.weight", 16) != NULL && memmem(data, size, "decoder.bias", 12) != NULL);

    rnn_model *from_file, *from_memory;
    rnn_vocab *file_vocab, *memory_vocab;
    CHECK_OK(rnn_model_import_safetensors(temp_path("exchange.safetensors"), NULL, NULL, &from_file, &file_vocab));
    CHECK_OK(rnn_model_import_safetensors_from_memory(data, size, vocab, NULL, &from_memory, &memory_vocab));
    int32_t fv;
    CHECK_OK(rnn_vocab_size(file_vocab, &fv));
    CHECK(fv == v);
    rnn_free(data);

    int32_t ids[5] = {0, 1, 2, 1, 0};
    float* a = malloc(sizeof(float) * 3 * (size_t)v);
    CHECK(logits_after(model, ids, 5, a, (size_t)v));
    CHECK(logits_after(from_file, ids, 5, a + v, (size_t)v));
    CHECK(logits_after(from_memory, ids, 5, a + 2 * v, (size_t)v));
    CHECK(memcmp(a, a + v, sizeof(float) * (size_t)v) == 0 && memcmp(a, a + 2 * v, sizeof(float) * (size_t)v) == 0);
    free(a);

    /* Without a vocabulary in the file, import needs one; a config overrides the metadata. */
    CHECK_OK(rnn_model_export_safetensors_to_memory(model, NULL, &data, &size));
    rnn_model* bare;
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_import_safetensors_from_memory(data, size, NULL, NULL, &bare, NULL));
    CHECK(bare == NULL);
    CHECK_ERROR_MENTIONS("vocabulary");
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    CHECK_OK(rnn_model_get_config(model, &mc));
    CHECK_OK(rnn_model_import_safetensors_from_memory(data, size, vocab, &mc, &bare, NULL));
    rnn_model_config hidden_changed = mc;
    hidden_changed.hidden_size = mc.hidden_size + 1;
    rnn_model* wrong;
    CHECK_STATUS(RNN_E_FORMAT, rnn_model_import_safetensors_from_memory(data, size, vocab, &hidden_changed, &wrong, NULL));
    rnn_free(data);

    CHECK_STATUS(RNN_E_FORMAT, rnn_model_import_safetensors_from_memory("not safetensors", 15, vocab, NULL, &wrong, NULL));
    CHECK_STATUS(RNN_E_IO, rnn_model_import_safetensors(temp_path("missing.safetensors"), NULL, NULL, &wrong, NULL));
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_export_safetensors((rnn_model*)(intptr_t)12345, NULL, temp_path("x.safetensors")));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_export_safetensors(model, vocab, NULL));
    CHECK_ERROR_MENTIONS("path");

    rnn_model_destroy(bare);
    rnn_model_destroy(from_file);
    rnn_model_destroy(from_memory);
    rnn_vocab_destroy(file_vocab);
    rnn_vocab_destroy(memory_vocab);
}

static int stop_at_four(const rnn_progress* p, void* user_data) {
    (void)user_data;
    return p->step >= 4;
}

TEST(a_checkpoint_saved_after_cancelling_resumes_the_run_exactly) {
    const char* text = "abcabdabcabdaabbccdd abcabd\n";
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    rnn_vocab* vocab;
    CHECK_OK(rnn_vocab_build(&vc, text, strlen(text), &vocab));
    int32_t v;
    CHECK_OK(rnn_vocab_size(vocab, &v));
    char big[28 * 40 + 1] = "";
    for (int i = 0; i < 40; i++) strcat(big, text);
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_text(vocab, big, strlen(big), &corpus));
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = v;
    mc.embedding_size = 4;
    mc.hidden_size = 8;
    mc.seed = 3;
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 8;
    tc.batch_size = 2;
    tc.max_steps = 10;
    tc.validation_fraction = 0.1;

    rnn_model *interrupted, *straight;
    CHECK_OK(rnn_model_create(&mc, &interrupted));
    CHECK_OK(rnn_model_create(&mc, &straight));
    rnn_trainer *t1, *t2;
    CHECK_OK(rnn_trainer_create(interrupted, corpus, &tc, &t1));
    CHECK_STATUS(RNN_E_CANCELLED, rnn_trainer_train(t1, 0, stop_at_four, NULL, NULL));
    char path[512];
    snprintf(path, sizeof path, "%s", temp_path("resume.rnn"));
    CHECK_OK(rnn_trainer_save_checkpoint(t1, vocab, path));
    rnn_trainer_destroy(t1);
    rnn_model_destroy(interrupted);

    /* The checkpoint is a model file; resuming it in a fresh trainer of a fresh model continues. */
    rnn_model* loaded;
    CHECK_OK(rnn_model_load_file(path, &loaded, NULL));
    rnn_model* fresh;
    mc.seed = 99;
    CHECK_OK(rnn_model_create(&mc, &fresh));
    rnn_trainer* resumed;
    CHECK_OK(rnn_trainer_create(fresh, corpus, &tc, &resumed));
    CHECK_OK(rnn_trainer_resume(resumed, path));
    rnn_progress p;
    p.struct_size = sizeof p;
    CHECK_OK(rnn_trainer_get_progress(resumed, &p));
    int32_t finished = 0;
    CHECK_OK(rnn_trainer_train(resumed, 0, NULL, NULL, &finished));
    CHECK(finished == 1);
    CHECK_OK(rnn_trainer_create(straight, corpus, &tc, &t2));
    CHECK_OK(rnn_trainer_train(t2, 0, NULL, NULL, NULL));

    void *a, *b;
    size_t a_size, b_size;
    CHECK_OK(rnn_model_save_to_memory(fresh, vocab, &a, &a_size));
    CHECK_OK(rnn_model_save_to_memory(straight, vocab, &b, &b_size));
    CHECK(a_size == b_size && memcmp(a, b, a_size) == 0);
    rnn_free(a);
    rnn_free(b);

    /* Errors: a plain model file has no training state; another batch size does not fit. */
    CHECK_OK(rnn_model_save_file(straight, vocab, temp_path("plain.rnn")));
    rnn_trainer* t3;
    CHECK_OK(rnn_trainer_create(loaded, corpus, &tc, &t3));
    CHECK_STATUS(RNN_E_FORMAT, rnn_trainer_resume(t3, temp_path("plain.rnn")));
    CHECK_ERROR_MENTIONS("training state");
    rnn_trainer_destroy(t3);
    tc.batch_size = 3;
    CHECK_OK(rnn_trainer_create(loaded, corpus, &tc, &t3));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_resume(t3, path));
    CHECK_ERROR_MENTIONS("path: the hidden state in the snapshot does not fit batch size");
    CHECK_STATUS(RNN_E_IO, rnn_trainer_resume(t3, temp_path("missing.rnn")));
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_trainer_save_checkpoint(t3, NULL, path));
    rnn_trainer_destroy(t3);

    /* Another corpus of the same vocabulary and length is not the run's data: refused, nothing changes. */
    size_t length = strlen(big);
    for (size_t i = 0; i + 1 < length; i += 2) {
        char c = big[i];
        big[i] = big[i + 1];
        big[i + 1] = c;
    }
    rnn_corpus* other;
    CHECK_OK(rnn_corpus_from_text(vocab, big, length, &other));
    tc.batch_size = 2;
    CHECK_OK(rnn_trainer_create(loaded, other, &tc, &t3));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_resume(t3, path));
    CHECK_ERROR_MENTIONS("path: the corpus is not the one the checkpoint was trained on");
    CHECK_OK(rnn_trainer_get_progress(t3, &p));
    CHECK(p.step == 0);
    rnn_corpus_destroy(other);

    rnn_trainer_destroy(t3);
    rnn_trainer_destroy(resumed);
    rnn_trainer_destroy(t2);
    rnn_model_destroy(loaded);
    rnn_model_destroy(fresh);
    rnn_model_destroy(straight);
    rnn_corpus_destroy(corpus);
    rnn_vocab_destroy(vocab);
}
