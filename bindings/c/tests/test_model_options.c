/* The model options of 0.3.0 (GRU, dropout, IRNN initialization, bidirectional): defaults, their
 * round trip through get_config and model files, their error paths, and callers of the 0.2.0 struct. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "rnn.h"

/* The size of rnn_model_config in 0.2.0: everything before the fields appended in 0.3.0. */
#define MODEL_CONFIG_SIZE_0_2 40

static rnn_model_config small_config(void) {
    rnn_model_config mc;
    rnn_model_config_init(&mc);
    mc.vocab_size = 10;
    mc.embedding_size = 4;
    mc.hidden_size = 8;
    mc.layers = 2;
    mc.seed = 3;
    return mc;
}

/* The model's file bytes, to compare two models' weights. */
static int same_weights(const rnn_model* a, const rnn_model* b) {
    void *da = NULL, *db = NULL;
    size_t na = 0, nb = 0;
    if (rnn_model_export_safetensors_to_memory(a, NULL, &da, &na) != RNN_OK) return 0;
    if (rnn_model_export_safetensors_to_memory(b, NULL, &db, &nb) != RNN_OK) { rnn_free(da); return 0; }
    int same = na == nb && memcmp(da, db, na) == 0;
    rnn_free(da);
    rnn_free(db);
    return same;
}

TEST(new_model_options_default_to_off) {
    CHECK(offsetof(rnn_model_config, dropout) == MODEL_CONFIG_SIZE_0_2);
    CHECK(RNN_CELL_GRU == 2 && RNN_INIT_DEFAULT == 0 && RNN_INIT_IDENTITY == 1);
    rnn_model_config mc;
    memset(&mc, 0x7f, sizeof mc);
    CHECK_OK(rnn_model_config_init(&mc));
    CHECK(mc.dropout == 0.0f && mc.init == RNN_INIT_DEFAULT && mc.identity_scale == 0.0f && mc.bidirectional == 0);
}

TEST(identity_init_and_dropout_are_kept_by_the_model_and_its_file) {
    rnn_vocab_config vc;
    rnn_vocab_config_init(&vc);
    rnn_vocab* vocab = NULL;
    CHECK_OK(rnn_vocab_build(&vc, "abcdefghi", 9, &vocab));
    rnn_model_config mc = small_config();
    CHECK_OK(rnn_vocab_size(vocab, &mc.vocab_size));
    mc.cell = RNN_CELL_ELMAN;
    mc.activation = RNN_ACTIVATION_RELU;
    mc.init = RNN_INIT_IDENTITY;
    mc.identity_scale = 0.5f;
    mc.dropout = 0.25f;
    rnn_model* model = NULL;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_model_config got;
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(model, &got));
    CHECK(got.init == RNN_INIT_IDENTITY && got.identity_scale == 0.5f && got.dropout == 0.25f && got.bidirectional == 0);

    void* bytes = NULL;
    size_t size = 0;
    CHECK_OK(rnn_model_save_to_memory(model, vocab, &bytes, &size));
    rnn_model* loaded = NULL;
    CHECK_OK(rnn_model_load_from_memory(bytes, size, &loaded, NULL));
    rnn_free(bytes);
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(loaded, &got));
    CHECK(got.init == RNN_INIT_IDENTITY && got.identity_scale == 0.5f && got.dropout == 0.25f);
    CHECK(same_weights(model, loaded));

    /* identity_scale 0 means 1, and the weights differ from the default initialization's. */
    mc.identity_scale = 0.0f;
    rnn_model* unit = NULL;
    CHECK_OK(rnn_model_create(&mc, &unit));
    CHECK_OK(rnn_model_get_config(unit, &got));
    CHECK(got.identity_scale == 1.0f);
    mc.init = RNN_INIT_DEFAULT;
    rnn_model* uniform = NULL;
    CHECK_OK(rnn_model_create(&mc, &uniform));
    CHECK(!same_weights(unit, uniform));
    rnn_model_destroy(uniform);
    rnn_model_destroy(unit);
    rnn_model_destroy(loaded);
    rnn_model_destroy(model);
    rnn_vocab_destroy(vocab);
}

