/* The whole job a C host does: vocabulary, training, evaluation, save/load, step API, sampling. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

static const char* model_path(void) {
    const char* dir = getenv("RNN_TEST_TMP");
    static char path[512];
    snprintf(path, sizeof path, "%s/workflow.rnn", dir ? dir : "/tmp");
    return path;
}

static char* generate(const rnn_model* model, const rnn_vocab* vocab, uint64_t seed, const char* prime, const char* stop) {
    rnn_sampling_config sc;
    if (rnn_sampling_config_init(&sc) != RNN_OK) return NULL;
    sc.seed = seed;
    sc.temperature = 0.8f;
    sc.max_tokens = 60;
    sc.stop = stop;
    rnn_generator* generator;
    if (rnn_generator_create(model, vocab, &sc, &generator) != RNN_OK) return NULL;
    size_t needed = 0;
    if (rnn_generator_generate(generator, prime, NULL, 0, &needed) != RNN_E_BUFFER_TOO_SMALL) return NULL;
    char* text = malloc(needed);
    rnn_status s = rnn_generator_generate(generator, prime, text, needed, &needed);
    rnn_generator_destroy(generator);
    if (s != RNN_OK) {
        free(text);
        return NULL;
    }
    return text;
}

TEST(tiny_lstm_trains_below_threshold) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    printf("  final smoothed loss %.3f nats/char\n", fixture_final_loss());
    CHECK(fixture_final_loss() < 0.5);
}

TEST(save_load_file_and_memory_give_the_same_model) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    CHECK_OK(rnn_model_save_file(model, vocab, model_path()));

    rnn_model* loaded;
    rnn_vocab* loaded_vocab;
    CHECK_OK(rnn_model_load_file(model_path(), &loaded, &loaded_vocab));
    rnn_model_config a, b;
    CHECK_OK(rnn_model_config_init(&a));
    CHECK_OK(rnn_model_config_init(&b));
    CHECK_OK(rnn_model_get_config(model, &a));
    CHECK_OK(rnn_model_get_config(loaded, &b));
    CHECK(a.vocab_size == b.vocab_size && a.hidden_size == 64 && b.hidden_size == 64 && b.cell == RNN_CELL_LSTM);

    void* bytes;
    size_t size;
    CHECK_OK(rnn_model_save_to_memory(model, vocab, &bytes, &size));
    CHECK(bytes != NULL && size > 1000);
    rnn_model* from_memory;
    CHECK_OK(rnn_model_load_from_memory(bytes, size, &from_memory, NULL));
    void* again;
    size_t again_size;
    CHECK_OK(rnn_model_save_to_memory(from_memory, loaded_vocab, &again, &again_size));
    CHECK(again_size == size && memcmp(bytes, again, size) == 0);
    rnn_free(bytes);
    rnn_free(again);

    char* original = generate(model, vocab, 7, "the ", NULL);
    char* reloaded = generate(loaded, loaded_vocab, 7, "the ", NULL);
    CHECK(original != NULL && reloaded != NULL);
    printf("  sample: \"the %s\"\n", original);
    CHECK(strcmp(original, reloaded) == 0);
    CHECK(strlen(original) > 0);
    free(original);
    free(reloaded);
    rnn_model_destroy(loaded);
    rnn_model_destroy(from_memory);
    rnn_vocab_destroy(loaded_vocab);
}

TEST(same_seed_same_text_other_seed_other_text_and_stop_string) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    char* a = generate(model, vocab, 1, "the", NULL);
    char* b = generate(model, vocab, 1, "the", NULL);
    CHECK(a && b && strcmp(a, b) == 0);
    int differs = 0;
    for (uint64_t seed = 2; seed < 6 && !differs; seed++) {
        char* c = generate(model, vocab, seed, "the", NULL);
        CHECK(c != NULL);
        differs = strcmp(a, c) != 0;
        free(c);
    }
    CHECK(differs);
    char* stopped = generate(model, vocab, 1, "the", "\n");
    CHECK(stopped != NULL && strchr(stopped, '\n') == NULL);
    CHECK(strncmp(a, stopped, strlen(stopped)) == 0);
    free(a);
    free(b);
    free(stopped);
}

typedef struct { char text[4096]; size_t size; int calls; } stream_sink;

static int collect(const char* text, size_t size, void* user_data) {
    stream_sink* sink = user_data;
    memcpy(sink->text + sink->size, text, size);
    sink->size += size;
    sink->text[sink->size] = 0;
    sink->calls++;
    return 0;
}

TEST(streaming_yields_the_generated_text) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    rnn_sampling_config sc;
    CHECK_OK(rnn_sampling_config_init(&sc));
    sc.seed = 3;
    sc.max_tokens = 40;
    rnn_generator* generator;
    CHECK_OK(rnn_generator_create(model, vocab, &sc, &generator));
    char whole[4096];
    size_t needed;
    CHECK_OK(rnn_generator_generate(generator, "the ", whole, sizeof whole, &needed));
    stream_sink sink = {{0}, 0, 0};
    CHECK_OK(rnn_generator_stream(generator, "the ", collect, &sink));
    CHECK(sink.calls > 1);
    CHECK(strcmp(sink.text, whole) == 0);
    rnn_generator_destroy(generator);
}

TEST(step_api_matches_after_reset_and_greedy_sampler_takes_the_argmax) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    int32_t ids[16];
    size_t count;
    CHECK_OK(rnn_vocab_encode(vocab, "the cat", 7, ids, 16, &count));
    CHECK(count == 7);
    int32_t vocab_size;
    CHECK_OK(rnn_vocab_size(vocab, &vocab_size));
    rnn_state* state;
    CHECK_OK(rnn_state_create(model, &state));
    float first[128], second[128];
    size_t needed;
    for (size_t i = 0; i < count; i++) CHECK_OK(rnn_state_step(state, ids[i], first, 128, &needed));
    CHECK(needed == (size_t)vocab_size);
    CHECK_OK(rnn_state_reset(state));
    for (size_t i = 0; i < count; i++) CHECK_OK(rnn_state_step(state, ids[i], second, 128, NULL));
    CHECK(memcmp(first, second, sizeof(float) * vocab_size) == 0);

    rnn_sampling_config sc;
    CHECK_OK(rnn_sampling_config_init(&sc));
    sc.temperature = 0;
    rnn_sampler* sampler;
    CHECK_OK(rnn_sampler_create(vocab_size, &sc, &sampler));
    int32_t token;
    CHECK_OK(rnn_sampler_sample(sampler, first, (size_t)vocab_size, &token));
    for (int32_t i = 0; i < vocab_size; i++) CHECK(first[i] <= first[token]);
    /* After "the cat" the model has learned " " comes next. */
    char piece[8];
    CHECK_OK(rnn_vocab_decode(vocab, &token, 1, piece, sizeof piece, NULL));
    CHECK(strcmp(piece, " ") == 0);
    rnn_sampler_destroy(sampler);
    rnn_state_destroy(state);
}

