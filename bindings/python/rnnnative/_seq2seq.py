"""Sequence-to-sequence models over the C ABI (rnn.h, since 0.5.0): an encoder reads the source, a decoder of its own
weights writes the target, decoded greedily or with a beam.

    model = Model.seq2seq(vocab="chars", hidden=128)
    model.fit([("535+61", "596"), ...], updates=2000)     # or a TSV path (source<TAB>target per line)
    model.translate(["12+7"], beam=4)                      # ["19"]
    model.evaluate(held_out, beam=4)                       # Seq2SeqMetrics(loss, token_accuracy, exact_match, pairs)

The library makes the model FOR its training pairs (rnn_model_create_for_dataset: both vocabularies come from the
data), so the first fit() creates it. Hosts that drive generation themselves use decoder(): a step gives every row's
log-probabilities of the next token, reorder() copies rows (a beam).
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import re
from ctypes import byref, c_char_p, c_int32, c_size_t, c_void_p, sizeof
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

from . import _native
from ._api import _Handle
from ._native import lib
from ._tasks import STEP_CLASSES, SequenceModel, _Dataset
from .errors import BufferTooSmallError, InvalidArgumentError, RnnError

# rnn.h's special token ids of both vocabularies.
PAD, BOS, EOS, UNK = 0, 1, 2, 3


@dataclass(frozen=True)
class Seq2SeqMetrics:
    """Scores of a seq2seq model on pairs (rnn_model_evaluate_decoding)."""
    loss: float            # nats per target token (EOS included), teacher forcing
    token_accuracy: float  # share of target positions (EOS included) where the decoded sequence has the target's token
    exact_match: float     # share of pairs whose decoded target is the target exactly
    pairs: int


@dataclass(frozen=True)
class Translation:
    """One decoded target."""
    text: str
    tokens: List[int]       # target ids, no BOS/EOS
    log_probability: float  # under the model, EOS included when finished
    score: float            # log_probability / length^length_penalty (beam); log_probability (greedy)
    finished: bool          # ended with EOS (else stopped at max_length)


def _strings(values: Sequence[str], what: str) -> Tuple[Any, List[bytes]]:
    """A C array of NUL-terminated UTF-8 strings (and the bytes it points into, to keep alive)."""
    encoded = []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise InvalidArgumentError(f"{what}[{i}]: expected a str, got {type(value).__name__}", 1)
        encoded.append(value.encode("utf-8"))
    return (c_char_p * max(len(encoded), 1))(*encoded), encoded


def _decode_config(beam: Optional[int], max_length: int, length_penalty: float, batch_size: int) -> _native.DecodeConfig:
    c = _native.DecodeConfig()
    lib.rnn_decode_config_init_sized(byref(c), sizeof(c))
    c.beam_width = beam or 0
    c.max_length, c.length_penalty, c.batch_size = max_length, length_penalty, batch_size
    return c


class Decoder(_Handle):
    """An rnn_decoder: rows (hypotheses) of a decoding session, one per source at the start. step(tokens) feeds one token
    per row (BOS first) and returns the log-probabilities of every row's next token, [rows][V]; reorder(parents) makes
    row r a copy of row parents[r]."""

    _destroy = staticmethod(lib.rnn_decoder_destroy)
    _kind = "decoder"

    def __init__(self, handle: c_void_p) -> None:
        self._adopt(handle)

    @property
    def rows(self) -> int:
        rows = c_int32()
        lib.rnn_decoder_get_size(self._handle, byref(rows), None)
        return rows.value

    @property
    def vocab_size(self) -> int:
        """V: target tokens, special tokens included."""
        vocab = c_int32()
        lib.rnn_decoder_get_size(self._handle, None, byref(vocab))
        return vocab.value

    @property
    def sources(self) -> List[int]:
        """The source each row decodes for."""
        rows = self.rows
        out = (c_int32 * rows)()
        lib.rnn_decoder_sources(self._handle, out, rows, byref(c_size_t()))
        return list(out)

    def step(self, tokens: Sequence[int]) -> List[List[float]]:
        """Feeds tokens[r] to row r; returns [rows][V] log-probabilities of the next token."""
        rows, vocab = c_int32(), c_int32()
        lib.rnn_decoder_get_size(self._handle, byref(rows), byref(vocab))
        given = (c_int32 * max(len(tokens), 1))(*tokens)
        out = (ctypes.c_float * (rows.value * vocab.value))()
        lib.rnn_decoder_step(self._handle, given, len(tokens), out, len(out), byref(c_size_t()))
        v = vocab.value
        return [list(out[r * v:(r + 1) * v]) for r in range(rows.value)]

    def reorder(self, parents: Sequence[int]) -> None:
        """Row r becomes a copy of row parents[r]; the decoder then has len(parents) rows."""
        given = (c_int32 * max(len(parents), 1))(*parents)
        lib.rnn_decoder_reorder(self._handle, given, len(parents))


class Seq2Seq(SequenceModel):
    """An encoder-decoder (Cho et al. 2014): made unfitted by Model.seq2seq(...) (fit() creates it for its training
    pairs) or loaded by Model.load(). Language-model and tagger functions raise UnsupportedError."""

    _kind_id, _target = 4, STEP_CLASSES

    def __init__(self, *, cell: str = "lstm", hidden: Optional[int] = None, layers: Optional[int] = None,
                 embedding: Optional[int] = None, bidirectional: Optional[bool] = None, activation: str = "tanh",
                 dropout: float = 0.0, init: str = "default", identity_scale: float = 1.0, seed: Optional[int] = None,
                 vocab: str = "words", lowercase: bool = False, max_vocab: Optional[int] = None) -> None:
        """Model options (None: the library's default for seq2seq models): cell "lstm" (default), "gru" or "elman";
        hidden and layers of the encoder and decoder; embedding (both sides' token embeddings, min(hidden, 64));
        bidirectional (the encoder; default False); activation (Elman); dropout; init and identity_scale; seed.
        Data options of the training pairs: vocab "words" or "chars" (both sides), lowercase, max_vocab (per side)."""
        SequenceModel.__init__(self, cell=cell, hidden=hidden, layers=layers, embedding=embedding, bidirectional=bidirectional,
                               activation=activation, dropout=dropout, init=init, identity_scale=identity_scale, seed=seed,
                               vocab=vocab, lowercase=lowercase, max_vocab=max_vocab)
        # 0: the kind's default (the engine's for seq2seq), not the task models' 128 x 1.
        self._spec.hidden_size = hidden or 0
        self._spec.layers = layers or 0

    # -- data --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _dataset(self, data: Any, targets: Any = None, lengths: Any = None, *, fitting: bool = False,
                 require_targets: bool = True) -> Iterator[_Dataset]:
        """The rnn_dataset of pairs: a TSV path, or a list of (source, target) strings."""
        if targets is not None or lengths is not None:
            raise InvalidArgumentError("targets, lengths: pairs hold their own targets", 1)
        model = None if fitting else self._handle
        if isinstance(data, (str, bytes, os.PathLike)):
            dataset = self._read(os.fsdecode(data), model, True)
        else:
            dataset = self._pairs(data, model)
        try:
            yield dataset
        finally:
            dataset.close()

    def _pairs(self, data: Any, model: Optional[int]) -> _Dataset:
        pairs = list(data)
        for i, pair in enumerate(pairs):
            if isinstance(pair, (str, bytes)) or len(pair) != 2:
                raise InvalidArgumentError(f"pairs[{i}]: expected a (source, target) pair of strings, got {pair!r}", 1)
        sources, keep_sources = _strings([p[0] for p in pairs], "pairs")
        targets, keep_targets = _strings([p[1] for p in pairs], "pairs")
        handle = c_void_p()
        try:
            lib.rnn_dataset_from_pairs(sources, targets, len(pairs), byref(self._data_config), model, byref(handle))
        except RnnError as e:
            # "pairs:3: the target is empty" names the 1-based pair; Python counts from 0.
            message = re.sub(r"\bpairs:(\d+):", lambda m: f"pairs[{int(m.group(1)) - 1}]:", e.message)
            raise type(e)(message, e.status, e.function) from None
        del keep_sources, keep_targets
        return _Dataset(handle, arrays=False)

    def _validation(self, valid: Any) -> Any:
        return contextlib.nullcontext() if valid is None else self._dataset(valid)

    # -- decoding ----------------------------------------------------------------------------

    def decode(self, sources: Sequence[str], *, beam: Optional[int] = None, max_length: int = 64,
               length_penalty: float = 1.0, batch_size: int = 64) -> List[Translation]:
        """Decodes every source: greedy search (beam None or 0), or beam search keeping `beam` hypotheses per source,
        ranked by log P / length^length_penalty. At most max_length tokens per source (EOS not counted)."""
        sources = list(sources)
        array, keep = _strings(sources, "sources")
        config = _decode_config(beam, max_length, length_penalty, batch_size)
        n = len(sources)
        result = _native.DecodeResult()
        result.struct_size = sizeof(result)
        lib.rnn_model_translate(self._handle, array, n, byref(config), byref(result))  # the sizes
        text = ctypes.create_string_buffer(max(result.text_needed, 1))
        tokens = (c_int32 * max(result.tokens_needed, 1))()
        lengths, finished = (c_int32 * max(n, 1))(), (c_int32 * max(n, 1))()
        log_p, scores = (ctypes.c_double * max(n, 1))(), (ctypes.c_double * max(n, 1))()
        result.text, result.text_capacity = ctypes.cast(text, c_void_p), len(text)
        result.tokens, result.tokens_capacity = ctypes.cast(tokens, c_void_p), len(tokens)
        result.lengths, result.finished = ctypes.cast(lengths, c_void_p), ctypes.cast(finished, c_void_p)
        result.log_probabilities, result.scores = ctypes.cast(log_p, c_void_p), ctypes.cast(scores, c_void_p)
        lib.rnn_model_translate(self._handle, array, n, byref(config), byref(result))
        del keep
        texts = text.raw[:result.text_needed].split(b"\0")
        out, at = [], 0
        for i in range(n):
            out.append(Translation(texts[i].decode("utf-8"), list(tokens[at:at + lengths[i]]), log_p[i], scores[i],
                                   bool(finished[i])))
            at += lengths[i]
        return out

    def translate(self, sources: Union[str, Sequence[str]], *, beam: Optional[int] = None, max_length: int = 64,
                  length_penalty: float = 1.0, batch_size: int = 64) -> Union[str, List[str]]:
        """The decoded text of every source (a str for a str); options as decode()."""
        single = isinstance(sources, str)
        decoded = self.decode([sources] if single else sources, beam=beam, max_length=max_length,  # type: ignore[list-item]
                              length_penalty=length_penalty, batch_size=batch_size)
        texts = [t.text for t in decoded]
        return texts[0] if single else texts

    def evaluate(self, data: Any, targets: Any = None, *, lengths: Any = None,  # type: ignore[override]
                 beam: Optional[int] = None, max_length: int = 64, length_penalty: float = 1.0,
                 batch_size: int = 64) -> Seq2SeqMetrics:
        """Loss, token accuracy and exact match on pairs (a TSV path or (source, target) strings), decoding as decode()."""
        config = _decode_config(beam, max_length, length_penalty, batch_size)
        with self._dataset(data, targets, lengths) as dataset:
            m = _native.TaskMetrics()
            m.struct_size = sizeof(m)
            lib.rnn_model_evaluate_decoding(self._handle, dataset._handle, byref(config), byref(m))
        return Seq2SeqMetrics(m.loss, m.token_accuracy, m.exact_match, m.sequences)

    def decoder(self, sources: Sequence[str]) -> Decoder:
        """A decoding session with one row per source, for hosts that drive generation themselves."""
        array, keep = _strings(list(sources), "sources")
        handle = c_void_p()
        lib.rnn_decoder_create(self._handle, array, len(keep), byref(handle))
        return Decoder(handle)

    def encode_source(self, text: str) -> List[int]:
        """The source vocabulary's ids of `text` (unknown units: UNK)."""
        data = text.encode("utf-8")
        needed = c_size_t()
        capacity = len(data) + 1
        out = (c_int32 * capacity)()
        lib.rnn_model_encode_source(self._handle, data, len(data), out, capacity, byref(needed))
        return list(out[:needed.value])

    def decode_target(self, tokens: Sequence[int]) -> str:
        """The text of target ids (PAD, BOS and EOS left out)."""
        given = (c_int32 * max(len(tokens), 1))(*tokens)
        needed = c_size_t()
        with contextlib.suppress(BufferTooSmallError):   # (NULL, 0) asks for the size
            lib.rnn_model_decode_target(self._handle, given, len(tokens), None, 0, byref(needed))
        buf = ctypes.create_string_buffer(max(needed.value, 1))
        lib.rnn_model_decode_target(self._handle, given, len(tokens), buf, len(buf), byref(needed))
        return buf.value.decode("utf-8")

    def __repr__(self) -> str:
        if not self.fitted:
            return f"<Seq2Seq {'closed' if hasattr(self, '_closed') else 'not fitted'}>"
        c = self.config
        return f"<Seq2Seq {c.cell} {c.layers}x{c.hidden}{' bidirectional encoder' if c.bidirectional else ''}>"
