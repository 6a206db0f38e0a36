/*
 * rnn.h - the C ABI of RnnNative: train and sample recurrent (Elman, LSTM, GRU) language models on the
 * CPU, (since 0.4.0) train, evaluate and run taggers, classifiers and regressors of whole sequences, and
 * (since 0.5.0) sequence-to-sequence models (encoder-decoder, greedy and beam decoding).
 *
 * This header is the specification of librnnnative. Every function states what it returns, the
 * status codes it fails with, the state of its objects afterwards, who owns each pointer and for
 * how long, whether it is thread-safe, and the version it appeared in.
 *
 * LIBRARY
 *   Linux: librnnnative.so   macOS: librnnnative.dylib   Windows: rnnnative.dll
 *   A Native-AOT library: it carries its own runtime and garbage collector and CANNOT BE UNLOADED;
 *   dlclose()/FreeLibrary() do not release it. Load it once per process. Handles are 64-bit
 *   values: 64-bit platforms only. ISA flavours (x86-64-v2/v3/v4, arm64) and how to pick one at
 *   load time: rnn_loader.h and bindings/c/README.md.
 *
 * CONVENTIONS (as sqlite3.h and llama.h)
 *   - Names: rnn_<object>_<verb>. Objects are opaque handles (rnn_model*, rnn_vocab*, ...).
 *   - Every fallible function returns rnn_status: RNN_OK (0) or an error code. Results go to
 *     out-parameters, which are set to NULL/0 on entry and so stay NULL/0 on failure (unless a
 *     function says otherwise). On failure rnn_last_error() describes the problem, naming the
 *     argument (e.g. "config->hidden_size"), and every object is left as it was before the call
 *     unless the function says otherwise.
 *   - Handles: a NULL, destroyed, forged or wrong-type handle fails with RNN_E_INVALID_HANDLE; it
 *     never crashes. Handles are not pointers to memory; do not dereference them.
 *   - rnn_<object>_destroy returns void, accepts NULL and ignores invalid handles (it then sets
 *     rnn_last_error). A handle is invalid after its destroy. Objects made from others keep what
 *     they need alive: destroying a model does not invalidate its states, generators or trainers.
 *   - Config structs start with uint32_t struct_size and are filled with defaults by
 *     rnn_<x>_config_init(&cfg) (a macro passing sizeof(cfg) to rnn_<x>_config_init_sized), so
 *     fields can be appended in later versions without breaking hosts built against this one.
 *     Defaults are the engine's. The library reads and writes at most struct_size bytes.
 *   - Buffers belong to the caller; the library only borrows them during the call. Outputs use
 *     (buf, capacity, size_t* needed): *needed (if not NULL) receives the required size; when it
 *     exceeds capacity the call fails with RNN_E_BUFFER_TOO_SMALL and writes nothing else. Pass
 *     (NULL, 0, &needed) to ask for the size. Text outputs are UTF-8 followed by a NUL byte, and
 *     *needed counts that NUL. Memory the library allocates is released only with rnn_free().
 *   - Text inputs are UTF-8. Invalid UTF-8 reads as U+FFFD (except the byte vocabulary).
 *   - Thread safety: functions on different objects may run concurrently. One object may be used
 *     by one thread at a time unless a function says otherwise. A model may be used concurrently
 *     by any number of states, generators and evaluations (each computes on its own buffers), but
 *     not while a trainer of that model is training.
 *   - Callbacks are (function pointer, void* user_data) and run on the thread that called the
 *     function taking them, before it returns.
 *   - Versions: RNN_VERSION_* is the library version; RNN_ABI_VERSION changes only when a
 *     published signature or struct layout changes incompatibly (never in practice: new functions
 *     get a _v2 suffix). Model file format versions are separate and checked on load.
 *   - Unless noted, every function appeared in 0.1.0.
 */
#ifndef RNN_H
#define RNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  define RNN_API __declspec(dllimport)
#else
#  define RNN_API __attribute__((visibility("default")))
#endif

/* The status every fallible function returns: RNN_OK (0) or an RNN_E_* code (see below). */
typedef int32_t rnn_status;

/* ---------------------------------------------------------------------------------------------- */
/* Versions                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

#define RNN_VERSION_MAJOR 0
#define RNN_VERSION_MINOR 6
#define RNN_VERSION_PATCH 0
#define RNN_VERSION_STRING "0.6.0"
/* The ABI this header describes. A host calls rnn_check_abi(RNN_ABI_VERSION) once after loading. */
#define RNN_ABI_VERSION 1u

/* The library's version, e.g. "0.4.0". Static string, never freed. Thread-safe. */
RNN_API const char* rnn_version_string(void);

/* The ABI version the library implements (compare with RNN_ABI_VERSION). Thread-safe. */
RNN_API uint32_t rnn_abi_version(void);

/* RNN_OK when the library implements ABI `expected` (pass RNN_ABI_VERSION); otherwise
 * RNN_E_ABI_MISMATCH and rnn_last_error() names both versions. Thread-safe. */
RNN_API rnn_status rnn_check_abi(uint32_t expected);

/* ---------------------------------------------------------------------------------------------- */
/* Errors and memory                                                                               */
/* ---------------------------------------------------------------------------------------------- */

/* Status codes. Append-only: a published code keeps its number forever. */
enum {
    RNN_OK = 0,
    RNN_E_INVALID_ARGUMENT = 1,  /* an argument or config field is out of range; the message names it */
    RNN_E_INVALID_HANDLE = 2,    /* NULL, destroyed, forged or wrong-type handle */
    RNN_E_BUFFER_TOO_SMALL = 3,  /* *needed holds the size required */
    RNN_E_IO = 4,                /* a file could not be opened, read or written */
    RNN_E_FORMAT = 5,            /* not a model file, truncated, corrupt, or of a newer format */
    RNN_E_CANCELLED = 6,         /* a progress callback or rnn_trainer_cancel stopped the call */
    RNN_E_DIVERGED = 7,          /* training produced NaN/inf; the update was not applied */
    RNN_E_UNSUPPORTED = 8,       /* e.g. RNN_KERNEL names a path this build or CPU cannot run; since
                                    0.4.0 also a function that does not apply to the model's kind */
    RNN_E_OUT_OF_MEMORY = 9,
    RNN_E_INTERNAL = 10,         /* a bug: please report rnn_last_error() */
    RNN_E_ABI_MISMATCH = 11,     /* rnn_check_abi: the library implements another ABI */
    RNN_E_INVALID_STATE = 12     /* the object cannot do this now (e.g. a trainer at its limits) */
};

/* A short static description of `status` ("invalid argument"); "unknown status" for other values.
 * Never NULL, never freed. Thread-safe. */
RNN_API const char* rnn_status_string(rnn_status status);

/* The message of the last failed call ON THIS THREAD ("" if none failed yet). Successful calls
 * do not clear it. The string belongs to the library and stays valid until the next failing call
 * on this thread. Thread-safe (thread-local). */
RNN_API const char* rnn_last_error(void);

/* Frees memory the library allocated and handed to the caller (rnn_model_save_to_memory).
 * NULL is a no-op. Thread-safe. */
RNN_API void rnn_free(void* memory);

/* ---------------------------------------------------------------------------------------------- */
/* Runtime: kernel path and threads                                                                */
/* ---------------------------------------------------------------------------------------------- */

/* The SIMD code path of the kernels. Numbers are stable. */
typedef int32_t rnn_kernel;
enum {
    RNN_KERNEL_SCALAR = 0,
    RNN_KERNEL_V128 = 1,    /* SSE (x64) or NEON/AdvSimd (arm64) */
    RNN_KERNEL_AVX2 = 2,    /* AVX2 + FMA */
    RNN_KERNEL_AVX512 = 3   /* AVX-512 F/BW/CD/DQ/VL */
};

/* The kernel path every computation uses, chosen once per process: the widest one this library
 * flavour can run on this CPU, or the one the RNN_KERNEL environment variable names
 * (scalar|v128|avx2|avx512). *out_path gets the rnn_kernel value and *out_name its static name
 * ("avx512"); either may be NULL. Fails with RNN_E_UNSUPPORTED when RNN_KERNEL names an unknown
 * path or one this flavour cannot run here. Thread-safe. */
RNN_API rnn_status rnn_kernel_path(rnn_kernel* out_path, const char** out_name);

/* Threads the kernels split work over (the calling thread included); default: the CPU count.
 * Results are bit-identical for every count. Thread-safe. */
RNN_API rnn_status rnn_get_thread_count(int32_t* out_count);

/* Sets the thread count, 1..1024 (else RNN_E_INVALID_ARGUMENT naming "count"). Calls already
 * running finish on the old threads. Thread-safe. Since 0.2.0: RNN_E_OUT_OF_MEMORY when the
 * system cannot start that many threads; the threads already started then exit and the previous
 * count stays in force. */
RNN_API rnn_status rnn_set_thread_count(int32_t count);

/* ---------------------------------------------------------------------------------------------- */
/* Vocabulary: text <-> token ids                                                                  */
/* ---------------------------------------------------------------------------------------------- */

typedef struct rnn_vocab rnn_vocab;

typedef int32_t rnn_vocab_kind;
enum {
    RNN_VOCAB_BYTE = 0,  /* 256 ids, id = byte value; any bytes round-trip exactly */
    RNN_VOCAB_CHAR = 1,  /* one id per Unicode character seen, most frequent first */
    RNN_VOCAB_WORD = 2   /* one id per word, punctuation mark or line break, plus <unk> */
};

typedef struct rnn_vocab_config {
    uint32_t struct_size;
    rnn_vocab_kind kind;  /* default RNN_VOCAB_CHAR */
    /* CHAR: at most this many ids, the max_size-1 most frequent characters plus <unk> (0, the
     * default: every character seen, no <unk>; encoding an unseen one fails).
     * WORD: the number of words kept (0: 10000 since 0.2.0, as the CLI; before, 0 failed); <unk>
     * is added. BYTE: ignored. 1 fails. One factory serves the CLI, C and Python. */
    int32_t max_size;
} rnn_vocab_config;

/* Fills *config with the defaults. `struct_size` is sizeof(*config) as the caller compiled it
 * (use the macro). Fails with RNN_E_INVALID_ARGUMENT for NULL. Thread-safe. */
RNN_API rnn_status rnn_vocab_config_init_sized(rnn_vocab_config* config, size_t struct_size);
#define rnn_vocab_config_init(config) rnn_vocab_config_init_sized((config), sizeof(*(config)))

/* Builds a vocabulary from the UTF-8 text (text, size) (borrowed during the call; NULL only with
 * size 0). *out_vocab receives a new handle owned by the caller (rnn_vocab_destroy).
 * Fails: RNN_E_INVALID_ARGUMENT (NULL config/out_vocab, bad config->kind or config->max_size).
 * Thread-safe. */
RNN_API rnn_status rnn_vocab_build(const rnn_vocab_config* config, const void* text, size_t size, rnn_vocab** out_vocab);

/* As rnn_vocab_build, reading the file at `path` (UTF-8 path) in chunks.
 * Fails also with RNN_E_IO when the file cannot be read. Thread-safe. */
RNN_API rnn_status rnn_vocab_build_file(const rnn_vocab_config* config, const char* path, rnn_vocab** out_vocab);

/* Destroys a vocabulary; NULL is a no-op. Models, corpora and generators made with it stay valid. */
RNN_API void rnn_vocab_destroy(rnn_vocab* vocab);

/* Number of ids (valid ids are 0..size-1). A vocabulary is immutable: every rnn_vocab_* function
 * is thread-safe on one vocabulary. */
RNN_API rnn_status rnn_vocab_size(const rnn_vocab* vocab, int32_t* out_size);

/* The rnn_vocab_kind of the vocabulary. Thread-safe. */
RNN_API rnn_status rnn_vocab_get_kind(const rnn_vocab* vocab, rnn_vocab_kind* out_kind);

/* Encodes the UTF-8 text (text, size) to ids in (ids, capacity); *needed = the number of ids.
 * Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT when a character is not in a vocabulary
 * without <unk>. Thread-safe. */
RNN_API rnn_status rnn_vocab_encode(const rnn_vocab* vocab, const void* text, size_t size, int32_t* ids, size_t capacity, size_t* needed);

