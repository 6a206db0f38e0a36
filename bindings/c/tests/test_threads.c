/* Several threads sampling one model at once, each with its own generator or state, produce
 * exactly the text of sequential runs. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

#define THREADS 4
#define ROUNDS 5

typedef struct {
    const rnn_model* model;
    const rnn_vocab* vocab;
    uint64_t seed;
    char text[ROUNDS][512];
    float logits[ROUNDS][64];
    rnn_status status;
} job;

static void* run_job(void* argument) {
    job* j = argument;
    rnn_sampling_config sc;
    rnn_sampling_config_init(&sc);
    sc.seed = j->seed;
    sc.max_tokens = 80;
    rnn_generator* generator;
    if ((j->status = rnn_generator_create(j->model, j->vocab, &sc, &generator)) != RNN_OK) return NULL;
    rnn_state* state;
    if ((j->status = rnn_state_create(j->model, &state)) != RNN_OK) return NULL;
    int32_t ids[32];
    size_t count;
    if ((j->status = rnn_vocab_encode(j->vocab, "the dog saw", 11, ids, 32, &count)) != RNN_OK) return NULL;
    for (int round = 0; round < ROUNDS; round++) {
        size_t needed;
        j->status = rnn_generator_generate(generator, round % 2 ? "the cat" : "the dog", j->text[round], sizeof j->text[round], &needed);
        if (j->status != RNN_OK) return NULL;
        rnn_state_reset(state);
        for (size_t i = 0; i < count; i++) {
            j->status = rnn_state_step(state, ids[(i + round) % count], j->logits[round], 64, NULL);
            if (j->status != RNN_OK) return NULL;
        }
    }
    rnn_state_destroy(state);
    rnn_generator_destroy(generator);
    return NULL;
}

TEST(threads_sampling_one_model_match_sequential_runs) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    static job sequential[THREADS], parallel[THREADS];
    for (int t = 0; t < THREADS; t++) {
        sequential[t] = (job){model, vocab, 100 + t % 2, {{0}}, {{0}}, RNN_OK};
        parallel[t] = sequential[t];
        run_job(&sequential[t]);
        CHECK_OK(sequential[t].status);
    }
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, run_job, &parallel[t]) == 0);
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    for (int t = 0; t < THREADS; t++) {
        CHECK_OK(parallel[t].status);
        for (int r = 0; r < ROUNDS; r++) {
            CHECK(strcmp(parallel[t].text[r], sequential[t].text[r]) == 0);
            CHECK(memcmp(parallel[t].logits[r], sequential[t].logits[r], sizeof parallel[t].logits[r]) == 0);
        }
    }
    /* Threads with the same seed wrote the same text; different seeds differ somewhere. */
    CHECK(strcmp(parallel[0].text[0], parallel[2].text[0]) == 0);
    int differs = 0;
    for (int r = 0; r < ROUNDS; r++) differs |= strcmp(parallel[0].text[r], parallel[1].text[r]) != 0;
    CHECK(differs);
}

typedef struct { rnn_trainer* trainer; rnn_status status; } train_job;

static int slow_progress(const rnn_progress* p, void* user_data) {
    (void)p;
    (void)user_data;
    return 0;
}

static void* train_forever(void* argument) {
    train_job* j = argument;
    j->status = rnn_trainer_train(j->trainer, 0, slow_progress, NULL, NULL);
    return NULL;
}

TEST(another_thread_cancels_a_training_run) {
    int32_t ids[2000];
    for (int i = 0; i < 2000; i++) ids[i] = (i * 31) % 11;
    rnn_corpus* corpus;
    CHECK_OK(rnn_corpus_from_tokens(ids, 2000, 11, &corpus));
    rnn_model_config mc;
    CHECK_OK(rnn_model_config_init(&mc));
    mc.vocab_size = 11;
    mc.embedding_size = 8;
    mc.hidden_size = 32;
    rnn_model* model;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_trainer_config tc;
    CHECK_OK(rnn_trainer_config_init(&tc));
    tc.seq_len = 16;
    tc.batch_size = 4;
    tc.max_seconds = 600;
    rnn_trainer* trainer;
    CHECK_OK(rnn_trainer_create(model, corpus, &tc, &trainer));
    train_job j = {trainer, -1};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, train_forever, &j) == 0);
    rnn_progress p;
    p.struct_size = sizeof p;
    do {
        CHECK_OK(rnn_trainer_get_progress(trainer, &p));
    } while (p.step < 5 && *(volatile rnn_status*)&j.status == -1);
    CHECK_OK(rnn_trainer_cancel(trainer));
    pthread_join(thread, NULL);
    CHECK_STATUS(RNN_E_CANCELLED, j.status);
    rnn_trainer_destroy(trainer);
    rnn_model_destroy(model);
    rnn_corpus_destroy(corpus);
}
