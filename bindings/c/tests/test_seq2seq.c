/* Sequence to sequence (0.5.0): pairs from a TSV file and from memory, a seq2seq model trained to reverse
 * short strings, batch decoding (greedy and beam) into caller-owned buffers with the needed-size protocol,
 * the decoder step against batch decoding, evaluation, model files, RNN_E_UNSUPPORTED across kinds, and
 * malformed input. Under qemu this runs the NEON (v128) decode path. */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

static const char* s2s_path(const char* name) {
    static char path[4][512];
    static int next;
    char* p = path[next++ % 4];
    const char* dir = getenv("RNN_TEST_TMP");
    snprintf(p, sizeof path[0], "%s/%s", dir ? dir : "/tmp", name);
    return p;
}

/* Every string of 1..3 letters over "abc" (39) and its reverse. */
enum { REVERSE_PAIRS = 39 };
static char reverse_sources[REVERSE_PAIRS][4], reverse_targets[REVERSE_PAIRS][4];
static const char* reverse_source_list[REVERSE_PAIRS];
static const char* reverse_target_list[REVERSE_PAIRS];

static void make_reverse_pairs(void) {
    int n = 0;
    for (int length = 1; length <= 3; length++) {
        int combinations = length == 1 ? 3 : length == 2 ? 9 : 27;
        for (int k = 0; k < combinations; k++) {
            int code = k;
            for (int i = 0; i < length; i++) {
                reverse_sources[n][i] = (char)('a' + code % 3);
                code /= 3;
            }
            reverse_sources[n][length] = '\0';
            for (int i = 0; i < length; i++) reverse_targets[n][i] = reverse_sources[n][length - 1 - i];
            reverse_targets[n][length] = '\0';
            reverse_source_list[n] = reverse_sources[n];
            reverse_target_list[n] = reverse_targets[n];
            n++;
        }
    }
}

/* The reversal pairs as training data of characters; NULL on failure. */
static rnn_dataset* reverse_dataset(const rnn_model* model) {
    make_reverse_pairs();
    rnn_dataset_config dc;
    rnn_dataset_config_init(&dc);
    dc.unit = RNN_UNIT_CHARS;
    rnn_dataset* data = NULL;
    if (rnn_dataset_from_pairs(reverse_source_list, reverse_target_list, REVERSE_PAIRS, &dc, model, &data) != RNN_OK) {
        printf("  reverse_dataset: %s\n", rnn_last_error());
        return NULL;
    }
    return data;
}

static rnn_task_model_config tiny_seq2seq(void) {
    rnn_task_model_config mc;
    rnn_task_model_config_init(&mc);
    mc.cell = RNN_CELL_GRU;
    mc.hidden_size = 32;
    mc.embedding_size = 8;
    mc.seed = 3;
    return mc;
}

static rnn_trainer_config seq2seq_training(int64_t updates) {
    rnn_trainer_config tc;
    rnn_trainer_config_init(&tc);
    tc.batch_size = 16;
    tc.learning_rate = 1e-2f;
    tc.max_steps = updates;
    tc.eval_every = 0;
    tc.validation_fraction = 0;
    return tc;
}

/* A GRU seq2seq model trained once per process to reverse the strings (owned here: do not destroy). */
static rnn_model* reverser(void) {
    static rnn_model* model;
    static int tried;
    if (tried) return model;
    tried = 1;
    rnn_dataset* data = reverse_dataset(NULL);
    if (!data) return NULL;
    rnn_task_model_config mc = tiny_seq2seq();
    rnn_trainer_config tc = seq2seq_training(400);
    rnn_model* m = NULL;
    rnn_trainer* trainer = NULL;
    int32_t finished = 0;
    if (rnn_model_create_for_dataset(&mc, data, &m) != RNN_OK || rnn_trainer_create_for_dataset(m, data, NULL, &tc, &trainer) != RNN_OK
        || rnn_trainer_train(trainer, 0, NULL, NULL, &finished) != RNN_OK) {
        printf("  reverser: %s\n", rnn_last_error());
        rnn_model_destroy(m);
        m = NULL;
    }
    rnn_trainer_destroy(trainer);
    rnn_dataset_destroy(data);
    model = m;
    return model;
}