/* Decodes (ids, count) to UTF-8 text plus NUL in (buf, capacity); *needed = bytes including the
 * NUL (the byte vocabulary may produce NUL bytes inside the text: use *needed - 1 as its length).
 * Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT for an id outside the vocabulary.
 * Thread-safe. */
RNN_API rnn_status rnn_vocab_decode(const rnn_vocab* vocab, const int32_t* ids, size_t count, char* buf, size_t capacity, size_t* needed);

/* ---------------------------------------------------------------------------------------------- */
/* Corpus: token ids to train or evaluate on                                                       */
/* ---------------------------------------------------------------------------------------------- */

typedef struct rnn_corpus rnn_corpus;

/* Encodes the UTF-8 text (text, size) with `vocab` into a new in-memory corpus (the text is
 * borrowed during the call only). Fails: RNN_E_INVALID_HANDLE, RNN_E_INVALID_ARGUMENT (a character
 * not in the vocabulary), RNN_E_OUT_OF_MEMORY. Thread-safe. */
RNN_API rnn_status rnn_corpus_from_text(const rnn_vocab* vocab, const void* text, size_t size, rnn_corpus** out_corpus);

/* Encodes the file at `path`. Corpora whose ids take more than 256 MiB are written next to the
 * file as `path`.tokens (overwritten) and memory-mapped. Fails also with RNN_E_IO. Thread-safe.
 * A mapped `path`.tokens must not be truncated or rewritten while the corpus (or a trainer made
 * from it) is alive: reading a page past the new end raises SIGBUS in the host process, which no
 * library can turn into an error code (as SQLite documents for its memory-mapped I/O). Replacing
 * the file by renaming a new one over it is safe. (Note since 0.2.0.) */
RNN_API rnn_status rnn_corpus_from_file(const rnn_vocab* vocab, const char* path, rnn_corpus** out_corpus);

/* A corpus of the ids (ids, count), each in [0, vocab_size) (copied). Fails: RNN_E_INVALID_ARGUMENT
 * naming "ids" (an id out of range) or "vocab_size". Thread-safe. */
RNN_API rnn_status rnn_corpus_from_tokens(const int32_t* ids, size_t count, int32_t vocab_size, rnn_corpus** out_corpus);

/* Number of tokens. A corpus is immutable; thread-safe. */
RNN_API rnn_status rnn_corpus_size(const rnn_corpus* corpus, int64_t* out_tokens);

/* Destroys the handle; trainers made from the corpus keep reading it (a mapped file is unmapped
 * when nothing uses it any more). NULL is a no-op. */
RNN_API void rnn_corpus_destroy(rnn_corpus* corpus);

/* ---------------------------------------------------------------------------------------------- */
/* Model                                                                                           */
/* ---------------------------------------------------------------------------------------------- */

typedef struct rnn_model rnn_model;

typedef int32_t rnn_cell;
enum {
    RNN_CELL_ELMAN = 0,  /* h = f(W_ih x + b_ih + W_hh h + b_hh), PyTorch nn.RNN */
    RNN_CELL_LSTM = 1,   /* PyTorch nn.LSTM gate order (i, f, g, o) */
    RNN_CELL_GRU = 2,    /* since 0.3.0: PyTorch nn.GRU gate order (r, z, n) */
    RNN_CELL_JORDAN = 3  /* since 0.4.0: Jordan (1986): h_t = f(W_ih x_t + W_yh y_{t-1} + b), y_t the output
                            layer's activations (softmax probabilities, or the regressor's values),
                            y_0 = 0; one forward layer. In 0.4.0 sequence models only (rnn_model_create
                            failed with RNN_E_INVALID_ARGUMENT naming config->cell); since 0.5.0 also
                            language models: layers must be 1 (else RNN_E_INVALID_ARGUMENT naming
                            config->layers, whose default 2 is a stack's), dropout only with an embedding,
                            y (the softmax, V floats per stream) carried between training windows and
                            steps as a stack's hidden state is; steps in float32 only, no safetensors */
};

typedef int32_t rnn_activation;
enum {
    RNN_ACTIVATION_TANH = 0,
    RNN_ACTIVATION_RELU = 1  /* Elman only; LSTM ignores the activation */
};

/* How a new model's recurrent weights start (since 0.3.0). Numbers are stable. */
typedef int32_t rnn_init;
enum {
    RNN_INIT_DEFAULT = 0,   /* PyTorch's: every weight and bias U(+-1/sqrt(H)) */
    RNN_INIT_IDENTITY = 1   /* IRNN (Le, Jaitly & Hinton 2015), RNN_CELL_ELMAN only (best with
                               RNN_ACTIVATION_RELU): W_hh = identity_scale * I, biases 0,
                               W_ih ~ N(0, 0.001^2) */
};

typedef int32_t rnn_input;
enum {
    RNN_INPUT_EMBEDDING = 0,  /* layer 0 reads a learned embedding of the token, [E] */
    RNN_INPUT_ONE_HOT = 1     /* layer 0 reads the token's one-hot vector, [V] (char-rnn): no embedding */
};

/* A language model's output layer (since 0.5.0). Numbers are stable. */
typedef int32_t rnn_softmax;
enum {
    RNN_SOFTMAX_FULL = 0,   /* one softmax over all vocab_size logits (default) */
    RNN_SOFTMAX_CLASS = 1   /* class-factored (Mikolov et al. 2011): P(w) = P(class(w)) P(w | class(w)), the
                               tokens grouped into `classes` classes by frequency (fitted on the training
                               corpus by the first trainer): classes + |class| logits per token in training
                               and evaluation instead of vocab_size; for word vocabularies */
};

typedef struct rnn_model_config {
    uint32_t struct_size;
    int32_t vocab_size;          /* V, 2..2^22 (2..2^20 with one-hot input): use rnn_vocab_size of the vocabulary (required) */
    int32_t embedding_size;      /* E, 1..2^20; 0 with RNN_INPUT_ONE_HOT. Since 0.2.0, 0 with
                                  * RNN_INPUT_EMBEDDING (the default) picks min(hidden_size, 64), the
                                  * default of every front door; before, it failed. */
    rnn_cell cell;               /* default RNN_CELL_LSTM */
    int32_t hidden_size;         /* H, 1..65536; default 128 (since 0.2.0, as the CLI and Python; required before) */
    int32_t layers;              /* L, 1..64; default 2 (since 0.2.0, as the CLI and Python; 1 before) */
    rnn_activation activation;   /* default RNN_ACTIVATION_TANH */
    uint32_t seed;               /* initialization seed (low 32 bits); default 0. Not stored in the model. */
    rnn_input input;             /* default RNN_INPUT_EMBEDDING. Appeared in 0.1.0 with one-hot input. */
    uint32_t seed_high;          /* high 32 bits of a 64-bit seed; default 0. Since 0.2.0: the seed
                                  * (seed_high << 32 | seed) gives the same weights as `rnn train --seed`
                                  * and Python's seed= of that value. */
    float dropout;               /* since 0.3.0: p of dropout in training (embedding, between layers,
                                  * before the output layer), 0 <= p < 1; default 0 (off) */
    rnn_init init;               /* since 0.3.0: default RNN_INIT_DEFAULT */
    float identity_scale;        /* since 0.3.0: the scale of W_hh with RNN_INIT_IDENTITY, > 0;
                                  * default 0, which means 1.0; anything else needs RNN_INIT_IDENTITY */
    int32_t bidirectional;       /* since 0.3.0: nonzero asks for a bidirectional stack, which a
                                  * language model refuses (RNN_E_INVALID_ARGUMENT naming
                                  * "config->bidirectional"); default 0 */
    rnn_softmax softmax;         /* since 0.5.0: default RNN_SOFTMAX_FULL */
    int32_t classes;             /* since 0.5.0: K with RNN_SOFTMAX_CLASS, 1..vocab_size; default 0, which means
                                  * round(sqrt(vocab_size)); must be 0 with RNN_SOFTMAX_FULL. rnn_model_get_config
                                  * reports the model's K. */
} rnn_model_config;

/* Fills *config with the defaults (see the fields). Use the macro. Thread-safe. */
RNN_API rnn_status rnn_model_config_init_sized(rnn_model_config* config, size_t struct_size);
#define rnn_model_config_init(config) rnn_model_config_init_sized((config), sizeof(*(config)))

/* Creates a model initialized as PyTorch does (embedding N(0,1), if any; weights U(+-1/sqrt(H)); since
 * 0.3.0 the recurrent weights as config->init says) from the seed: the same config gives the same
 * weights on every platform. A config of the 0.2.0 size (struct_size 40, without the 0.3.0 fields)
 * or of the 0.3.0 size (56, without the 0.5.0 fields) keeps working: the fields past its size take
 * their defaults. *out_model is owned by the
 * caller. Fails: RNN_E_INVALID_ARGUMENT naming the field ("config->hidden_size"); since 0.2.0 also
 * when a weight buffer would exceed 2^31 - 57 floats (e.g. an LSTM with hidden_size 65536, or
 * vocab_size x embedding_size 65536 x 65536), naming the field that makes it too large;
 * RNN_E_OUT_OF_MEMORY when the weights do not fit in memory. Thread-safe. */
RNN_API rnn_status rnn_model_create(const rnn_model_config* config, rnn_model** out_model);

/* Destroys the handle. States, generators and trainers made from the model keep working. NULL is
 * a no-op. Must not run while another thread uses the same handle. */
RNN_API void rnn_model_destroy(rnn_model* model);

/* Writes the model's shape into *out_config (whose struct_size the caller sets, or fills with
 * rnn_model_config_init); seed is 0. Thread-safe.
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model (rnn_model_get_task_config). */
RNN_API rnn_status rnn_model_get_config(const rnn_model* model, rnn_model_config* out_config);

/* How single-stream steps (rnn_state_step, rnn_generator_generate/stream: sampling) store the
 * weights they stream. Numbers are stable. Training and rnn_model_evaluate always use float32. */
typedef int32_t rnn_precision;
enum {
    RNN_PRECISION_F32 = 0,  /* the model's float32 weights: exact up to summation order (default) */
    RNN_PRECISION_BF16 = 1, /* bfloat16 copies: half the bytes per token, relative weight error
                               <= 2^-8; products still sum in float32 */
    RNN_PRECISION_INT8 = 2  /* since 0.5.0: int8 copies with one scale per weight row (max|w|/127):
                               a quarter of the bytes per token; the step's input vector is quantised
                               the same way per step and the dot products sum in int32 (AVX-VNNI,
                               ARM64 dot product, or a widening fallback); biases stay float32 */
};

/* Sets the step precision of `model`. It applies to the model and to all its states and
 * generators, existing ones included, from their next step (a step in progress finishes in the
 * precision it started with); the first step after a change converts the weights once. Fails:
 * RNN_E_INVALID_HANDLE; RNN_E_INVALID_ARGUMENT naming "precision" (not an RNN_PRECISION_* value);
 * the precision is then unchanged. Thread-safe, also while states of the model step.
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model (no single-stream steps). Since 0.5.0:
 * RNN_E_UNSUPPORTED for RNN_PRECISION_BF16 (and INT8) on a Jordan language model (it steps in float32 only). */
RNN_API rnn_status rnn_model_set_step_precision(rnn_model* model, rnn_precision precision);

/* The step precision of `model` (RNN_PRECISION_F32 until set). Thread-safe.
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model. */
RNN_API rnn_status rnn_model_get_step_precision(const rnn_model* model, rnn_precision* out_precision);

/* Saves the weights and `vocab` (which must have config.vocab_size ids) to `path`, atomically: on
 * failure an existing file at path is unchanged. Fails: RNN_E_INVALID_ARGUMENT (vocabulary size
 * mismatch, NULL path), RNN_E_IO. Not concurrently with training the model. The new content is
 * written to `.NAME.<32 hex digits>.tmp` next to the file and renamed over it; since 0.2.0 a
 * successful save also deletes such files left by killed saves of the same path (untouched for
 * 10 minutes and held open by no process; any saving function of this library does).
 * Since 0.4.0 every kind of model: a sequence model's file holds its kind, input vocabulary and
 * labels, and `vocab` is ignored (pass NULL). */
RNN_API rnn_status rnn_model_save_file(const rnn_model* model, const rnn_vocab* vocab, const char* path);