TEST(bad_model_options_name_their_field) {
    rnn_model_config mc = small_config();
    rnn_model* model = (rnn_model*)0x1;
    mc.dropout = 1.5f;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK(model == NULL);
    CHECK_ERROR_MENTIONS("config->dropout");
    mc.dropout = 0.0f;
    mc.init = RNN_INIT_IDENTITY; /* an LSTM */
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->init");
    CHECK_ERROR_MENTIONS("identity initialization (IRNN) is for Elman cells, not LSTM");
    mc.init = 7;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->init");
    mc.init = RNN_INIT_DEFAULT;
    mc.identity_scale = 2.0f;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->identity_scale");
    mc.cell = RNN_CELL_ELMAN;
    mc.init = RNN_INIT_IDENTITY;
    mc.identity_scale = -1.0f;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->identity_scale");
    mc = small_config();
    mc.bidirectional = 1;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &model));
    CHECK_ERROR_MENTIONS("config->bidirectional");
    CHECK_ERROR_MENTIONS("cannot be bidirectional");
    CHECK(model == NULL);
}

TEST(a_config_of_the_0_2_size_still_works) {
    /* A host compiled against 0.2.0 passes the shorter struct; whatever follows it in memory is not read. */
    struct { rnn_model_config mc; char after[64]; } old;
    memset(&old, 0x7f, sizeof old);
    CHECK_OK(rnn_model_config_init_sized(&old.mc, MODEL_CONFIG_SIZE_0_2));
    CHECK(old.mc.struct_size == MODEL_CONFIG_SIZE_0_2);
    CHECK(old.mc.init == 0x7f7f7f7f); /* init_sized wrote no more than 40 bytes */
    rnn_model_config current = small_config();
    memcpy(&old.mc, &current, MODEL_CONFIG_SIZE_0_2);
    old.mc.struct_size = MODEL_CONFIG_SIZE_0_2;
    rnn_model* from_old = NULL;
    CHECK_OK(rnn_model_create(&old.mc, &from_old));
    rnn_model* from_new = NULL;
    CHECK_OK(rnn_model_create(&current, &from_new));
    CHECK(same_weights(from_old, from_new));

    memset(&old, 0x7f, sizeof old);
    old.mc.struct_size = MODEL_CONFIG_SIZE_0_2;
    CHECK_OK(rnn_model_get_config(from_old, &old.mc));
    CHECK(old.mc.struct_size == MODEL_CONFIG_SIZE_0_2 && old.mc.hidden_size == 8 && old.mc.layers == 2);
    CHECK(old.mc.init == 0x7f7f7f7f && old.mc.bidirectional == 0x7f7f7f7f);
    rnn_model_destroy(from_new);
    rnn_model_destroy(from_old);
}

/* Needs the GRU layer of issue 14 (created by the engine from 0.3.0). */
TEST(gru_models_are_created_and_report_their_cell) {
    rnn_model_config mc = small_config();
    mc.cell = RNN_CELL_GRU;
    mc.dropout = 0.1f;
    rnn_model* model = NULL;
    CHECK_OK(rnn_model_create(&mc, &model));
    rnn_model_config got;
    CHECK_OK(rnn_model_config_init(&got));
    CHECK_OK(rnn_model_get_config(model, &got));
    CHECK(got.cell == RNN_CELL_GRU && got.dropout == 0.1f);
    mc.init = RNN_INIT_IDENTITY;
    rnn_model* refused = NULL;
    CHECK_STATUS(RNN_E_INVALID_ARGUMENT, rnn_model_create(&mc, &refused));
    CHECK_ERROR_MENTIONS("not GRU");
    rnn_model_destroy(model);
}