/* Decodes `count` sources with `config` into fresh buffers sized by a first call with NULL buffers. */
typedef struct decoded {
    char* text;
    int32_t* tokens;
    int32_t lengths[REVERSE_PAIRS];
    double log_probabilities[REVERSE_PAIRS];
    double scores[REVERSE_PAIRS];
    int32_t finished[REVERSE_PAIRS];
} decoded;

static rnn_status decode(const rnn_model* model, const char* const* sources, size_t count, const rnn_decode_config* config, decoded* out) {
    memset(out, 0, sizeof *out);
    rnn_decode_result r = {.struct_size = sizeof r};
    rnn_status s = rnn_model_translate(model, sources, count, config, &r);
    if (s != RNN_OK) return s;
    out->text = malloc(r.text_needed);
    out->tokens = malloc((r.tokens_needed + 1) * sizeof(int32_t));
    r.text = out->text;
    r.text_capacity = r.text_needed;
    r.tokens = out->tokens;
    r.tokens_capacity = r.tokens_needed;
    r.lengths = out->lengths;
    r.log_probabilities = out->log_probabilities;
    r.scores = out->scores;
    r.finished = out->finished;
    return rnn_model_translate(model, sources, count, config, &r);
}

static void release(decoded* d) {
    free(d->text);
    free(d->tokens);
}

TEST(seq2seq_structs_have_their_published_layout_and_defaults) {
    CHECK(RNN_MODEL_SEQ2SEQ == 4 && RNN_TOKEN_PAD == 0 && RNN_TOKEN_BOS == 1 && RNN_TOKEN_EOS == 2 && RNN_TOKEN_UNK == 3 && RNN_SPECIAL_TOKENS == 4);
    CHECK(sizeof(rnn_decode_config) == 20 && sizeof(rnn_decode_result) == 88 && offsetof(rnn_decode_result, finished) == 80);
    CHECK(sizeof(rnn_task_metrics) == 96 && offsetof(rnn_task_metrics, exact_match) == 88);
    rnn_decode_config dc;
    memset(&dc, 0x7f, sizeof dc);
    CHECK_OK(rnn_decode_config_init(&dc));
    CHECK(dc.struct_size == sizeof dc && dc.beam_width == 0 && dc.max_length == 64 && dc.length_penalty == 1.0f && dc.batch_size == 64);
}

TEST(seq2seq_model_learns_to_reverse_strings_and_decodes_them_greedily) {
    rnn_model* model = reverser();
    CHECK(model != NULL);
    rnn_model_kind kind = -1;
    CHECK_OK(rnn_model_get_kind(model, &kind));
    CHECK(kind == RNN_MODEL_SEQ2SEQ);
    rnn_task_model_config got = {.struct_size = sizeof got};
    CHECK_OK(rnn_model_get_task_config(model, &got));
    CHECK(got.cell == RNN_CELL_GRU && got.hidden_size == 32 && got.embedding_size == 8 && got.bidirectional == 0 && got.seed == 0);

    rnn_dataset* data = reverse_dataset(model);
    CHECK(data != NULL);
    rnn_dataset_info info = {.struct_size = sizeof info};
    CHECK_OK(rnn_dataset_get_info(data, &info));
    /* a b c and the 4 special tokens on either side */
    CHECK(info.kind == RNN_MODEL_SEQ2SEQ && info.sequences == REVERSE_PAIRS && info.max_length == 3 && info.vocab_size == 7 && info.outputs == 7);
    CHECK(info.timesteps == 3 * 1 + 9 * 2 + 27 * 3);
    rnn_task_metrics m = {.struct_size = sizeof m};
    CHECK_OK(rnn_model_evaluate_dataset(model, data, 0, &m));
    printf("  reverse: exact match %.3f, token accuracy %.3f, loss %.4f nats/token\n", m.exact_match, m.token_accuracy, m.loss);
    CHECK(m.kind == RNN_MODEL_SEQ2SEQ && m.sequences == REVERSE_PAIRS);
    CHECK(m.exact_match >= 0.9 && m.token_accuracy >= 0.9 && m.loss < 0.5);
    CHECK(isnan(m.accuracy) && isnan(m.f1) && isnan(m.mse));

    decoded d;
    CHECK_OK(decode(model, reverse_source_list, REVERSE_PAIRS, NULL, &d));
    const char* text = d.text;
    int right = 0;
    size_t at = 0;
    for (int i = 0; i < REVERSE_PAIRS; i++) {
        right += strcmp(text, reverse_targets[i]) == 0;
        CHECK((size_t)d.lengths[i] == strlen(text) && d.finished[i] == 1);
        CHECK(d.log_probabilities[i] <= 0 && d.scores[i] == d.log_probabilities[i]);   /* greedy: score = log P */
        at += (size_t)d.lengths[i];
        text += strlen(text) + 1;
    }
    CHECK(right >= REVERSE_PAIRS * 9 / 10);
    /* The exact match of the evaluation is greedy decoding's. */
    CHECK(fabs(m.exact_match - (double)right / REVERSE_PAIRS) < 1e-12);
    release(&d);
    rnn_dataset_destroy(data);
}

