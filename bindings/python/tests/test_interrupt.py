"""Ctrl-C during train(): real SIGINTs at random moments, sent to a child interpreter. Every one must
stop training, leave a resumable checkpoint and raise KeyboardInterrupt (a SIGINT landing inside
the ctypes callback used to be swallowed: "Exception ignored on calling ctypes callback function")."""
import os
import random
import signal
import subprocess
import sys
import time

from conftest import TEXT, python_env

# One interpreter, many train() calls: each prints "training" after its first update and waits for
# the SIGINT; the KeyboardInterrupt must reach it, the checkpoint must resume. A tiny model makes
# updates short, so most signals land while Python code (the callback) runs.
ROUNDS_CHILD = """
import sys
from pathlib import Path
from rnnnative import Model, Trainer, Vocabulary
text, checkpoint, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
vocab = Vocabulary.from_text(text)
options = dict(seconds=60, seq_length=8, batch_size=2, eval_every=0)
for round in range(rounds):
    checkpoint.unlink(missing_ok=True)
    model = Model.lstm(vocab, hidden=8, embedding=4, seed=round)
    reports = []
    def report(p):
        reports.append(p.step)
        if len(reports) == 1:
            print("training", flush=True)
    try:
        model.train(text, progress=False, callback=report, checkpoint=checkpoint, **options)
        print("train() returned normally", flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        pass
    with Model.load(checkpoint) as saved, Trainer(saved, text, **options) as trainer:
        trainer.resume(checkpoint)
        trainer.step()  # the update after the saved ones
        print("interrupted", trainer.progress().step - 1, reports[-1], flush=True)
"""

WHOLE_CHILD = """
import sys
from rnnnative import Model, Vocabulary
text = sys.argv[1]
model = Model.lstm(Vocabulary.from_text(text), hidden=8, embedding=4)
model.train(text, seconds=60, seq_length=8, batch_size=2, eval_every=0, progress=False,
            callback=lambda p: p.step == 1 and print("training", flush=True), checkpoint=sys.argv[2])
"""


def start(code, *args):
    return subprocess.Popen([sys.executable, "-c", code, TEXT, *map(str, args)], env=python_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_every_sigint_during_train_raises_keyboard_interrupt_after_saving_a_resumable_checkpoint(tmp_path):
    rounds, rng = 20, random.Random(13)
    child = start(ROUNDS_CHILD, tmp_path / "run.rnn", rounds)
    try:
        for round in range(rounds):
            line = child.stdout.readline()
            assert line == "training\n", (round, line, child.stderr.read() if line == "" else "")
            # random moments inside the training loop: within an update, in the callback, around it
            time.sleep(rng.uniform(0.0, 0.05))
            child.send_signal(signal.SIGINT)
            line = child.stdout.readline()
            assert line.startswith("interrupted "), (round, line, child.stderr.read() if line != "" else "")
            saved_step, last_reported = map(int, line.split()[1:])
            # the checkpoint holds the state after the update that was running: none is lost or extra
            assert saved_step >= 1 and saved_step == last_reported, (round, line)
        assert child.wait(timeout=30) == 0
        stderr = child.stderr.read()
        assert "Exception ignored" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    finally:
        child.kill()
        child.wait()


def test_sigint_ends_a_script_with_keyboard_interrupt_and_the_checkpoint(tmp_path):
    checkpoint = tmp_path / "run.rnn"
    child = start(WHOLE_CHILD, checkpoint)
    try:
        assert child.stdout.readline() == "training\n"
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == -signal.SIGINT  # Python's exit for an unhandled KeyboardInterrupt
    assert stderr.rstrip().endswith("KeyboardInterrupt") and "Exception ignored" not in stderr, stderr
    assert checkpoint.is_file()
