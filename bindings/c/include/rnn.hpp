/*
 * rnn.hpp - a header-only C++20 wrapper of rnn.h (since 0.2.0).
 *
 * Each handle is a move-only RAII object that destroys its rnn_* handle; every failing call throws
 * rnn::error, which carries the rnn_status and rnn_last_error()'s message; text goes in as
 * std::string_view and ids and logits as std::span. Nothing else is added: the C functions are
 * the specification (rnn.h says what each does, its failures and its thread-safety), and get()
 * hands the C handle to any function this wrapper does not cover.
 *
 *     rnn::vocab vocab = rnn::vocab::build(rnn::vocab_config(), text);
 *     rnn_model_config mc = rnn::model_config();
 *     mc.vocab_size = vocab.size(); mc.embedding_size = 16; mc.hidden_size = 64;
 *     rnn::model model = rnn::model::create(mc);
 *     rnn::corpus corpus = rnn::corpus::from_text(vocab, text);
 *     rnn_trainer_config tc = rnn::trainer_config(); tc.max_steps = 100;
 *     rnn::trainer(model, corpus, tc).train();
 *     std::string more = rnn::generator(model, vocab, rnn::sampling_config()).generate("Once");
 *
 * Since 0.4.0, whole-sequence models through rnn::dataset:
 *
 *     rnn_dataset_config dc = rnn::dataset_config(); dc.kind = RNN_MODEL_TAGGER;
 *     rnn::dataset train = rnn::dataset::read_file(dc, "train.conll");
 *     rnn::model tagger = rnn::model::create_for_dataset(rnn::task_model_config(), train);
 *     rnn_trainer_config tc = rnn::trainer_config(); tc.max_steps = 500;
 *     rnn::trainer(tagger, train, nullptr, tc).train();
 *     rnn::dataset test = rnn::dataset::read_file("test.conll", tagger);
 *     double f1 = tagger.evaluate(test).f1;
 *
 * Since 0.6.0, step precision, int8 files, batched serving, and seq2seq models (dataset::from_pairs,
 * model::translate, evaluate_decoding, rnn::decoder):
 *
 *     model.set_step_precision(RNN_PRECISION_INT8);
 *     rnn_stream_request r = rnn::stream_request(); r.prompt = "Once"; r.max_tokens = 200;
 *     std::vector<rnn::stream_result> texts = model.sample_many(vocab, std::vector<rnn_stream_request>(64, r));
 *     model.save_file_int8(vocab, "model.int8.rnn");
 *
 * The library throws nothing across its boundary; only this header throws, after a call returned.
 */
#ifndef RNN_HPP
#define RNN_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rnn.h"

