"""Sequence-to-sequence models through the C ABI (0.5.0): fit on pairs, translate greedily and with a beam,
evaluate, save and load, the decoder step, and errors."""
import itertools
import math

import pytest

import rnnnative
from rnnnative import FormatError, InvalidArgumentError, InvalidStateError, Model, Seq2Seq, UnsupportedError

# Every string of 1..3 letters over "abc" and its reverse (39 pairs).
REVERSE = [("".join(s), "".join(reversed(s))) for n in (1, 2, 3) for s in itertools.product("abc", repeat=n)]


@pytest.fixture(scope="module")
def reverser():
    model = Model.seq2seq(cell="gru", hidden=32, embedding=8, vocab="chars", seed=3)
    model.fit(REVERSE, updates=400, batch_size=16, lr=1e-2, validation_fraction=0, progress=False)
    yield model
    model.close()


def test_a_tiny_model_learns_to_reverse_short_strings(reverser):
    assert isinstance(reverser, Seq2Seq) and reverser.kind == "seq2seq"
    assert reverser.training.steps == 400
    sources = [s for s, _ in REVERSE]
    translated = reverser.translate(sources)
    right = sum(t == target for t, (_, target) in zip(translated, REVERSE))
    assert right >= 0.9 * len(REVERSE)
    assert reverser.translate("abc") == "cba"
    metrics = reverser.evaluate(REVERSE)
    assert metrics.pairs == len(REVERSE)
    assert metrics.exact_match == pytest.approx(right / len(REVERSE))
    assert metrics.token_accuracy >= 0.9 and 0 <= metrics.loss < 0.5


def test_beam_of_width_one_equals_greedy_and_scores_by_length(reverser):
    sources = [s for s, _ in REVERSE]
    greedy = reverser.decode(sources)
    beam = reverser.decode(sources, beam=1)
    assert [g.tokens for g in greedy] == [b.tokens for b in beam]
    for g, b in zip(greedy, beam):
        assert b.log_probability == pytest.approx(g.log_probability, rel=1e-5, abs=1e-6)
        assert g.score == g.log_probability and g.finished
        assert b.score == pytest.approx(b.log_probability / (len(b.tokens) + 1))   # length penalty 1: EOS counts
    wide = reverser.decode(sources, beam=4, length_penalty=0)
    assert all(w.log_probability >= g.log_probability - 1e-4 and w.score == w.log_probability for w, g in zip(wide, greedy))
    assert reverser.translate(sources[:5], beam=3) == [t for t in reverser.translate(sources[:5], beam=3)]
    assert reverser.evaluate(REVERSE, beam=3).exact_match >= 0.9


def test_decoder_step_log_probabilities_give_greedy_decoding(reverser):
    sources = ["abc", "b", "cab", "aa"]
    greedy = reverser.decode(sources)
    with reverser.decoder(sources) as decoder:
        assert decoder.rows == 4 and decoder.vocab_size == 7 and decoder.sources == [0, 1, 2, 3]
        tokens = [rnnnative._seq2seq.BOS] * 4
        mine = [[] for _ in sources]
        log_p = [0.0] * 4
        done = [False] * 4
        for _ in range(8):
            rows = decoder.step(tokens)
            for r, row in enumerate(rows):
                assert sum(math.exp(x) for x in row) == pytest.approx(1, abs=1e-4)
                best = max(range(len(row)), key=lambda v: (row[v], -v))   # the lowest id among equals
                if not done[r]:
                    log_p[r] += row[best]
                    if best == rnnnative._seq2seq.EOS:
                        done[r] = True
                    else:
                        mine[r].append(best)
                tokens[r] = best
        assert all(done)
        assert mine == [g.tokens for g in greedy]
        assert log_p == pytest.approx([g.log_probability for g in greedy], rel=1e-4)
        assert [reverser.decode_target(t) for t in mine] == [g.text for g in greedy]
        decoder.reorder([3, 3])
        assert decoder.rows == 2 and decoder.sources == [3, 3]
        first, second = decoder.step([rnnnative._seq2seq.EOS] * 2)
        assert first == second
        with pytest.raises(InvalidArgumentError, match="parents"):
            decoder.reorder([2])
        with pytest.raises(InvalidArgumentError, match="tokens"):
            decoder.step([1, 99])
    with pytest.raises(rnnnative.InvalidHandleError):
        decoder.step([1, 1])


def test_save_and_load_return_a_seq2seq_model_that_decodes_the_same(reverser, tmp_path):
    path = tmp_path / "reverse.rnn"
    reverser.save(path)
    loaded = Model.load(path)
    assert isinstance(loaded, Seq2Seq) and loaded.kind == "seq2seq"
    sources = [s for s, _ in REVERSE]
    assert [t.log_probability for t in loaded.decode(sources)] == [t.log_probability for t in reverser.decode(sources)]
    from_bytes = Model.from_bytes(reverser.to_bytes())
    assert from_bytes.translate(sources) == reverser.translate(sources)
    c = loaded.config
    assert (c.cell, c.hidden, c.embedding, c.bidirectional) == ("gru", 32, 8, False)
    with pytest.raises(InvalidArgumentError, match="Tagger.load"):
        rnnnative.Tagger.load(path)
    # A loaded model reads its data with its own vocabularies and trains further.
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("".join(f"{s}\t{t}\n" for s, t in REVERSE), encoding="utf-8")
    assert loaded.evaluate(tsv) == reverser.evaluate(REVERSE)
    loaded.fit(tsv, valid=REVERSE[:5], updates=2, progress=False)
    assert loaded.training.steps == 2
    loaded.close()
    from_bytes.close()


def test_tsv_training_data_and_the_engine_defaults(tmp_path):
    tsv = tmp_path / "copy.tsv"
    tsv.write_text("ab\tab\nba\tba\n\nabc\tabc\n", encoding="utf-8")
    model = Model.seq2seq(vocab="chars", embedding=4)
    with pytest.raises(InvalidStateError, match="fit"):
        model.translate(["ab"])
    model.fit(tsv, updates=1, progress=False, validation_fraction=0)
    c = model.config
    assert c.cell == "lstm" and c.hidden > 0 and c.layers >= 1 and c.embedding == 4
    assert model.encode_source("abz") == model.encode_source("ab") + [rnnnative._seq2seq.UNK]
    model.close()


def test_errors_name_the_file_line_or_pair_and_the_kinds(reverser, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("ab\tba\nno tab\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad\.tsv:2:"):
        Model.seq2seq(vocab="chars").fit(bad, updates=1, progress=False)
    with pytest.raises(FormatError, match=r"pairs\[1\]: the target is empty"):
        Model.seq2seq(vocab="chars").fit([("ab", "ba"), ("abc", "")], updates=1, progress=False)
    with pytest.raises(InvalidArgumentError, match=r"pairs\[0\]"):
        Model.seq2seq().fit(["ab"], updates=1, progress=False)
    with pytest.raises(UnsupportedError, match="serves language models; model is a seq2seq model"):
        reverser.sample(n=3)
    with pytest.raises(UnsupportedError, match="seq2seq"):
        reverser.new_state()
    with pytest.raises(InvalidArgumentError, match="beam_width"):
        reverser.translate(["ab"], beam=-1)
    with pytest.raises(InvalidArgumentError, match="max_length"):
        reverser.translate(["ab"], max_length=0)
    with pytest.raises(InvalidArgumentError, match="sources"):
        reverser.translate(["ab", ""])