/* As rnn_model_save_file, into memory: *out_data (free with rnn_free) holds *out_size bytes, the
 * exact content of the file. On failure both are NULL/0. Since 0.4.0 every kind (vocab NULL for a
 * sequence model). */
RNN_API rnn_status rnn_model_save_to_memory(const rnn_model* model, const rnn_vocab* vocab, void** out_data, size_t* out_size);

/* Loads a model file: *out_model and (when out_vocab is not NULL) *out_vocab receive new handles
 * owned by the caller. Fails: RNN_E_IO (missing or unreadable file), RNN_E_FORMAT (not a model
 * file, truncated, corrupt (checksums), or a newer format version; the message says which).
 * Thread-safe. Since 0.2.0 every tensor (and a checkpoint's training state) is checked against
 * the model the file declares before the model is allocated, a vocabulary section with trailing
 * bytes is RNN_E_FORMAT, and format messages start with `path`. Since 0.4.0 every kind of model
 * (rnn_model_get_kind tells which); a sequence model has no rnn_vocab: *out_vocab is then NULL
 * (read its data with rnn_dataset_read_file(config, path, model, ...)). A checkpoint's training
 * state is not loaded (rnn_trainer_resume reads it). Since 0.5.0 the file is read once (before, a
 * sequence model's file was read twice: for its kind, then for the model). */
RNN_API rnn_status rnn_model_load_file(const char* path, rnn_model** out_model, rnn_vocab** out_vocab);

/* As rnn_model_load_file from the bytes (data, size), borrowed during the call only. */
RNN_API rnn_status rnn_model_load_from_memory(const void* data, size_t size, rnn_model** out_model, rnn_vocab** out_vocab);

typedef struct rnn_evaluation {
    uint32_t struct_size;
    int32_t reserved;
    double loss;            /* mean cross-entropy, nats per predicted token (NaN: nothing to predict) */
    double perplexity;      /* exp(loss) */
    double bits_per_token;  /* loss / ln 2 */
} rnn_evaluation;

/* Loss of the model on `corpus`, each token predicted once from its predecessors, in windows of
 * `steps` over `batch_size` streams (>= 1 each; the state carries across windows). The caller
 * sets out_result->struct_size. Fails: RNN_E_INVALID_ARGUMENT (batch_size, steps, an id outside the
 * model's vocabulary; since 0.2.0 also naming steps or batch_size when a window's buffers, e.g. its
 * logits [steps x batch_size, V], would exceed 2^31 - 57 floats; since 0.2.0 also naming corpus
 * when it holds fewer than 2 tokens, where the loss was NaN before). Thread-safe with sampling from
 * the same model; not during its training.
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model (rnn_model_evaluate_dataset). */
RNN_API rnn_status rnn_model_evaluate(const rnn_model* model, const rnn_corpus* corpus, int32_t batch_size, int32_t steps, rnn_evaluation* out_result);

/* ---------------------------------------------------------------------------------------------- */
/* PyTorch exchange (safetensors)                                                                  */
/* ---------------------------------------------------------------------------------------------- */

/* The weights as a safetensors file whose tensors are the state_dict of PyTorch's CharRnn
 * (bindings/python/tests/charrnn_torch.py; docs/pytorch-exchange.md): embedding.weight [V, E]
 * (none with one-hot input), rnn.weight_ih_l{k}, rnn.weight_hh_l{k}, rnn.bias_ih_l{k},
 * rnn.bias_hh_l{k} (nn.LSTM / nn.RNN), decoder.weight [V, H], decoder.bias [V]; float32;
 * load_state_dict(strict=True) accepts it. __metadata__ holds the config (cell, nonlinearity,
 * input "one_hot" when so, vocab_size, embedding_dim, hidden_size, num_layers) and, when `vocab` is not NULL (it must then have config.vocab_size ids), the exact
 * vocabulary. Written atomically. Fails: RNN_E_INVALID_HANDLE, RNN_E_INVALID_ARGUMENT (vocabulary
 * size mismatch, NULL path), RNN_E_IO. Not concurrently with training the model.
 * Appeared with the Python binding (0.1.0 series).
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model (its file is rnn_model_save_file's).
 * Since 0.5.0: RNN_E_UNSUPPORTED for a Jordan language model (PyTorch has no module for it) and for a
 * RNN_SOFTMAX_CLASS model (CharRnn has one nn.Linear over V); rnn_model_save_file saves both. */
RNN_API rnn_status rnn_model_export_safetensors(const rnn_model* model, const rnn_vocab* vocab, const char* path);

/* As rnn_model_export_safetensors, into memory: *out_data (free with rnn_free) holds *out_size
 * bytes, the exact content of the file. On failure both are NULL/0. Since 0.4.0:
 * RNN_E_UNSUPPORTED for a sequence model; since 0.5.0 for a Jordan language model. */
RNN_API rnn_status rnn_model_export_safetensors_to_memory(const rnn_model* model, const rnn_vocab* vocab, void** out_data, size_t* out_size);

/* Imports a safetensors file of a CharRnn state_dict (F32, F16 or BF16; e.g. saved from PyTorch).
 * The model's shape comes from `config` when not NULL (its struct_size set; seed ignored), else
 * from the file's metadata, else from the tensor shapes (LSTM only). The vocabulary is `vocab`
 * when not NULL (borrowed; it must have vocab_size ids), else the one in the metadata.
 * *out_model and (when out_vocab is not NULL) *out_vocab receive new handles owned by the caller.
 * Fails: RNN_E_IO (missing or unreadable file); RNN_E_FORMAT (not safetensors, a tensor missing,
 * unexpected or of the wrong shape, no vocabulary in the file and none given, sizes that
 * disagree; the message says which); RNN_E_INVALID_HANDLE (vocab). Thread-safe. Since 0.2.0: the
 * file is read by the length its file system reports (a device such as /dev/zero fails at once),
 * every tensor is checked against the model before the model is allocated, a header that is not
 * UTF-8 is RNN_E_FORMAT, and format messages start with `path`. */
RNN_API rnn_status rnn_model_import_safetensors(const char* path, const rnn_vocab* vocab, const rnn_model_config* config, rnn_model** out_model, rnn_vocab** out_vocab);

/* As rnn_model_import_safetensors from the bytes (data, size), borrowed during the call only. */
RNN_API rnn_status rnn_model_import_safetensors_from_memory(const void* data, size_t size, const rnn_vocab* vocab, const rnn_model_config* config, rnn_model** out_model, rnn_vocab** out_vocab);

/* ---------------------------------------------------------------------------------------------- */
/* Training                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

typedef struct rnn_trainer rnn_trainer;

typedef int32_t rnn_optimizer;
enum { RNN_OPTIMIZER_SGD = 0, RNN_OPTIMIZER_ADAGRAD = 1, RNN_OPTIMIZER_RMSPROP = 2, RNN_OPTIMIZER_ADAM = 3 };

typedef int32_t rnn_schedule;
enum {
    RNN_SCHEDULE_CONSTANT = 0,
    RNN_SCHEDULE_STEP_DECAY = 1,  /* lr * gamma^(step / schedule_step_size) */
    RNN_SCHEDULE_COSINE = 2       /* half a cosine to min_learning_rate over schedule_total_steps */
};

typedef struct rnn_trainer_config {
    uint32_t struct_size;
    int32_t seq_len;              /* T: steps per window and BPTT length (default 50; 64 before 0.2.0) */
    int32_t batch_size;           /* B: parallel streams (default 50; 32 before 0.2.0) */
    rnn_optimizer optimizer;      /* default RNN_OPTIMIZER_ADAM */
    float learning_rate;          /* default 2e-3 */
    float momentum;               /* SGD momentum (default 0) */
    float beta1, beta2;           /* Adam (0.9, 0.999) */
    float weight_decay;           /* L2 (default 0) */
    float clip_norm;              /* global gradient-norm limit, 0: off (default 5) */
    float clip_value;             /* per-element gradient limit, 0: off (default 0) */
    rnn_schedule schedule;        /* default RNN_SCHEDULE_CONSTANT */
    float schedule_gamma;         /* STEP_DECAY factor (default 0.5) */
    float min_learning_rate;      /* COSINE floor (default 0) */
    int32_t eval_every;           /* validate every this many updates, 0: only at the end (default 200) */
    int32_t validation_windows;   /* windows per periodic validation, 0: the whole held-out part */
    int32_t epochs;               /* stop after this many passes, 0: no limit (default 0) */
    int32_t nesterov;             /* SGD Nesterov momentum, 0/1 (default 0) */
    int64_t schedule_step_size;   /* STEP_DECAY period (default 1000) */
    int64_t schedule_total_steps; /* COSINE length; 0 (the default since 0.2.0, before 10000): the run's
                                   * updates (max_steps, else epochs x windows per epoch, else 10000) */
    int64_t max_steps;            /* stop after this many updates, 0: no limit (default 0) */
    double max_seconds;           /* stop after this much training time, 0: no limit (default 0) */
    double validation_fraction;   /* the last fraction of the corpus is held out, [0, 1) (default 0.1) */
    int32_t decoupled_weight_decay; /* ADAM: 1 = AdamW (decay the weights, not the gradient); 0/1,
                                     * default 0. Since 0.2.0. */
    float epsilon;                /* Adam/RMSprop/Adagrad denominator term; 0 (default): the rule's
                                   * (1e-8, Adagrad 1e-10). Since 0.2.0. */
    uint64_t seed;                /* seed of the dropout masks (a model's dropout, in training only): with
                                   * the update number it decides the units each update drops; default 0.
                                   * Pass the model's seed to train as `rnn train --seed` does. Kept in
                                   * checkpoints: rnn_trainer_resume continues with the saved seed. Since 0.3.0. */
} rnn_trainer_config;
/* At least one of max_steps, max_seconds and epochs must be set (else RNN_E_INVALID_ARGUMENT
 * naming config->max_steps): the defaults alone are rejected. */

/* Fills *config with the defaults above. Use the macro. Thread-safe. */
RNN_API rnn_status rnn_trainer_config_init_sized(rnn_trainer_config* config, size_t struct_size);
#define rnn_trainer_config_init(config) rnn_trainer_config_init_sized((config), sizeof(*(config)))

/* A report after each update and after each validation. */
typedef struct rnn_progress {
    uint32_t struct_size;
    int32_t epoch;               /* passes over the training part completed */
    int64_t step;                /* updates so far */
    int64_t total_steps;         /* updates the run will make when known, else 0 */
    double loss;                 /* mean loss of the last window, nats per token */
    double smoothed_loss;        /* moving average of loss (weight 0.05) */
    double validation_loss;      /* when this report follows a validation, else NaN */
    double best_validation_loss; /* +inf before the first validation */
    double tokens_per_second;
    double elapsed_seconds;      /* training time, validation excluded */
    double fraction;             /* progress towards the nearest limit, [0, 1] */
    double learning_rate;
    double gradient_norm;        /* before clipping */
} rnn_progress;

/* Progress callback: called on the thread that called rnn_trainer_train, after every update and
 * every validation. `progress` is valid during the call only. Return 0 to go on, non-zero to stop
 * (the train call then returns RNN_E_CANCELLED). It may call rnn_trainer_cancel and any function
 * on other objects, but not rnn_trainer_train/step/destroy on the same trainer. */
typedef int (*rnn_progress_fn)(const rnn_progress* progress, void* user_data);

/* A trainer of `model` on `corpus` (the last validation_fraction of it held out). The trainer
 * keeps both alive and trains the model's weights in place. *out_trainer is owned by the caller.
 * Fails: RNN_E_INVALID_HANDLE; RNN_E_INVALID_ARGUMENT naming the config field, or "data" when the
 * corpus has ids outside the model's vocabulary; since 0.2.0 also naming config->seq_len when a
 * window of seq_len x batch_size is too large for the model's buffers (instead of failing every
 * later train call). Thread-safe.
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model (rnn_trainer_create_for_dataset).
 * Since 0.5.0: a RNN_SOFTMAX_CLASS model that has not been trained (a new one) gets its word classes
 * here, from the unigram counts of the corpus's training part; a loaded or trained one keeps its own. */