TEST(evaluation_reports_loss_perplexity_and_bits) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_text(vocab, fixture_text, strlen(fixture_text), &corpus));
    int64_t tokens;
    CHECK_OK(rnn_corpus_size(corpus, &tokens));
    CHECK(tokens == (int64_t)strlen(fixture_text));
    rnn_evaluation e;
    e.struct_size = sizeof e;
    CHECK_OK(rnn_model_evaluate(model, corpus, 2, 16, &e));
    CHECK(e.loss > 0 && e.loss < 1.0);
    CHECK(fabs(e.perplexity - exp(e.loss)) < 1e-9 * e.perplexity);
    CHECK(fabs(e.bits_per_token - e.loss / log(2.0)) < 1e-12);
    rnn_corpus_destroy(corpus);
}

TEST(vocabularies_of_every_kind_round_trip) {
    const char text[] = "h\xc3\xa9llo, w\xc3\xb6rld!\nhello world\n";
    rnn_vocab_config vc;
    for (int kind = RNN_VOCAB_BYTE; kind <= RNN_VOCAB_WORD; kind++) {
        CHECK_OK(rnn_vocab_config_init(&vc));
        vc.kind = kind;
        vc.max_size = kind == RNN_VOCAB_WORD ? 100 : 0;
        rnn_vocab* vocab;
        CHECK_OK(rnn_vocab_build(&vc, text, strlen(text), &vocab));
        rnn_vocab_kind got;
        CHECK_OK(rnn_vocab_get_kind(vocab, &got));
        CHECK(got == kind);
        int32_t ids[64];
        size_t count;
        CHECK_OK(rnn_vocab_encode(vocab, text, strlen(text), ids, 64, &count));
        CHECK(count == (kind == RNN_VOCAB_BYTE ? strlen(text) : kind == RNN_VOCAB_CHAR ? 26u : count));
        char back[128];
        size_t needed;
        CHECK_OK(rnn_vocab_decode(vocab, ids, count, back, sizeof back, &needed));
        CHECK(needed == strlen(back) + 1);
        if (kind != RNN_VOCAB_WORD) CHECK(strcmp(back, text) == 0);
        else CHECK(strstr(back, "w\xc3\xb6rld") != NULL);
        rnn_vocab_destroy(vocab);
    }
    /* A capped character vocabulary has <unk>, so unseen characters encode too. */
    CHECK_OK(rnn_vocab_config_init(&vc));
    vc.max_size = 4;
    rnn_vocab* capped;
    CHECK_OK(rnn_vocab_build(&vc, text, strlen(text), &capped));
    int32_t size;
    CHECK_OK(rnn_vocab_size(capped, &size));
    CHECK(size == 4);
    int32_t ids[8];
    size_t count;
    CHECK_OK(rnn_vocab_encode(capped, "xyz", 3, ids, 8, &count));
    CHECK(count == 3 && ids[0] == 3);
    rnn_vocab_destroy(capped);
}