namespace rnn {

/* A failed call: what() is rnn_last_error()'s message, status() the code it returned. */
class error : public std::runtime_error {
public:
    error(rnn_status status, const char* message) : std::runtime_error(message), status_(status) {}
    rnn_status status() const noexcept { return status_; }

private:
    rnn_status status_;
};

/* Throws rnn::error unless `status` is RNN_OK. */
inline void check(rnn_status status) {
    if (status != RNN_OK) throw error(status, rnn_last_error());
}

/* Configs filled with the library's defaults (rnn_x_config_init), to change field by field. */
inline rnn_vocab_config vocab_config() { rnn_vocab_config c; check(rnn_vocab_config_init(&c)); return c; }
inline rnn_model_config model_config() { rnn_model_config c; check(rnn_model_config_init(&c)); return c; }
inline rnn_trainer_config trainer_config() { rnn_trainer_config c; check(rnn_trainer_config_init(&c)); return c; }
inline rnn_sampling_config sampling_config() { rnn_sampling_config c; check(rnn_sampling_config_init(&c)); return c; }
inline rnn_dataset_config dataset_config() { rnn_dataset_config c; check(rnn_dataset_config_init(&c)); return c; }               /* since 0.4.0 */
inline rnn_task_model_config task_model_config() { rnn_task_model_config c; check(rnn_task_model_config_init(&c)); return c; }  /* since 0.4.0 */
inline rnn_stream_request stream_request() { rnn_stream_request r; check(rnn_stream_request_init(&r)); return r; }                /* since 0.6.0 */
inline rnn_decode_config decode_config() { rnn_decode_config c; check(rnn_decode_config_init(&c)); return c; }                    /* since 0.6.0 */

/* Since 0.6.0: one source's result of model::translate (rnn_model_translate): the decoded text and target ids (no BOS,
 * no EOS), their log-probability, the search's score, and whether it ended with EOS (else it stopped at max_length). */
struct translation {
    std::string text;
    std::vector<int32_t> tokens;
    double log_probability = 0;
    double score = 0;
    bool finished = false;
};

/* Since 0.6.0: one stream's result of model::sample_many (rnn_model_sample_many): its text (without the prompt
 * and the stop string), the tokens it drew, and why it ended. */
struct stream_result {
    std::string text;
    int32_t tokens = 0;
    rnn_finish finish = RNN_FINISH_LENGTH;
};

/* Owns one handle of type T, destroyed with Destroy; movable, not copyable. */
template <typename T, void (*Destroy)(T*)>
class handle {
public:
    handle() noexcept = default;
    explicit handle(T* raw) noexcept : raw_(raw) {}
    handle(handle&& other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    handle& operator=(handle&& other) noexcept {
        if (this != &other) Destroy(std::exchange(raw_, std::exchange(other.raw_, nullptr)));
        return *this;
    }
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    ~handle() { Destroy(raw_); }

    /* The C handle, still owned by this object. */
    T* get() const noexcept { return raw_; }

private:
    T* raw_ = nullptr;
};

/* Text through the rnn.h protocol for outputs: fill(buf, capacity, &needed) once for the size
 * (text plus its NUL), once for the text. */
template <typename Fill>
std::string read_text(Fill fill) {
    size_t needed = 0;
    rnn_status status = fill(nullptr, 0, &needed);
    if (status != RNN_E_BUFFER_TOO_SMALL) check(status);
    std::string text(needed, '\0');
    check(fill(text.data(), text.size(), &needed));
    text.resize(needed - 1);
    return text;
}

/* The calls that fill several caller buffers (generation, decoding) make one guess of their sizes, capped at 64 MiB:
 * `attach` points the call at the buffers, and when one was too small, `grow` sizes them as the call reported and the
 * call runs once more (its results are deterministic: the same ones). A good guess runs a generation once. */
inline size_t first_guess(size_t bytes) { return bytes < ((size_t)64 << 20) ? bytes : (size_t)64 << 20; }

template <typename Attach, typename Call, typename Grow>
void call_with_guess(Attach attach, Call call, Grow grow) {
    attach();
    rnn_status status = call();
    if (status == RNN_E_BUFFER_TOO_SMALL) {
        grow();
        attach();
        status = call();
    }
    check(status);
}

/* The NUL-terminated strings of `texts`, for rnn.h's string arrays (valid while `texts` lives). */
inline std::vector<const char*> c_strings(std::span<const std::string> texts) {
    std::vector<const char*> pointers;
    pointers.reserve(texts.size());
    for (const std::string& text : texts) pointers.push_back(text.c_str());
    return pointers;
}

class vocab : public handle<rnn_vocab, rnn_vocab_destroy> {
public:
    using handle::handle;

    static vocab build(const rnn_vocab_config& config, std::string_view text) {
        rnn_vocab* raw = nullptr;
        check(rnn_vocab_build(&config, text.data(), text.size(), &raw));
        return vocab(raw);
    }
    static vocab build_file(const rnn_vocab_config& config, const std::string& path) {
        rnn_vocab* raw = nullptr;
        check(rnn_vocab_build_file(&config, path.c_str(), &raw));
        return vocab(raw);
    }

    int32_t size() const { int32_t n = 0; check(rnn_vocab_size(get(), &n)); return n; }

    std::vector<int32_t> encode(std::string_view text) const {
        size_t needed = 0;
        rnn_status status = rnn_vocab_encode(get(), text.data(), text.size(), nullptr, 0, &needed);
        if (status != RNN_E_BUFFER_TOO_SMALL) check(status);
        std::vector<int32_t> ids(needed);
        check(rnn_vocab_encode(get(), text.data(), text.size(), ids.data(), ids.size(), &needed));
        ids.resize(needed);
        return ids;
    }

