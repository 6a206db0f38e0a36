/* train_and_sample: the whole job from C in one page.
 *   train_and_sample [TEXT_FILE [MODEL_FILE]]
 * Builds a character vocabulary of TEXT_FILE (default: a built-in rhyme), trains a small LSTM on
 * it with a progress callback, saves it to MODEL_FILE (default train_and_sample.rnn), loads it
 * back and samples from it. Build: cc train_and_sample.c $(pkg-config --cflags --libs rnnnative) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnn.h"

#define TRY(call)                                                                       \
    do {                                                                                \
        rnn_status status_ = (call);                                                    \
        if (status_ != RNN_OK) {                                                        \
            fprintf(stderr, "%s failed: %s: %s\n", #call, rnn_status_string(status_),   \
                    rnn_last_error());                                                  \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

static const char rhyme[] =
    "twinkle, twinkle, little star,\nhow I wonder what you are.\n"
    "up above the world so high,\nlike a diamond in the sky.\n";

static int on_progress(const rnn_progress* p, void* user_data) {
    (void)user_data;
    if (p->step % 50 == 0) printf("  step %4lld  loss %.3f nats/char\n", (long long)p->step, p->smoothed_loss);
    return 0; /* non-zero would cancel */
}

int main(int argc, char** argv) {
    TRY(rnn_check_abi(RNN_ABI_VERSION));
    const char* model_path = argc > 2 ? argv[2] : "train_and_sample.rnn";
    const char* kernel;
    TRY(rnn_kernel_path(NULL, &kernel));
    printf("librnnnative %s, %s kernels\n", rnn_version_string(), kernel);

    /* 1. Vocabulary and corpus, from a file or from memory. */
    rnn_vocab_config vc;
    TRY(rnn_vocab_config_init(&vc));
    vc.kind = RNN_VOCAB_CHAR;
    rnn_vocab* vocab;
    rnn_corpus* corpus;
    if (argc > 1) {
        TRY(rnn_vocab_build_file(&vc, argv[1], &vocab));
        TRY(rnn_corpus_from_file(vocab, argv[1], &corpus));
    } else {
        char text[sizeof rhyme * 20] = "";
        for (int i = 0; i < 20; i++) strcat(text, rhyme);
        TRY(rnn_vocab_build(&vc, text, strlen(text), &vocab));
        TRY(rnn_corpus_from_text(vocab, text, strlen(text), &corpus));
    }

    /* 2. A model sized to the vocabulary. */
    rnn_model_config mc;
    TRY(rnn_model_config_init(&mc));
    TRY(rnn_vocab_size(vocab, &mc.vocab_size));
    mc.embedding_size = 16;
    mc.cell = RNN_CELL_LSTM;
    mc.hidden_size = 96;
    mc.layers = 1;
    mc.seed = 1;
    rnn_model* model;
    TRY(rnn_model_create(&mc, &model));

    /* 3. Train. */
    rnn_trainer_config tc;
    TRY(rnn_trainer_config_init(&tc));
    tc.seq_len = 32;
    tc.batch_size = 8;
    tc.learning_rate = 1e-2f;
    tc.max_steps = 300;
    tc.eval_every = 100;
    rnn_trainer* trainer;
    TRY(rnn_trainer_create(model, corpus, &tc, &trainer));
    TRY(rnn_trainer_train(trainer, 0, on_progress, NULL, NULL));
    rnn_evaluation e = {.struct_size = sizeof e};
    TRY(rnn_trainer_validate(trainer, &e));
    printf("validation: %.3f nats/char, perplexity %.2f, %.3f bits/char\n", e.loss, e.perplexity, e.bits_per_token);
    rnn_trainer_destroy(trainer);
    rnn_corpus_destroy(corpus);

    /* 4. Save, then load as a host app would. */
    TRY(rnn_model_save_file(model, vocab, model_path));
    rnn_model_destroy(model);
    rnn_vocab_destroy(vocab);
    TRY(rnn_model_load_file(model_path, &model, &vocab));

    /* 5. Sample: the buffer-size protocol, then the text. */
    rnn_sampling_config sc;
    TRY(rnn_sampling_config_init(&sc));
    sc.temperature = 0.7f;
    sc.top_k = 10;
    sc.seed = 42;
    sc.max_tokens = 120;
    rnn_generator* generator;
    TRY(rnn_generator_create(model, vocab, &sc, &generator));
    size_t needed = 0;
    rnn_status s = rnn_generator_generate(generator, "twinkle", NULL, 0, &needed);
    if (s != RNN_E_BUFFER_TOO_SMALL) TRY(s);
    char* text = malloc(needed);
    TRY(rnn_generator_generate(generator, "twinkle", text, needed, &needed));
    printf("sample:\ntwinkle%s\n", text);
    free(text);
    rnn_generator_destroy(generator);
    rnn_model_destroy(model);
    rnn_vocab_destroy(vocab);
    return 0;
}