TEST(elman_models_train_from_a_token_array_and_a_file) {
    int32_t ids[400];
    for (int i = 0; i < 400; i++) ids[i] = (i * 7) % 5;
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_tokens(ids, 400, 5, &corpus));
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 5;
    mc.embedding_size = 4;
    mc.cell = RNN_CELL_ELMAN;
    mc.activation = RNN_ACTIVATION_RELU;
    mc.hidden_size = 16;
    mc.layers = 2;
    rnn_model* model;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 8;
    tc.batch_size = 4;
    tc.optimizer = RNN_OPTIMIZER_SGD;
    tc.learning_rate = 0.1f;
    tc.momentum = 0.9f;
    tc.schedule = RNN_SCHEDULE_COSINE;
    tc.schedule_total_steps = 200;
    tc.max_steps = 200;
    tc.eval_every = 50;
    rnn_trainer* trainer;
    CHECK_OK(rnn_trainer_create(model, corpus, &tc, &trainer));
    double first;
    CHECK_OK(rnn_trainer_step(trainer, &first));
    int32_t finished = -1;
    CHECK_OK(rnn_trainer_train(trainer, 0, NULL, NULL, &finished));
    CHECK(finished == 1);
    rnn_progress p;
    p.struct_size = sizeof p;
    CHECK_OK(rnn_trainer_get_progress(trainer, &p));
    CHECK(p.step == 200);
    CHECK(!isnan(p.validation_loss) && p.validation_loss < first);
    double loss;
    CHECK_STATUS(RNN_E_INVALID_STATE, rnn_trainer_step(trainer, &loss));
    CHECK(isnan(loss));
    rnn_trainer_destroy(trainer);
    rnn_corpus_destroy(corpus);
    rnn_model_destroy(model);

    /* From a file, with a vocabulary built from the same file. */
    char path[512];
    const char* dir = getenv("RNN_TEST_TMP");
    snprintf(path, sizeof path, "%s/corpus.txt", dir ? dir : "/tmp");
    FILE* f = fopen(path, "wb");
    CHECK(f != NULL);
    for (int i = 0; i < 8; i++) fputs(fixture_text, f);
    fclose(f);
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    rnn_vocab* vocab;
    CHECK_OK(rnn_vocab_build_file(&vc, path, &vocab));
    CHECK_OK(rnn_corpus_from_file(vocab, path, &corpus));
    int64_t tokens;
    CHECK_OK(rnn_corpus_size(corpus, &tokens));
    CHECK(tokens == 8 * (int64_t)strlen(fixture_text));
    rnn_corpus_destroy(corpus);
    rnn_vocab_destroy(vocab);
}