TEST(seq2seq_beam_of_width_one_equals_greedy_and_wider_beams_score_no_worse) {
    rnn_model* model = reverser();
    CHECK(model != NULL);
    /* The sources as ids of the model's source vocabulary. */
    int32_t ids[REVERSE_PAIRS * 3], lengths[REVERSE_PAIRS];
    size_t total = 0, needed = 0;
    make_reverse_pairs();
    for (int i = 0; i < REVERSE_PAIRS; i++) {
        CHECK_OK(rnn_model_encode_source(model, reverse_sources[i], strlen(reverse_sources[i]), ids + total, sizeof ids / sizeof ids[0] - total, &needed));
        lengths[i] = (int32_t)needed;
        total += needed;
        CHECK(ids[total - 1] >= RNN_SPECIAL_TOKENS);
    }
    rnn_decode_config greedy, beam;
    CHECK_OK(rnn_decode_config_init(&greedy));
    CHECK_OK(rnn_decode_config_init(&beam));
    beam.beam_width = 1;
    int32_t greedy_tokens[REVERSE_PAIRS * 8], beam_tokens[REVERSE_PAIRS * 8], greedy_lengths[REVERSE_PAIRS], beam_lengths[REVERSE_PAIRS];
    double greedy_lp[REVERSE_PAIRS], beam_lp[REVERSE_PAIRS], beam_scores[REVERSE_PAIRS];
    rnn_decode_result g = {.struct_size = sizeof g, .tokens = greedy_tokens, .tokens_capacity = REVERSE_PAIRS * 8, .lengths = greedy_lengths,
                           .log_probabilities = greedy_lp};
    rnn_decode_result b = {.struct_size = sizeof b, .tokens = beam_tokens, .tokens_capacity = REVERSE_PAIRS * 8, .lengths = beam_lengths,
                           .log_probabilities = beam_lp, .scores = beam_scores};
    CHECK_OK(rnn_model_translate_tokens(model, ids, total, lengths, REVERSE_PAIRS, &greedy, &g));
    CHECK_OK(rnn_model_translate_tokens(model, ids, total, lengths, REVERSE_PAIRS, &beam, &b));
    CHECK(g.tokens_needed == b.tokens_needed && memcmp(greedy_tokens, beam_tokens, g.tokens_needed * sizeof(int32_t)) == 0);
    CHECK(memcmp(greedy_lengths, beam_lengths, sizeof greedy_lengths) == 0);
    for (int i = 0; i < REVERSE_PAIRS; i++) {
        CHECK(fabs(greedy_lp[i] - beam_lp[i]) <= 1e-4 * (1 + fabs(greedy_lp[i])));
        /* length penalty 1: the score is the mean log-probability per token, EOS counted */
        CHECK(fabs(beam_scores[i] - beam_lp[i] / (beam_lengths[i] + 1)) <= 1e-9 * (1 + fabs(beam_lp[i])));
    }
    /* Sources given as text decode as their ids do. */
    decoded d;
    CHECK_OK(decode(model, reverse_source_list, REVERSE_PAIRS, NULL, &d));
    CHECK(memcmp(d.tokens, greedy_tokens, g.tokens_needed * sizeof(int32_t)) == 0);
    release(&d);

    /* A beam of 4 ranked by raw log-probability (penalty 0) finds a sequence at least as likely as greedy's. */
    beam.beam_width = 4;
    beam.length_penalty = 0;
    CHECK_OK(rnn_model_translate_tokens(model, ids, total, lengths, REVERSE_PAIRS, &beam, &b));
    for (int i = 0; i < REVERSE_PAIRS; i++) CHECK(beam_lp[i] >= greedy_lp[i] - 1e-4 && beam_scores[i] == beam_lp[i]);
}

