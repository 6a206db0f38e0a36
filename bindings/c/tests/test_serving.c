/* Batched serving of 0.6.0 (rnn_stream_request, rnn_model_sample_many): defaults and layouts, every
 * stream's text equal to the one rnn_generator_generate gives alone, the buffer protocol, finish
 * reasons and token counts, and the errors naming the request and field. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

#define STREAMS 24

static const char* const prompts[] = {"the ", "", "the dog s", "a", "cat", "the cat saw the "};
static const char* const stop_dot[] = {"."};

/* Request i: its own prompt, temperature (greedy too), top-k, top-p, length, stop string and seed. */
static void fill(rnn_stream_request* r, int i) {
    rnn_stream_request_init(r);
    r->prompt = prompts[i % 6];
    r->max_tokens = 10 + (i * 7) % 40;
    r->temperature = i % 5 == 0 ? 0.0f : 0.6f + 0.1f * (float)(i % 7);
    r->top_k = i % 4 == 3 ? 5 : 0;
    r->top_p = i % 3 == 2 ? 0.9f : 1.0f;
    r->stop_count = i % 2;
    r->stop = i % 2 ? stop_dot : NULL;
    r->seed = 500 + (uint64_t)i;
}

/* rnn_generator_generate's text for the options of request r; NULL on failure. */
static char* alone(const rnn_model* model, const rnn_vocab* vocab, const rnn_stream_request* r) {
    rnn_sampling_config sc;
    rnn_sampling_config_init(&sc);
    sc.temperature = r->temperature;
    sc.top_k = r->top_k;
    sc.top_p = r->top_p;
    sc.seed = r->seed;
    sc.max_tokens = r->max_tokens;
    sc.stop = r->stop_count ? r->stop[0] : NULL;
    rnn_generator* generator;
    if (rnn_generator_create(model, vocab, &sc, &generator) != RNN_OK) return NULL;
    char* text = malloc(4096);
    size_t needed;
    rnn_status s = rnn_generator_generate(generator, r->prompt, text, 4096, &needed);
    rnn_generator_destroy(generator);
    if (s != RNN_OK) {
        free(text);
        return NULL;
    }
    return text;
}

TEST(stream_request_defaults_and_layouts) {
    CHECK(RNN_FINISH_LENGTH == 0 && RNN_FINISH_STOP == 1);
    CHECK(sizeof(void*) != 8 || (sizeof(rnn_stream_request) == 48 && sizeof(rnn_sample_many_result) == 56));
    rnn_stream_request r;
    memset(&r, 0x7f, sizeof r);
    CHECK_OK(rnn_stream_request_init(&r));
    CHECK(r.struct_size == sizeof r && r.max_tokens == 256 && r.prompt == NULL && r.temperature == 1.0f);
    CHECK(r.top_k == 0 && r.top_p == 1.0f && r.stop_count == 0 && r.stop == NULL && r.seed == 0);
}

TEST(each_stream_of_a_batch_gives_the_text_it_gives_alone) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    rnn_stream_request requests[STREAMS];
    for (int i = 0; i < STREAMS; i++) fill(&requests[i], i);
    char text[STREAMS * 64 * 4];
    size_t sizes[STREAMS];
    int32_t tokens[STREAMS], finish[STREAMS];
    rnn_sample_many_result result = {sizeof result, 0, text, sizeof text, 0, sizes, tokens, finish};
    /* 8 streams step together: the other 16 requests take the rows that free up. */
    CHECK_OK(rnn_model_sample_many(model, vocab, requests, STREAMS, 8, &result));
    const char* at = text;
    int stops = 0;
    for (int i = 0; i < STREAMS; i++) {
        char* expected = alone(model, vocab, &requests[i]);
        CHECK(expected != NULL);
        int same = strcmp(expected, at) == 0 && strlen(at) == sizes[i];
        if (!same) printf("  request %d: \"%s\" in the batch, \"%s\" alone\n", i, at, expected);
        free(expected);
        CHECK(same);
        CHECK(finish[i] == RNN_FINISH_STOP || (finish[i] == RNN_FINISH_LENGTH && tokens[i] == requests[i].max_tokens));
        CHECK(tokens[i] >= 1 && tokens[i] <= requests[i].max_tokens);
        stops += finish[i] == RNN_FINISH_STOP;
        at += sizes[i] + 1;
    }
    CHECK((size_t)(at - text) == result.text_needed);
    CHECK(stops > 0 && stops < STREAMS);
}