    std::string decode(std::span<const int32_t> ids) const {
        return read_text([&](char* buf, size_t capacity, size_t* needed) {
            return rnn_vocab_decode(get(), ids.data(), ids.size(), buf, capacity, needed);
        });
    }
};

class corpus : public handle<rnn_corpus, rnn_corpus_destroy> {
public:
    using handle::handle;

    static corpus from_text(const vocab& v, std::string_view text) {
        rnn_corpus* raw = nullptr;
        check(rnn_corpus_from_text(v.get(), text.data(), text.size(), &raw));
        return corpus(raw);
    }
    static corpus from_file(const vocab& v, const std::string& path) {
        rnn_corpus* raw = nullptr;
        check(rnn_corpus_from_file(v.get(), path.c_str(), &raw));
        return corpus(raw);
    }
    static corpus from_tokens(std::span<const int32_t> ids, int32_t vocab_size) {
        rnn_corpus* raw = nullptr;
        check(rnn_corpus_from_tokens(ids.data(), ids.size(), vocab_size, &raw));
        return corpus(raw);
    }

    int64_t size() const { int64_t n = 0; check(rnn_corpus_size(get(), &n)); return n; }
};

class dataset;

class model : public handle<rnn_model, rnn_model_destroy> {
public:
    using handle::handle;

    /* Since 0.4.0: a tagger, classifier or regressor for the training data `training`. */
    static model create_for_dataset(const rnn_task_model_config& config, const dataset& training);

    static model create(const rnn_model_config& config) {
        rnn_model* raw = nullptr;
        check(rnn_model_create(&config, &raw));
        return model(raw);
    }

    /* A model file's weights and vocabulary (empty for a sequence model, which keeps its own). */
    static std::pair<model, vocab> load_file(const std::string& path) {
        rnn_model* raw_model = nullptr;
        rnn_vocab* raw_vocab = nullptr;
        check(rnn_model_load_file(path.c_str(), &raw_model, &raw_vocab));
        return {model(raw_model), vocab(raw_vocab)};
    }

    void save_file(const vocab& v, const std::string& path) const { check(rnn_model_save_file(get(), v.get(), path.c_str())); }
    /* Since 0.4.0: a sequence model's file (it holds its vocabulary and labels). */
    void save_file(const std::string& path) const { check(rnn_model_save_file(get(), nullptr, path.c_str())); }

    /* Since 0.6.0: an inference-only int8 file, about a quarter of save_file's (rnn_model_save_file_int8). */
    void save_file_int8(const vocab& v, const std::string& path) const { check(rnn_model_save_file_int8(get(), v.get(), path.c_str())); }

    rnn_model_kind kind() const { rnn_model_kind k = 0; check(rnn_model_get_kind(get(), &k)); return k; }

    /* Since 0.6.0: the weights sampling steps stream (RNN_PRECISION_F32, _BF16, _INT8), and those the model holds
     * (RNN_PRECISION_INT8 after loading an int8 file). */
    void set_step_precision(rnn_precision precision) { check(rnn_model_set_step_precision(get(), precision)); }
    rnn_precision step_precision() const { rnn_precision p = 0; check(rnn_model_get_step_precision(get(), &p)); return p; }
    rnn_precision weight_precision() const { rnn_precision p = 0; check(rnn_model_get_weight_precision(get(), &p)); return p; }

