"""Trains RnnNative's char model with PyTorch DistributedDataParallel, then runs it in RnnNative.

The path for runs that outgrow one machine: the same char-rnn (rnnnative.torch.CharRnn) trained by
several processes, each on its own random windows of the text, their gradients averaged by DDP
(gloo backend, CPU). Here the processes are local (torch.multiprocessing, a localhost rendezvous);
on several hosts the same worker runs under torchrun with a shared address. Rank 0 saves the
weights as safetensors; RnnNative imports them with the vocabulary it built, writes a file that
carries the vocabulary too, samples and evaluates on the held-out tail of the text.

    python3 bindings/python/examples/train_ddp.py input.txt [--processes 2] [--updates 300] [--out model.safetensors]

Needs rnnnative (installed, or PYTHONPATH=bindings/python in a checkout) and PyTorch.
"""
from __future__ import annotations

import argparse
import math
import socket
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from rnnnative import Model, Vocabulary
from rnnnative.torch import CharRnn, save_charrnn


def windows(ids: torch.Tensor, steps: int, batch: int, generator: torch.Generator):
    """`batch` random windows of the text: inputs and next-token targets, time-major [T, B]."""
    starts = torch.randint(0, len(ids) - steps - 1, (batch,), generator=generator).tolist()
    inputs = torch.stack([ids[s:s + steps] for s in starts], dim=1)
    targets = torch.stack([ids[s + 1:s + steps + 1] for s in starts], dim=1)
    return inputs, targets


def worker(rank: int, world: int, port: int, ids: torch.Tensor, vocab_size: int, args: argparse.Namespace) -> None:
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)  # DDP also broadcasts rank 0's initial weights
    module = CharRnn(vocab_size, args.embedding, args.hidden, args.layers, "lstm")
    model = DistributedDataParallel(module)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    data = torch.Generator().manual_seed(args.seed * 7919 + rank)  # each process its own windows
    for update in range(1, args.updates + 1):
        inputs, targets = windows(ids, args.seq_length, args.batch_size, data)
        logits, _ = model(inputs)
        loss = nn.functional.cross_entropy(logits.reshape(-1, vocab_size), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()  # DDP averages the gradients of all processes here
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        if rank == 0 and (update % args.log_every == 0 or update == args.updates):
            print(f"update {update}/{args.updates}: loss {loss.item():.4f} (process 0)", flush=True)

    # The processes applied the same averaged updates: their weights agree bit for bit.
    checksum = torch.stack([p.detach().double().sum() for p in module.parameters()]).sum().reshape(1)
    checksums = [torch.zeros(1, dtype=torch.float64) for _ in range(world)]
    dist.all_gather(checksums, checksum)
    if rank == 0:
        agree = all(torch.equal(c, checksums[0]) for c in checksums)
        print(f"weights {'identical' if agree else 'DIFFERENT'} in the {world} processes", flush=True)
        save_charrnn(module, args.out)
    dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("text", type=Path, help="a UTF-8 text file")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--seq-length", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=16, help="windows per process and update")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path("model.safetensors"))
    args = parser.parse_args()

    text = args.text.read_text(encoding="utf-8")
    vocab = Vocabulary.from_text(text)
    split = int(len(text) * 0.9)  # the last 10% is held out for the evaluation below
    ids = torch.tensor(vocab.encode(text[:split]), dtype=torch.long)
    print(f"{len(vocab)} tokens in the vocabulary; {len(ids)} training tokens, {len(text) - split} held out", flush=True)
    mp.spawn(worker, args=(args.processes, free_port(), ids, len(vocab), args), nprocs=args.processes, join=True)

    with Model.import_safetensors(args.out, vocab=vocab) as model:
        model.export_safetensors(args.out)  # the same weights, now with the vocabulary in the file
        print(f"RnnNative: {model!r} from {args.out}")
        print("sample:", repr(model.sample(prime=text[:8], n=120, temperature=0.8, seed=args.seed)))
        held_out = model.evaluate(text[split:])
        print(f"held-out loss {held_out.loss:.4f} nats/token ({held_out.bits_per_token:.3f} bits; "
              f"uniform would be {math.log(len(vocab)):.4f})")


if __name__ == "__main__":
    main()
