/* The class-factored softmax of 0.5.0 (rnn_model_config.softmax, .classes; rnn_state_sample): defaults,
 * callers of the 0.3.0 struct, training with classes fitted on the corpus, normalised log-probabilities
 * from rnn_state_step, sampling without them, files, and the error paths. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "rnn.h"

/* The size of rnn_model_config in 0.3.0 and 0.4.0: everything before the fields appended in 0.5.0. */
#define MODEL_CONFIG_SIZE_0_3 56

static const char text[] =
    "the cat sat on the mat . the dog sat on the log . a cat and a dog ran to the mat .\n"
    "the dog ran and the cat sat . a log and a mat . the cat ran to the dog .\n";

TEST(class_softmax_fields_default_to_the_full_softmax) {
    CHECK(offsetof(rnn_model_config, softmax) == MODEL_CONFIG_SIZE_0_3);
    CHECK(RNN_SOFTMAX_FULL == 0 && RNN_SOFTMAX_CLASS == 1);
    rnn_model_config mc;
    memset(&mc, 0x7f, sizeof mc);
    CHECK_OK(rnn_model_config_init(&mc));
    CHECK(mc.softmax == RNN_SOFTMAX_FULL && mc.classes == 0);

    /* A caller of the 0.3.0 struct gets the full softmax whatever lies past its size. */
    mc.vocab_size = 12;
    mc.hidden_size = 8;
    mc.layers = 1;
    mc.struct_size = MODEL_CONFIG_SIZE_0_3;
    mc.softmax = 77;
    rnn_model* model = NULL;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_model_config got;
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(model, &got));
    CHECK(got.softmax == RNN_SOFTMAX_FULL && got.classes == 0);
    rnn_model_destroy(model);
}

TEST(a_class_model_trains_steps_samples_and_round_trips) {
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    vc.kind = RNN_VOCAB_WORD;
    rnn_vocab* vocab = NULL;
    CHECK_OK(rnn_vocab_build(&vc, text, strlen(text), &vocab));
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    CHECK_OK(rnn_vocab_size(vocab, &mc.vocab_size));
    mc.hidden_size = 16;
    mc.layers = 1;
    mc.seed = 5;
    mc.softmax = RNN_SOFTMAX_CLASS;
    rnn_model* model = NULL;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_model_config got;
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(model, &got));
    CHECK(got.softmax == RNN_SOFTMAX_CLASS && got.classes == (int32_t)lround(sqrt((double)mc.vocab_size)));

    rnn_corpus* corpus = NULL;
    CHECK_OK(rnn_corpus_from_text(vocab, text, strlen(text), &corpus));
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 8;
    tc.batch_size = 2;
    tc.learning_rate = 0.02f;
    tc.eval_every = 0;
    tc.max_steps = 20;
    rnn_trainer* trainer = NULL;
    CHECK_OK(rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK_OK(rnn_trainer_train(trainer, 20, NULL, NULL, NULL));
    rnn_trainer_destroy(trainer);

    /* rnn_state_step gives log-probabilities: their exponentials sum to 1. */
    rnn_state* state = NULL;
    CHECK_OK(rnn_state_create(model, &state));
    float logits[64];
    CHECK((size_t)mc.vocab_size <= sizeof logits / sizeof logits[0]);
    CHECK_OK(rnn_state_step(state, 0, logits, sizeof logits / sizeof logits[0], NULL));
    double sum = 0;
    for (int32_t w = 0; w < mc.vocab_size; w++) sum += exp(logits[w]);
    CHECK(fabs(sum - 1.0) < 1e-5);

    /* rnn_state_sample: tokens of the vocabulary, the same ones again from a fresh state and sampler. */
    rnn_sampling_config sc;
    CHECK_OK(rnn_sampling_config_init(&sc));
    sc.seed = 11;
    int32_t drawn[2][12];
    for (int run = 0; run < 2; run++) {
        rnn_sampler* sampler = NULL;
        CHECK_OK(rnn_sampler_create(mc.vocab_size, &sc, &sampler));
        CHECK_OK(rnn_state_reset(state));
        int32_t token = 0;
        for (int i = 0; i < 12; i++) {
            CHECK_OK(rnn_state_sample(state, token, sampler, &token));
            CHECK(token >= 0 && token < mc.vocab_size);
            drawn[run][i] = token;
        }
        rnn_sampler_destroy(sampler);
    }
    CHECK(memcmp(drawn[0], drawn[1], sizeof drawn[0]) == 0);

    /* Errors: a token outside the vocabulary, a sampler of another size. */
    rnn_sampler* sampler = NULL;
    CHECK_OK(rnn_sampler_create(mc.vocab_size, &sc, &sampler));
    int32_t out = 0;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_state_sample(state, mc.vocab_size, sampler, &out));
    CHECK_ERROR_MENTIONS("token");
    CHECK(out == -1);
    rnn_sampler* other = NULL;
    CHECK_OK(rnn_sampler_create(mc.vocab_size + 1, &sc, &other));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_state_sample(state, 0, other, &out));
    CHECK_ERROR_MENTIONS("sampler");
    rnn_sampler_destroy(other);
    rnn_sampler_destroy(sampler);

    /* The file keeps the softmax and the classes: the same log-probabilities after loading. */
    void* bytes = NULL;
    size_t size = 0;
    CHECK_OK(rnn_model_save_to_memory(model, vocab, &bytes, &size));
    rnn_model* loaded = NULL;
    CHECK_OK(rnn_model_load_from_memory(bytes, size, &loaded, NULL));
    rnn_free(bytes);
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(loaded, &got));
    CHECK(got.softmax == RNN_SOFTMAX_CLASS);
    rnn_state* again = NULL;
    CHECK_OK(rnn_state_create(loaded, &again));
    float reloaded[64];
    CHECK_OK(rnn_state_step(again, 0, reloaded, sizeof reloaded / sizeof reloaded[0], NULL));
    CHECK(memcmp(logits, reloaded, (size_t)mc.vocab_size * sizeof(float)) == 0);

    void* exported = NULL;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_export_safetensors_to_memory(model, NULL, &exported, &size));
    CHECK(exported == NULL);

    rnn_state_destroy(again);
    rnn_state_destroy(state);
    rnn_model_destroy(loaded);
    rnn_model_destroy(model);
    rnn_corpus_destroy(corpus);
    rnn_vocab_destroy(vocab);
}

TEST(classes_without_the_class_softmax_are_refused_by_name) {
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 12;
    mc.classes = 3;
    rnn_model* model = NULL;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->classes");
    mc.softmax = 5;
    mc.classes = 0;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->softmax");
    mc.softmax = RNN_SOFTMAX_CLASS;
    mc.classes = 13;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->classes");
    CHECK(model == NULL);
}