RNN_API rnn_status rnn_trainer_create(rnn_model* model, const rnn_corpus* corpus, const rnn_trainer_config* config, rnn_trainer** out_trainer);

/* Destroys the trainer (the model keeps its trained weights). NULL is a no-op. Not during a
 * train call on it. */
RNN_API void rnn_trainer_destroy(rnn_trainer* trainer);

/* Trains: at most `max_updates` more updates (0: until a limit of the config), stopping earlier
 * at a limit of the config (max_steps, max_seconds, epochs), when `progress` returns non-zero, or
 * when another thread calls rnn_trainer_cancel. `progress` may be NULL. Calls continue the same
 * run: N calls of 1 update give the weights of 1 call of N. *out_finished (may be NULL) is 1 when
 * a limit of the config was reached (then the held-out part was validated), else 0.
 * Returns RNN_OK; RNN_E_CANCELLED (the trainer is consistent and can continue); RNN_E_DIVERGED
 * (the loss or gradient became NaN/inf: that update was not applied; lower learning_rate);
 * RNN_E_INVALID_ARGUMENT (max_updates < 0). While it runs, the model must not be used by any
 * other function. */
RNN_API rnn_status rnn_trainer_train(rnn_trainer* trainer, int64_t max_updates, rnn_progress_fn progress, void* user_data, int32_t* out_finished);

/* One update; *out_loss (may be NULL; NaN on failure) gets its mean training loss in nats.
 * Fails as rnn_trainer_train, and with RNN_E_INVALID_STATE when a limit of the config is reached. */
RNN_API rnn_status rnn_trainer_step(rnn_trainer* trainer, double* out_loss);

/* Asks the train call running on `trainer` (on another thread, or from its progress callback) to
 * stop before its next update; a request when no call runs is ignored. Thread-safe: the one
 * trainer function that may run concurrently with rnn_trainer_train on the same trainer. */
RNN_API rnn_status rnn_trainer_cancel(rnn_trainer* trainer);

/* The last progress report (step 0, NaN losses before the first update). The caller sets
 * out_progress->struct_size. Thread-safe: may run while rnn_trainer_train runs on another thread. */
RNN_API rnn_status rnn_trainer_get_progress(const rnn_trainer* trainer, rnn_progress* out_progress);

/* The loss on the held-out part now (NaN when it is empty). The caller sets struct_size. */
RNN_API rnn_status rnn_trainer_validate(rnn_trainer* trainer, rnn_evaluation* out_result);

/* Saves a resumable checkpoint to `path`, atomically: a model file (rnn_model_load_file reads it
 * as any other: weights and `vocab`, which must have config.vocab_size ids) that also holds the
 * trainer config and the training state (optimizer moments, data position, hidden state,
 * clocks) and, since 0.2.0, a fingerprint of its corpus (token counts and CRC-32C). Call it
 * between train calls, e.g. after one returned RNN_E_CANCELLED.
 * Fails: RNN_E_INVALID_HANDLE, RNN_E_INVALID_ARGUMENT (vocabulary size mismatch, NULL path),
 * RNN_E_IO. Appeared with the Python binding (0.1.0 series). Since 0.4.0, with a trainer of a
 * sequence model (rnn_trainer_create_for_dataset), `vocab` is ignored (pass NULL). */
RNN_API rnn_status rnn_trainer_save_checkpoint(const rnn_trainer* trainer, const rnn_vocab* vocab, const char* path);

/* Continues the run saved by rnn_trainer_save_checkpoint: copies the checkpoint's weights into the
 * trainer's model and restores its training state, so the next train call goes on as the saved
 * run would have (bit for bit, given the same corpus and config). Call it on a new trainer,
 * before training. Fails: RNN_E_IO; RNN_E_FORMAT (not a model file, or one without training
 * state); RNN_E_INVALID_ARGUMENT (the checkpoint's model shape, optimizer or batch_size differs
 * from the trainer's, or, since 0.2.0, the trainer's corpus is not the one the checkpoint records:
 * other token counts, split or content); the trainer and model are then unchanged. Checkpoints
 * written before 0.2.0 record no corpus and resume on any. */
RNN_API rnn_status rnn_trainer_resume(rnn_trainer* trainer, const char* path);

/* Since 0.2.0. The checkpoint policy the CLI and Python use: from now on the trainer saves a
 * resumable checkpoint (as rnn_trainer_save_checkpoint, with `vocab`) at `path` after every
 * validation and whenever a train or step call returns (limit, cancel or update budget), and one at
 * path's ".best" sibling ("model.best.rnn" for "model.rnn") whenever a validation sets a new best
 * loss. A diverged update writes nothing. NULL path: no more automatic saves (vocab may be NULL).
 * A failed save makes that train call fail with RNN_E_IO. Fails: RNN_E_INVALID_HANDLE,
 * RNN_E_INVALID_ARGUMENT (vocab's size is not the model's vocab_size). Since 0.4.0, with a trainer
 * of a sequence model, `vocab` is ignored (pass NULL). */
RNN_API rnn_status rnn_trainer_set_checkpoint(rnn_trainer* trainer, const rnn_vocab* vocab, const char* path);

/* ---------------------------------------------------------------------------------------------- */
/* State: the stateful step API                                                                    */
/* ---------------------------------------------------------------------------------------------- */

typedef struct rnn_state rnn_state;

/* A recurrent state for one stream of `model` (zero, as at the start of a text), with its own
 * working buffers: states of one model may step concurrently on different threads. It reads the
 * model's current weights (training shows through) and keeps the model alive. Thread-safe.
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model (rnn_model_predict). */
RNN_API rnn_status rnn_state_create(const rnn_model* model, rnn_state** out_state);

/* Destroys the state; NULL is a no-op. */
RNN_API void rnn_state_destroy(rnn_state* state);

/* Back to the zero state. */
RNN_API rnn_status rnn_state_reset(rnn_state* state);

/* Feeds `token`, advances the state and writes the next-token logits (vocab_size floats) to
 * (logits, capacity); *needed (may be NULL) = vocab_size. Fails: RNN_E_BUFFER_TOO_SMALL,
 * RNN_E_INVALID_ARGUMENT naming "token" (outside the vocabulary); the state is then not advanced.
 * With RNN_SOFTMAX_CLASS (since 0.5.0) the logits are the log-probabilities log P(class) + log P(w | class)
 * of all vocab_size tokens (their softmax is the model's distribution); rnn_state_sample draws
 * without forming them. One thread per state at a time. */
RNN_API rnn_status rnn_state_step(rnn_state* state, int32_t token, float* logits, size_t capacity, size_t* needed);

/* ---------------------------------------------------------------------------------------------- */
/* Sampling                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

typedef struct rnn_sampler rnn_sampler;
typedef struct rnn_generator rnn_generator;

typedef struct rnn_sampling_config {
    uint32_t struct_size;
    float temperature;   /* divides the logits; 0: greedy (default 1) */
    int32_t top_k;       /* keep the K most likely tokens, 0: all (default 0) */
    float top_p;         /* nucleus: smallest set reaching mass P, (0, 1] (default 1) */
    uint64_t seed;       /* random seed (default 0): same seed, same text */
    int32_t max_tokens;  /* generator: tokens to generate (default 256) */
    int32_t reserved;
    const char* stop;    /* generator: stop before this UTF-8 string (not included); NULL: none.
                            Copied by rnn_generator_create. */
} rnn_sampling_config;

/* Fills *config with the defaults above. Use the macro. Thread-safe. */
RNN_API rnn_status rnn_sampling_config_init_sized(rnn_sampling_config* config, size_t struct_size);
#define rnn_sampling_config_init(config) rnn_sampling_config_init_sized((config), sizeof(*(config)))

/* A token sampler for logits of `vocab_size` tokens with its own random generator seeded with
 * config->seed. Fails: RNN_E_INVALID_ARGUMENT naming the field. Thread-safe. */
RNN_API rnn_status rnn_sampler_create(int32_t vocab_size, const rnn_sampling_config* config, rnn_sampler** out_sampler);

/* Destroys the sampler; NULL is a no-op. */
RNN_API void rnn_sampler_destroy(rnn_sampler* sampler);

/* Draws the next token from (logits, count) (count must be vocab_size); *out_token is -1 on
 * failure. Allocates nothing. One thread per sampler at a time. */
RNN_API rnn_status rnn_sampler_sample(rnn_sampler* sampler, const float* logits, size_t count, int32_t* out_token);

/* Since 0.5.0. Feeds `token`, advances the state and draws the next token into *out_token with the
 * sampler's options and random generator (`sampler` made for the model's vocab_size): as
 * rnn_state_step then rnn_sampler_sample, except that a RNN_SOFTMAX_CLASS model sampled with a
 * temperature > 0 and neither top_k nor top_p draws the class from its classes logits and the word
 * from that class's, never forming vocab_size logits (the temperature then acts on each factor: exact
 * at 1; greedy, top_k and top_p rank all tokens, so they take the full log-probabilities). *out_token
 * is -1 on failure. Fails: RNN_E_INVALID_ARGUMENT naming "token" (the state is then not advanced) or
 * "sampler" (another vocabulary size). One thread per state and per sampler at a time. */
RNN_API rnn_status rnn_state_sample(rnn_state* state, int32_t token, rnn_sampler* sampler, int32_t* out_token);

/* A text generator: `model` and `vocab` (same vocab_size) with the sampling config (copied).
 * It has its own working buffers: generators of one model may run concurrently on different
 * threads, each producing exactly the text it produces alone. Keeps model and vocab alive.
 * Fails: RNN_E_INVALID_ARGUMENT (vocabulary size mismatch naming "vocab", config fields).
 * Since 0.4.0: RNN_E_UNSUPPORTED for a sequence model. */
RNN_API rnn_status rnn_generator_create(const rnn_model* model, const rnn_vocab* vocab, const rnn_sampling_config* config, rnn_generator** out_generator);

/* Destroys the generator; NULL is a no-op. */
RNN_API void rnn_generator_destroy(rnn_generator* generator);

/* Feeds the UTF-8 `prime` (NULL or "": start as at a line break) and generates up to max_tokens
 * tokens, stopping before the stop string; writes the generated text (without the prime) plus
 * NUL to (buf, capacity). Deterministic: the same generator, prime and config give the same text,
 * so after RNN_E_BUFFER_TOO_SMALL call again with a buffer of *needed bytes.
 * Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT (a prime character not in the vocabulary).
 * One thread per generator at a time. */
RNN_API rnn_status rnn_generator_generate(rnn_generator* generator, const char* prime, char* buf, size_t capacity, size_t* needed);

/* Streaming callback: `text` is a NUL-terminated UTF-8 piece of `size` bytes (whole characters),
 * valid during the call only; return 0 to go on, non-zero to stop. Called on the thread that
 * called rnn_generator_stream. */
typedef int (*rnn_text_fn)(const char* text, size_t size, void* user_data);

/* As rnn_generator_generate, handing the text to `on_text` piece by piece as it is generated
 * (the concatenation equals the text generate returns). Stopping early is not an error: RNN_OK. */
RNN_API rnn_status rnn_generator_stream(rnn_generator* generator, const char* prime, rnn_text_fn on_text, void* user_data);

/* ---------------------------------------------------------------------------------------------- */
/* Whole-sequence models: taggers, classifiers, regressors (since 0.4.0)                           */
/* ---------------------------------------------------------------------------------------------- */
/*
 * One rnn_model handle serves every kind of model (llama.h's lesson): a language model
 * (rnn_model_create, above) or a model of whole sequences made for a dataset
 * (rnn_model_create_for_dataset). A function that does not apply to a model's kind fails with
 * RNN_E_UNSUPPORTED and a message naming the kinds it serves:
 *   - language models only: rnn_model_get_config, rnn_model_set/get_step_precision,
 *     rnn_model_evaluate, rnn_model_export_safetensors(_to_memory), rnn_trainer_create,
 *     rnn_state_create, rnn_generator_create (since 0.6.0 also rnn_model_sample_many);
 *   - sequence models only: rnn_model_get_task_config, rnn_dataset_read_file and
 *     rnn_dataset_from_tokens/floats with a model, rnn_trainer_create_for_dataset,
 *     rnn_model_evaluate_dataset, rnn_model_predict, rnn_model_predict_file; since 0.5.0 also
 *     rnn_dataset_from_sentences/_texts with a model, rnn_model_get_task_info, rnn_model_label,
 *     rnn_model_predict_v2, rnn_model_evaluate_dataset_v2.
 *   Every kind: rnn_model_get_kind, rnn_model_destroy, rnn_model_save_file/_to_memory,
 *   rnn_model_load_file/_from_memory, and the rnn_trainer_* functions on the trainer made for it.
 * A sequence model keeps its input vocabulary (words or characters of its training file) and its
 * labels (tags or classes) inside it and its model file: files and arrays are encoded for it by
 * passing it to the rnn_dataset_* functions. No rnn_vocab is involved.
 * Batches pad sequences to the longest of the batch; padding gives no loss and no gradient, and a
 * sequence's final state is taken at its own last timestep.
 */