    /* Since 0.6.0: the streams of `requests` generated together, up to `streams` at a time (0: 64); result i
     * belongs to request i. Every request is checked before anything is generated. */
    std::vector<stream_result> sample_many(const vocab& v, std::span<const rnn_stream_request> requests, int32_t streams = 0) const {
        size_t count = requests.size();
        std::vector<size_t> sizes(count);
        std::vector<int32_t> tokens(count), finish(count);
        rnn_sample_many_result r{};
        r.struct_size = sizeof r;
        r.text_sizes = sizes.data();
        r.tokens = tokens.data();
        r.finish = finish.data();
        /* Guess: 4 bytes a token (a character's UTF-8 at most; words may need more) and each text's NUL. */
        size_t guess = count;
        for (const rnn_stream_request& request : requests) guess += 4 * (size_t)(request.max_tokens > 0 ? request.max_tokens : 0);
        std::string all(first_guess(guess), '\0');
        call_with_guess([&] { r.text = all.data(); r.text_capacity = all.size(); },
                        [&] { return rnn_model_sample_many(get(), v.get(), requests.data(), count, streams, &r); },
                        [&] { all.assign(r.text_needed, '\0'); });
        std::vector<stream_result> results(count);
        size_t at = 0;
        for (size_t i = 0; i < count; i++) {
            results[i] = {all.substr(at, sizes[i]), tokens[i], (rnn_finish)finish[i]};
            at += sizes[i] + 1;   /* each text is followed by its NUL */
        }
        return results;
    }

    rnn_model_config config() const {
        rnn_model_config c = model_config();
        check(rnn_model_get_config(get(), &c));
        return c;
    }

    rnn_evaluation evaluate(const corpus& c, int32_t batch_size, int32_t steps) const {
        rnn_evaluation e{};
        e.struct_size = sizeof e;
        check(rnn_model_evaluate(get(), c.get(), batch_size, steps, &e));
        return e;
    }

    /* Since 0.4.0, sequence models: scores on `d` (batch_size 0: 32), its outputs (rows concatenated
     * in dataset order), and those written in the dataset's own format. */
    rnn_task_metrics evaluate(const dataset& d, int32_t batch_size = 0) const;
    std::vector<float> predict(const dataset& d) const;
    void predict_file(const dataset& d, const std::string& output_path) const;

    /* Since 0.6.0, seq2seq models: the sources decoded with `config` (greedy by default, beam_width K >= 1: beam
     * search), result i for source i; and the scores of decoding `d`'s sources against its targets. */
    std::vector<translation> translate(std::span<const std::string> sources, const rnn_decode_config& config = decode_config()) const;
    rnn_task_metrics evaluate_decoding(const dataset& d, const rnn_decode_config& config = decode_config()) const;
    /* The text of target ids, as a translation's text is written (rnn_model_decode_target). */
    std::string decode_target(std::span<const int32_t> ids) const {
        return read_text([&](char* buf, size_t capacity, size_t* needed) { return rnn_model_decode_target(get(), ids.data(), ids.size(), buf, capacity, needed); });
    }
};

/* Since 0.4.0: sequences and their targets, from a file or from memory, for a sequence model. */
class dataset : public handle<rnn_dataset, rnn_dataset_destroy> {
public:
    using handle::handle;

    /* A file as training data (config.kind says what for). */
    static dataset read_file(const rnn_dataset_config& config, const std::string& path) {
        rnn_dataset* raw = nullptr;
        check(rnn_dataset_read_file(&config, path.c_str(), nullptr, &raw));
        return dataset(raw);
    }
    /* A file for `for_model` (its vocabulary and labels); `require_targets` false reads a CoNLL file without tags. */
    static dataset read_file(const std::string& path, const model& for_model, bool require_targets = true) {
        rnn_dataset_config config = dataset_config();
        config.require_targets = require_targets ? 1 : 0;
        rnn_dataset* raw = nullptr;
        check(rnn_dataset_read_file(&config, path.c_str(), for_model.get(), &raw));
        return dataset(raw);
    }
    /* Token sequences; classes or values (the other empty, both empty: no targets); for_model null: training data. */
    static dataset from_tokens(std::span<const int32_t> ids, std::span<const int32_t> lengths, rnn_target target,
                               std::span<const int32_t> classes, std::span<const float> values = {}, int32_t value_size = 0,
                               const model* for_model = nullptr) {
        rnn_dataset* raw = nullptr;
        check(rnn_dataset_from_tokens(ids.data(), ids.size(), lengths.data(), lengths.size(), target, or_null(classes), or_null(values),
                                      value_size, for_model ? for_model->get() : nullptr, &raw));
        return dataset(raw);
    }
    /* Numeric sequences of feature_size floats per timestep; otherwise as from_tokens. */
    static dataset from_floats(std::span<const float> features, int32_t feature_size, std::span<const int32_t> lengths, rnn_target target,
                               std::span<const int32_t> classes, std::span<const float> values = {}, int32_t value_size = 0,
                               const model* for_model = nullptr) {
        rnn_dataset* raw = nullptr;
        size_t timesteps = feature_size > 0 ? features.size() / (size_t)feature_size : 0;
        check(rnn_dataset_from_floats(features.data(), timesteps, feature_size, lengths.data(), lengths.size(), target, or_null(classes),
                                      or_null(values), value_size, for_model ? for_model->get() : nullptr, &raw));
        return dataset(raw);
    }

