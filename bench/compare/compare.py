"""Side-by-side benchmark of RnnNative (through its Python binding) and PyTorch / numpy.

    compare.py [--quick] [--rounds N]    every measurement, the table, results.md (run.sh calls this);
                                         N rounds (default 1) measure every side N times, interleaved,
                                         and each row keeps each side's best
    compare.py ours [--quick] [--threads N] [--cells lstm,elman] [--binding DIR]
                                         RnnNative training and sampling with N engine threads
                                         (default 2), JSON on stdout
    compare.py torch --threads N [--quick]   PyTorch with torch.set_num_threads(N), JSON on stdout
    compare.py numpy [--quick]           np.matmul float32 SGEMM, JSON on stdout
    compare.py ab --old DIR [--repeats N] [--quick]
                                         RnnNative against another checkout's binding (ab.sh calls this)

The strongest peers (issue 17), libtorch 2.10 (TorchSharp) and ONNX Runtime 1.32, run in the C#
project PeersProbe (PeersProbe/Program.cs; export_onnx.py writes the ONNX models it steps), given
these rows as JSON (peers_spec). Each side runs in its own process, so thread settings and
allocators do not interfere; the orchestrator keeps each peer's better thread setting per row and
compares RnnNative with the best peer of the row.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VOCAB = 65
ENGINE_THREADS = (1, 2)  # RnnNative's engine threads (rnnnative.set_threads): every row with both, for the scaling table
TORCH_THREADS = (1, 2)   # PyTorch, libtorch and ONNX Runtime (intra-op) threads

CELLS = ("lstm", "gru", "elman")
TORCH_CELLS = {"lstm": "lstm", "gru": "gru", "elman": "rnn"}  # CharRnn's names
# name, cell, hidden, T, B, timed updates (full, quick). Embedding = hidden. Update counts give
# ~5-10 s per side in full mode and ~1-2 s in --quick on the 2-core development machine.
TRAINING = [
    ("LSTM 2x128 T=50 B=50", "lstm", 128, 50, 50, (150, 30)),
    ("LSTM 2x256 T=64 B=32", "lstm", 256, 64, 32, (60, 12)),
    ("LSTM 2x512 T=100 B=32", "lstm", 512, 100, 32, (12, 3)),
    ("GRU 2x256 T=64 B=32", "gru", 256, 64, 32, (80, 16)),
    ("Elman 2x512 T=100 B=32", "elman", 512, 100, 32, (30, 6)),
]
# Targets against the best peer of the row (issue 17): training >= 2.5x; batch-1 sampling >= 4x with
# float32 step weights, >= 8x with reduced-precision (bfloat16, int8) ones; batched serving >= 2x.
TRAINING_TARGET = 2.5
SAMPLING_TARGETS = {"f32": 4.0, "bf16": 8.0, "int8": 8.0}
BATCHED_TARGET = 2.0
# name, cell, hidden (batch 1). ONNX Runtime and libtorch step every row (export_onnx.py writes the ONNX models).
SAMPLING = [
    ("LSTM 2x128", "lstm", 128), ("LSTM 2x256", "lstm", 256), ("LSTM 2x512", "lstm", 512),
    ("GRU 2x128", "gru", 128), ("GRU 2x256", "gru", 256), ("GRU 2x512", "gru", 512),
]
SAMPLED_TOKENS = (4000, 1000)  # full, quick
PRECISIONS = ("f32", "bf16", "int8")   # RnnNative's step weights when sampling (Model.step_precision)
# Batched sampling (serving many users): name, cell, hidden, streams, steps per run (full, quick);
# reported as tokens/s over all streams. RnnNative: Model.sample_many, one prompt per stream.
BATCHED = [("LSTM 2x512, 64 streams", "lstm", 512, 64, (400, 100)),
           ("GRU 2x512, 64 streams", "gru", 512, 64, (400, 100))]
PEERS = ("libtorch", "onnxruntime")
LOADED = 1.5  # a 1-minute load average above this before the run marks results.md "taken under load"
# m x n x k of the products of a 2x512 LSTM, T=100, B=32 (as bench/RnnNative.Benchmarks/GemmBenchmarks.cs).
GEMM = ["3200x2048x512", "32x2048x512", "2048x512x3200", "3200x512x2048"]


GATES = {"lstm": 4, "gru": 3, "elman": 1}


def training_flops(cell, hidden, T, B, layers=2, embedding=None, vocab=VOCAB):
    """FLOPs of one training update (forward + backward) of a char model as RnnNative runs it: the
    products only (pointwise work, softmax, clipping and Adam are O(parameters + T*B*H), a few %).
    With G gates (LSTM 4, GRU 3, Elman 1), E = embedding (default hidden), H = hidden, V = vocab:

        forward, per token:   layer 0   2*G*H*H                  (h_{t-1} W_hh^T; its x W_ih^T is the token table)
                              layer l>0 2*G*H*(H + H)            (x W_ih^T and h_{t-1} W_hh^T)
                              head      2*H*V                    (logits)
        forward, per update:  token table 2*V*G*H*E              (embedding W_ih_l0^T, V rows instead of T*B)
        backward = 2 x forward (each product Y = X W^T gives dX = dY W and dW = dY^T X, each as large),
        so an update is 3 x (T*B * per-token + per-update forward FLOPs).

    PyTorch's count (layer 0's input projection per token, 2*G*H*E*T*B more forward FLOPs) is
    larger by that term; share of peak here is of the work RnnNative actually does."""
    E = embedding or hidden
    G = GATES[cell]
    per_token = 2 * G * hidden * hidden + (layers - 1) * 2 * G * hidden * (hidden + hidden) + 2 * hidden * vocab
    per_update = 2 * vocab * G * hidden * E
    return 3 * (T * B * per_token + per_update)


def time_updates(update, n):
    """Runs a tenth as many warm-up updates (at least 2), then times `n`; returns (seconds, last loss)."""
    for _ in range(max(2, n // 10)):
        update()
    start = time.perf_counter()
    for _ in range(n):
        loss = update()
    return time.perf_counter() - start, loss


def corpus_ids(length=1_000_000, seed=1):
    """Random token ids in [0, 65): the same data for both sides (speed does not depend on it)."""
    import random
    rng = random.Random(seed)
    return [rng.randrange(VOCAB) for _ in range(length)]


def alphabet():
    """65 distinct characters, so the RnnNative vocabulary has exactly 65 symbols."""
    return "".join(chr(c) for c in range(ord("0"), ord("0") + VOCAB))


# ------------------------------------------------------------------------------------------------
# RnnNative
# ------------------------------------------------------------------------------------------------

def run_ours(quick, cells, binding, threads):
    # `binding`: the folder holding the rnnnative package, which loads its own checkout's library
    # (see _native.py); another checkout's makes the A/B runs against a previous version.
    sys.path.insert(0, str(binding))
    import array
    import rnnnative
    from rnnnative import Model, ModelConfig, Vocabulary

    rnnnative.set_threads(threads)
    vocab = Vocabulary.from_text(alphabet())
    assert len(vocab) == VOCAB
    ids = array.array("i", corpus_ids())
    result = {"version": rnnnative.version(), "kernel": rnnnative.kernel_path(), "flavour": rnnnative.flavour,
              "library": str(rnnnative.library_path), "threads": rnnnative.get_threads(), "training": {}, "sampling": {},
              "batched": {}}

    def new_model(cell, hidden):
        # The generic constructor: every binding version has it (an older one has no Model.gru).
        config = ModelConfig(vocab_size=VOCAB, embedding=hidden, hidden=hidden, layers=2, cell=cell)
        return Model.create(vocab, config, seed=1)

    for name, cell, hidden, T, B, updates in TRAINING:
        if cell not in cells:
            continue
        n = updates[1] if quick else updates[0]
        with new_model(cell, hidden) as model, \
                model.trainer(ids, steps=10**9, seq_length=T, batch_size=B, lr=2e-3, optimizer="adam",
                              clip_norm=5.0, validation_fraction=0.0, eval_every=0) as trainer:
            elapsed, loss = time_updates(trainer.step, n)
        result["training"][name] = {"tokens_per_s": T * B * n / elapsed, "updates": n, "seconds": elapsed, "loss": loss}
        print(f"  ours/{threads} {name}: {T * B * n / elapsed:,.0f} tokens/s", file=sys.stderr)

    # Sampling: the engine's generator (rnn_generator_generate) runs step, softmax and the draw of
    # every token in native code, which is how RnnNative is meant to sample; per-token latency is
    # the time of n tokens / n (generator creation included, amortized).
    # Each size twice: float32 step weights (the default) and bfloat16 ones (Model.step_precision).
    count = SAMPLED_TOKENS[1] if quick else SAMPLED_TOKENS[0]
    known = getattr(getattr(rnnnative, "_api", None), "_PRECISIONS", ("f32", "bf16"))
    precisions = [p for p in PRECISIONS if p in known]  # an older binding (A/B) may lack int8
    for precision in precisions:
        result["sampling"][precision] = {}
        for name, cell, hidden in SAMPLING:
            if cell not in cells:
                continue
            with new_model(cell, hidden) as model:
                model.step_precision = precision
                model.sample(n=200, temperature=1.0, seed=1)  # warm-up
                best = float("inf")
                for repeat in range(3):
                    start = time.perf_counter()
                    text = model.sample(n=count, temperature=1.0, seed=repeat)
                    best = min(best, time.perf_counter() - start)
                assert len(text) == count, len(text)
            result["sampling"][precision][name] = {"us_per_token": best / count * 1e6, "tokens": count}
            print(f"  ours/{threads} sampling {name} {precision}: {best / count * 1e6:.1f} us/token", file=sys.stderr)

    # Batched serving: Model.sample_many, one (empty) prompt per stream, every stream n tokens (no
    # stop), best of 3 runs after a warm-up; tokens/s over all streams. Absent before 0.6.0.
    if hasattr(Model, "sample_many"):
        for precision in precisions:
            result["batched"][precision] = {}
            for name, cell, hidden, streams, steps in BATCHED:
                if cell not in cells:
                    continue
                n = steps[1] if quick else steps[0]
                with new_model(cell, hidden) as model:
                    model.step_precision = precision
                    model.sample_many([""] * streams, n=20, seed=1)  # warm-up
                    best = float("inf")
                    for repeat in range(3):
                        start = time.perf_counter()
                        texts = model.sample_many([""] * streams, n=n, seed=repeat)
                        best = min(best, time.perf_counter() - start)
                    assert all(len(t) == n for t in texts), [len(t) for t in texts]
                result["batched"][precision][name] = {"tokens_per_s": streams * n / best, "steps": n}
                print(f"  ours/{threads} sampling {name} {precision}: {streams * n / best:,.0f} tokens/s", file=sys.stderr)
    return result


# ------------------------------------------------------------------------------------------------
# PyTorch
# ------------------------------------------------------------------------------------------------

def run_torch(threads, quick):
    import torch
    torch.set_num_threads(threads)  # before any other torch work
    import torch.nn.functional as F
    sys.path.insert(0, str(ROOT / "bindings" / "python" / "tests"))
    from charrnn_torch import CharRnn

    torch.manual_seed(1)
    data = torch.tensor(corpus_ids(), dtype=torch.long)
    result = {"version": torch.__version__, "threads": torch.get_num_threads(), "training": {}, "sampling": {}}

    for name, cell, hidden, T, B, updates in TRAINING:
        n = updates[1] if quick else updates[0]
        model = CharRnn(VOCAB, hidden, hidden, num_layers=2, cell=TORCH_CELLS[cell])
        optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
        length = (len(data) - 1) // B
        inputs = data[:length * B].view(B, length).t().contiguous()           # [length, B], B streams
        targets = data[1:length * B + 1].view(B, length).t().contiguous()
        state, position = None, 0

        def update():
            nonlocal state, position
            if position + T > length:
                state, position = None, 0
            x, y = inputs[position:position + T], targets[position:position + T]   # [T, B]
            position += T
            logits, state = model(x, state)
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            loss = F.cross_entropy(logits.view(-1, VOCAB), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            return loss.item()

        elapsed, loss = time_updates(update, n)
        result["training"][name] = {"tokens_per_s": T * B * n / elapsed, "updates": n, "seconds": elapsed, "loss": loss}
        print(f"  torch/{threads} {name}: {T * B * n / elapsed:,.0f} tokens/s", file=sys.stderr)

    count = SAMPLED_TOKENS[1] if quick else SAMPLED_TOKENS[0]
    for name, cell, hidden in SAMPLING:
        model = CharRnn(VOCAB, hidden, hidden, num_layers=2, cell=TORCH_CELLS[cell]).eval()

        def sample(n):
            token, state = torch.zeros((1, 1), dtype=torch.long), None
            with torch.no_grad():
                for _ in range(n):
                    logits, state = model(token, state)                   # one step, [1, 1, V]
                    probabilities = torch.softmax(logits[0, 0], dim=-1)
                    token = torch.multinomial(probabilities, 1).view(1, 1)

        sample(200)  # warm-up
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            sample(count)
            best = min(best, time.perf_counter() - start)
        result["sampling"][name] = {"us_per_token": best / count * 1e6, "tokens": count}
        print(f"  torch/{threads} sampling {name}: {best / count * 1e6:.1f} us/token", file=sys.stderr)

    result["gemm"] = {}  # torch.mm at the same shapes, for information
    for shape in GEMM:
        a, b = operands(torch, shape)
        result["gemm"][shape] = time_gemm(lambda: torch.mm(a, b), shape, 0.3 if quick else 1.0)
    result["blas"] = blas_info()
    return result


# ------------------------------------------------------------------------------------------------
# SGEMM: numpy
# ------------------------------------------------------------------------------------------------

def operands(lib, shape):
    """The two operands of a product as the LSTM stores them (transposed views where it uses op(X)^T)."""
    m, n, k = (int(v) for v in shape.split("x"))
    if lib.__name__ == "torch":
        rand = lambda *s: lib.rand(*s, dtype=lib.float32) * 2 - 1
    else:
        rng = lib.random.default_rng(42)
        rand = lambda *s: (rng.random(s, dtype=lib.float32) * 2 - 1)
    if shape in ("3200x2048x512", "32x2048x512"):
        return rand(m, k), rand(n, k).T        # x W^T, W stored [4H, H]
    if shape == "2048x512x3200":
        return rand(k, m).T, rand(k, n)        # dGates^T x
    return rand(m, k), rand(k, n)              # dGates W


def time_gemm(run, shape, seconds):
    """Best time of one product over repeats filling ~`seconds` (one warm-up call first), as GFLOP/s."""
    m, n, k = (int(v) for v in shape.split("x"))
    start = time.perf_counter()
    run()
    first = time.perf_counter() - start
    best, spent = first, 0.0
    if first < seconds:
        while spent < seconds:
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
            best, spent = min(best, elapsed), spent + elapsed
    return 2.0 * m * n * k / best / 1e9


def blas_info():
    """Which BLAS library numpy loaded, and OpenBLAS's core and threads when it is OpenBLAS."""
    import ctypes
    libraries = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower() and ".so" in line})
    info = {"libraries": libraries}
    for path in libraries:
        try:
            lib = ctypes.CDLL(path)
            get_core = getattr(lib, "openblas_get_corename", None) or getattr(lib, "scipy_openblas_get_corename64_", None)
            if get_core is None:
                continue
            get_core.restype = ctypes.c_char_p
            info["openblas_core"] = get_core().decode()
            info["openblas_threads"] = lib.openblas_get_num_threads()
            config = getattr(lib, "openblas_get_config")
            config.restype = ctypes.c_char_p
            info["openblas_config"] = config().decode()
        except (OSError, AttributeError):
            pass
    if not any("openblas" in p for p in libraries):
        info["note"] = "not OpenBLAS: " + ", ".join(os.path.realpath(p) for p in libraries)
    return info