/* What a model predicts. Numbers are stable (model files record them). Since 0.4.0. */
typedef int32_t rnn_model_kind;
enum {
    RNN_MODEL_LANGUAGE = 0,    /* the next token of a stream (char-rnn): rnn_model_create */
    RNN_MODEL_TAGGER = 1,      /* a tag per timestep (slot filling, BIO tags): a softmax per timestep;
                                  bidirectional by default */
    RNN_MODEL_CLASSIFIER = 2,  /* a class per sequence: a softmax over the last state or the mean */
    RNN_MODEL_REGRESSOR = 3,   /* real values per sequence or per timestep: linear output, MSE */
    RNN_MODEL_SEQ2SEQ = 4      /* since 0.5.0: a target sequence per source sequence (encoder-decoder,
                                  greedy or beam decoding): see "Sequence to sequence" at the end */
};

/* The kind of `model`. Since 0.4.0. Fails: RNN_E_INVALID_HANDLE. Thread-safe. */
RNN_API rnn_status rnn_model_get_kind(const rnn_model* model, rnn_model_kind* out_kind);

/* The targets of a dataset. Numbers are stable. Since 0.4.0. */
typedef int32_t rnn_target;
enum {
    RNN_TARGET_STEP_CLASSES = 0,     /* a class per timestep (taggers): `classes` holds `total` ids
                                        (-1: no target; a dataset with one is only predicted) */
    RNN_TARGET_SEQUENCE_CLASS = 1,   /* a class per sequence (classifiers): `classes` holds `count` ids */
    RNN_TARGET_SEQUENCE_VALUES = 2,  /* value_size values per sequence (regressors): `values` holds
                                        count x value_size floats */
    RNN_TARGET_STEP_VALUES = 3       /* value_size values per timestep (regressors): `values` holds
                                        total x value_size floats */
};

/* What a text dataset's input ids stand for. Numbers are stable. Since 0.4.0. */
typedef int32_t rnn_unit;
enum {
    RNN_UNIT_WORDS = 0,  /* a CoNLL token or a word of a text: one id per word, plus <unk> */
    RNN_UNIT_CHARS = 1   /* one id per character */
};

/* How a classifier (and a regressor with a value per sequence) turns a sequence into one vector.
 * Numbers are stable. Since 0.4.0. */
typedef int32_t rnn_pooling;
enum {
    RNN_POOLING_LAST = 0,  /* the output at the sequence's own last timestep (bidirectional: each
                              direction's final state, as PyTorch's h_n) */
    RNN_POOLING_MEAN = 1   /* the mean of the outputs over the sequence's timesteps */
};

/* ---- Datasets ---- */

/* N sequences with their targets, encoded as a model reads them (input ids or floats, label ids or
 * values). Immutable: every rnn_dataset_* function is thread-safe on one dataset. Since 0.4.0. */
typedef struct rnn_dataset rnn_dataset;

typedef struct rnn_dataset_config {
    uint32_t struct_size;
    rnn_model_kind kind;        /* what the file is read for (required without a model; ignored with
                                 * one, whose kind is used): RNN_MODEL_TAGGER reads CoNLL files (a token
                                 * per line, whitespace-separated columns, the first the token and the
                                 * last its tag, a blank line between sentences, lines starting with #
                                 * and -DOCSTART- skipped; any extension) or .npz; RNN_MODEL_CLASSIFIER
                                 * .tsv (label<TAB>text per line), .csv with a header, or .npz;
                                 * RNN_MODEL_REGRESSOR .npz (arrays inputs [N,T,F], targets [N], [N,O]
                                 * or [N,T,O], optional lengths [N]); since 0.5.0 RNN_MODEL_SEQ2SEQ
                                 * a TSV file of pairs (source<TAB>target per line; blank lines skipped,
                                 * fields after a second tab ignored). Default RNN_MODEL_LANGUAGE, which
                                 * no file is read for: set it. */
    rnn_unit unit;              /* text inputs of training data: words or characters (default WORDS) */
    int32_t max_vocab;          /* training data: the most frequent units kept, the rest <unk>;
                                 * 0 keeps every unit (default 20000) */
    int32_t lowercase;          /* training data: lowercase units before counting and looking them up,
                                 * 0/1 (default 0) */
    int32_t require_targets;    /* 0 lets a CoNLL file have no tag column (to predict it), 1 (default)
                                 * makes a missing tag an error */
    const char* label_column;   /* .csv: the label column's name; NULL: "label" (default). Borrowed
                                 * during the call. */
    const char* text_column;    /* .csv: the text column's name; NULL: "text" (default) */
} rnn_dataset_config;

/* Fills *config with the defaults above. Use the macro. Since 0.4.0. Thread-safe. */
RNN_API rnn_status rnn_dataset_config_init_sized(rnn_dataset_config* config, size_t struct_size);
#define rnn_dataset_config_init(config) rnn_dataset_config_init_sized((config), sizeof(*(config)))

/* Reads the file at `path` (UTF-8 path), chosen by config->kind and the extension (see kind).
 * `model` NULL: the file is training data; the input vocabulary (unit, max_vocab, lowercase) and the
 * labels (sorted, ordinal) are fitted to it, and rnn_model_create_for_dataset makes
 * a model for it. `model` not NULL (a sequence model): the file is encoded with the model's
 * vocabulary (unknown units read as <unk>) and labels, as validation, test or prediction data of
 * that model; only the CSV columns and require_targets of `config` apply (config may then be NULL).
 * *out_dataset is owned by the caller (rnn_dataset_destroy); it does not keep `model` alive.
 * Fails: RNN_E_IO (missing or unreadable file); RNN_E_FORMAT (a malformed line, or a label the
 * model does not know; the message starts with "path:line: "); RNN_E_INVALID_ARGUMENT (config->kind
 * or another field, a file of a format the kind does not read, NULL config without a model; the
 * message starts with the path when the file is at fault); RNN_E_UNSUPPORTED (`model` is a
 * language model); RNN_E_INVALID_HANDLE. Thread-safe. Since 0.4.0. */
RNN_API rnn_status rnn_dataset_read_file(const rnn_dataset_config* config, const char* path, const rnn_model* model, rnn_dataset** out_dataset);

/* A dataset of `count` token sequences from memory (everything is copied): sequence i is the next
 * lengths[i] (>= 1) ids of (ids, total), total = the sum of the lengths; its targets are `target`'s
 * (see rnn_target) in `classes` (class targets; `values` NULL) or `values` with `value_size` >= 1
 * floats per target (value targets; `classes` NULL). Both NULL: no targets (the dataset can be
 * predicted, not trained on or evaluated; value_size must still give O for value targets).
 * `model` NULL: training data; its encoding is fitted: ids 0..max id (at least 2), and classes
 * named "0".."K-1" with K = max class + 1 (at least 2). `model` not NULL: the ids and classes must
 * be the model's (below its vocabulary size and class count) and `target` its target.
 * Fails: RNN_E_INVALID_ARGUMENT naming the argument ("lengths" that do not sum to total, a NULL
 * array with a non-zero size, "target", "value_size", an id or class outside the model's);
 * RNN_E_UNSUPPORTED (a language model); RNN_E_INVALID_HANDLE. Thread-safe. Since 0.4.0. */
RNN_API rnn_status rnn_dataset_from_tokens(const int32_t* ids, size_t total, const int32_t* lengths, size_t count, rnn_target target,
                                           const int32_t* classes, const float* values, int32_t value_size, const rnn_model* model, rnn_dataset** out_dataset);

/* As rnn_dataset_from_tokens for numeric sequences: timestep t of the concatenated sequences is
 * features[t * feature_size .. (t + 1) * feature_size - 1] (feature_size >= 1), total timesteps
 * in all (total x feature_size floats). A NaN or infinite feature or value is RNN_E_INVALID_ARGUMENT
 * naming "features" or "values". Since 0.4.0. */
RNN_API rnn_status rnn_dataset_from_floats(const float* features, size_t total, int32_t feature_size, const int32_t* lengths, size_t count, rnn_target target,
                                           const int32_t* classes, const float* values, int32_t value_size, const rnn_model* model, rnn_dataset** out_dataset);

/* Destroys the dataset; NULL is a no-op. Trainers made with it keep reading it. Since 0.4.0. */
RNN_API void rnn_dataset_destroy(rnn_dataset* dataset);

/* The number of sequences. Since 0.4.0. Thread-safe. */
RNN_API rnn_status rnn_dataset_size(const rnn_dataset* dataset, int64_t* out_sequences);

/* What a dataset holds; the caller sets struct_size. Since 0.4.0. */
typedef struct rnn_dataset_info {
    uint32_t struct_size;
    rnn_model_kind kind;     /* the kind of model it is for */
    rnn_target target;       /* its targets */
    int32_t has_targets;     /* 0: prediction only (a CoNLL file without tags, arrays without targets) */
    int64_t sequences;       /* N */
    int64_t timesteps;       /* the sum of the lengths */
    int32_t max_length;      /* the longest sequence's timesteps */
    int32_t vocab_size;      /* V of token inputs (<unk> included), 0 for numeric inputs */
    int32_t feature_size;    /* F of numeric inputs, 0 for token inputs */
    int32_t outputs;         /* the labels (class targets) or values per target (value targets): the
                                width of a row of rnn_model_predict */
} rnn_dataset_info;

/* Describes `dataset`. Fails: RNN_E_INVALID_HANDLE, RNN_E_INVALID_ARGUMENT (NULL out_info or a
 * struct_size below 8). Since 0.4.0. Thread-safe. */
RNN_API rnn_status rnn_dataset_get_info(const rnn_dataset* dataset, rnn_dataset_info* out_info);

/* The length of every sequence, in order, into (lengths, capacity); *needed = the sequences.
 * Fails: RNN_E_BUFFER_TOO_SMALL. Since 0.4.0. Thread-safe. */
RNN_API rnn_status rnn_dataset_lengths(const rnn_dataset* dataset, int32_t* lengths, size_t capacity, size_t* needed);

/* The name of label `index` (0 <= index < info.outputs) of a dataset with class targets, as UTF-8
 * plus NUL in (buf, capacity): a tag or class of the training file, "0".."K-1" for arrays, the
 * model's own labels for data read for a model. Column c of a prediction row is label c.
 * Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT naming "index"; RNN_E_UNSUPPORTED for
 * value targets (no labels). Since 0.4.0. Thread-safe. */
RNN_API rnn_status rnn_dataset_label(const rnn_dataset* dataset, int32_t index, char* buf, size_t capacity, size_t* needed);

/* ---- Sequence models ---- */

typedef struct rnn_task_model_config {
    uint32_t struct_size;
    rnn_cell cell;              /* default RNN_CELL_LSTM. RNN_CELL_JORDAN: one forward layer (layers 1,
                                   bidirectional 0) */
    int32_t hidden_size;        /* H, default 128; since 0.5.0, 0 takes the kind's default (the engine's;
                                   seq2seq: 128, tuned on the addition task) */
    int32_t layers;             /* L, default 1; since 0.5.0, 0 takes the kind's default */
    int32_t embedding_size;     /* token inputs: E; -1 (default): min(hidden_size, 64); 0: one-hot
                                   input. Ignored for numeric inputs, which the first layer reads as they are. */
    int32_t bidirectional;      /* -1 (default): the kind's default (taggers 1 except Jordan, others 0); 0; 1 */
    rnn_activation activation;  /* Elman and Jordan cells (default RNN_ACTIVATION_TANH) */
    float dropout;              /* p of dropout in training, 0 <= p < 1 (default 0) */
    rnn_init init;              /* default RNN_INIT_DEFAULT */
    float identity_scale;       /* RNN_INIT_IDENTITY's scale, > 0 (default 1) */
    rnn_pooling pooling;        /* classifiers and regressors with a value per sequence (default LAST) */
    int32_t reserved;
    uint64_t seed;              /* the initial weights' seed (default 1) */
} rnn_task_model_config;

