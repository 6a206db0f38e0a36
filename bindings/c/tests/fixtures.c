#include "fixtures.h"

#include <stdio.h>
#include <string.h>

const char fixture_text[] =
    "the cat sat on the mat.\n"
    "the dog sat on the log.\n"
    "the cat saw the dog.\n"
    "the dog saw the cat.\n";

static rnn_model* s_model;
static rnn_vocab* s_vocab;
static double s_loss = 1e9;

#define TRY(call)                                                                          \
    do {                                                                                   \
        rnn_status s_ = (call);                                                            \
        if (s_ != RNN_OK) {                                                                \
            printf("  fixture: %s: %s: %s\n", #call, rnn_status_string(s_), rnn_last_error()); \
            return NULL;                                                                   \
        }                                                                                  \
    } while (0)

rnn_model* fixture_model(rnn_vocab** out_vocab) {
    if (s_model) {
        *out_vocab = s_vocab;
        return s_model;
    }
    char text[4096] = "";
    for (int i = 0; i < 16; i++) strcat(text, fixture_text);

    rnn_vocab_config vc;
    TRY(rnn_vocab_config_init(&vc));
    vc.kind = RNN_VOCAB_CHAR;
    rnn_vocab* vocab;
    TRY(rnn_vocab_build(&vc, text, strlen(text), &vocab));
    int32_t vocab_size;
    TRY(rnn_vocab_size(vocab, &vocab_size));

    rnn_model_config mc;
    TRY(rnn_model_config_init(&mc));
    mc.vocab_size = vocab_size;
    mc.embedding_size = 16;
    mc.cell = RNN_CELL_LSTM;
    mc.hidden_size = 64;
    mc.layers = 1;
    mc.seed = 42;
    rnn_model* model;
    TRY(rnn_model_create(&mc, &model));

    rnn_corpus* corpus;
    TRY(rnn_corpus_from_text(vocab, text, strlen(text), &corpus));
    rnn_trainer_config tc;
    TRY(rnn_trainer_config_init(&tc));
    tc.seq_len = 32;
    tc.batch_size = 4;
    tc.learning_rate = 1e-2f;
    tc.max_steps = 600;
    tc.eval_every = 0;
    tc.validation_fraction = 0.0;
    rnn_trainer* trainer;
    TRY(rnn_trainer_create(model, corpus, &tc, &trainer));
    rnn_corpus_destroy(corpus);
    /* Train in chunks until the loss is low: the step-wise API a host uses for its own loop. */
    for (int chunk = 0; chunk < 30 && s_loss > 0.15; chunk++) {
        TRY(rnn_trainer_train(trainer, 20, NULL, NULL, NULL));
        rnn_progress p;
        p.struct_size = sizeof p;
        TRY(rnn_trainer_get_progress(trainer, &p));
        s_loss = p.smoothed_loss;
    }
    rnn_trainer_destroy(trainer);
    s_model = model;
    s_vocab = vocab;
    *out_vocab = vocab;
    return model;
}

double fixture_final_loss(void) { return s_loss; }