    /* Since 0.6.0: (source, target) text pairs for a seq2seq model; for_model null: training data whose vocabularies are
     * fitted with config's unit, max_vocab and lowercase. */
    static dataset from_pairs(std::span<const std::string> sources, std::span<const std::string> targets,
                              const rnn_dataset_config& config = dataset_config(), const model* for_model = nullptr) {
        if (sources.size() != targets.size()) throw std::invalid_argument("rnn::dataset::from_pairs: as many targets as sources");
        std::vector<const char*> source_texts = c_strings(sources), target_texts = c_strings(targets);
        rnn_dataset* raw = nullptr;
        check(rnn_dataset_from_pairs(source_texts.data(), target_texts.data(), sources.size(), &config, for_model ? for_model->get() : nullptr, &raw));
        return dataset(raw);
    }

    int64_t size() const { int64_t n = 0; check(rnn_dataset_size(get(), &n)); return n; }

    rnn_dataset_info info() const {
        rnn_dataset_info i{};
        i.struct_size = sizeof i;
        check(rnn_dataset_get_info(get(), &i));
        return i;
    }

    std::string label(int32_t index) const {
        return read_text([&](char* buf, size_t capacity, size_t* needed) { return rnn_dataset_label(get(), index, buf, capacity, needed); });
    }

private:
    template <typename T>
    static const T* or_null(std::span<const T> values) { return values.empty() ? nullptr : values.data(); }
};

inline model model::create_for_dataset(const rnn_task_model_config& config, const dataset& training) {
    rnn_model* raw = nullptr;
    check(rnn_model_create_for_dataset(&config, training.get(), &raw));
    return model(raw);
}

inline rnn_task_metrics model::evaluate(const dataset& d, int32_t batch_size) const {
    rnn_task_metrics m{};
    m.struct_size = sizeof m;
    check(rnn_model_evaluate_dataset(get(), d.get(), batch_size, &m));
    return m;
}

inline std::vector<translation> model::translate(std::span<const std::string> sources, const rnn_decode_config& config) const {
    size_t count = sources.size();
    std::vector<const char*> texts = c_strings(sources);
    std::vector<int32_t> lengths(count), finished(count);
    std::vector<double> log_probabilities(count), scores(count);
    rnn_decode_result r{};
    r.struct_size = sizeof r;
    r.lengths = lengths.data();
    r.log_probabilities = log_probabilities.data();
    r.scores = scores.data();
    r.finished = finished.data();
    /* Guess: ids at most max_length a source (exact); text 8 bytes a token and each text's NUL. */
    size_t most = count * (size_t)(config.max_length > 0 ? config.max_length : 0);
    std::string all(first_guess(8 * most + count), '\0');
    std::vector<int32_t> ids(most);
    call_with_guess([&] { r.text = all.data(); r.text_capacity = all.size(); r.tokens = ids.data(); r.tokens_capacity = ids.size(); },
                    [&] { return rnn_model_translate(get(), texts.data(), count, &config, &r); },
                    [&] { all.assign(r.text_needed, '\0'); ids.assign(r.tokens_needed, 0); });
    std::vector<translation> results(count);
    size_t at = 0, first = 0;
    for (size_t i = 0; i < count; i++) {
        std::string text(all.c_str() + at);   /* each text is followed by its NUL */
        at += text.size() + 1;
        std::vector<int32_t> tokens(ids.begin() + (std::ptrdiff_t)first, ids.begin() + (std::ptrdiff_t)(first + (size_t)lengths[i]));
        first += (size_t)lengths[i];
        results[i] = {std::move(text), std::move(tokens), log_probabilities[i], scores[i], finished[i] != 0};
    }
    return results;
}

inline rnn_task_metrics model::evaluate_decoding(const dataset& d, const rnn_decode_config& config) const {
    rnn_task_metrics m{};
    m.struct_size = sizeof m;
    check(rnn_model_evaluate_decoding(get(), d.get(), &config, &m));
    return m;
}

inline std::vector<float> model::predict(const dataset& d) const {
    size_t needed = 0;
    rnn_status status = rnn_model_predict(get(), d.get(), nullptr, 0, &needed);
    if (status != RNN_E_BUFFER_TOO_SMALL) check(status);
    std::vector<float> out(needed);
    check(rnn_model_predict(get(), d.get(), out.data(), out.size(), &needed));
    return out;
}

inline void model::predict_file(const dataset& d, const std::string& output_path) const {
    check(rnn_model_predict_file(get(), d.get(), output_path.c_str()));
}

class trainer : public handle<rnn_trainer, rnn_trainer_destroy> {
public:
    /* Return false to stop training after the current update (train() then throws RNN_E_CANCELLED). */
    using progress_fn = std::function<bool(const rnn_progress&)>;

