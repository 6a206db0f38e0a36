"""PyTorch side of bench/compare's tagging row (issue 15): training speed of a bidirectional LSTM tagger.

    tagging.sh [--quick]                       RnnNative (TaggingProbe), PyTorch's thread settings and variants, the ratio
    tagging_torch.py --threads N [--quick]     one thread setting, JSON on stdout (what tagging.sh runs per setting)

The model: embedding (vocabulary 10K, 128 wide) -> nn.LSTM(128, 256, bidirectional=True), one layer ->
linear head over 19 tags (the slot-filling demo's tag set: O and B-/I- of 9 slot types), time-major.
The data: batches of 32 random sequences, lengths uniform in [5, 60], random tokens and tags (speed
does not depend on them); the targets at padding are -1. An update: forward, CrossEntropyLoss(
ignore_index=-1) (the mean over real tokens), zero_grad, backward, clip_grad_norm_(5), Adam(2e-3), as
the char-rnn rows. tokens/s counts real tokens only: the sum of the lengths of the timed batches / time.
RnnNative's side is TaggingProbe/Program.cs (same model, data shape and update, 2 engine threads).

Variants (PyTorch's best counts, as for the other rows' thread settings):
- packed, sorted: each batch sorted by length, longest first (what a length-bucketing loader hands over),
  pack_padded_sequence(enforce_sorted=True), pad_packed_sequence;
- packed, unsorted: pack_padded_sequence(enforce_sorted=False), which sorts and unsorts inside;
- padded: the LSTM runs over every padded timestep, padding masked out of the loss only. Faster per
  timestep but wrong for the backward direction of a shorter sequence (it starts from padding), so it
  is what padding costs at best, not a correct tagger.
"""
import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402  (shared: thread settings, BLAS environment, child processes, report helpers)

VOCAB = 10_000
EMBEDDING = 128
HIDDEN = 256
TAGS = 19
BATCH = 32
LENGTHS = (5, 60)          # uniform, both ends included
POOL = 64                  # distinct random batches, used in turn
UPDATES = (120, 25)        # timed updates per variant (full, quick), after a warm-up of a tenth as many
VARIANTS = ("packed, sorted", "packed, unsorted", "padded")
NAME = f"BiLSTM 1x{HIDDEN} tagger V=10K E={EMBEDDING} C={TAGS} B={BATCH} T={LENGTHS[0]}..{LENGTHS[1]}"


def batches(torch, sort):
    """POOL batches of (tokens [T, B], targets [T, B] with -1 at padding, lengths [B]); T = the batch's longest."""
    generator = torch.Generator().manual_seed(1)
    pool = []
    for _ in range(POOL):
        lengths = torch.randint(LENGTHS[0], LENGTHS[1] + 1, (BATCH,), generator=generator)
        if sort:
            lengths = lengths.sort(descending=True).values
        T = int(lengths.max())
        tokens = torch.randint(0, VOCAB, (T, BATCH), generator=generator)
        targets = torch.randint(0, TAGS, (T, BATCH), generator=generator)
        padding = torch.arange(T).unsqueeze(1) >= lengths.unsqueeze(0)       # [T, B]
        tokens[padding] = 0
        targets[padding] = -1
        pool.append((tokens, targets, lengths))
    return pool


