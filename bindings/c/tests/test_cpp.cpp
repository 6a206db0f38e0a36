// rnn.hpp in use: the whole job through the C++ wrapper, and its error and ownership rules.
// Prints one line per failed check and exits non-zero on any (run_tests.sh builds it against the
// installed prefix with find_package and runs it).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include "rnn.hpp"

static int failures = 0;
#define EXPECT(cond)                                                                   \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            std::printf("  %s:%d: EXPECT(%s) failed\n", __FILE__, __LINE__, #cond);    \
            failures++;                                                                \
        }                                                                              \
    } while (0)

// Handles own their C handle: they move, they do not copy.
static_assert(!std::is_copy_constructible_v<rnn::model> && std::is_nothrow_move_constructible_v<rnn::model>);
static_assert(!std::is_copy_assignable_v<rnn::vocab> && std::is_nothrow_move_assignable_v<rnn::vocab>);

int main() {
    rnn::check(rnn_check_abi(RNN_ABI_VERSION));
    std::string text;
    for (int i = 0; i < 40; i++) text += "the cat sat on the mat. ";

    rnn::vocab vocab = rnn::vocab::build(rnn::vocab_config(), text);
    std::vector<int32_t> ids = vocab.encode("the mat");
    EXPECT(ids.size() == 7);
    EXPECT(vocab.decode(ids) == "the mat");

    rnn_model_config mc = rnn::model_config();
    mc.vocab_size = vocab.size();
    mc.embedding_size = 8;
    mc.hidden_size = 32;
    mc.seed = 7;
    rnn::model model = rnn::model::create(mc);
    EXPECT(model.config().hidden_size == 32);

    rnn::corpus corpus = rnn::corpus::from_text(vocab, text);
    EXPECT(corpus.size() == (int64_t)text.size());
    rnn_evaluation before = model.evaluate(corpus, 4, 16);

    rnn_trainer_config tc = rnn::trainer_config();
    tc.seq_len = 16;
    tc.batch_size = 4;
    tc.learning_rate = 1e-2f;
    tc.max_steps = 60;
    rnn::trainer trainer(model, corpus, tc);
    int reports = 0;
    bool finished = trainer.train(0, [&](const rnn_progress&) { reports++; return true; });
    EXPECT(finished);
    EXPECT(reports >= 60);
    rnn_evaluation after = model.evaluate(corpus, 4, 16);
    std::printf("  loss %.3f -> %.3f nats/char after 60 updates\n", before.loss, after.loss);
    EXPECT(after.loss < before.loss - 0.5);

    // An exception thrown by the progress callback stops training and reaches the caller.
    rnn::trainer more(model, corpus, tc);
    bool rethrown = false;
    try {
        more.train(0, [](const rnn_progress&) -> bool { throw std::runtime_error("stop here"); });
    } catch (const std::runtime_error& e) {
        rethrown = std::string(e.what()) == "stop here";
    }
    EXPECT(rethrown);

    rnn_sampling_config sc = rnn::sampling_config();
    sc.seed = 42;
    sc.max_tokens = 40;
    rnn::generator generator(model, vocab, sc);
    std::string sample = generator.generate("the ");
    std::printf("  sample: the %s\n", sample.c_str());
    EXPECT(!sample.empty() && sample.size() <= 40);
    EXPECT(generator.generate("the ") == sample);   // same seed, same text

    rnn::state state(model);
    std::vector<float> logits(vocab.size());
    state.step(ids[0], logits);
    rnn::sampler sampler(vocab.size(), sc);
    int32_t next = sampler.sample(logits);
    EXPECT(next >= 0 && next < vocab.size());
    next = state.sample(next, sampler);   // since 0.5.0: feed and draw in one call
    EXPECT(next >= 0 && next < vocab.size());

    // Since 0.6.0: streams served together, each the text its request gives alone (a batch of one), up to rounding:
    // these prompts and seeds are far from any boundary between tokens, so the texts are equal.
    rnn_stream_request request = rnn::stream_request();
    request.max_tokens = 30;
    std::vector<rnn_stream_request> requests(5, request);
    const char* prompts[] = {"the ", "cat ", "", "on the m", "sat"};
    for (int i = 0; i < 5; i++) {
        requests[i].prompt = prompts[i];
        requests[i].seed = 7 + (uint64_t)i;
    }
    const char* stop[] = {"mat"};
    requests[3].stop = stop;
    requests[3].stop_count = 1;
    requests[4].max_tokens = 0;
    std::vector<rnn::stream_result> served = model.sample_many(vocab, requests);
    EXPECT(served.size() == 5);
    for (int i = 0; i < 5; i++) {
        std::vector<rnn::stream_result> alone = model.sample_many(vocab, std::span(&requests[i], 1));
        EXPECT(alone[0].text == served[i].text && alone[0].tokens == served[i].tokens && alone[0].finish == served[i].finish);
    }
    EXPECT(served[0].text.size() == 30 && served[0].tokens == 30 && served[0].finish == RNN_FINISH_LENGTH);
    EXPECT(served[3].finish == RNN_FINISH_STOP && served[3].text.find("mat") == std::string::npos);
    EXPECT(served[4].text.empty() && served[4].tokens == 0);
    // Words longer than sample_many's first guess of 4 bytes a token: the needed-size retry gives the same texts.
    rnn_vocab_config wc = rnn::vocab_config();
    wc.kind = RNN_VOCAB_WORD;
    rnn::vocab words = rnn::vocab::build(wc, "internationalization counterrevolutionary incomprehensibilities electroencephalograph");
    rnn_model_config wmc = mc;
    wmc.vocab_size = words.size();
    rnn::model wordy = rnn::model::create(wmc);
    rnn_stream_request long_words = rnn::stream_request();
    long_words.max_tokens = 12;
    std::vector<rnn_stream_request> word_requests(3, long_words);
    for (int i = 0; i < 3; i++) word_requests[i].seed = (uint64_t)i;
    std::vector<rnn::stream_result> spoken = wordy.sample_many(words, word_requests);
    EXPECT(spoken[0].tokens == 12 && spoken[0].text.size() > 4 * 12);   // past the guess: the retry ran
    EXPECT(wordy.sample_many(words, std::span(&word_requests[2], 1))[0].text == spoken[2].text);
    EXPECT(model.step_precision() == RNN_PRECISION_F32 && model.weight_precision() == RNN_PRECISION_F32);
    model.set_step_precision(RNN_PRECISION_INT8);
    EXPECT(model.step_precision() == RNN_PRECISION_INT8 && model.sample_many(vocab, requests).size() == 5);
    std::string int8_path = (std::filesystem::temp_directory_path() / "rnn-hpp-test.int8.rnn").string();
    model.save_file_int8(vocab, int8_path);
    auto [int8_model, int8_vocab] = rnn::model::load_file(int8_path);
    EXPECT(int8_model.weight_precision() == RNN_PRECISION_INT8 && int8_vocab.size() == vocab.size());
    EXPECT(int8_model.sample_many(int8_vocab, requests)[0].text == model.sample_many(vocab, requests)[0].text);
    std::filesystem::remove(int8_path);
    model.set_step_precision(RNN_PRECISION_F32);
    try {
        requests[1].top_p = 2.0f;
        model.sample_many(vocab, requests);
        EXPECT(!"rnn::model::sample_many accepted top_p 2");
    } catch (const rnn::error& e) {
        EXPECT(e.status() == RNN_E_INVALID_ARGUMENT);
        EXPECT(std::string(e.what()).find("requests[1].top_p") != std::string::npos);
    }

    // Errors throw rnn::error with the status and rnn_last_error()'s message naming the argument.
    rnn_model_config bad = mc;
    bad.hidden_size = 0;
    try {
        rnn::model::create(bad);
        EXPECT(!"rnn::model::create accepted hidden_size 0");
    } catch (const rnn::error& e) {
        EXPECT(e.status() == RNN_E_INVALID_ARGUMENT);
        EXPECT(std::string(e.what()).find("config->hidden_size") != std::string::npos);
    }
    try {
        rnn::model::load_file("/nonexistent/model.rnn");
        EXPECT(!"rnn::model::load_file loaded a missing file");
    } catch (const rnn::error& e) {
        EXPECT(e.status() == RNN_E_IO);
    }

    // Since 0.4.0: a classifier of token sequences from memory, trained, evaluated and predicted.
    std::vector<int32_t> seq_ids, lengths, classes;
    for (int i = 0; i < 24; i++) {
        int length = 2 + i % 3;
        for (int t = 0; t < length; t++) seq_ids.push_back((i * 7 + t * 3) % 6);
        lengths.push_back(length);
        classes.push_back(seq_ids[seq_ids.size() - (size_t)length] >= 3);
    }
    rnn::dataset train = rnn::dataset::from_tokens(seq_ids, lengths, RNN_TARGET_SEQUENCE_CLASS, classes);
    EXPECT(train.size() == 24 && train.info().outputs == 2 && train.label(1) == "1");
    rnn_task_model_config tmc = rnn::task_model_config();
    tmc.hidden_size = 8;
    rnn::model classifier = rnn::model::create_for_dataset(tmc, train);
    EXPECT(classifier.kind() == RNN_MODEL_CLASSIFIER);
    rnn_trainer_config stc = rnn::trainer_config();
    stc.batch_size = 4;
    stc.max_steps = 20;
    EXPECT(rnn::trainer(classifier, train, nullptr, stc).train());
    rnn_task_metrics metrics = classifier.evaluate(train);
    EXPECT(metrics.accuracy >= 0 && metrics.accuracy <= 1 && std::isnan(metrics.mse));
    EXPECT(classifier.predict(train).size() == 24 * 2);
    rnn::dataset unlabelled = rnn::dataset::from_tokens(seq_ids, lengths, RNN_TARGET_SEQUENCE_CLASS, {}, {}, 0, &classifier);
    EXPECT(unlabelled.info().has_targets == 0 && classifier.predict(unlabelled) == classifier.predict(train));
    try {
        rnn::state refused(classifier);
        EXPECT(!"rnn::state accepted a classifier");
    } catch (const rnn::error& e) {
        EXPECT(e.status() == RNN_E_UNSUPPORTED);
    }

    // Since 0.6.0: a seq2seq model from text pairs (reverse a word of a, b, c), translated, evaluated, and stepped by hand:
    // the decoder's most probable first token is the greedy translation's first token.
    std::vector<std::string> sources, targets;
    for (int code = 0; code < 27; code++) {
        std::string word = {(char)('a' + code % 3), (char)('a' + code / 3 % 3), (char)('a' + code / 9)};
        sources.push_back(word);
        targets.push_back(std::string(word.rbegin(), word.rend()));
    }
    rnn_dataset_config pc = rnn::dataset_config();
    pc.unit = RNN_UNIT_CHARS;
    rnn::dataset pairs = rnn::dataset::from_pairs(sources, targets, pc);
    EXPECT(pairs.size() == 27);
    rnn_task_model_config s2c = rnn::task_model_config();
    s2c.cell = RNN_CELL_GRU;
    s2c.hidden_size = 32;
    s2c.embedding_size = 8;
    rnn::model seq2seq = rnn::model::create_for_dataset(s2c, pairs);
    EXPECT(seq2seq.kind() == RNN_MODEL_SEQ2SEQ);
    rnn_trainer_config s2t = rnn::trainer_config();
    s2t.batch_size = 9;
    s2t.max_steps = 300;
    rnn::trainer(seq2seq, pairs, nullptr, s2t).train();
    rnn_decode_config greedy = rnn::decode_config();
    greedy.max_length = 6;
    std::vector<rnn::translation> translated = seq2seq.translate(std::span(sources).first(4), greedy);
    EXPECT(translated.size() == 4);
    std::printf("  translated: %s %s %s %s\n", translated[0].text.c_str(), translated[1].text.c_str(), translated[2].text.c_str(), translated[3].text.c_str());
    for (const rnn::translation& t : translated) {
        EXPECT(t.text.size() == t.tokens.size() && seq2seq.decode_target(t.tokens) == t.text);   // characters: one unit a token
        EXPECT(t.finished ? t.tokens.size() < 7 : t.tokens.size() == 6);
        EXPECT(t.log_probability <= 0 && t.score == t.log_probability);
    }
    rnn_decode_config beam = greedy;
    beam.beam_width = 1;
    std::vector<rnn::translation> beamed = seq2seq.translate(std::span(sources).first(4), beam);
    EXPECT(beamed[0].tokens == translated[0].tokens && beamed[3].text == translated[3].text);   // K = 1 is greedy
    rnn::decoder decoder(seq2seq, std::span(sources).first(2));
    EXPECT(decoder.rows() == 2 && decoder.sources() == std::vector<int32_t>({0, 1}));
    std::vector<float> first = decoder.step(std::vector<int32_t>{RNN_TOKEN_BOS, RNN_TOKEN_BOS});
    int32_t v = decoder.vocab_size();
    EXPECT(first.size() == (size_t)(2 * v));
    int32_t best = 0;
    double mass = 0;
    for (int32_t k = 0; k < v; k++) {
        if (first[(size_t)k] > first[(size_t)best]) best = k;
        mass += std::exp((double)first[(size_t)k]);
    }
    EXPECT(std::fabs(mass - 1) < 1e-4);   // a log-softmax
    EXPECT(translated[0].tokens.empty() ? best == RNN_TOKEN_EOS : best == translated[0].tokens[0]);
    decoder.reorder(std::vector<int32_t>{1, 1, 0});
    EXPECT(decoder.rows() == 3 && decoder.sources() == std::vector<int32_t>({1, 1, 0}));
    rnn_task_metrics decoded = seq2seq.evaluate_decoding(pairs, greedy);
    EXPECT(decoded.sequences == 27 && decoded.exact_match >= 0 && decoded.exact_match <= 1);
    try {
        seq2seq.translate(std::vector<std::string>{""}, greedy);
        EXPECT(!"rnn::model::translate accepted an empty source");
    } catch (const rnn::error& e) {
        EXPECT(e.status() == RNN_E_INVALID_ARGUMENT && std::string(e.what()).find("sources") != std::string::npos);
    }

    // A moved-from handle is empty; destroying it is a no-op.
    rnn::model moved = std::move(model);
    EXPECT(model.get() == nullptr && moved.get() != nullptr);

    std::printf("%s\n", failures == 0 ? "rnn.hpp: all checks passed" : "rnn.hpp: FAILED");
    return failures == 0 ? 0 : 1;
}