    trainer(model& m, const corpus& c, const rnn_trainer_config& config) : handle(create(m, c, config)) {}
    /* Since 0.4.0: a sequence model on `training`, validated on `validation` (null: a split of training). */
    trainer(model& m, const dataset& training, const dataset* validation, const rnn_trainer_config& config)
        : handle(create(m, training, validation, config)) {}

    /* Trains up to max_updates updates (0: until the config's limits); true when a limit was reached.
     * An exception thrown by on_progress stops training and is rethrown here. */
    bool train(int64_t max_updates = 0, const progress_fn& on_progress = {}) {
        call_context context{&on_progress, nullptr};
        int32_t finished = 0;
        rnn_status status = rnn_trainer_train(get(), max_updates, on_progress ? &trampoline : nullptr, &context, &finished);
        if (context.thrown) std::rethrow_exception(context.thrown);
        check(status);
        return finished != 0;
    }

    /* One update; its training loss. */
    double step() { double loss = 0; check(rnn_trainer_step(get(), &loss)); return loss; }

    rnn_evaluation validate() {
        rnn_evaluation e{};
        e.struct_size = sizeof e;
        check(rnn_trainer_validate(get(), &e));
        return e;
    }

private:
    struct call_context {
        const progress_fn* on_progress;
        std::exception_ptr thrown;
    };

    static rnn_trainer* create(model& m, const corpus& c, const rnn_trainer_config& config) {
        rnn_trainer* raw = nullptr;
        check(rnn_trainer_create(m.get(), c.get(), &config, &raw));
        return raw;
    }
    static rnn_trainer* create(model& m, const dataset& training, const dataset* validation, const rnn_trainer_config& config) {
        rnn_trainer* raw = nullptr;
        check(rnn_trainer_create_for_dataset(m.get(), training.get(), validation ? validation->get() : nullptr, &config, &raw));
        return raw;
    }

    /* No exception may unwind through the library's frames: keep it, cancel, rethrow after the call. */
    static int trampoline(const rnn_progress* progress, void* user_data) {
        auto* context = static_cast<call_context*>(user_data);
        try {
            return (*context->on_progress)(*progress) ? 0 : 1;
        } catch (...) {
            context->thrown = std::current_exception();
            return 1;
        }
    }
};

class sampler;

/* The recurrent state of one stream, for step-by-step use (rnn_state_step). */
class state : public handle<rnn_state, rnn_state_destroy> {
public:
    explicit state(const model& m) : handle(create(m)) {}