/* Fills *config with the defaults above. Use the macro. Since 0.4.0. Thread-safe. */
RNN_API rnn_status rnn_task_model_config_init_sized(rnn_task_model_config* config, size_t struct_size);
#define rnn_task_model_config_init(config) rnn_task_model_config_init_sized((config), sizeof(*(config)))

/* A new model for the training data `training` (read or made without a model): its kind is the
 * dataset's, its inputs and outputs the dataset's (vocabulary, features, labels or values), its
 * shape `config` (NULL: the defaults), its weights drawn from config->seed (the same config and
 * data give the same weights on every platform). It copies the dataset's encoding; `training` may
 * be destroyed. *out_model is owned by the caller. Fails: RNN_E_INVALID_ARGUMENT naming the
 * config field ("config->layers": a Jordan network has one layer), RNN_E_INVALID_HANDLE.
 * Thread-safe. Since 0.4.0. */
RNN_API rnn_status rnn_model_create_for_dataset(const rnn_task_model_config* config, const rnn_dataset* training, rnn_model** out_model);

/* The resolved shape of a sequence model (defaults replaced by what they chose: embedding_size,
 * bidirectional; seed 0) into *out_config (whose struct_size the caller sets). Fails:
 * RNN_E_UNSUPPORTED (a language model: rnn_model_get_config). Since 0.4.0. Thread-safe. */
RNN_API rnn_status rnn_model_get_task_config(const rnn_model* model, rnn_task_model_config* out_config);

/* Scores of a sequence model on a dataset; the caller sets struct_size. Fields a kind has none of
 * are NaN. Since 0.4.0. */
typedef struct rnn_task_metrics {
    uint32_t struct_size;
    rnn_model_kind kind;
    double loss;            /* mean loss: nats per tagged timestep (taggers) or per sequence
                               (classifiers); squared error per value (regressors) */
    double token_accuracy;  /* taggers: tags right / timesteps */
    double precision;       /* taggers: chunk (BIO span) precision, overall, as CoNLL's conlleval */
    double recall;          /* taggers: chunk recall */
    double f1;              /* taggers: chunk F1 */
    double accuracy;        /* classifiers */
    double macro_f1;        /* classifiers: F1 averaged over the classes */
    double mse;             /* regressors: mean squared error over every value */
    double mae;             /* regressors: mean absolute error */
    int64_t sequences;      /* the sequences scored (seq2seq: the pairs) */
    double exact_match;     /* since 0.5.0, seq2seq models: the share of pairs whose decoded target is the
                               target exactly; their token_accuracy is the share of target positions (EOS
                               included) where the decoded sequence has the target's token, and loss is
                               nats per target token (EOS included) under teacher forcing */
} rnn_task_metrics;

/* Evaluates `model` (a sequence model) on `dataset` (with targets, made for the model or with its
 * encoding) in batches of `batch_size` sequences (0: 32). Fails: RNN_E_INVALID_ARGUMENT (batch_size
 * < 0, a dataset without targets or that does not fit the model, NULL out_metrics);
 * RNN_E_UNSUPPORTED (a language model: rnn_model_evaluate); RNN_E_INVALID_HANDLE. Thread-safe with
 * other evaluations and predictions of the model; not during its training. Since 0.4.0. */
RNN_API rnn_status rnn_model_evaluate_dataset(const rnn_model* model, const rnn_dataset* dataset, int32_t batch_size, rnn_task_metrics* out_metrics);

/* The model's outputs for every sequence of `dataset`, in order, into (out, capacity) floats: rows
 * of info.outputs floats (label probabilities, or predicted values), one row per timestep for
 * taggers and regressors with values per timestep (the sequence's length rows), one row per
 * sequence otherwise. *needed = the floats; it is computed before predicting, so (NULL, 0, &needed)
 * is cheap. Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT (a dataset that does not fit the
 * model); RNN_E_UNSUPPORTED (a language model); RNN_E_INVALID_HANDLE. Thread-safe as
 * rnn_model_evaluate_dataset. Since 0.4.0. */
RNN_API rnn_status rnn_model_predict(const rnn_model* model, const rnn_dataset* dataset, float* out, size_t capacity, size_t* needed);

/* Predicts `dataset` and writes the predictions to `output_path` in the dataset's own format,
 * atomically: a CoNLL file gets a predicted-tag column, a .tsv/.csv file "label<TAB>probability<TAB>
 * text" lines, arrays (.npz, memory) a float32 .npy of [N, C] or [N, O] rows ([N, T, C] or
 * [N, T, O] per timestep, T the longest, zeros past each length). Fails: RNN_E_IO, and as
 * rnn_model_predict. Since 0.4.0. */
RNN_API rnn_status rnn_model_predict_file(const rnn_model* model, const rnn_dataset* dataset, const char* output_path);

/* A trainer of a sequence model on `training` (with targets), validating on `validation` when not
 * NULL, else on config->validation_fraction of the training sequences (drawn with config->seed; 0:
 * no validation). Of `config`, batch_size counts sequences per batch, validation_windows batches
 * per periodic validation (0: all), and seq_len is ignored; batches are drawn by length buckets in
 * an order fixed by (seed, epoch), so a resumed run continues exactly. The rnn_trainer_* functions
 * then work as for a language model: progress losses are the mean loss of the kind (see
 * rnn_task_metrics.loss) and tokens_per_second counts timesteps; rnn_trainer_validate gives that
 * loss (perplexity and bits_per_token from it, NaN for regressors); rnn_trainer_save_checkpoint
 * and rnn_trainer_set_checkpoint take a NULL vocab (a vocab passed is ignored) and write the model
 * file of the kind; rnn_trainer_resume takes such a file, and fails with RNN_E_INVALID_ARGUMENT
 * when its data is not this trainer's. The trainer keeps the model and datasets alive. Fails:
 * RNN_E_INVALID_ARGUMENT naming the config field or the dataset ("training": no targets, or data
 * that does not fit the model); RNN_E_UNSUPPORTED (a language model: rnn_trainer_create);
 * RNN_E_INVALID_HANDLE. Since 0.4.0.
 */
RNN_API rnn_status rnn_trainer_create_for_dataset(rnn_model* model, const rnn_dataset* training, const rnn_dataset* validation,
                                                  const rnn_trainer_config* config, rnn_trainer** out_trainer);

/* ---------------------------------------------------------------------------------------------- */
/* Whole-sequence models: text from memory, the model's task, predictions and confusion (since 0.5.0) */
/* ---------------------------------------------------------------------------------------------- */

/* A dataset of `count` tagged sentences from memory, read by the rules of a CoNLL file (see
 * rnn_dataset_config.kind): sentence i is the next lengths[i] (>= 1) of the `total` NUL-terminated
 * UTF-8 tokens (the lengths sum to total), token k tagged tags[k]; `tags` NULL: no tags (the dataset
 * can be predicted, not trained on or evaluated). Every string is copied. A token or tag must be
 * what a CoNLL column holds: not empty, no whitespace (predictions are written back as CoNLL).
 * `model` NULL: training data (tags required); the input vocabulary (config->unit, max_vocab,
 * lowercase: words or characters, the cap with <unk>, case) and the tags are fitted to it, as
 * rnn_dataset_read_file fits a file, and config NULL means the defaults. `model` not NULL (a
 * tagger): the tokens are encoded with its vocabulary (unknown units read as <unk>) and its tags;
 * config is ignored (may be NULL). rnn_model_predict_file and rnn_model_predict_v2 write its
 * predictions as CoNLL: "token tag predicted" lines ("token predicted" without tags), a blank line
 * after each sentence. Fails: RNN_E_INVALID_ARGUMENT naming the place ("tokens[7] (sentence 2,
 * token 1): ..." for an empty token or one with whitespace, "tags[7] ..." likewise, "tokens[3]" for a
 * NULL string, "lengths[2]" for lengths that do not cover the tokens, "tags" NULL for training
 * data, a config field, a model that is not a tagger); RNN_E_FORMAT (a tag the model does not know:
 * "tags[7] (sentence 2, token 1): tag "B-x" was not seen in training ..."); RNN_E_UNSUPPORTED (a
 * language model); RNN_E_INVALID_HANDLE. *out_dataset is owned by the caller (rnn_dataset_destroy).
 * Thread-safe. Since 0.5.0. */
RNN_API rnn_status rnn_dataset_from_sentences(const rnn_dataset_config* config, const char* const* tokens, size_t total, const int32_t* lengths,
                                              size_t count, const char* const* tags, const rnn_model* model, rnn_dataset** out_dataset);

/* A dataset of `count` texts from memory (NUL-terminated UTF-8, copied) for a classifier, read by the
 * rules of a classification file: text i is split into words or characters (config->unit) and
 * labelled labels[i] (surrounding whitespace trimmed; not empty); `labels` NULL: no labels (predict
 * only). `model` and `config` as rnn_dataset_from_sentences (the model a classifier). Predictions are
 * written as TSV: "label<TAB>probability<TAB>text" lines. Fails: RNN_E_INVALID_ARGUMENT ("texts[3]"
 * or "labels[3]" NULL, "labels[3]: the label is empty", "labels" NULL for training data, count 0, a
 * config field, a model that is not a classifier); RNN_E_FORMAT ("labels[3]: label "x" was not seen
 * in training ...", "texts[3]: the text has no word"); RNN_E_UNSUPPORTED (a language model);
 * RNN_E_INVALID_HANDLE. Thread-safe. Since 0.5.0. */
RNN_API rnn_status rnn_dataset_from_texts(const rnn_dataset_config* config, const char* const* texts, size_t count, const char* const* labels,
                                          const rnn_model* model, rnn_dataset** out_dataset);

/* What a sequence model reads and predicts, fixed by its training data; the caller sets
 * struct_size. Since 0.5.0. */
typedef struct rnn_task_info {
    uint32_t struct_size;
    rnn_model_kind kind;
    rnn_target target;      /* the targets of its data */
    int32_t outputs;        /* its labels (class targets: name them with rnn_model_label) or values per
                               target: the width of a row of rnn_model_predict */
    int32_t per_timestep;   /* 1: a prediction row per timestep (taggers, regressors with values per
                               timestep); 0: one per sequence */
    int32_t vocab_size;     /* V of token inputs (<unk> included), 0 for numeric inputs */
    int32_t feature_size;   /* F of numeric inputs, 0 for token inputs */
    rnn_unit unit;          /* inputs from text: RNN_UNIT_WORDS or RNN_UNIT_CHARS; -1: token ids given as
                               numbers, or numeric inputs */
    int32_t lowercase;      /* inputs from text: 1 when units are lowercased */
} rnn_task_info;

/* Describes `model` (a sequence model) into *out_info. Fails: RNN_E_UNSUPPORTED (a language model:
 * rnn_model_get_config); RNN_E_INVALID_ARGUMENT (NULL out_info or a struct_size below 8);
 * RNN_E_INVALID_HANDLE. Thread-safe. Since 0.5.0. */
RNN_API rnn_status rnn_model_get_task_info(const rnn_model* model, rnn_task_info* out_info);

/* The name of label `index` (0 <= index < info.outputs) of a tagger or classifier (a tag or class of
 * its training data; "0".."K-1" for class ids given as numbers), as UTF-8 plus NUL in (buf, capacity).
 * Column c of a prediction row is label c. Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT
 * naming "index"; RNN_E_UNSUPPORTED (a regressor, which has values, or a language model);
 * RNN_E_INVALID_HANDLE. Thread-safe. Since 0.5.0. */
RNN_API rnn_status rnn_model_label(const rnn_model* model, int32_t index, char* buf, size_t capacity, size_t* needed);

