/* The Jordan network as a language model (0.5.0): created with RNN_CELL_JORDAN and one layer, trained on a corpus
 * with its output y carried between windows, saved and loaded, stepped and sampled; what it does not serve
 * (bfloat16 steps, the PyTorch exchange) fails with RNN_E_UNSUPPORTED. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

TEST(jordan_language_model_trains_saves_steps_and_samples) {
    char text[4096] = "";
    for (int i = 0; i < 16; i++) strcat(text, fixture_text);
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    vc.kind = RNN_VOCAB_CHAR;
    rnn_vocab* vocab = NULL;
    CHECK_OK(rnn_vocab_build(&vc, text, strlen(text), &vocab));
    int32_t vocab_size = 0;
    CHECK_OK(rnn_vocab_size(vocab, &vocab_size));

    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = vocab_size;
    mc.cell = RNN_CELL_JORDAN;
    mc.hidden_size = 32;
    mc.embedding_size = 16;
    mc.seed = 3;
    rnn_model* refused = (rnn_model*)1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &refused));   /* the default 2 layers are a stack's */
    CHECK(refused == NULL);
    CHECK_ERROR_MENTIONS("config->layers");
    mc.layers = 1;
    rnn_model* model = NULL;
    CHECK_OK(rnn_model_create(&mc, &model));

    rnn_corpus* corpus = NULL;
    CHECK_OK(rnn_corpus_from_text(vocab, text, strlen(text), &corpus));
    rnn_evaluation before = {.struct_size = sizeof before}, after = {.struct_size = sizeof after};
    CHECK_OK(rnn_model_evaluate(model, corpus, 4, 16, &before));
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 16;
    tc.batch_size = 4;
    tc.learning_rate = 1e-2f;
    tc.max_steps = 150;
    tc.eval_every = 0;
    tc.validation_fraction = 0.0;
    rnn_trainer* trainer = NULL;
    CHECK_OK(rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK_OK(rnn_trainer_train(trainer, 150, NULL, NULL, NULL));
    rnn_trainer_destroy(trainer);
    CHECK_OK(rnn_model_evaluate(model, corpus, 4, 16, &after));
    printf("  loss %.3f -> %.3f nats/char (uniform %.3f)\n", before.loss, after.loss, log(vocab_size));
    CHECK(isfinite(after.loss) && after.loss < before.loss - 0.5 && after.loss < log(vocab_size) - 0.5);

    void* bytes = NULL;
    size_t size = 0;
    CHECK_OK(rnn_model_save_to_memory(model, vocab, &bytes, &size));
    rnn_model* loaded = NULL;
    rnn_vocab* loaded_vocab = NULL;
    CHECK_OK(rnn_model_load_from_memory(bytes, size, &loaded, &loaded_vocab));
    rnn_free(bytes);
    rnn_model_config got;
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(loaded, &got));
    CHECK(got.cell == RNN_CELL_JORDAN && got.layers == 1 && got.hidden_size == 32 && got.vocab_size == vocab_size);

    /* The saved model steps as the trained one, and its y moves the logits from token to token. */
    rnn_state* a = NULL;
    rnn_state* b = NULL;
    CHECK_OK(rnn_state_create(model, &a));
    CHECK_OK(rnn_state_create(loaded, &b));
    float* la = malloc(sizeof(float) * (size_t)vocab_size);
    float* lb = malloc(sizeof(float) * (size_t)vocab_size);
    float* first = malloc(sizeof(float) * (size_t)vocab_size);
    for (int t = 0; t < 6; t++) {
        CHECK_OK(rnn_state_step(a, 1, la, (size_t)vocab_size, NULL));
        CHECK_OK(rnn_state_step(b, 1, lb, (size_t)vocab_size, NULL));
        CHECK(memcmp(la, lb, sizeof(float) * (size_t)vocab_size) == 0);
        if (t == 0) memcpy(first, la, sizeof(float) * (size_t)vocab_size);
    }
    CHECK(memcmp(first, la, sizeof(float) * (size_t)vocab_size) != 0);   /* the same token, another y fed back */
    CHECK_OK(rnn_state_reset(a));
    CHECK_OK(rnn_state_step(a, 1, la, (size_t)vocab_size, NULL));
    CHECK(memcmp(first, la, sizeof(float) * (size_t)vocab_size) == 0);    /* reset: y = 0 again */
    free(la);
    free(lb);
    free(first);
    rnn_state_destroy(a);
    rnn_state_destroy(b);

    rnn_sampling_config sc;
    CHECK_OK(rnn_sampling_config_init(&sc));
    sc.max_tokens = 40;
    sc.seed = 7;
    rnn_generator* generator = NULL;
    CHECK_OK(rnn_generator_create(loaded, loaded_vocab, &sc, &generator));
    char sample[512];
    size_t needed = 0;
    CHECK_OK(rnn_generator_generate(generator, "the ", sample, sizeof sample, &needed));
    CHECK(strlen(sample) > 0);
    rnn_generator_destroy(generator);

    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_set_step_precision(model, RNN_PRECISION_BF16));
    CHECK_ERROR_MENTIONS("float32 only");
    void* exported = (void*)1;
    size_t exported_size = 1;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_export_safetensors_to_memory(model, vocab, &exported, &exported_size));
    CHECK(exported == NULL && exported_size == 0);
    CHECK_ERROR_MENTIONS("no PyTorch module");

    rnn_corpus_destroy(corpus);
    rnn_model_destroy(model);
    rnn_model_destroy(loaded);
    rnn_vocab_destroy(vocab);
    rnn_vocab_destroy(loaded_vocab);
}