    /* Feeds `token`, writes the next token's logits (vocab_size floats) into `logits`. */
    void step(int32_t token, std::span<float> logits) {
        size_t needed = 0;
        check(rnn_state_step(get(), token, logits.data(), logits.size(), &needed));
    }
    void reset() { check(rnn_state_reset(get())); }

    /* Since 0.5.0: feeds `token` and returns the next token drawn by `s` (rnn_state_sample). */
    int32_t sample(int32_t token, sampler& s);

private:
    static rnn_state* create(const model& m) {
        rnn_state* raw = nullptr;
        check(rnn_state_create(m.get(), &raw));
        return raw;
    }
};

class sampler : public handle<rnn_sampler, rnn_sampler_destroy> {
public:
    sampler(int32_t vocab_size, const rnn_sampling_config& config) : handle(create(vocab_size, config)) {}

    int32_t sample(std::span<const float> logits) {
        int32_t token = 0;
        check(rnn_sampler_sample(get(), logits.data(), logits.size(), &token));
        return token;
    }

private:
    static rnn_sampler* create(int32_t vocab_size, const rnn_sampling_config& config) {
        rnn_sampler* raw = nullptr;
        check(rnn_sampler_create(vocab_size, &config, &raw));
        return raw;
    }
};

inline int32_t state::sample(int32_t token, sampler& s) {
    int32_t next = 0;
    check(rnn_state_sample(get(), token, s.get(), &next));
    return next;
}

class generator : public handle<rnn_generator, rnn_generator_destroy> {
public:
    generator(const model& m, const vocab& v, const rnn_sampling_config& config) : handle(create(m, v, config)) {}

    /* The text generated after `prime` (which is not repeated). */
    std::string generate(std::string_view prime) {
        std::string primed(prime);   /* rnn.h takes a NUL-terminated string */
        return read_text([&](char* buf, size_t capacity, size_t* needed) {
            return rnn_generator_generate(get(), primed.c_str(), buf, capacity, needed);
        });
    }

private:
    static rnn_generator* create(const model& m, const vocab& v, const rnn_sampling_config& config) {
        rnn_generator* raw = nullptr;
        check(rnn_generator_create(m.get(), v.get(), &config, &raw));
        return raw;
    }
};

/* Since 0.6.0: a seq2seq decoding session driven by the host (rnn_decoder_*): one row per source to start, a step feeds
 * one token per row and gives every row's next-token log-probabilities, reorder copies rows (a beam). */
class decoder : public handle<rnn_decoder, rnn_decoder_destroy> {
public:
    decoder(const model& m, std::span<const std::string> sources) : handle(create(m, sources)) {}

    /* The rows now. */
    int32_t rows() const { int32_t r = 0; check(rnn_decoder_get_size(get(), &r, nullptr)); return r; }
    /* V: the target vocabulary's size, special tokens included. */
    int32_t vocab_size() const { int32_t v = 0; check(rnn_decoder_get_size(get(), nullptr, &v)); return v; }

    /* The source each row decodes for. */
    std::vector<int32_t> sources() const {
        std::vector<int32_t> out((size_t)rows());
        size_t needed = 0;
        check(rnn_decoder_sources(get(), out.data(), out.size(), &needed));
        return out;
    }

    /* Feeds tokens[r] to row r (RNN_TOKEN_BOS first); returns the log-probabilities [rows, V], row-major. */
    std::vector<float> step(std::span<const int32_t> tokens) {
        std::vector<float> log_probs((size_t)rows() * (size_t)vocab_size());
        size_t needed = 0;
        check(rnn_decoder_step(get(), tokens.data(), tokens.size(), log_probs.data(), log_probs.size(), &needed));
        return log_probs;
    }

    /* New row r becomes a copy of old row parents[r]. */
    void reorder(std::span<const int32_t> parents) { check(rnn_decoder_reorder(get(), parents.data(), parents.size())); }

private:
    static rnn_decoder* create(const model& m, std::span<const std::string> sources) {
        std::vector<const char*> texts = c_strings(sources);
        rnn_decoder* raw = nullptr;
        check(rnn_decoder_create(m.get(), texts.data(), texts.size(), &raw));
        return raw;
    }
};

}  // namespace rnn

#endif