TEST(seq2seq_decode_buffers_follow_the_needed_size_protocol) {
    rnn_model* model = reverser();
    CHECK(model != NULL);
    const char* sources[] = {"abc", "ca"};
    rnn_decode_result r = {.struct_size = sizeof r};
    CHECK_OK(rnn_model_translate(model, sources, 2, NULL, &r));   /* NULL buffers: sizes only */
    size_t text_needed = r.text_needed, tokens_needed = r.tokens_needed;
    CHECK(text_needed >= 2 && tokens_needed == text_needed - 2);   /* characters: one byte per token here */

    char text[64];
    int32_t tokens[64];
    memset(text, '#', sizeof text);
    r.text = text;
    r.text_capacity = text_needed - 1;
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_model_translate(model, sources, 2, NULL, &r));
    CHECK(r.text_needed == text_needed && r.tokens_needed == tokens_needed && text[0] == '#');
    CHECK_ERROR_MENTIONS("result->text");
    r.text_capacity = sizeof text;
    r.tokens = tokens;
    r.tokens_capacity = tokens_needed - 1;
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_model_translate(model, sources, 2, NULL, &r));
    CHECK(text[0] == '#');
    CHECK_ERROR_MENTIONS("result->tokens");
    r.tokens_capacity = tokens_needed;
    CHECK_OK(rnn_model_translate(model, sources, 2, NULL, &r));
    CHECK(strlen(text) + strlen(text + strlen(text) + 1) + 2 == text_needed);
    CHECK(strcmp(text, "cba") == 0 && strcmp(text + 4, "ac") == 0);

    /* The text of decoded ids, with the same protocol. */
    size_t needed = 0;
    char small[2];
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_model_decode_target(model, tokens, 3, small, sizeof small, &needed));
    CHECK(needed == 4);
    CHECK_OK(rnn_model_decode_target(model, tokens, 3, text, sizeof text, &needed));
    CHECK(strcmp(text, "cba") == 0);
    int32_t bad = 7;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_decode_target(model, &bad, 1, text, sizeof text, &needed));
    CHECK_ERROR_MENTIONS("ids");

    /* A struct of another size, or a bad config field, names them. */
    rnn_decode_result old = {.struct_size = 40};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_translate(model, sources, 2, NULL, &old));
    CHECK_ERROR_MENTIONS("result->struct_size");
    rnn_decode_config dc;
    CHECK_OK(rnn_decode_config_init(&dc));
    dc.beam_width = -1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_translate(model, sources, 2, &dc, &r));
    CHECK_ERROR_MENTIONS("config->beam_width");
    dc.beam_width = 2;
    dc.max_length = 0;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_translate(model, sources, 2, &dc, &r));
    CHECK_ERROR_MENTIONS("config->max_length");
    const char* with_null[] = {"ab", NULL};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_translate(model, with_null, 2, NULL, &r));
    CHECK_ERROR_MENTIONS("sources[1]");
}

