"""Batched serving (Model.sample_many, rnn_model_sample_many, since 0.6.0): each text equals sample()'s for its prompt,
options and seed alone; per-prompt options; finish reasons and token counts; errors naming the request."""
import pytest

import rnnnative
from rnnnative import InvalidArgumentError, SampleResult

PROMPTS = ["the quick ", "", "hello ", "lazy dog", "h", "the quick brown fox jumps over "]


def test_each_text_is_the_one_sample_gives_alone(trained):
    prompts = PROMPTS * 4  # 24 prompts, 8 streams: the rows freed by finished streams serve the rest
    n = [10 + (i * 7) % 40 for i in range(len(prompts))]
    temperature = [0.0 if i % 5 == 0 else 0.6 + 0.1 * (i % 7) for i in range(len(prompts))]
    top_k = [5 if i % 4 == 3 else 0 for i in range(len(prompts))]
    stop = [". " if i % 2 else None for i in range(len(prompts))]
    texts = trained.sample_many(prompts, n=n, temperature=temperature, top_k=top_k, top_p=0.95, stop=stop, seed=40,
                                streams=8)
    for i, prompt in enumerate(prompts):
        alone = trained.sample(prompt, n=n[i], temperature=temperature[i], top_k=top_k[i], top_p=0.95, seed=40 + i,
                               stop=stop[i])
        assert texts[i] == alone, i
    assert len(set(texts)) > 12


def test_details_give_token_counts_and_finish_reasons(trained):
    results = trained.sample_many(["the ", "the ", "hello "], n=[6, 0, 200], temperature=0, stop=[None, None, ["rnn", "."]],
                                  details=True)
    assert all(isinstance(r, SampleResult) for r in results)
    assert results[0] == SampleResult(trained.sample("the ", n=6, temperature=0), 6, "length")
    assert results[1] == SampleResult("", 0, "length")
    assert results[2].finish == "stop" and results[2].tokens <= 200
    assert results[2].text == trained.sample("hello ", n=200, temperature=0, stop=".").split("rnn")[0]
    assert trained.sample_many([]) == []


def test_stop_strings_apply_to_every_prompt(trained):
    prompts = ["the ", "hello "]
    texts = trained.sample_many(prompts, n=400, temperature=1.5, stop=["xx", "zz"], seed=3)
    for i, prompt in enumerate(prompts):
        full = trained.sample(prompt, n=400, temperature=1.5, seed=3 + i)
        cut = min([full.find(s) for s in ("xx", "zz") if s in full] or [len(full)])
        assert texts[i] == full[:cut]
    assert max(len(t) for t in texts) > 100


def test_bad_requests_are_named(trained):
    with pytest.raises(InvalidArgumentError, match=r"requests\[1\]\.top_p"):
        trained.sample_many(["a", "b"], top_p=[1.0, 0.0])
    with pytest.raises(InvalidArgumentError, match=r"requests\[1\]\.n: must be 0 or more"):
        trained.sample_many(["ab", "cd"], n=[5, -3])
    with pytest.raises(InvalidArgumentError, match=r"requests\[0\]\.prompt"):
        trained.sample_many(["the \u2603"])
    with pytest.raises(InvalidArgumentError, match="temperature: 3 values for 2 prompts"):
        trained.sample_many(["a", "b"], temperature=[1.0, 1.0, 1.0])
    with pytest.raises(rnnnative.ArgumentTypeError, match="prompts"):
        trained.sample_many("the ")
