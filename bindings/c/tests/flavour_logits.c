/* Cross-flavour agreement. `flavour_logits make MODEL [lstm|gru]` saves a fixed, seeded 2x64 LSTM (or
 * GRU) over a byte vocabulary; `flavour_logits dump MODEL OUT` steps it through a fixed text and writes every
 * step's logits (raw floats), then the model's loss on that text evaluated in batched windows
 * (GEMMs over packed operands, where single steps use none) for two window shapes;
 * `flavour_logits compare A B` checks that two dumps agree within
 * |a - b| <= 1e-4 * max(1, |a|) and prints the largest difference. Different flavours differ only
 * by FMA contraction and reduction order, so they agree to about 1e-6 here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnn.h"

#define TOLERANCE 1e-4

static int fail(const char* what, rnn_status s) {
    fprintf(stderr, "flavour_logits: %s: %s: %s\n", what, rnn_status_string(s), rnn_last_error());
    return 1;
}

static int make(const char* path, rnn_cell cell) {
    rnn_vocab_config vc;
    rnn_vocab_config_init(&vc);
    vc.kind = RNN_VOCAB_BYTE;
    rnn_vocab* vocab;
    rnn_status s = rnn_vocab_build(&vc, NULL, 0, &vocab);
    if (s) return fail("vocab", s);
    rnn_model_config mc;
    rnn_model_config_init(&mc);
    mc.vocab_size = 256;
    mc.embedding_size = 32;
    mc.hidden_size = 64;
    mc.layers = 2;
    mc.cell = cell;
    mc.seed = 2024;
    rnn_model* model;
    if ((s = rnn_model_create(&mc, &model))) return fail("model", s);
    if ((s = rnn_model_save_file(model, vocab, path))) return fail("save", s);
    return 0;
}

static int dump(const char* model_path, const char* out_path) {
    rnn_model* model;
    rnn_vocab* vocab;
    rnn_status s = rnn_model_load_file(model_path, &model, &vocab);
    if (s) return fail("load", s);
    rnn_state* state;
    if ((s = rnn_state_create(model, &state))) return fail("state", s);
    FILE* out = fopen(out_path, "wb");
    if (!out) return fail("open output", RNN_E_IO);
    const char* text = "The quick brown fox jumps over the lazy dog. 0123456789";
    float logits[256];
    for (const char* c = text; *c; c++) {
        if ((s = rnn_state_step(state, (unsigned char)*c, logits, 256, NULL))) return fail("step", s);
        fwrite(logits, sizeof(float), 256, out);
    }
    rnn_corpus* corpus;
    if ((s = rnn_corpus_from_text(vocab, text, strlen(text), &corpus))) return fail("corpus", s);
    const int32_t shapes[2][2] = {{3, 7}, {2, 20}};  /* batch, steps */
    for (int i = 0; i < 2; i++) {
        rnn_evaluation e;
        e.struct_size = sizeof e;
        if ((s = rnn_model_evaluate(model, corpus, shapes[i][0], shapes[i][1], &e))) return fail("evaluate", s);
        float loss = (float)e.loss;
        fwrite(&loss, sizeof loss, 1, out);
    }
    fclose(out);
    const char* name;
    rnn_kernel_path(NULL, &name);
    printf("dumped %zu steps of logits with the %s kernels\n", strlen(text), name);
    return 0;
}

static long read_all(const char* path, float** values) {
    FILE* f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    *values = malloc(bytes);
    long n = (long)fread(*values, sizeof(float), bytes / sizeof(float), f);
    fclose(f);
    return n;
}

static int compare(const char* a_path, const char* b_path) {
    float *a, *b;
    long n = read_all(a_path, &a), m = read_all(b_path, &b);
    if (n <= 0 || n != m) {
        fprintf(stderr, "flavour_logits: %s and %s differ in size (%ld, %ld)\n", a_path, b_path, n, m);
        return 1;
    }
    double worst = 0;
    for (long i = 0; i < n; i++) {
        double relative = fabs((double)a[i] - b[i]) / fmax(1.0, fabs((double)a[i]));
        if (relative > worst) worst = relative;
    }
    printf("%s vs %s: %ld logits, max relative difference %.3g (tolerance %.0e)\n", a_path, b_path, n, worst, TOLERANCE);
    return worst <= TOLERANCE ? 0 : 1;
}

int main(int argc, char** argv) {
    if (rnn_check_abi(RNN_ABI_VERSION) != RNN_OK) return fail("ABI", RNN_E_ABI_MISMATCH);
    if (argc == 3 && strcmp(argv[1], "make") == 0) return make(argv[2], RNN_CELL_LSTM);
    if (argc == 4 && strcmp(argv[1], "make") == 0 && strcmp(argv[3], "lstm") == 0) return make(argv[2], RNN_CELL_LSTM);
    if (argc == 4 && strcmp(argv[1], "make") == 0 && strcmp(argv[3], "gru") == 0) return make(argv[2], RNN_CELL_GRU);
    if (argc == 4 && strcmp(argv[1], "dump") == 0) return dump(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "compare") == 0) return compare(argv[2], argv[3]);
    fprintf(stderr, "usage: flavour_logits make MODEL [lstm|gru] | dump MODEL OUT | compare A B\n");
    return 2;
}