TEST(seq2seq_decoder_step_gives_the_log_probabilities_greedy_decoding_follows) {
    rnn_model* model = reverser();
    CHECK(model != NULL);
    const char* sources[] = {"abc", "b", "cab", "aa"};
    enum { N = 4, MAX = 8 };
    decoded greedy;
    CHECK_OK(decode(model, sources, N, NULL, &greedy));

    rnn_decoder* decoder = NULL;
    CHECK_OK(rnn_decoder_create(model, sources, N, &decoder));
    int32_t rows = 0, vocab = 0;
    CHECK_OK(rnn_decoder_get_size(decoder, &rows, &vocab));
    CHECK(rows == N && vocab == 7);
    int32_t row_sources[N];
    size_t needed = 0;
    CHECK_OK(rnn_decoder_sources(decoder, row_sources, N, &needed));
    CHECK(needed == N && row_sources[0] == 0 && row_sources[3] == 3);

    /* Greedy by hand: every row feeds its argmax (lowest id among equals) until EOS; ended rows keep stepping on EOS. */
    int32_t input[N] = {RNN_TOKEN_BOS, RNN_TOKEN_BOS, RNN_TOKEN_BOS, RNN_TOKEN_BOS};
    int32_t mine[N][MAX], length[N] = {0}, done[N] = {0};
    double log_p[N] = {0};
    float log_probs[N * 7];
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_decoder_step(decoder, input, N, log_probs, N * 7 - 1, &needed));
    CHECK(needed == N * 7);
    for (int t = 0; t < MAX; t++) {
        CHECK_OK(rnn_decoder_step(decoder, input, N, log_probs, N * 7, &needed));
        for (int r = 0; r < N; r++) {
            const float* row = log_probs + r * 7;
            double sum = 0;
            int best = 0;
            for (int v = 0; v < 7; v++) {
                sum += exp(row[v]);
                if (row[v] > row[best]) best = v;
            }
            CHECK(fabs(sum - 1) < 1e-4);
            if (done[r]) continue;
            log_p[r] += row[best];
            if (best == RNN_TOKEN_EOS) {
                done[r] = 1;
            } else {
                mine[r][length[r]++] = best;
            }
            input[r] = best;
        }
    }
    int32_t at = 0;
    for (int r = 0; r < N; r++) {
        CHECK(done[r] && length[r] == greedy.lengths[r]);
        CHECK(memcmp(mine[r], greedy.tokens + at, (size_t)length[r] * sizeof(int32_t)) == 0);
        CHECK(fabs(log_p[r] - greedy.log_probabilities[r]) <= 1e-4 * (1 + fabs(log_p[r])));
        at += length[r];
    }

    /* Reorder: rows become copies; a copy steps as its parent does. */
    int32_t parents[3] = {2, 2, 0};
    CHECK_OK(rnn_decoder_reorder(decoder, parents, 3));
    CHECK_OK(rnn_decoder_get_size(decoder, &rows, NULL));
    CHECK(rows == 3);
    CHECK_OK(rnn_decoder_sources(decoder, row_sources, N, &needed));
    CHECK(needed == 3 && row_sources[0] == 2 && row_sources[1] == 2 && row_sources[2] == 0);
    int32_t same[3] = {RNN_TOKEN_EOS, RNN_TOKEN_EOS, RNN_TOKEN_EOS};
    CHECK_OK(rnn_decoder_step(decoder, same, 3, log_probs, N * 7, &needed));
    CHECK(memcmp(log_probs, log_probs + 7, 7 * sizeof(float)) == 0);

    /* Bad input leaves the rows as they were. */
    int32_t outside[3] = {1, 7, 1};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_decoder_step(decoder, outside, 3, log_probs, N * 7, &needed));
    CHECK_ERROR_MENTIONS("tokens");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_decoder_step(decoder, outside, 2, log_probs, N * 7, &needed));
    int32_t missing[1] = {3};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_decoder_reorder(decoder, missing, 1));
    CHECK_ERROR_MENTIONS("parents");
    CHECK_OK(rnn_decoder_get_size(decoder, &rows, NULL));
    CHECK(rows == 3);
    rnn_decoder_destroy(decoder);
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_decoder_get_size(decoder, &rows, NULL));
    rnn_decoder_destroy(NULL);
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_decoder_step((rnn_decoder*)model, input, N, log_probs, N * 7, &needed));
    CHECK_ERROR_MENTIONS("expected an rnn_decoder*");

    /* Token sources start the same decoder. */
    int32_t ids[3];
    CHECK_OK(rnn_model_encode_source(model, "abc", 3, ids, 3, &needed));
    int32_t one = 3;
    CHECK_OK(rnn_decoder_create_tokens(model, ids, 3, &one, 1, &decoder));
    int32_t bos = RNN_TOKEN_BOS;
    CHECK_OK(rnn_decoder_step(decoder, &bos, 1, log_probs, 7, &needed));
    int best = 0;
    for (int v = 1; v < 7; v++) if (log_probs[v] > log_probs[best]) best = v;
    CHECK(best == greedy.tokens[0]);
    rnn_decoder_destroy(decoder);
    release(&greedy);
}

