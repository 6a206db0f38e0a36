"""PyTorch's side of the quality run (bench/quality/tinyshakespeare.sh), on the same machine.

The job `rnn train` runs there, written with PyTorch as the task describes it: characters as
tokens, the first 90% of the file for training cut into B contiguous streams walked in windows of
T with the hidden state carried (detached) from window to window, the last 10% for validation,
predicted once each over B streams (ValidationPass's layout); CharRnn (the parity tests' model:
embedding, nn.LSTM, linear) with PyTorch's default initialization, mean cross-entropy, Adam 2e-3,
clip_grad_norm_(5). Prints one line per validation: update, seconds of training (validation not
counted, as `rnn train` counts), validation loss in nats per character.

Usage: torch_reference.py DATA [--updates 2000] [--eval-every 100] [--threads 1] [--seed 1]
"""
import argparse
import pathlib
import sys
import time

import torch
from torch import nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bindings" / "python" / "tests"))
from charrnn_torch import CharRnn  # noqa: E402

HIDDEN, EMBEDDING, LAYERS, STEPS, BATCH, RATE, CLIP = 256, 256, 2, 64, 32, 2e-3, 5.0


def validation_loss(model, ids, vocab):
    """Mean loss over every (token, next token) pair of ids, B streams of ceil((N-1)/B) pairs."""
    pairs = len(ids) - 1
    length = (pairs + BATCH - 1) // BATCH
    inputs = torch.zeros(length, BATCH, dtype=torch.long)
    targets = torch.full((length, BATCH), -100, dtype=torch.long)   # -100: cross_entropy ignores it
    for b in range(BATCH):
        first, end = b * length, min(pairs, (b + 1) * length)
        if end > first:
            inputs[:end - first, b] = ids[first:end]
            targets[:end - first, b] = ids[first + 1:end + 1]
    total, state = 0.0, None
    model.eval()
    with torch.no_grad():
        for t in range(0, length, STEPS):
            logits, state = model(inputs[t:t + STEPS], state)
            total += nn.functional.cross_entropy(logits.reshape(-1, vocab), targets[t:t + STEPS].reshape(-1),
                                                 ignore_index=-100, reduction="sum").item()
    model.train()
    return total / pairs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)   # before any other torch work
    torch.manual_seed(args.seed)

    text = pathlib.Path(args.data).read_text(encoding="utf-8")
    characters = sorted(set(text))
    index = {c: i for i, c in enumerate(characters)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    split = len(ids) * 9 // 10
    train, held_out = ids[:split], ids[split:]
    vocab = len(characters)

    model = CharRnn(vocab, EMBEDDING, HIDDEN, LAYERS, "lstm")
    optimizer = torch.optim.Adam(model.parameters(), lr=RATE)
    length = len(train) // BATCH
    streams = train[:length * BATCH].view(BATCH, length).t().contiguous()   # [length, B]
    windows = (length - 1) // STEPS

    print(f"# PyTorch {torch.__version__}, {torch.get_num_threads()} threads; update, seconds, validation loss", flush=True)
    state, window, trained, best = None, 0, 0.0, float("inf")
    for update in range(1, args.updates + 1):
        started = time.perf_counter()
        if window == windows:
            window, state = 0, None   # a new epoch: the streams start over, so does their state
        x = streams[window * STEPS:(window + 1) * STEPS]
        y = streams[window * STEPS + 1:(window + 1) * STEPS + 1]
        window += 1
        if state is not None:
            state = tuple(s.detach() for s in state)
        logits, state = model(x, state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        trained += time.perf_counter() - started
        if update % args.eval_every == 0:
            loss = validation_loss(model, held_out, vocab)
            best = min(best, loss)
            print(f"{update}\t{trained:.1f}\t{loss:.4f}\tbest {best:.4f}", flush=True)


if __name__ == "__main__":
    main()