def run_numpy(quick):
    import numpy as np
    result = {"version": np.__version__, "gemm": {}}
    for shape in GEMM:
        a, b = operands(np, shape)
        result["gemm"][shape] = time_gemm(lambda: np.matmul(a, b), shape, 0.3 if quick else 1.0)
        print(f"  numpy {shape}: {result['gemm'][shape]:.2f} GFLOP/s", file=sys.stderr)
    result["blas"] = blas_info()
    return result


# ------------------------------------------------------------------------------------------------
# Orchestration and report
# ------------------------------------------------------------------------------------------------

def child(args, env=None, script=None):
    """Runs `script` (default: this file) with `args` in its own process; its stdout is JSON."""
    out = subprocess.run([sys.executable, str(script or Path(__file__))] + args, check=True, stdout=subprocess.PIPE, env=env, text=True)
    return json.loads(out.stdout)


def blas_env():
    """The environment of the PyTorch and numpy processes: the BLAS run.sh chose (COMPARE_BLAS_DIR:
    OpenBLAS when the system BLAS is the reference one), without the OpenBLAS tuning variables that
    slow current builds."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if os.environ.get("COMPARE_BLAS_DIR"):
        env["LD_LIBRARY_PATH"] = os.environ["COMPARE_BLAS_DIR"] + os.pathsep + env.get("LD_LIBRARY_PATH", "")
    return env


def torch_env(env, threads):
    """PyTorch's OpenMP threads and OpenBLAS's own pthreads add up: with 2 of each on 2 cores training
    runs 3-5x slower, so torch.set_num_threads(2) gets a 1-thread OpenBLAS."""
    return dict(env, OPENBLAS_NUM_THREADS=str(max(1, os.cpu_count() // threads)))


def dotnet_probe(name, args, build=True):
    """Builds (unless `build` is false: built before) and runs the C# probe project HERE/name
    (GemmProbe, TaggingProbe, PeersProbe) with `args`; its last stdout line is JSON."""
    project = HERE / name
    if build:
        subprocess.run(["dotnet", "build", str(project), "-c", "Release", "--nologo", "-v", "q"], check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["dotnet", "run", "--no-build", "-c", "Release", "--project", str(project), "--"] + args,
                         check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def gemm_probe(quick):
    return dotnet_probe("GemmProbe", ["0.5" if quick else "2"])


# ------------------------------------------------------------------------------------------------
# The strongest peers: libtorch 2.10 (TorchSharp) and ONNX Runtime 1.32, in PeersProbe
# ------------------------------------------------------------------------------------------------

def peers_spec(quick):
    """The rows as PeersProbe reads them (PeersProbe/Spec.cs)."""
    pick = 1 if quick else 0
    training = [dict(name=name, cell=cell, hidden=hidden, steps=T, batch=B, updates=updates[pick])
                for name, cell, hidden, T, B, updates in TRAINING]
    sampling = [dict(name=name, cell=cell, hidden=hidden, batch=1, tokens=SAMPLED_TOKENS[pick]) for name, cell, hidden in SAMPLING]
    sampling += [dict(name=name, cell=cell, hidden=hidden, batch=streams, tokens=steps[pick])
                 for name, cell, hidden, streams, steps in BATCHED]
    return json.dumps({"vocab": VOCAB, "layers": 2, "training": training, "sampling": sampling})


def run_peers(quick):
    """{"libtorch": {threads: result}, "onnxruntime": {threads: result}}. ONNX Runtime steps the
    models export_onnx.py writes into out/onnx (PyTorch 1.13's torch.onnx.export)."""
    models = ROOT / "out" / "onnx"
    names = sorted({f"{cell}-{hidden}" for _, cell, hidden in SAMPLING} | {f"{r[1]}-{r[2]}" for r in BATCHED})
    subprocess.run([sys.executable, str(HERE / "export_onnx.py"), str(models)] + names, check=True)
    spec = peers_spec(quick)
    runs = {peer: {} for peer in PEERS}
    for threads in TORCH_THREADS:
        print(f"libtorch (TorchSharp), torch.set_num_threads({threads})", file=sys.stderr)
        runs["libtorch"][threads] = dotnet_probe("PeersProbe", ["torch", str(threads), spec])
        print(f"ONNX Runtime, {threads} intra-op threads", file=sys.stderr)
        runs["onnxruntime"][threads] = dotnet_probe("PeersProbe", ["ort", str(threads), spec, str(models)], build=False)
    return runs


def describe(blas):
    if "openblas_core" in blas:
        return f"{blas['openblas_config']}, core {blas['openblas_core']}, {blas['openblas_threads']} threads"
    return blas.get("note", "none loaded")


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def cpu_second_figures(peers):
    """The 1-thread peers per second of their own CPU time: close to what they do on a quiet core, so
    a figure taken under load can be told from a slow harness."""
    libtorch, ort = peers["libtorch"][1], peers["onnxruntime"][1]
    training = ", ".join(f"{name.split(' T=')[0]} {r['tokens_per_s'] * r['seconds'] / r['cpu_seconds']:,.0f}"
                         for name, r in libtorch["training"].items())
    sampling = ", ".join(f"{name} {r['cpu_seconds'] / r['tokens'] * 1e6:.1f}" for name, r in ort["sampling"].items())
    return (f"Per CPU second, 1 thread: libtorch trains {training} tokens/s; ONNX Runtime samples {sampling} "
            "CPU us per step.")


def markdown_table(header, rows):
    return "\n".join("| " + " | ".join(r) + " |" for r in [header, ["---"] * len(header), *rows])


def scaling_table(ours_runs, peers):
    """Section 5 of issue 17: every row with 1 and 2 threads, ours (float32 step weights) and each peer,
    and the speed-up of 2 threads over 1."""
    sides = {"RnnNative": ours_runs, **peers}

    def figure(side, run, kind, name):
        """One row's result in one run: ours keeps sampling per precision, batched apart; the peers one list."""
        if kind == "training":
            return run["training"].get(name)
        if side == "RnnNative":
            return run["batched" if kind == "batched" else "sampling"].get("f32", {}).get(name)
        return run["sampling"].get(name)

    rows = []
    specs = ([("training", name, "tokens_per_s", True, f"train {name} (tokens/s)") for name, *_ in TRAINING]
             + [("sampling", name, "us_per_token", False, f"sample {name} batch 1 (us/token)") for name, *_ in SAMPLING]
             + [("batched", name, "tokens_per_s", True, f"sample {name} (tokens/s)") for name, *_ in BATCHED])
    for kind, name, key, higher, label in specs:
        cells = []
        for side, runs in sides.items():
            one, two = (figure(side, runs[t], kind, name) for t in (1, 2))
            if one is None or two is None:
                cells.append("-")
                continue
            speedup = two[key] / one[key] if higher else one[key] / two[key]
            fmt = "{:,.0f}" if higher else "{:.1f}"
            cells.append(f"{fmt.format(one[key])} / {fmt.format(two[key])}: {speedup:.2f}x")
        rows.append([label, *cells])
    header = ["row (1 thread / 2 threads: speed-up)", "RnnNative", "PyTorch", "libtorch", "ONNX Runtime"]
    return markdown_table(header, rows)


def flops_table(ours_runs, probe):
    """GFLOP/s a whole training update sustains (training_flops x updates/s), and its share of the FMA
    peak GemmProbe measured for the same kernel path and thread count."""
    kernel = ours_runs[2]["kernel"]
    peaks = probe.get("peak", {}).get(kernel, {})
    rows = []
    for name, cell, hidden, T, B, _ in TRAINING:
        flops = training_flops(cell, hidden, T, B)
        cells = []
        for threads in ENGINE_THREADS:
            gflops = flops / (T * B) * ours_runs[threads]["training"][name]["tokens_per_s"] / 1e9
            peak = peaks.get(str(threads))
            cells.append(f"{gflops:.0f}" + (f" ({gflops / peak:.0%} of {peak:.0f})" if peak else ""))
        rows.append([f"train {name}", f"{flops / 1e9:.2f}", *cells])
    header = ["row", "GFLOP per update", *(f"GFLOP/s, {t} thread{'s' if t > 1 else ''} (share of the FMA peak, kernel {kernel})" for t in ENGINE_THREADS)]
    return markdown_table(header, rows)


def best_of(a, b):
    """Two rounds' results of one side merged row by row: each row (a dict with the row's figure) from the round that
    did better on it, so a burst of load on a shared host costs the round it hit, not the side. Other values: a's."""
    if isinstance(a, dict) and isinstance(b, dict):
        if "tokens_per_s" in a:
            return a if a["tokens_per_s"] >= b["tokens_per_s"] else b
        if "us_per_token" in a:
            return a if a["us_per_token"] <= b["us_per_token"] else b
        return {key: best_of(value, b[key]) if key in b else value for key, value in a.items()}
    return a


def measure_round(quick, env):
    """One round of every side's runs: (ours, PyTorch, libtorch and ONNX Runtime), each {threads: result}."""
    ours_runs = {}
    for threads in ENGINE_THREADS:
        print(f"RnnNative (Python binding, {threads} engine threads)", file=sys.stderr)
        ours_runs[threads] = child(["ours", "--threads", str(threads)] + (["--quick"] if quick else []))
    torch_runs = {}
    for threads in TORCH_THREADS:
        print(f"PyTorch, torch.set_num_threads({threads})", file=sys.stderr)
        torch_runs[threads] = child(["torch", "--threads", str(threads)] + (["--quick"] if quick else []), env=torch_env(env, threads))
    return ours_runs, {"torch": torch_runs, **run_peers(quick)}   # peer -> {threads: result}


def orchestrate(quick, rounds, command):
    # The load before run.sh built anything (its builds and 2-thread rows raise the average themselves), else now.
    load_before = tuple(map(float, os.environ["RNN_BENCH_LOAD_BEFORE"].split())) if os.environ.get("RNN_BENCH_LOAD_BEFORE") else os.getloadavg()
    started = time.perf_counter()
    env = blas_env()
    ours_runs, peers = measure_round(quick, env)
    for round_number in range(2, rounds + 1):
        print(f"Round {round_number} of {rounds}", file=sys.stderr)
        more_ours, more_peers = measure_round(quick, env)
        ours_runs = {threads: best_of(run, more_ours[threads]) for threads, run in ours_runs.items()}
        peers = {peer: {threads: best_of(run, more_peers[peer][threads]) for threads, run in runs.items()} for peer, runs in peers.items()}
    torch_runs = peers["torch"]
    print("numpy (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)", file=sys.stderr)
    numpy_run = child(["numpy"] + (["--quick"] if quick else []), env=env)
    print("RnnNative GemmProbe (dotnet run -c Release)", file=sys.stderr)
    probe = gemm_probe(quick)
    load_after = os.getloadavg()
    ours = ours_runs[2]

    def setting(runs, kind, name, key, higher, precision=None):
        """(value, threads) of the better thread setting of `runs` on one row, or None."""
        found = [((run[kind][precision] if precision else run[kind])[name][key], threads) for threads, run in runs.items()
                 if name in (run[kind].get(precision, {}) if precision else run[kind])]
        return (max if higher else min)(found) if found else None

    def peer_cells(kind, name, key, higher, fmt):
        """Each peer's better thread setting on one row, as table cells ("-": the peer has no such
        row; "*": the best peer), and the best peer's value."""
        values = {peer: setting(runs, kind, name, key, higher) for peer, runs in peers.items()}
        best = (max if higher else min)((p for p in values if values[p]), key=lambda p: values[p][0])
        cells = ["-" if v is None else f"{fmt.format(v[0])} ({v[1]}T)" + (" *" if p == best else "") for p, v in values.items()]
        return cells, values[best][0]

    rows = []  # (workload, ours, peer cells, unit, ratio against the best peer, target); ours at its better thread setting too
    for name, cell, hidden, *_ in TRAINING:
        cells, best = peer_cells("training", name, "tokens_per_s", True, "{:,.0f}")
        o, t = setting(ours_runs, "training", name, "tokens_per_s", True)
        rows.append((f"train {name}", f"{o:,.0f} ({t}T)", cells, "tokens/s", o / best, TRAINING_TARGET))
    for precision in PRECISIONS:
        for name, *_ in SAMPLING:
            cells, best = peer_cells("sampling", name, "us_per_token", False, "{:.1f}")
            o, t = setting(ours_runs, "sampling", name, "us_per_token", False, precision)
            rows.append((f"sample {name} V=65 batch 1, {precision} weights", f"{o:.1f} ({t}T)", cells, "us/token", best / o,
                         SAMPLING_TARGETS[precision]))
    for precision in PRECISIONS:
        for name, *_ in BATCHED:
            cells, best = peer_cells("sampling", name, "tokens_per_s", True, "{:,.0f}")
            found = setting(ours_runs, "batched", name, "tokens_per_s", True, precision)
            rows.append((f"sample {name} V=65, {precision} weights", f"{found[0]:,.0f} ({found[1]}T)" if found else "-", cells,
                         "tokens/s", found[0] / best if found else None, BATCHED_TARGET))
    for shape in GEMM:
        o, t = probe["gflops"][shape], numpy_run["gemm"][shape]
        rows.append((f"SGEMM {shape}", f"{o:.1f}", [f"{t:.1f}", "-", "-"], "GFLOP/s", o / t, 1.0))

    versions = {peer: runs[1]["version"] for peer, runs in peers.items()}
    header = ["workload", "RnnNative", f"PyTorch {versions['torch']} / numpy", f"libtorch {versions['libtorch']}",
              f"ONNX Runtime {versions['onnxruntime']}", "unit", "vs best peer (>1: we are faster)", "target", "met"]
    table = [header, ["---"] * len(header)]
    for workload, o, cells, unit, ratio, target in rows:
        measured = ratio is not None
        table.append([workload, o, *cells, unit, f"{ratio:.2f}x" if measured else "-", f">= {target:g}x" if measured else "-",
                      ("yes" if ratio >= target else "NO") if measured else "-"])
    markdown = "\n".join("| " + " | ".join(r) + " |" for r in table)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    plain = "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in table if r[0] != "---")
    scaling = scaling_table(ours_runs, peers)
    flops = flops_table(ours_runs, probe)

    torch_gemm = ", ".join(f"{s} {max(torch_runs[t]['gemm'][s] for t in TORCH_THREADS):.1f}" for s in GEMM)
    blas = numpy_run["blas"]
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    # The average after the run counts the run's own threads (about 2 on 2 cores): only the load before it says whether
    # something else had the cores.
    loaded = load_before[0] > LOADED
    notes = [
        *([f"**Taken under load** (load average above {LOADED:g} on {os.cpu_count()} cores before the run): the figures are not representative; "
           "the 1-thread peers' figures per CPU second (below) show how much of it was the load.", ""] if loaded else []),
        f"Command: `{command}`  ",
        f"Date: {date}; CPU: {cpu_name()}, {os.cpu_count()} logical cores; load average (1/5/15 min) "
        f"{load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f} before, "
        f"{load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} after (this run's own threads included); "
        f"{'quick' if quick else 'full'} mode, {rounds} round{'s' if rounds > 1 else ''}"
        + (" (every side measured in each, rounds interleaved; each row keeps each side's best)" if rounds > 1 else "")
        + f", {time.perf_counter() - started:.0f} s.",
        "",
        f"RnnNative {ours['version']} ({ours['flavour']}, kernel {ours['kernel']}), through the Python binding with "
        "1 and 2 engine threads (`rnnnative.set_threads`), each row its better setting, shown as (1T)/(2T) like the peers'; "
        f"SGEMM from bench/compare/GemmProbe (kernel {probe['path']}, {probe['threads']} threads). "
        f"PyTorch {torch_runs[1]['version']} (BLAS: {describe(torch_runs[1]['blas'])}): each row takes the better of torch.set_num_threads(1) and (2), "
        "shown as (1T)/(2T); OpenBLAS threads: "
        + ", ".join(f"{torch_runs[t]['blas'].get('openblas_threads', '-')} with {t}T" for t in TORCH_THREADS) + ". "
        f"numpy {numpy_run['version']}, np.matmul float32, BLAS: {describe(blas)}. "
        f"libtorch {versions['libtorch']} through TorchSharp (bench/compare/PeersProbe, torch.set_num_threads(1) and (2)) and "
        f"ONNX Runtime {versions['onnxruntime']} (1 and 2 intra-op threads, IOBinding over preallocated buffers, the LSTM and GRU "
        "exported from PyTorch by export_onnx.py): each row takes a peer's better setting; * marks the best peer of the row, "
        "against which the ratio is taken.",
        "",
        cpu_second_figures(peers),
        "",
        "Training: 2 layers, embedding = hidden, vocabulary 65, random tokens, Adam lr 2e-3, global-norm clip 5, "
        "hidden state carried across windows; tokens/s = T*B*updates / time of the timed updates after a warm-up. "
        "Sampling: per token, batch 1, temperature 1 (step, softmax, draw): RnnNative's generator (`Model.sample`, "
        "the loop in native code) against a Python loop of CharRnn step + torch.softmax + torch.multinomial "
        "under no_grad (float32), and, for libtorch and ONNX Runtime, a C# loop of their step with the softmax and "
        "draw in C# (as RnnNative's generator does them natively); best of 3 runs. Batched rows step 64 streams together "
        "(tokens/s over all streams; RnnNative: `Model.sample_many` with 64 prompts, the generator stepping them as one batch). "
        "RnnNative's rows name the weights its steps stream: float32 (default), bfloat16 or int8 copies "
        "(`Model.step_precision`; cost on a trained model: `rnn eval --precision bf16|int8`, see README). SGEMM: best call, both threads; `32x2048x512` is unpacked (the engine packs "
        f"W_hh once per window: {probe['gflops']['32x2048x512 packed']:.1f} GFLOP/s). "
        f"torch.mm for information, GFLOP/s: {torch_gemm}.",
    ]
    report = ("# RnnNative vs PyTorch, libtorch, ONNX Runtime and numpy\n\n" + markdown + "\n\n" + "\n".join(notes) + "\n\n"
              "## Threads: 1 and 2 (issue 17 section 5)\n\n" + scaling + "\n\n"
              "## What a training update sustains\n\n" + flops + "\n\n" + training_flops.__doc__.strip().replace("\n    ", "\n") + "\n")
    (HERE / "results.md").write_text(report)
    print(plain)
    print()
    print(scaling)
    print()
    print(flops)
    print()
    print(f"Targets against the best peer of the row: training >= {TRAINING_TARGET:g}x; batch-1 sampling >= "
          + ", ".join(f"{t:g}x with {p} weights" for p, t in SAMPLING_TARGETS.items())
          + f"; batched sampling >= {BATCHED_TARGET:g}x; SGEMM >= numpy.")
    print(f"Written to {HERE / 'results.md'}")


# ------------------------------------------------------------------------------------------------
# A/B: this checkout's RnnNative against another's (a previous version)
# ------------------------------------------------------------------------------------------------

def ab(old_binding, repeats, quick, cells):
    """`repeats` runs of `ours` per side, alternating old/new and flipping the order every round
    (old new new old ...) so a drift in the machine's load hits both sides alike; per row the
    median of each side and new/old as a speed ratio (> 1: the new version is faster)."""
    bindings = {"old": Path(old_binding).resolve(), "new": ROOT / "bindings" / "python"}
    load_before = os.getloadavg()
    runs = {"old": [], "new": []}
    for round_ in range(repeats):
        for side in ("old", "new") if round_ % 2 == 0 else ("new", "old"):
            print(f"round {round_ + 1}/{repeats}: {side} ({bindings[side]})", file=sys.stderr)
            runs[side].append(child(["ours", "--cells", ",".join(cells), "--binding", str(bindings[side])]
                                    + (["--quick"] if quick else [])))
    load_after = os.getloadavg()

    def rows(run):  # (row, value, higher is better)
        yield from ((f"train {name}", v["tokens_per_s"], True) for name, v in run["training"].items())
        for precision, sizes in run["sampling"].items():
            yield from ((f"sample {name} {precision}", v["us_per_token"], False) for name, v in sizes.items())

    # Rows both versions measured, in the new run's order.
    old_rows = {name for name, _, _ in rows(runs["old"][0])}
    names = [(name, higher) for name, _, higher in rows(runs["new"][0]) if name in old_rows]
    values = {side: [{name: value for name, value, _ in rows(run)} for run in runs[side]] for side in runs}
    table = [["row", "unit", "old median", "new median", "new/old speed", "old runs", "new runs"]]
    for name, higher in names:
        old = [run[name] for run in values["old"]]
        new = [run[name] for run in values["new"]]
        old_median, new_median = statistics.median(old), statistics.median(new)
        speed = new_median / old_median if higher else old_median / new_median
        fmt = "{:,.0f}" if higher else "{:.1f}"
        table.append([name, "tokens/s" if higher else "us/token", fmt.format(old_median), fmt.format(new_median),
                      f"{speed:.3f}x", " ".join(fmt.format(v) for v in old), " ".join(fmt.format(v) for v in new)])
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for side in ("old", "new"):
        first = runs[side][0]
        print(f"{side}: RnnNative {first['version']} ({first['flavour']}, kernel {first['kernel']}), {first['library']}")
    print(f"{repeats} runs per side, interleaved, {'quick' if quick else 'full'} mode; CPU {cpu_name()}; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print("\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in table))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", default="all", choices=("all", "ours", "torch", "numpy", "ab"))
    parser.add_argument("--quick", action="store_true", help="fewer updates and tokens (noisier)")
    parser.add_argument("--rounds", type=int, default=1, help="all: measure every side this many times, interleaved, "
                        "and keep each side's best per row (default 1)")
    parser.add_argument("--threads", type=int, help="torch: torch.set_num_threads; ours: engine threads (default 2)")
    parser.add_argument("--cells", default=",".join(CELLS), help="ours, ab: the cells whose rows run (default: all)")
    parser.add_argument("--binding", default=str(ROOT / "bindings" / "python"),
                        help="ours: the folder holding the rnnnative package to load (default: this checkout's)")
    parser.add_argument("--old", help="ab: the other checkout's binding folder, e.g. ../old/bindings/python")
    parser.add_argument("--repeats", type=int, default=3, help="ab: runs per side (default 3)")
    args = parser.parse_args(argv)
    cells = args.cells.split(",")
    if any(cell not in CELLS for cell in cells):
        parser.error(f"--cells: expected names among {', '.join(CELLS)}")
    if args.mode == "ours":
        print(json.dumps(run_ours(args.quick, cells, args.binding, args.threads or 2)))
    elif args.mode == "torch":
        if args.threads is None:
            parser.error("torch needs --threads N")
        print(json.dumps(run_torch(args.threads, args.quick)))
    elif args.mode == "numpy":
        print(json.dumps(run_numpy(args.quick)))
    elif args.mode == "ab":
        if args.old is None:
            parser.error("ab needs --old DIR")
        ab(args.old, args.repeats, args.quick, cells)
    else:
        if args.rounds < 1:
            parser.error("--rounds: expected 1 or more")
        orchestrate(args.quick, args.rounds, os.environ.get("COMPARE_COMMAND", "bench/compare/run.sh" + "".join(" " + a for a in argv)))


if __name__ == "__main__":
    main(sys.argv[1:])