TEST(sample_many_buffer_protocol_and_finish_reasons) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    rnn_stream_request requests[3];
    for (int i = 0; i < 3; i++) {
        rnn_stream_request_init(&requests[i]);
        requests[i].prompt = "the ";
        requests[i].temperature = 0.0f;   /* greedy: "the cat sat on the mat." or alike */
    }
    requests[0].max_tokens = 5;
    requests[1].max_tokens = 0;
    requests[2].stop_count = 1;
    requests[2].stop = stop_dot;

    /* No text buffer: the sizes, counts and reasons only. */
    size_t sizes[3];
    int32_t tokens[3], finish[3];
    rnn_sample_many_result result = {sizeof result, 0, NULL, 0, 0, sizes, tokens, finish};
    CHECK_OK(rnn_model_sample_many(model, vocab, requests, 3, 0, &result));
    CHECK(tokens[0] == 5 && finish[0] == RNN_FINISH_LENGTH && sizes[0] == 5);
    CHECK(tokens[1] == 0 && finish[1] == RNN_FINISH_LENGTH && sizes[1] == 0);
    CHECK(finish[2] == RNN_FINISH_STOP && tokens[2] == (int32_t)sizes[2] + 1);
    CHECK(result.text_needed == sizes[0] + sizes[1] + sizes[2] + 3);

    /* Too small: only text_needed is written. */
    char small[4];
    size_t needed = result.text_needed;
    sizes[0] = 99;
    rnn_sample_many_result tight = {sizeof tight, 0, small, sizeof small, 0, sizes, tokens, finish};
    CHECK_STATUS(RNN_E_BUFFER_TOO_SMALL, rnn_model_sample_many(model, vocab, requests, 3, 2, &tight));
    CHECK(tight.text_needed == needed && sizes[0] == 99);
    CHECK_ERROR_MENTIONS("result->text");

    char* text = malloc(needed);
    rnn_sample_many_result fits = {sizeof fits, 0, text, needed, 0, NULL, NULL, NULL};
    CHECK_OK(rnn_model_sample_many(model, vocab, requests, 3, 2, &fits));
    CHECK(strlen(text) == 5 && text[5] == '\0' && text[6] == '\0' && strchr(text + 7, '.') == NULL);
    free(text);
}

TEST(sample_many_errors_name_the_request_and_field) {
    rnn_vocab* vocab;
    rnn_model* model = fixture_model(&vocab);
    CHECK(model != NULL);
    rnn_stream_request requests[2];
    rnn_stream_request_init(&requests[0]);
    rnn_stream_request_init(&requests[1]);
    rnn_sample_many_result result = {sizeof result, 0, NULL, 0, 0, NULL, NULL, NULL};

    requests[1].top_p = 0.0f;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, requests, 2, 0, &result));
    CHECK_ERROR_MENTIONS("requests[1].top_p");
    requests[1].top_p = 1.0f;
    requests[1].max_tokens = -1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, requests, 2, 0, &result));
    CHECK_ERROR_MENTIONS("requests[1].max_tokens");
    requests[1].max_tokens = 8;
    requests[0].prompt = "the Zebra";
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, requests, 2, 0, &result));
    CHECK_ERROR_MENTIONS("requests[0].prompt");
    requests[0].prompt = NULL;
    requests[0].stop_count = 1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, requests, 2, 0, &result));
    CHECK_ERROR_MENTIONS("requests[0].stop");
    requests[0].stop_count = 0;
    requests[1].struct_size = 16;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, requests, 2, 0, &result));
    CHECK_ERROR_MENTIONS("requests[1].struct_size");
    requests[1].struct_size = sizeof requests[1];
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, requests, 2, -1, &result));
    CHECK_ERROR_MENTIONS("streams");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, requests, 2, 0, NULL));
    CHECK_ERROR_MENTIONS("result");
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_sample_many(model, vocab, NULL, 2, 0, &result));
    CHECK_ERROR_MENTIONS("requests");
    CHECK_STATUS(RNN_E_INVALID_HANDLE, rnn_model_sample_many(NULL, vocab, requests, 2, 0, &result));
    CHECK_OK(rnn_model_sample_many(model, vocab, NULL, 0, 0, &result));
    CHECK(result.text_needed == 0);
}