/* As rnn_model_predict, in batches of `batch_size` sequences (0: 32), and, when `output_path` is not
 * NULL, also writes these same predictions to it as rnn_model_predict_file does (one prediction for
 * both: the file and the rows agree). The size is checked first: RNN_E_BUFFER_TOO_SMALL (nothing
 * predicted or written) when *needed exceeds capacity, so (NULL, 0, &needed, NULL) is cheap. Fails
 * also: RNN_E_INVALID_ARGUMENT naming "batch_size" (< 0); RNN_E_IO (output_path cannot be written;
 * the rows are then not copied). Thread-safe as rnn_model_evaluate_dataset. Since 0.5.0. */
RNN_API rnn_status rnn_model_predict_v2(const rnn_model* model, const rnn_dataset* dataset, int32_t batch_size, float* out, size_t capacity,
                                        size_t* needed, const char* output_path);

/* As rnn_model_evaluate_dataset, and for a classifier its confusion matrix from the same
 * predictions: confusion[g * C + p] = the sequences of gold class g predicted as class p (C =
 * info.outputs, labels in rnn_model_label's order), into (confusion, capacity) counts; *needed = C * C
 * (0 for other kinds, whose `confusion` is not touched). The size is checked before evaluating:
 * RNN_E_BUFFER_TOO_SMALL when C * C > capacity. `confusion_svg` not NULL: also writes the matrix's
 * picture (an SVG heat map, as `rnn eval --confusion`) there, atomically; NULL: none.
 * Fails also: RNN_E_INVALID_ARGUMENT naming "confusion_svg" for a model other than a classifier;
 * RNN_E_IO (the picture cannot be written). Thread-safe as rnn_model_evaluate_dataset. Since 0.5.0. */
RNN_API rnn_status rnn_model_evaluate_dataset_v2(const rnn_model* model, const rnn_dataset* dataset, int32_t batch_size, rnn_task_metrics* out_metrics,
                                                 int64_t* confusion, size_t capacity, size_t* needed, const char* confusion_svg);
/* Sequence to sequence (since 0.5.0)                                                              */
/* ---------------------------------------------------------------------------------------------- */
/*
 * A seq2seq model (RNN_MODEL_SEQ2SEQ) reads a source sequence with an encoder and writes a target
 * sequence with a decoder of its own weights (Cho et al. 2014: the encoder's final hidden state
 * starts the decoder and is part of its input and of its output layer's input at every timestep).
 * Its two vocabularies (source and target, words or characters of the training pairs) live inside it
 * and its model file; both begin with the special tokens below, symbols start at RNN_SPECIAL_TOKENS.
 *   - Data: pairs (source, target) in an rnn_dataset: rnn_dataset_read_file with config->kind
 *     RNN_MODEL_SEQ2SEQ (a TSV file, source<TAB>target per line) or with a seq2seq model; from
 *     memory rnn_dataset_from_pairs (strings) and rnn_dataset_from_token_pairs (ids).
 *   - A model for training pairs: rnn_model_create_for_dataset (rnn_task_model_config: cell,
 *     hidden_size (0: the engine's default), layers, embedding_size, bidirectional encoder, activation,
 *     dropout, init, identity_scale, seed; pooling is ignored). Training: rnn_trainer_create_for_dataset
 *     and the rnn_trainer_* functions (teacher forcing on length-bucketed batches; losses in nats per
 *     target token, EOS included; tokens_per_second counts target tokens).
 *   - Evaluation: rnn_model_evaluate_dataset (greedy decoding) or rnn_model_evaluate_decoding (a
 *     search of your choice): loss, token_accuracy and exact_match of rnn_task_metrics.
 *   - Decoding: rnn_model_translate / rnn_model_translate_tokens decode a batch of sources at once;
 *     rnn_decoder_* give the single-token step to hosts that drive generation themselves.
 *   - Files: rnn_model_save_file/_to_memory and rnn_model_load_file/_from_memory (no rnn_vocab).
 * rnn_dataset_* functions describe a dataset of pairs as: kind RNN_MODEL_SEQ2SEQ, target
 * RNN_TARGET_STEP_CLASSES (a target token per decoder timestep), sequences = pairs, timesteps and
 * max_length of the sources, vocab_size = the source vocabulary's size, outputs = the target
 * vocabulary's size; rnn_dataset_lengths gives the source lengths; rnn_dataset_label and the
 * prediction functions (rnn_model_predict, rnn_model_predict_file) fail with RNN_E_UNSUPPORTED.
 * Language-model functions (rnn_state_create, rnn_generator_create, rnn_model_evaluate, ...) fail with
 * RNN_E_UNSUPPORTED for a seq2seq model, and the functions below for models of other kinds.
 */

/* The special token ids of both vocabularies of a seq2seq model. Numbers are stable. */
enum {
    RNN_TOKEN_PAD = 0,       /* padding; never decoded */
    RNN_TOKEN_BOS = 1,       /* start: the decoder's first input */
    RNN_TOKEN_EOS = 2,       /* end: a decoded sequence ends with it (not part of its tokens) */
    RNN_TOKEN_UNK = 3,       /* a unit the vocabulary does not hold */
    RNN_SPECIAL_TOKENS = 4   /* the first symbol's id */
};

/* Pairs from memory: pair i is (sources[i], targets[i]), NUL-terminated UTF-8 strings (copied),
 * split into units as a TSV file's are. `model` NULL: training data; both vocabularies are fitted to
 * the pairs with config's unit, max_vocab and lowercase (config NULL: the defaults of
 * rnn_dataset_config_init; config->kind is ignored). `model` a seq2seq model: encoded with its
 * vocabularies (unknown units read as RNN_TOKEN_UNK); config is ignored. Fails: RNN_E_FORMAT (an
 * empty source or target, or count 0; the message starts with "pairs:N: ", N the pair's 1-based
 * position); RNN_E_INVALID_ARGUMENT naming "sources" or "targets" (NULL with count > 0, a NULL
 * string); RNN_E_UNSUPPORTED (a model of another kind); RNN_E_INVALID_HANDLE. Thread-safe. */
RNN_API rnn_status rnn_dataset_from_pairs(const char* const* sources, const char* const* targets, size_t count, const rnn_dataset_config* config,
                                          const rnn_model* model, rnn_dataset** out_dataset);

/* Pairs of token ids from memory (copied): source i is the next source_lengths[i] (>= 1) ids of
 * (source_ids, source_total), target i likewise; source_total and target_total are the sums of the
 * lengths. Ids are symbols (RNN_SPECIAL_TOKENS and up) or RNN_TOKEN_UNK, below the vocabulary sizes.
 * `model` NULL: training data whose vocabularies are the ids themselves: source_vocab_size and
 * target_vocab_size ids (each > RNN_SPECIAL_TOKENS), the text of id k being its number ("k"),
 * words joined by spaces. `model` a seq2seq model: its vocabularies (pass the sizes as 0 or as the
 * model's). Fails: RNN_E_INVALID_ARGUMENT naming the argument (lengths that do not sum to the totals,
 * an id out of range, a vocabulary size); RNN_E_UNSUPPORTED (a model of another kind);
 * RNN_E_INVALID_HANDLE. Thread-safe. */
RNN_API rnn_status rnn_dataset_from_token_pairs(const int32_t* source_ids, size_t source_total, const int32_t* source_lengths,
                                                const int32_t* target_ids, size_t target_total, const int32_t* target_lengths, size_t count,
                                                int32_t source_vocab_size, int32_t target_vocab_size, const rnn_model* model, rnn_dataset** out_dataset);

/* How a seq2seq model decodes. */
typedef struct rnn_decode_config {
    uint32_t struct_size;
    int32_t beam_width;      /* 0 (default): greedy search (the most probable token at every timestep);
                                K >= 1: beam search keeping K hypotheses per source (K = 1 gives the
                                greedy result) */
    int32_t max_length;      /* tokens generated at most per source, EOS not counted, >= 1 (default 64) */
    float length_penalty;    /* beam search: a hypothesis scores log P / length^length_penalty, its
                                length counting EOS when it ended; 0: log P (default 1) */
    int32_t batch_size;      /* sources decoded together, >= 1 (default 64) */
} rnn_decode_config;

/* Fills *config with the defaults above. Use the macro. Thread-safe. */
RNN_API rnn_status rnn_decode_config_init_sized(rnn_decode_config* config, size_t struct_size);
#define rnn_decode_config_init(config) rnn_decode_config_init_sized((config), sizeof(*(config)))

/* Where a batch decode writes its results: the caller sets struct_size and the buffers it wants
 * (NULL: not wanted), the library sets the *_needed fields. Result i belongs to source i.
 *   text:   the decoded texts, in source order, each followed by a NUL byte (target units joined as
 *           the vocabulary joins them: characters as they are, words by single spaces; <unk> for
 *           RNN_TOKEN_UNK). text_needed = the bytes of all texts and their NULs.
 *   tokens: the decoded token ids of every result, concatenated (no BOS, no EOS); tokens_needed =
 *           their count, at most count x max_length. `lengths` gives each result's share.
 *   lengths, log_probabilities, scores, finished: arrays of `count` elements (one per source) the
 *           caller provides: the tokens of each result; its log-probability under the model (EOS
 *           included when it ended); its score (log-probability over length^length_penalty for beam
 *           search, the log-probability for greedy search); 1 when it ended with EOS, 0 when it
 *           stopped at max_length. */
typedef struct rnn_decode_result {
    uint32_t struct_size;
    int32_t reserved;
    char* text;
    size_t text_capacity;        /* bytes */
    size_t text_needed;          /* set by the library */
    int32_t* tokens;
    size_t tokens_capacity;      /* ids */
    size_t tokens_needed;        /* set by the library */
    int32_t* lengths;
    double* log_probabilities;
    double* scores;
    int32_t* finished;
} rnn_decode_result;

/* Decodes the `count` NUL-terminated UTF-8 `sources` (each with at least one unit of the source
 * vocabulary's kind; unknown units read as RNN_TOKEN_UNK) with `config` (NULL: the defaults) and
 * writes the results into *result. When a wanted buffer (text or tokens, not NULL) is smaller than
 * its *_needed, the call fails with RNN_E_BUFFER_TOO_SMALL and writes nothing but the *_needed
 * fields: call again with buffers of those sizes (decoding is deterministic: the same results). To
 * learn the sizes only, pass NULL buffers (the call then succeeds). Fails: RNN_E_BUFFER_TOO_SMALL;
 * RNN_E_INVALID_ARGUMENT naming the argument ("sources" when a source has no unit, with its index;
 * "sources[i]" when NULL; "config->beam_width"; "result->struct_size" below
 * sizeof(rnn_decode_result) of 0.5.0, 88 bytes on 64-bit platforms); RNN_E_UNSUPPORTED (not a
 * seq2seq model); RNN_E_INVALID_HANDLE.
 * Runs on the model's weights with its own buffers: thread-safe with other decodes, decoders and
 * evaluations of the model; not during its training. */
RNN_API rnn_status rnn_model_translate(const rnn_model* model, const char* const* sources, size_t count, const rnn_decode_config* config,
                                       rnn_decode_result* result);

/* As rnn_model_translate for sources of token ids: source i is the next lengths[i] (>= 1) ids of
 * (ids, total), each a symbol or RNN_TOKEN_UNK below the source vocabulary's size; total is the sum
 * of the lengths. Fails also with RNN_E_INVALID_ARGUMENT naming "ids" or "lengths". */
RNN_API rnn_status rnn_model_translate_tokens(const rnn_model* model, const int32_t* ids, size_t total, const int32_t* lengths, size_t count,
                                              const rnn_decode_config* config, rnn_decode_result* result);

/* Scores of a seq2seq model on `dataset` (pairs made for it or with its vocabularies), decoding its
 * sources with `config` (NULL: greedy, as rnn_model_evaluate_dataset): loss, token_accuracy,
 * exact_match and sequences of *out_metrics (the others NaN). Greedy decoding here runs up to
 * max(64, twice the longest target) tokens, so no target is out of reach; config->max_length and
 * length_penalty apply to beam search (beam_width >= 1). Fails: RNN_E_INVALID_ARGUMENT (a field
 * of config, pairs that do not fit the model, NULL out_metrics); RNN_E_UNSUPPORTED (not a seq2seq
 * model); RNN_E_INVALID_HANDLE. Thread-safe as rnn_model_translate. */