def run(threads, quick):
    import torch
    torch.set_num_threads(threads)  # before any other torch work
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMBEDDING)
            self.rnn = nn.LSTM(EMBEDDING, HIDDEN, num_layers=1, bidirectional=True)
            self.decoder = nn.Linear(2 * HIDDEN, TAGS)

        def forward(self, tokens, lengths, variant):   # tokens [T, B] -> logits [T, B, C]
            x = self.embedding(tokens)                   # [T, B, E]
            if variant == "padded":
                h, _ = self.rnn(x)                       # [T, B, 2H], padding included
            else:
                packed = pack_padded_sequence(x, lengths, enforce_sorted=(variant == "packed, sorted"))
                h, _ = pad_packed_sequence(self.rnn(packed)[0], total_length=tokens.shape[0])
            return self.decoder(h)

    result = {"version": torch.__version__, "threads": torch.get_num_threads(), "tagging": {}}
    n = UPDATES[1] if quick else UPDATES[0]
    loss_function = nn.CrossEntropyLoss(ignore_index=-1)
    for variant in VARIANTS:
        torch.manual_seed(1)
        model = Tagger()
        optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
        pool = batches(torch, sort=(variant == "packed, sorted"))

        counted = []   # real tokens of each update, the warm-up's included

        def update():
            tokens, targets, lengths = pool[len(counted) % POOL]
            counted.append(int(lengths.sum()))
            logits = model(tokens, lengths, variant)
            loss = loss_function(logits.view(-1, TAGS), targets.view(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            return loss.item()

        elapsed, loss = compare.time_updates(update, n)
        tokens = sum(counted[-n:])
        slots = sum(t.shape[0] * t.shape[1] for t, _, _ in pool)
        result["tagging"][variant] = {"tokens_per_s": tokens / elapsed, "updates": n, "seconds": elapsed, "loss": loss,
                                      "padded_fraction": 1 - sum(int(l.sum()) for _, _, l in pool) / slots}
        print(f"  torch/{threads} {NAME}, {variant}: {tokens / elapsed:,.0f} tokens/s", file=sys.stderr)
    result["blas"] = compare.blas_info()
    return result


def best(runs):
    """(tokens/s, variant, threads) of the fastest variant over the thread settings."""
    return max((run["tagging"][v]["tokens_per_s"], v, t) for t, run in runs.items() for v in VARIANTS)


def orchestrate(quick):
    load_before = os.getloadavg()
    print("RnnNative TaggingProbe (dotnet run -c Release, 2 engine threads)", file=sys.stderr)
    ours = compare.dotnet_probe("TaggingProbe", [str(UPDATES[1] if quick else UPDATES[0])])
    env = compare.blas_env()
    runs = {}
    for threads in compare.TORCH_THREADS:
        print(f"PyTorch, torch.set_num_threads({threads})", file=sys.stderr)
        runs[threads] = compare.child(["--threads", str(threads)] + (["--quick"] if quick else []),
                                      env=compare.torch_env(env, threads), script=Path(__file__))
    load_after = os.getloadavg()
    tokens_per_s, variant, threads = best(runs)
    for t, run in runs.items():
        for v in VARIANTS:
            row = run["tagging"][v]
            print(f"PyTorch   train {NAME}, {v} ({t}T): {row['tokens_per_s']:,.0f} tokens/s, padded {row['padded_fraction']:.1%}")
    print(f"PyTorch's best: train {NAME}: {tokens_per_s:,.0f} tokens/s ({variant}, {threads}T)")
    # bucketed: the engine's own batches (sorted by length within shuffled chunks), what a user gets;
    # shuffled: random batches, PyTorch's composition, so the ratio is not only from bucketing.
    for order, row in ours["tagging"].items():
        ratio = row["tokens_per_s"] / tokens_per_s
        print(f"RnnNative train {NAME}, {order} batches: {row['tokens_per_s']:,.0f} tokens/s, padded {row['padded_fraction']:.1%}: "
              f"{ratio:.2f}x PyTorch's best (target >= 2x: {'met' if ratio >= 2 else 'NOT met'})")
    print(f"RnnNative {ours['version']} (kernel {ours['path']}, {ours['threads']} engine threads); "
          f"PyTorch {runs[threads]['version']} (BLAS: {compare.describe(runs[threads]['blas'])}); CPU: {compare.cpu_name()}, "
          f"{os.cpu_count()} logical cores; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"{'quick' if quick else 'full'} mode")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, help="one setting of torch.set_num_threads, JSON on stdout")
    parser.add_argument("--quick", action="store_true", help="fewer updates (noisier)")
    args = parser.parse_args(argv)
    if args.threads is None:
        orchestrate(args.quick)
    else:
        print(json.dumps(run(args.threads, args.quick)))


if __name__ == "__main__":
    main(sys.argv[1:])