TEST(seq2seq_model_files_round_trip_and_data_is_read_for_the_loaded_model) {
    rnn_model* model = reverser();
    CHECK(model != NULL);
    const char* tsv = s2s_path("s2s_pairs.tsv");
    FILE* f = fopen(tsv, "w");
    CHECK(f != NULL);
    make_reverse_pairs();
    for (int i = 0; i < REVERSE_PAIRS; i++) fprintf(f, "%s\t%s\n", reverse_sources[i], reverse_targets[i]);
    fclose(f);

    const char* path = s2s_path("s2s_model.rnn");
    CHECK_OK(rnn_model_save_file(model, NULL, path));
    rnn_model* loaded = NULL;
    rnn_vocab* vocab = (rnn_vocab*)1;
    CHECK_OK(rnn_model_load_file(path, &loaded, &vocab));
    CHECK(vocab == NULL);
    rnn_model_kind kind = -1;
    CHECK_OK(rnn_model_get_kind(loaded, &kind));
    CHECK(kind == RNN_MODEL_SEQ2SEQ);
    void* bytes = NULL;
    size_t size = 0;
    CHECK_OK(rnn_model_save_to_memory(model, NULL, &bytes, &size));
    rnn_model* from_memory = NULL;
    CHECK_OK(rnn_model_load_from_memory(bytes, size, &from_memory, NULL));
    rnn_free(bytes);

    rnn_dataset* data = NULL;
    CHECK_OK(rnn_dataset_read_file(NULL, tsv, loaded, &data));
    rnn_task_metrics a = {.struct_size = sizeof a}, b = {.struct_size = sizeof b}, c = {.struct_size = sizeof c};
    rnn_decode_config beam;
    CHECK_OK(rnn_decode_config_init(&beam));
    beam.beam_width = 3;
    CHECK_OK(rnn_model_evaluate_decoding(model, data, &beam, &a));
    CHECK_OK(rnn_model_evaluate_decoding(loaded, data, &beam, &b));
    CHECK_OK(rnn_model_evaluate_decoding(from_memory, data, &beam, &c));
    CHECK(a.loss == b.loss && a.exact_match == b.exact_match && a.token_accuracy == b.token_accuracy && a.loss == c.loss);
    CHECK(a.exact_match >= 0.9 && a.sequences == REVERSE_PAIRS);
    decoded x, y;
    CHECK_OK(decode(model, reverse_source_list, REVERSE_PAIRS, NULL, &x));
    CHECK_OK(decode(loaded, reverse_source_list, REVERSE_PAIRS, NULL, &y));
    CHECK(memcmp(x.log_probabilities, y.log_probabilities, sizeof x.log_probabilities) == 0);
    release(&x);
    release(&y);

    /* A checkpoint of a seq2seq trainer is a seq2seq model file too. */
    rnn_dataset* train = NULL;
    CHECK_OK(rnn_dataset_read_file(NULL, tsv, loaded, &train));
    rnn_trainer_config tc = seq2seq_training(2);
    rnn_trainer* trainer = NULL;
    CHECK_OK(rnn_trainer_create_for_dataset(loaded, train, data, &tc, &trainer));
    double loss = NAN;
    CHECK_OK(rnn_trainer_step(trainer, &loss));
    CHECK(isfinite(loss));
    rnn_evaluation validation = {.struct_size = sizeof validation};
    CHECK_OK(rnn_trainer_validate(trainer, &validation));
    CHECK(isfinite(validation.loss) && fabs(validation.perplexity - exp(validation.loss)) < 1e-9 * validation.perplexity);
    const char* checkpoint = s2s_path("s2s_checkpoint.rnn");
    CHECK_OK(rnn_trainer_save_checkpoint(trainer, NULL, checkpoint));
    rnn_model* resumed = NULL;
    CHECK_OK(rnn_model_load_file(checkpoint, &resumed, NULL));
    CHECK_OK(rnn_model_get_kind(resumed, &kind));
    CHECK(kind == RNN_MODEL_SEQ2SEQ);
    rnn_trainer* again = NULL;
    CHECK_OK(rnn_trainer_create_for_dataset(resumed, train, data, &tc, &again));
    CHECK_OK(rnn_trainer_resume(again, checkpoint));

    rnn_trainer_destroy(again);
    rnn_model_destroy(resumed);
    rnn_trainer_destroy(trainer);
    rnn_dataset_destroy(train);
    rnn_dataset_destroy(data);
    rnn_model_destroy(from_memory);
    rnn_model_destroy(loaded);
}