TEST(one_hot_models_train_sample_and_keep_their_input_through_save_and_load) {
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    rnn_vocab* vocab;
    CHECK_OK(rnn_vocab_build(&vc, fixture_text, strlen(fixture_text), &vocab));
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_text(vocab, fixture_text, strlen(fixture_text), &corpus));
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    CHECK(mc.input == RNN_INPUT_EMBEDDING);
    CHECK_OK(rnn_vocab_size(vocab, &mc.vocab_size));
    mc.input = RNN_INPUT_ONE_HOT;
    mc.embedding_size = 0;
    mc.hidden_size = 32;
    rnn_model* model;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 16;
    tc.batch_size = 4;
    tc.learning_rate = 0.01f;
    tc.max_steps = 60;
    tc.eval_every = 0;
    tc.validation_fraction = 0;
    rnn_trainer* trainer;
    CHECK_OK(rnn_trainer_create(model, corpus, &tc, &trainer));
    double first;
    CHECK_OK(rnn_trainer_step(trainer, &first));
    int32_t finished = 0;
    CHECK_OK(rnn_trainer_train(trainer, 0, NULL, NULL, &finished));
    rnn_progress p;
    p.struct_size = sizeof p;
    CHECK_OK(rnn_trainer_get_progress(trainer, &p));
    printf("  one-hot LSTM: first loss %.3f, smoothed loss after %lld updates %.3f\n", first, (long long)p.step, p.smoothed_loss);
    CHECK(finished == 1 && p.smoothed_loss < first - 0.5);
    rnn_trainer_destroy(trainer);

    void* bytes;
    size_t size;
    CHECK_OK(rnn_model_save_to_memory(model, vocab, &bytes, &size));
    rnn_model* loaded;
    rnn_vocab* loaded_vocab;
    CHECK_OK(rnn_model_load_from_memory(bytes, size, &loaded, &loaded_vocab));
    rnn_free(bytes);
    rnn_model_config back;
    CHECK_OK(rnn_model_config_init(&back));
    CHECK_OK(rnn_model_get_config(loaded, &back));
    CHECK(back.input == RNN_INPUT_ONE_HOT && back.embedding_size == 0 && back.vocab_size == mc.vocab_size);
    char* a = generate(model, vocab, 5, "the ", NULL);
    char* b = generate(loaded, loaded_vocab, 5, "the ", NULL);
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0 && strlen(a) > 0);
    free(a);
    free(b);
    rnn_model_destroy(loaded);
    rnn_vocab_destroy(loaded_vocab);
    rnn_model_destroy(model);
    rnn_corpus_destroy(corpus);
    rnn_vocab_destroy(vocab);
}

static int stop_at_three(const rnn_progress* p, void* user_data) {
    int* calls = user_data;
    (*calls)++;
    return p->step >= 3;
}

