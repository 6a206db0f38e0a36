/*
 * rnn_loader.h - load the best librnnnative flavour for this CPU at run time (Linux, macOS).
 *
 * librnnnative is published once per ISA level, because Native AOT fixes the instruction set at
 * compile time. The flavours live side by side under one root folder:
 *
 *     <root>/linux-x64-v4/librnnnative.so   AVX-512 F/BW/CD/DQ/VL   kernels: avx512
 *     <root>/linux-x64-v3/librnnnative.so   AVX2 + FMA + BMI1/2     kernels: avx2
 *     <root>/linux-x64-v2/librnnnative.so   SSE4.2 + POPCNT         kernels: v128
 *     <root>/linux-arm64/librnnnative.so    NEON                    kernels: v128
 *
 * Rule (any language can apply it): on x86-64 take the first of v4, v3, v2 whose CPU features the
 * CPU and OS support and whose file exists; on arm64 take linux-arm64. RNN_NATIVE_FLAVOUR forces
 * a flavour, RNN_NATIVE_ROOT supplies the root when the caller passes NULL.
 *
 * Hosts that link librnnnative directly (-lrnnnative) do not need this file; hosts that ship
 * every flavour compile rnn_loader.c into their program (link with -ldl) and call the library
 * through the function table:
 *
 *     rnn_api api;
 *     char error[512];
 *     if (rnn_loader_open(NULL, &api, error, sizeof error) != 0) { puts(error); return 1; }
 *     rnn_model* model;
 *     api.rnn_model_load_file("model.rnn", &model, NULL);
 *
 * The library cannot be unloaded (Native AOT), so there is no close function; load once per
 * process. Thread-safety of the table's functions: as rnn.h says.
 */
#ifndef RNN_LOADER_H
#define RNN_LOADER_H

#include <stddef.h>

#include "rnn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every function of rnn.h, in header order (tests/check_symbols.sh keeps the three lists equal). */
#define RNN_LOADER_FUNCTIONS(X) \
    X(rnn_version_string) \
    X(rnn_abi_version) \
    X(rnn_check_abi) \
    X(rnn_status_string) \
    X(rnn_last_error) \
    X(rnn_free) \
    X(rnn_kernel_path) \
    X(rnn_get_thread_count) \
    X(rnn_set_thread_count) \
    X(rnn_vocab_config_init_sized) \
    X(rnn_vocab_build) \
    X(rnn_vocab_build_file) \
    X(rnn_vocab_destroy) \
    X(rnn_vocab_size) \
    X(rnn_vocab_get_kind) \
    X(rnn_vocab_encode) \
    X(rnn_vocab_decode) \
    X(rnn_corpus_from_text) \
    X(rnn_corpus_from_file) \
    X(rnn_corpus_from_tokens) \
    X(rnn_corpus_size) \
    X(rnn_corpus_destroy) \
    X(rnn_model_config_init_sized) \
    X(rnn_model_create) \
    X(rnn_model_destroy) \
    X(rnn_model_get_config) \
    X(rnn_model_set_step_precision) \
    X(rnn_model_get_step_precision) \
    X(rnn_model_save_file) \
    X(rnn_model_save_to_memory) \
    X(rnn_model_load_file) \
    X(rnn_model_load_from_memory) \
    X(rnn_model_evaluate) \
    X(rnn_model_export_safetensors) \
    X(rnn_model_export_safetensors_to_memory) \
    X(rnn_model_import_safetensors) \
    X(rnn_model_import_safetensors_from_memory) \
    X(rnn_trainer_config_init_sized) \
    X(rnn_trainer_create) \
    X(rnn_trainer_destroy) \
    X(rnn_trainer_train) \
    X(rnn_trainer_step) \
    X(rnn_trainer_cancel) \
    X(rnn_trainer_get_progress) \
    X(rnn_trainer_validate) \
    X(rnn_trainer_save_checkpoint) \
    X(rnn_trainer_resume) \
    X(rnn_trainer_set_checkpoint) \
    X(rnn_state_create) \
    X(rnn_state_destroy) \
    X(rnn_state_reset) \
    X(rnn_state_step) \
    X(rnn_sampling_config_init_sized) \
    X(rnn_sampler_create) \
    X(rnn_sampler_destroy) \
    X(rnn_sampler_sample) \
    X(rnn_state_sample) \
    X(rnn_generator_create) \
    X(rnn_generator_destroy) \
    X(rnn_generator_generate) \
    X(rnn_generator_stream) \
    X(rnn_model_get_kind) \
    X(rnn_dataset_config_init_sized) \
    X(rnn_dataset_read_file) \
    X(rnn_dataset_from_tokens) \
    X(rnn_dataset_from_floats) \
    X(rnn_dataset_destroy) \
    X(rnn_dataset_size) \
    X(rnn_dataset_get_info) \
    X(rnn_dataset_lengths) \
    X(rnn_dataset_label) \
    X(rnn_task_model_config_init_sized) \
    X(rnn_model_create_for_dataset) \
    X(rnn_model_get_task_config) \
    X(rnn_model_evaluate_dataset) \
    X(rnn_model_predict) \
    X(rnn_model_predict_file) \
    X(rnn_trainer_create_for_dataset) \
    X(rnn_dataset_from_sentences) \
    X(rnn_dataset_from_texts) \
    X(rnn_model_get_task_info) \
    X(rnn_model_label) \
    X(rnn_model_predict_v2) \
    X(rnn_model_evaluate_dataset_v2) \
    X(rnn_dataset_from_pairs) \
    X(rnn_dataset_from_token_pairs) \
    X(rnn_decode_config_init_sized) \
    X(rnn_model_translate) \
    X(rnn_model_translate_tokens) \
    X(rnn_model_evaluate_decoding) \
    X(rnn_model_encode_source) \
    X(rnn_model_decode_target) \
    X(rnn_decoder_create) \
    X(rnn_decoder_create_tokens) \
    X(rnn_decoder_destroy) \
    X(rnn_decoder_get_size) \
    X(rnn_decoder_sources) \
    X(rnn_decoder_step) \
    X(rnn_decoder_reorder) \
    X(rnn_model_save_file_int8) \
    X(rnn_model_save_int8_to_memory) \
    X(rnn_model_get_weight_precision) \
    X(rnn_stream_request_init_sized) \
    X(rnn_model_sample_many)

/* One pointer per function of rnn.h, named as the function, plus where it came from. */
typedef struct rnn_api {
#ifdef __cplusplus
#define RNN_LOADER_FIELD(name) decltype(&::name) name;
#else
#define RNN_LOADER_FIELD(name) __typeof__(&name) name;
#endif
    RNN_LOADER_FUNCTIONS(RNN_LOADER_FIELD)
#undef RNN_LOADER_FIELD
    const char* flavour; /* e.g. "linux-x64-v4" (static string) */
    char path[4096];     /* the library file loaded */
} rnn_api;

/* The flavour folder name the rule above picks for this CPU, ignoring which files exist and
 * RNN_NATIVE_FLAVOUR; NULL on an unsupported architecture. */
const char* rnn_loader_best_flavour(void);

/* Loads the best flavour present under `root` (NULL: $RNN_NATIVE_ROOT), resolves every function
 * and checks rnn_check_abi(RNN_ABI_VERSION). Returns 0 and fills *api, or -1 and writes why
 * (the paths tried, dlerror) to (error, error_size). Not thread-safe; call once. */
int rnn_loader_open(const char* root, rnn_api* api, char* error, size_t error_size);

#ifdef __cplusplus
}
#endif

#endif /* RNN_LOADER_H */