TEST(seq2seq_pairs_of_token_ids_train_a_model_whose_text_is_the_ids) {
    /* Copy pairs over ids 4..8: the vocabularies are the ids themselves (9 ids each). */
    enum { N = 24 };
    int32_t ids[N * 3], lengths[N];
    size_t total = 0;
    for (int i = 0; i < N; i++) {
        lengths[i] = 1 + i % 3;
        for (int t = 0; t < lengths[i]; t++) ids[total++] = RNN_SPECIAL_TOKENS + (i + 2 * t) % 5;
    }
    rnn_dataset* data = NULL;
    CHECK_OK(rnn_dataset_from_token_pairs(ids, total, lengths, ids, total, lengths, N, 9, 9, NULL, &data));
    rnn_dataset_info info = {.struct_size = sizeof info};
    CHECK_OK(rnn_dataset_get_info(data, &info));
    CHECK(info.kind == RNN_MODEL_SEQ2SEQ && info.sequences == N && info.vocab_size == 9 && info.outputs == 9 && info.timesteps == (int64_t)total);
    int32_t got[N];
    size_t needed = 0;
    CHECK_OK(rnn_dataset_lengths(data, got, N, &needed));
    CHECK(needed == N && memcmp(got, lengths, sizeof got) == 0);
    char label[8];
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_dataset_label(data, 0, label, sizeof label, NULL));

    rnn_task_model_config mc = tiny_seq2seq();
    mc.hidden_size = 8;
    rnn_model* model = NULL;
    CHECK_OK(rnn_model_create_for_dataset(&mc, data, &model));
    rnn_trainer_config tc = seq2seq_training(3);
    rnn_trainer* trainer = NULL;
    CHECK_OK(rnn_trainer_create_for_dataset(model, data, NULL, &tc, &trainer));
    int32_t finished = 0;
    CHECK_OK(rnn_trainer_train(trainer, 0, NULL, NULL, &finished));
    CHECK(finished == 1);
    rnn_trainer_destroy(trainer);

    int32_t text_ids[3] = {4, 8, 5};
    char text[32];
    CHECK_OK(rnn_model_decode_target(model, text_ids, 3, text, sizeof text, &needed));
    CHECK(strcmp(text, "4 8 5") == 0);
    int32_t encoded[4];
    CHECK_OK(rnn_model_encode_source(model, "8 4 9", 5, encoded, 4, &needed));
    CHECK(needed == 3 && encoded[0] == 8 && encoded[1] == 4 && encoded[2] == RNN_TOKEN_UNK);

    /* The model's data from ids: sizes 0 or the model's; an id outside the vocabulary, or a special one, is named. */
    rnn_dataset* more = NULL;
    CHECK_OK(rnn_dataset_from_token_pairs(ids, total, lengths, ids, total, lengths, N, 0, 0, model, &more));
    rnn_dataset_destroy(more);
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_dataset_from_token_pairs(ids, total, lengths, ids, total, lengths, N, 10, 0, model, &more));
    CHECK_ERROR_MENTIONS("source_vocab_size");
    ids[5] = 9;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_dataset_from_token_pairs(ids, total, lengths, ids, total, lengths, N, 0, 0, model, &more));
    ids[5] = RNN_TOKEN_EOS;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_dataset_from_token_pairs(ids, total, lengths, ids, total, lengths, N, 9, 9, NULL, &more));
    ids[5] = 4;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_dataset_from_token_pairs(ids, total - 1, lengths, ids, total, lengths, N, 9, 9, NULL, &more));
    CHECK_ERROR_MENTIONS("source_lengths");
    CHECK(more == NULL);
    rnn_model_destroy(model);
    rnn_dataset_destroy(data);
}