RNN_API rnn_status rnn_model_evaluate_decoding(const rnn_model* model, const rnn_dataset* dataset, const rnn_decode_config* config,
                                               rnn_task_metrics* out_metrics);

/* The source vocabulary's ids of the UTF-8 text (text, size) into (ids, capacity); *needed = their
 * count. Unknown units are RNN_TOKEN_UNK. Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_UNSUPPORTED (not a
 * seq2seq model). Thread-safe. */
RNN_API rnn_status rnn_model_encode_source(const rnn_model* model, const void* text, size_t size, int32_t* ids, size_t capacity, size_t* needed);

/* The text of the target ids (ids, count), as rnn_decode_result.text writes it (special tokens other
 * than RNN_TOKEN_UNK left out), plus NUL, into (buf, capacity); *needed counts the NUL. Fails:
 * RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT naming "ids" (an id outside the target vocabulary);
 * RNN_E_UNSUPPORTED (not a seq2seq model). Thread-safe. */
RNN_API rnn_status rnn_model_decode_target(const rnn_model* model, const int32_t* ids, size_t count, char* buf, size_t capacity, size_t* needed);

/* ---- The decoder step: for hosts that drive generation themselves ---- */

/* A decoding session of a seq2seq model: R rows (hypotheses), each with its own decoder state and the
 * source it decodes for. It starts with one row per source (row i: source i) in the state the encoder
 * left; a step feeds one token per row and gives the log-probabilities of each row's next token; a
 * reorder copies rows (a beam: grow to K rows per source, keep the best). */
typedef struct rnn_decoder rnn_decoder;

/* Encodes the `count` NUL-terminated UTF-8 `sources` (as rnn_model_translate reads them) and returns
 * a decoder with one row per source. It reads the model's weights (training shows through: do not
 * step while the model trains) with buffers of its own, so decoders of one model may step on
 * different threads, and it keeps the model alive. *out_decoder is owned by the caller
 * (rnn_decoder_destroy). Fails: RNN_E_INVALID_ARGUMENT naming "sources" (a source with no unit:
 * the message gives its index) or "sources[i]" (NULL); RNN_E_UNSUPPORTED (not a seq2seq model);
 * RNN_E_INVALID_HANDLE. Thread-safe. */
RNN_API rnn_status rnn_decoder_create(const rnn_model* model, const char* const* sources, size_t count, rnn_decoder** out_decoder);

/* As rnn_decoder_create for sources of token ids (as rnn_model_translate_tokens reads them). */
RNN_API rnn_status rnn_decoder_create_tokens(const rnn_model* model, const int32_t* ids, size_t total, const int32_t* lengths, size_t count,
                                             rnn_decoder** out_decoder);

/* Destroys the decoder; NULL is a no-op. */
RNN_API void rnn_decoder_destroy(rnn_decoder* decoder);

/* The rows now (*out_rows) and V, the target vocabulary's size with the special tokens (*out_vocab);
 * either may be NULL. */
RNN_API rnn_status rnn_decoder_get_size(const rnn_decoder* decoder, int32_t* out_rows, int32_t* out_vocab);

/* The source each row decodes for, [rows], into (sources, capacity); *needed = rows. Fails:
 * RNN_E_BUFFER_TOO_SMALL. */
RNN_API rnn_status rnn_decoder_sources(const rnn_decoder* decoder, int32_t* sources, size_t capacity, size_t* needed);

/* Feeds tokens[r] to row r (count must be the rows; RNN_TOKEN_BOS first, then each row's previous
 * token), advances every row and writes the log-probabilities of every row's next token,
 * [rows, V] row-major (each row a log-softmax), into (log_probs, capacity); *needed = rows x V.
 * Fails: RNN_E_BUFFER_TOO_SMALL; RNN_E_INVALID_ARGUMENT naming "tokens" (count is not the rows, or
 * an id outside the target vocabulary); the rows are then not advanced. One thread per decoder at a
 * time. */
RNN_API rnn_status rnn_decoder_step(rnn_decoder* decoder, const int32_t* tokens, size_t count, float* log_probs, size_t capacity, size_t* needed);

/* Rows become copies of rows: new row r takes old row parents[r]'s state and source; the decoder
 * then has `count` rows (a row may be named several times or not at all; count >= 1). Fails:
 * RNN_E_INVALID_ARGUMENT naming "parents" (a row that does not exist, or count 0); the rows are then
 * unchanged. */
RNN_API rnn_status rnn_decoder_reorder(rnn_decoder* decoder, const int32_t* parents, size_t count);

/* ---------------------------------------------------------------------------------------------- */
/* ---- Int8 model files: inference-only deployment (since 0.6.0) ---- */
/*
 * An int8 file holds a language model's weight matrices (embedding, recurrent layers, decoder) as
 * int8 with one float32 scale per row (biases float32), about a quarter of rnn_model_save_file's
 * file. rnn_model_load_file/_from_memory load it as any model file; the model then
 *   - samples, steps and evaluates: rnn_model_evaluate reads the int8 values as float32, and its
 *     single-stream steps run in RNN_PRECISION_INT8 exactly as the model it was made from does with
 *     rnn_model_set_step_precision(RNN_PRECISION_INT8);
 *   - reports RNN_PRECISION_INT8 from rnn_model_get_weight_precision;
 *   - refuses with RNN_E_UNSUPPORTED and a message naming the file: rnn_model_set_step_precision
 *     with F32 or BF16, rnn_trainer_create, rnn_trainer_resume (of an int8 file),
 *     rnn_model_export_safetensors(_to_memory), and rnn_model_save_file/_to_memory (save it with
 *     rnn_model_save_file_int8).
 * Readers before 0.6.0 refuse an int8 file with RNN_E_FORMAT ("written with schema 5 ... update").
 */

/* Saves `model` (a language model) and `vocab` (config.vocab_size ids) as an int8 file at `path`,
 * atomically, as rnn_model_save_file does. Since 0.6.0. Fails: RNN_E_INVALID_HANDLE;
 * RNN_E_INVALID_ARGUMENT (vocabulary size mismatch, NULL path); RNN_E_IO; RNN_E_UNSUPPORTED for a
 * sequence model and for a Jordan language model (it steps in float32 only). Not concurrently with
 * training the model. */
RNN_API rnn_status rnn_model_save_file_int8(const rnn_model* model, const rnn_vocab* vocab, const char* path);

/* As rnn_model_save_file_int8, into memory: *out_data (free with rnn_free) holds *out_size bytes,
 * the exact content of the file. On failure both are NULL/0. Since 0.6.0. */
RNN_API rnn_status rnn_model_save_int8_to_memory(const rnn_model* model, const rnn_vocab* vocab, void** out_data, size_t* out_size);

/* The precision of the weights `model` holds: RNN_PRECISION_INT8 for a model loaded from an int8
 * file (inference only, see above), RNN_PRECISION_F32 for any other language model. On failure
 * *out_precision is 0. Thread-safe. Since 0.6.0. Fails: RNN_E_INVALID_HANDLE, RNN_E_INVALID_ARGUMENT
 * (NULL out_precision), RNN_E_UNSUPPORTED for a sequence model. */
RNN_API rnn_status rnn_model_get_weight_precision(const rnn_model* model, rnn_precision* out_precision);

/* ---------------------------------------------------------------------------------------------- */
/* Batched serving (since 0.6.0)                                                                   */
/* ---------------------------------------------------------------------------------------------- */
/*
 * Many independent streams of a language model generated together, as a server answering many users:
 * each stream has its own prompt, length, sampling options, stop strings and seed. Up to `streams` of
 * them step as one batch (one model step for all); a stream that finishes leaves the batch at once and
 * the next waiting request takes its place (its state starts at zero and reads its prompt while the
 * others generate); when none waits, the batch shrinks. Each stream's text is the one it generates
 * alone with the same request (rnn_generator_generate with the same options, prime and seed), whatever
 * the requests beside it, up to rounding: a batch of one and larger batches sum in different orders
 * (about 1e-6 relative with RNN_PRECISION_F32), which changes a draw only when it falls that close
 * to a boundary between tokens. The model's step precision (rnn_model_set_step_precision) applies.
 */

/* How a stream ended. Numbers are stable. */
typedef enum rnn_finish {
    RNN_FINISH_LENGTH = 0,  /* it generated max_tokens tokens */
    RNN_FINISH_STOP = 1     /* its text reached one of its stop strings, which is cut off */
} rnn_finish;

/* One stream of rnn_model_sample_many. Fill it with rnn_stream_request_init, then set its fields. */
typedef struct rnn_stream_request {
    uint32_t struct_size;
    int32_t max_tokens;          /* tokens to generate at most, >= 0 (default 256) */
    const char* prompt;          /* UTF-8 priming text, not part of the result; NULL or "" (default):
                                    start as at a line break */
    float temperature;           /* divides the logits; 0: greedy (default 1) */
    int32_t top_k;               /* keep the K most likely tokens, 0: all (default 0) */
    float top_p;                 /* nucleus: smallest set reaching mass P, (0, 1] (default 1) */
    int32_t stop_count;          /* the strings in `stop`, >= 0 (default 0) */
    const char* const* stop;     /* stop_count UTF-8 strings: the stream ends before the earliest of them
                                    its text contains (not included); "" is ignored (default NULL) */
    uint64_t seed;               /* the stream's random seed: same request and seed, same text (default 0) */
} rnn_stream_request;

/* Fills *request with the defaults above. Use the macro. Thread-safe. */
RNN_API rnn_status rnn_stream_request_init_sized(rnn_stream_request* request, size_t struct_size);
#define rnn_stream_request_init(request) rnn_stream_request_init_sized((request), sizeof(*(request)))

/* Where rnn_model_sample_many writes: the caller sets struct_size and the buffers it wants (NULL: not
 * wanted), the library sets text_needed. Result i belongs to request i.
 *   text:       the generated texts (without prompts and stop strings), in request order, each
 *               followed by a NUL byte; text_needed = the bytes of all texts and their NULs.
 *   text_sizes, tokens, finish: arrays of `count` elements the caller provides: the bytes of each
 *               text (its NUL not counted; a text may hold NUL bytes of a byte vocabulary); the
 *               tokens each stream drew (the one completing a stop string included); its rnn_finish. */
typedef struct rnn_sample_many_result {
    uint32_t struct_size;
    int32_t reserved;
    char* text;
    size_t text_capacity;        /* bytes */
    size_t text_needed;          /* set by the library */
    size_t* text_sizes;
    int32_t* tokens;
    int32_t* finish;
} rnn_sample_many_result;

/* Generates the `count` streams of `requests` (an array of rnn_stream_request, each filled by
 * rnn_stream_request_init: the array's stride is requests[0].struct_size, which every element must
 * share) from the language model `model` over `vocab` (its vocab_size), stepping up to `streams`
 * of them together (0: 64), and writes the results into *result. When result->text is not NULL and
 * smaller than text_needed, the call fails with RNN_E_BUFFER_TOO_SMALL and writes nothing but
 * text_needed: generation is deterministic, so call again with a buffer of that size (the same
 * texts). With text NULL the call succeeds and writes the sizes, token counts and finish reasons.
 * Every request is checked, and every prompt encoded, before anything is generated.
 * Fails: RNN_E_INVALID_ARGUMENT naming the request and field ("requests[3].top_p", "requests[1].prompt"
 * for a character not in the vocabulary, "requests[2].stop" for a NULL array or string,
 * "requests[4].struct_size"), "streams" (negative, or a batch whose buffers would exceed 2^31 - 57
 * floats), "vocab" (another vocab_size) or "result" (NULL, or struct_size below
 * sizeof(rnn_sample_many_result) of 0.6.0, 56 bytes on 64-bit platforms); RNN_E_BUFFER_TOO_SMALL;
 * RNN_E_UNSUPPORTED (not a language model); RNN_E_INVALID_HANDLE.
 * Runs on the model's weights with buffers of its own: thread-safe with other sampling, generators,
 * states and evaluations of the model; not during its training. */
RNN_API rnn_status rnn_model_sample_many(const rnn_model* model, const rnn_vocab* vocab, const rnn_stream_request* requests, size_t count,
                                         int32_t streams, rnn_sample_many_result* result);

#ifdef __cplusplus
}
#endif

#endif /* RNN_H */