TEST(progress_callback_cancels_and_training_continues_exactly) {
    int32_t ids[300];
    for (int i = 0; i < 300; i++) ids[i] = (i * i) % 7;
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_tokens(ids, 300, 7, &corpus));
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 7;
    mc.embedding_size = 4;
    mc.hidden_size = 8;
    mc.seed = 5;
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 8;
    tc.batch_size = 2;
    tc.max_steps = 10;
    tc.validation_fraction = 0;

    rnn_model *stepped, *straight;
    CHECK_OK(rnn_model_create(&mc, &stepped));
    CHECK_OK(rnn_model_create(&mc, &straight));
    rnn_trainer *t1, *t2;
    CHECK_OK(rnn_trainer_create(stepped, corpus, &tc, &t1));
    CHECK_OK(rnn_trainer_create(straight, corpus, &tc, &t2));

    int calls = 0;
    CHECK_STATUS(RNN_E_CANCELLED, rnn_trainer_train(t1, 0, stop_at_three, &calls, NULL));
    CHECK(calls == 3);
    CHECK_ERROR_MENTIONS("cancelled");
    int32_t finished = -1;
    CHECK_OK(rnn_trainer_train(t1, 2, NULL, NULL, &finished));
    CHECK(finished == 0);
    CHECK_OK(rnn_trainer_train(t1, 0, NULL, NULL, &finished));
    CHECK(finished == 1);
    CHECK_OK(rnn_trainer_train(t2, 0, NULL, NULL, NULL));

    /* Same weights: the saved bytes are equal (with a byte vocabulary of the wrong size the save
     * fails, so use a vocabulary of 7 ids built from 7 distinct characters). */
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    rnn_vocab* vocab;
    CHECK_OK(rnn_vocab_build(&vc, "abcdefg", 7, &vocab));
    void *a, *b;
    size_t a_size, b_size;
    CHECK_OK(rnn_model_save_to_memory(stepped, vocab, &a, &a_size));
    CHECK_OK(rnn_model_save_to_memory(straight, vocab, &b, &b_size));
    CHECK(a_size == b_size && memcmp(a, b, a_size) == 0);
    rnn_free(a);
    rnn_free(b);
    rnn_vocab_destroy(vocab);
    rnn_trainer_destroy(t1);
    rnn_trainer_destroy(t2);
    rnn_model_destroy(stepped);
    rnn_model_destroy(straight);
    rnn_corpus_destroy(corpus);
}

TEST(a_huge_learning_rate_diverges_without_applying_the_update) {
    int32_t ids[200];
    for (int i = 0; i < 200; i++) ids[i] = i % 3;
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_tokens(ids, 200, 3, &corpus));
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 3;
    mc.embedding_size = 4;
    mc.hidden_size = 8;
    mc.cell = RNN_CELL_ELMAN;
    mc.activation = RNN_ACTIVATION_RELU;
    rnn_model* model;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 8;
    tc.batch_size = 2;
    tc.optimizer = RNN_OPTIMIZER_SGD;
    tc.learning_rate = 1e30f;
    tc.clip_norm = 0;
    tc.max_steps = 50;
    rnn_trainer* trainer;
    CHECK_OK(rnn_trainer_create(model, corpus, &tc, &trainer));
    CHECK_STATUS(RNN_E_DIVERGED, rnn_trainer_train(trainer, 0, NULL, NULL, NULL));
    CHECK_ERROR_MENTIONS("diverged");
    rnn_trainer_destroy(trainer);
    rnn_model_destroy(model);
    rnn_corpus_destroy(corpus);
}

/* The weights of a model made from `mc` after `tc`'s training on a fixed corpus (freed by the caller). */
static void* trained_bytes(rnn_model_config mc, rnn_trainer_config tc, size_t* size) {
    int32_t ids[400];
    for (int i = 0; i < 400; i++) ids[i] = (i * 7) % 5;
    rnn_corpus* corpus;
    rnn_model* model;
    rnn_vocab* vocab;
    rnn_vocab_config vc;
    rnn_trainer* trainer;
    void* bytes = NULL;
    *size = 0;
    if (rnn_vocab_config_init(&vc) != RNN_OK || rnn_vocab_build(&vc, "abcde", 5, &vocab) != RNN_OK) return NULL;
    if (rnn_corpus_from_tokens(ids, 400, 5, &corpus) == RNN_OK && rnn_model_create(&mc, &model) == RNN_OK) {
        if (tc.max_steps == 0 || (rnn_trainer_create(model, corpus, &tc, &trainer) == RNN_OK
                                  && rnn_trainer_train(trainer, 0, NULL, NULL, NULL) == RNN_OK)) {
            rnn_model_save_to_memory(model, vocab, &bytes, size);
        }
        if (tc.max_steps != 0) rnn_trainer_destroy(trainer);
        rnn_model_destroy(model);
        rnn_corpus_destroy(corpus);
    }
    rnn_vocab_destroy(vocab);
    return bytes;
}