TEST(seq2seq_functions_and_other_kinds_refuse_each_other_with_unsupported) {
    rnn_model* model = reverser();
    CHECK(model != NULL);
    rnn_vocab* vocab = NULL;
    rnn_model* lm = fixture_model(&vocab);
    CHECK(lm != NULL);

    /* Language-model and sequence-model functions on a seq2seq model. */
    rnn_sampling_config sc;
    CHECK_OK(rnn_sampling_config_init(&sc));
    rnn_generator* generator = (rnn_generator*)1;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_generator_create(model, vocab, &sc, &generator));
    CHECK(generator == NULL);
    CHECK_ERROR_MENTIONS("rnn_generator_create serves language models; model is a seq2seq model");
    rnn_state* state = NULL;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_state_create(model, &state));
    rnn_model_config config;
    CHECK_OK(rnn_model_config_init(&config));
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_get_config(model, &config));
    rnn_dataset* pairs = reverse_dataset(model);
    CHECK(pairs != NULL);
    size_t needed = 7;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_predict(model, pairs, NULL, 0, &needed));
    CHECK(needed == 0);
    CHECK_ERROR_MENTIONS("rnn_model_predict serves taggers, classifiers and regressors; model is a seq2seq model");
    int32_t id = 4, length = 1, klass = 0;
    rnn_dataset* sequences = NULL;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_dataset_from_tokens(&id, 1, &length, 1, RNN_TARGET_SEQUENCE_CLASS, &klass, NULL, 0, model, &sequences));

    /* Seq2seq functions on a language model. */
    const char* sources[] = {"ab"};
    rnn_decode_result r = {.struct_size = sizeof r};
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_translate(lm, sources, 1, NULL, &r));
    CHECK_ERROR_MENTIONS("rnn_model_translate serves seq2seq models; model is a language model");
    rnn_decoder* decoder = (rnn_decoder*)1;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_decoder_create(lm, sources, 1, &decoder));
    CHECK(decoder == NULL);
    rnn_task_metrics m = {.struct_size = sizeof m};
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_evaluate_decoding(lm, pairs, NULL, &m));
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_model_evaluate_dataset(lm, pairs, 0, &m));
    rnn_dataset* read = NULL;
    CHECK_STATUS(RNN_E_UNSUPPORTED, rnn_dataset_from_pairs(sources, sources, 1, NULL, lm, &read));

    /* A tagger's sequences are not pairs, nor the other way round. */
    int32_t tags[1] = {0};
    CHECK_OK(rnn_dataset_from_tokens(&id, 1, &length, 1, RNN_TARGET_STEP_CLASSES, tags, NULL, 0, NULL, &sequences));
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_evaluate_dataset(model, sequences, 0, &m));
    CHECK_ERROR_MENTIONS("dataset holds sequences");
    rnn_trainer_config tc = seq2seq_training(1);
    rnn_trainer* trainer = NULL;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_trainer_create_for_dataset(model, sequences, NULL, &tc, &trainer));
    CHECK_ERROR_MENTIONS("training holds sequences");
    rnn_dataset_destroy(sequences);
    rnn_dataset_destroy(pairs);
}

TEST(seq2seq_malformed_pairs_name_the_file_and_line_or_the_pair) {
    const char* bad = s2s_path("s2s_bad.tsv");
    FILE* f = fopen(bad, "w");
    CHECK(f != NULL);
    fputs("ab\tba\n\nabc\tcba\nno tab here\n", f);
    fclose(f);
    rnn_dataset_config dc;
    CHECK_OK(rnn_dataset_config_init(&dc));
    dc.kind = RNN_MODEL_SEQ2SEQ;
    dc.unit = RNN_UNIT_CHARS;
    rnn_dataset* data = (rnn_dataset*)1;
    CHECK_STATUS(RNN_E_FORMAT, rnn_dataset_read_file(&dc, bad, NULL, &data));
    CHECK(data == NULL);
    CHECK_ERROR_MENTIONS("s2s_bad.tsv:4:");
    CHECK_STATUS(RNN_E_IO, rnn_dataset_read_file(&dc, s2s_path("s2s_missing.tsv"), NULL, &data));

    const char* sources[] = {"ab", "abc", "a"};
    const char* targets[] = {"ba", "", "a"};
    CHECK_STATUS(RNN_E_FORMAT, rnn_dataset_from_pairs(sources, targets, 3, &dc, NULL, &data));
    CHECK_ERROR_MENTIONS("pairs:2:");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_dataset_from_pairs(sources, NULL, 3, &dc, NULL, &data));
    CHECK_ERROR_MENTIONS("targets");
    CHECK_STATUS(RNN_E_FORMAT, rnn_dataset_from_pairs(sources, targets, 0, &dc, NULL, &data));

    rnn_model* model = reverser();
    CHECK(model != NULL);
    const char* empty[] = {"ab", ""};
    rnn_decode_result r = {.struct_size = sizeof r};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_translate(model, empty, 2, NULL, &r));
    CHECK_ERROR_MENTIONS("sources");
    rnn_decoder* decoder = NULL;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_decoder_create(model, empty, 2, &decoder));
    int32_t ids[2] = {4, 9}, lengths[1] = {2};
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_translate_tokens(model, ids, 2, lengths, 1, NULL, &r));
    CHECK_ERROR_MENTIONS("ids");
    lengths[0] = 3;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_decoder_create_tokens(model, ids, 2, lengths, 1, &decoder));
    CHECK_ERROR_MENTIONS("lengths");
    CHECK(decoder == NULL);
}