static int same_bytes(void* a, size_t a_size, void* b, size_t b_size) {
    int same = a != NULL && b != NULL && a_size == b_size && memcmp(a, b, a_size) == 0;
    rnn_free(a);
    rnn_free(b);
    return same;
}

TEST(front_doors_share_the_engine_defaults_seed_optimizers_and_checkpoint_policy) {
    /* The engine's defaults: T = B = 50, the cosine over the run's length, embedding min(H, 64),
     * char-rnn's 2 x 128 LSTM (rnn train's and Python's too). */
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    CHECK(tc.seq_len == 50 && tc.batch_size == 50 && tc.schedule_total_steps == 0);
    CHECK(tc.decoupled_weight_decay == 0 && tc.epsilon == 0);
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 5;
    mc.hidden_size = 12;
    rnn_model* model;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_model_config got;
    got.struct_size = sizeof got;
    CHECK_OK(rnn_model_get_config(model, &got));
    CHECK(got.embedding_size == 12);
    rnn_model_destroy(model);

    /* A 64-bit seed: its high half changes the weights. */
    rnn_trainer_config none;
    memset(&none, 0, sizeof none);
    size_t a_size, b_size;
    void* a = trained_bytes(mc, none, &a_size);
    mc.seed_high = 1;
    void* b = trained_bytes(mc, none, &b_size);
    CHECK(a != NULL && b != NULL && !same_bytes(a, a_size, b, b_size));

    /* AdamW and epsilon reach the optimizer. */
    tc.seq_len = 8;
    tc.batch_size = 4;
    tc.max_steps = 4;
    tc.weight_decay = 0.5f;
    tc.learning_rate = 0.05f;
    a = trained_bytes(mc, tc, &a_size);
    tc.decoupled_weight_decay = 1;
    b = trained_bytes(mc, tc, &b_size);
    CHECK(!same_bytes(a, a_size, b, b_size));
    a = trained_bytes(mc, tc, &a_size);
    tc.epsilon = 0.5f;
    b = trained_bytes(mc, tc, &b_size);
    CHECK(!same_bytes(a, a_size, b, b_size));

    /* The checkpoint policy: the latest and the best file, written by the trainer itself. */
    int32_t ids[400];
    for (int i = 0; i < 400; i++) ids[i] = (i * 7) % 5;
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_tokens(ids, 400, 5, &corpus));
    rnn_vocab_config vc;
    CHECK_OK(rnn_vocab_config_init(&vc));
    rnn_vocab* vocab;
    CHECK_OK(rnn_vocab_build(&vc, "abcde", 5, &vocab));
    CHECK_OK(rnn_model_create(&mc, &model));
    tc.eval_every = 2;
    rnn_trainer* trainer;
    CHECK_OK(rnn_trainer_create(model, corpus, &tc, &trainer));
    char path[512], best[512];
    snprintf(path, sizeof path, "%s", model_path());
    snprintf(best, sizeof best, "%s", model_path());
    strcpy(strstr(best, ".rnn"), ".best.rnn");
    remove(path);
    remove(best);
    rnn_vocab* bytes_vocab;
    vc.kind = RNN_VOCAB_BYTE;
    CHECK_OK(rnn_vocab_build(&vc, "", 0, &bytes_vocab));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_set_checkpoint(trainer, bytes_vocab, path));
    CHECK_ERROR_MENTIONS("vocab: the vocabulary has 256 ids but the model 5");
    rnn_vocab_destroy(bytes_vocab);
    CHECK_OK(rnn_trainer_set_checkpoint(trainer, vocab, path));
    CHECK_OK(rnn_trainer_train(trainer, 0, NULL, NULL, NULL));
    rnn_model* saved;
    CHECK_OK(rnn_model_load_file(path, &saved, NULL));
    rnn_model_destroy(saved);
    CHECK_OK(rnn_model_load_file(best, &saved, NULL));
    rnn_model_destroy(saved);
    CHECK_OK(rnn_trainer_set_checkpoint(trainer, NULL, NULL));
    rnn_trainer_destroy(trainer);
    rnn_model_destroy(model);
    rnn_vocab_destroy(vocab);
    rnn_corpus_destroy(corpus);
}
