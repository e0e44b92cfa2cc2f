"""GRURegressor against a hand-written PyTorch loop and skorch's NeuralNetRegressor.

All three train the same network (``nn.GRU`` -> ``nn.Linear`` on the last hidden
state, MSE, Adam, same learning rate and batch size) on the same standardized
target for the same fixed number of epochs, in one process, so they share one
``torch.get_num_threads()``. Runs are interleaved (the order rotates every round)
and each ratio is the median of the per-round ratios, which keeps load from other
processes on a shared machine out of the comparison.

Run from the repository root::

    python benchmarks/bench_regressor.py                  # full, CPU
    python benchmarks/bench_regressor.py --quick          # smoke run, about a minute
    python benchmarks/bench_regressor.py --device cuda    # on a GPU

Targets (from the issue): on CPU, fit within 1.05x of the raw loop and faster than
skorch, predict on the small case at least 2x faster than skorch; on CUDA, fit within
1.10x of the raw loop and at least 1.8x faster than skorch.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import torch
from torch import nn

from skgru import GRURegressor

CONTENDERS = ("raw", "GRURegressor", "skorch")


class GRUModule(nn.Module):
    """nn.GRU encoder, linear head on the last hidden state (as skgru's network)."""

    def __init__(self, n_features=4, hidden_size=64):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x):
        _, final = self.gru(x)
        return self.head(final[-1])


def make_data(n_samples, n_steps, n_features, seed=0):
    """Random sequences and a standardized target that depends on their end."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_steps, n_features)).astype(np.float32)
    y = X[:, -4:, 0].sum(axis=1) - 0.5 * X[:, -2:, 1].sum(axis=1)
    y = y + 0.1 * rng.normal(size=n_samples)
    y = (y - y.mean()) / y.std()  # GRURegressor standardizes inside; give all three
    return X, y.astype(np.float32)  # the same already standardized target


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


# --- the three contenders: fit(X, y, cfg) -> model, predict(model, X) -> ndarray ----


def fit_raw(X, y, cfg):
    """The floor: data in one tensor, randperm + slicing, nothing else."""
    device = cfg["device"]
    torch.manual_seed(cfg["seed"])
    model = GRUModule(X.shape[2], cfg["hidden"]).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    inputs = torch.as_tensor(X, device=device)
    target = torch.as_tensor(y, device=device)[:, None]
    n, batch = len(inputs), cfg["batch"]
    model.train()
    for _ in range(cfg["epochs"]):
        order = torch.randperm(n, device=device)
        total = torch.zeros((), device=device)
        for start in range(0, n, batch):
            index = order[start : start + batch]
            loss = nn.functional.mse_loss(model(inputs[index]), target[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.detach()
        float(total)  # one read-back per epoch, as GRURegressor does
    return model


def predict_raw(model, X, device):
    model.eval()
    with torch.inference_mode():
        inputs = torch.as_tensor(X, device=device)
        # CPU GRU kernels run fastest at about 1k rows (a whole 20k batch is ~3x
        # slower per row); a GPU wants the largest chunks.
        chunk = 8192 if device.type == "cuda" else 1024
        chunks = [model(inputs[i : i + chunk]) for i in range(0, len(inputs), chunk)]
        return torch.cat(chunks).cpu().numpy().ravel()


def fit_gru_regressor(X, y, cfg):
    model = GRURegressor(
        hidden_size=cfg["hidden"],
        batch_size=cfg["batch"],
        learning_rate=cfg["lr"],
        optimizer="adam",
        max_epochs=cfg["epochs"],
        tol=0.0,
        n_iter_no_change=10**9,  # run exactly max_epochs
        early_stopping=False,  # the same work as the others: no validation split
        # "none" feeds the sequences as they are, as the others do; "sequence"
        # (the default) adds per-sequence channels and head inputs.
        normalization=cfg["normalization"],
        # the same single network as the others (the default averages three)
        ensemble_size=1,
        device=str(cfg["device"]),
        random_state=cfg["seed"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: expected here
        model.fit(X, y)
    assert model.n_iter_ == cfg["epochs"], model.n_iter_
    return model


def predict_gru_regressor(model, X, device):
    return model.predict(X)


def fit_skorch(X, y, cfg):
    from skorch import NeuralNetRegressor

    torch.manual_seed(cfg["seed"])
    model = NeuralNetRegressor(
        GRUModule,
        module__n_features=X.shape[2],
        module__hidden_size=cfg["hidden"],
        criterion=nn.MSELoss,
        optimizer=torch.optim.Adam,
        lr=cfg["lr"],
        max_epochs=cfg["epochs"],
        batch_size=cfg["batch"],
        train_split=None,
        iterator_train__shuffle=True,
        device=str(cfg["device"]),
        verbose=0,
    )
    model.fit(X, y[:, None])
    assert len(model.history) == cfg["epochs"]
    return model


def predict_skorch(model, X, device):
    return model.predict(X).ravel()


FIT = {"raw": fit_raw, "GRURegressor": fit_gru_regressor, "skorch": fit_skorch}
PREDICT = {
    "raw": predict_raw,
    "GRURegressor": predict_gru_regressor,
    "skorch": predict_skorch,
}


def threads_seen_in_forward(X, y, cfg):
    """torch.get_num_threads() as seen inside each contender's forward passes.

    A global forward pre-hook records the thread count while each contender trains
    one epoch, so a library that changed it inside ``fit`` would show up here. The
    hook stays off during the timed runs.
    """
    seen = {}
    current = []

    def hook(module, args):
        current.append(torch.get_num_threads())

    handle = nn.modules.module.register_module_forward_pre_hook(hook)
    try:
        for name in CONTENDERS:
            current.clear()
            model = FIT[name](X[:1024], y[:1024], {**cfg, "epochs": 1})
            PREDICT[name](model, X[:300], cfg["device"])
            seen[name] = sorted(set(current))
    finally:
        handle.remove()
    return seen


def measure(device, fn, *args):
    """(wall seconds, process CPU seconds, result) of ``fn(*args)``."""
    synchronize(device)
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    synchronize(device)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def bench_case(label, X, y, cfg, repeats, predict_calls, latency_rows=16):
    """Interleaved timings: ``times[contender][measure]`` lists of (wall, cpu).

    Measures: "fit" (seconds per epoch), "predict" (seconds per call on all of
    ``X``), "latency" (seconds per call on ``latency_rows`` rows).
    """
    device = cfg["device"]
    times = {name: {"fit": [], "predict": [], "latency": []} for name in CONTENDERS}
    for name in CONTENDERS:  # warm-up: allocator, oneDNN/cuDNN kernels, imports
        model = FIT[name](X[:2048], y[:2048], {**cfg, "epochs": 1})
        PREDICT[name](model, X, device)
    few = X[:latency_rows]
    latency_calls = 5 * predict_calls

    def predict_many(name, model, data, calls):
        for _ in range(calls):
            prediction = PREDICT[name](model, data, device)
        return prediction

    r2 = {}
    for round_ in range(repeats):
        shift = round_ % len(CONTENDERS)
        for name in CONTENDERS[shift:] + CONTENDERS[:shift]:
            wall, cpu, model = measure(device, FIT[name], X, y, cfg)
            times[name]["fit"].append((wall / cfg["epochs"], cpu / cfg["epochs"]))
            PREDICT[name](model, X, device)  # warm, unmeasured
            wall, cpu, prediction = measure(
                device, predict_many, name, model, X, predict_calls
            )
            times[name]["predict"].append((wall / predict_calls, cpu / predict_calls))
            wall, cpu, _ = measure(
                device, predict_many, name, model, few, latency_calls
            )
            times[name]["latency"].append((wall / latency_calls, cpu / latency_calls))
            if round_ == 0:  # same work: predictions of the same shape and quality
                assert prediction.shape == (len(X),), (name, prediction.shape)
                r2[name] = 1 - np.mean((prediction - y) ** 2) / np.var(y)
        print(
            f"  {label} round {round_ + 1}/{repeats}: fit s/epoch (wall, cpu) "
            + ", ".join(
                f"{n} {times[n]['fit'][-1][0]:.3f}, {times[n]['fit'][-1][1]:.3f}"
                for n in CONTENDERS
            ),
            file=sys.stderr,
            flush=True,
        )
    return times, r2


def paired_ratio(numerator, denominator, clock):
    """Median of the per-round ratios (rounds are interleaved, so load cancels)."""
    return statistics.median(
        a[clock] / b[clock] for a, b in zip(numerator, denominator, strict=True)
    )


def check(value, op, bound):
    met = value <= bound if op == "<=" else value >= bound
    return f"{op} {bound:g}: {'met' if met else 'MISSED'}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2, help="epochs per fit (large)")
    parser.add_argument(
        "--small-epochs",
        type=int,
        default=None,
        help="epochs per fit in the small case (default: 10 x --epochs)",
    )
    parser.add_argument("--repeats", type=int, default=6, help="interleaved rounds")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch.set_num_threads for all three (0: leave torch's default). "
        "Default 1: on a shared machine OpenMP busy-waiting makes more threads "
        "10-20x slower and the timings meaningless.",
    )
    parser.add_argument(
        "--normalization",
        default="none",
        choices=["none", "global", "sequence"],
        help="GRURegressor's normalization (default none: the same network input "
        "as the raw loop and skorch; sequence: the estimator's default)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: small data, 1 epoch, 2 rounds"
    )
    args = parser.parse_args(argv)

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda, but torch.cuda.is_available() is False")
    n_large, epochs, repeats = 20_000, args.epochs, args.repeats
    if args.quick:
        n_large, epochs, repeats = 4_000, 1, 2
    small_epochs = args.small_epochs or 10 * epochs

    base = {
        "batch": 128,
        "lr": 1e-3,
        "device": device,
        "seed": 0,
        "normalization": args.normalization,
    }
    cases = [
        (
            f"large ({n_large} x 32 x 4, hidden 64)",
            make_data(n_large, 32, 4, seed=0),
            {**base, "hidden": 64, "epochs": epochs},
            2,
        ),
        (
            "small (2000 x 32 x 4, hidden 16)",
            make_data(2_000, 32, 4, seed=1),
            {**base, "hidden": 16, "epochs": small_epochs},
            10,
        ),
    ]

    threads = torch.get_num_threads()
    seen = threads_seen_in_forward(*cases[1][1], {**base, "hidden": 16})
    for name, counts in seen.items():
        if counts != [threads]:
            raise RuntimeError(
                f"{name} ran its forward with {counts} threads, not {threads}"
            )

    import sklearn
    import skorch

    print("## bench_regressor\n")
    print(f"`{' '.join(['python', *sys.argv])}`\n")
    print(
        f"- device: {device}"
        + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "")
        + f"; os.cpu_count()={os.cpu_count()}, {platform.machine()}"
    )
    print(
        f"- torch {torch.__version__}, skorch {skorch.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )
    print(
        f"- torch.get_num_threads() = {threads} in all three (seen inside every "
        f"forward pass: {seen}); OMP_WAIT_POLICY="
        f"{os.environ.get('OMP_WAIT_POLICY')}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    print(
        f"- GRURegressor(normalization={args.normalization!r}, "
        "early_stopping=False)\n"
        f"- batch 128, Adam lr 1e-3, MSE on a standardized y; {repeats} interleaved "
        "rounds (order rotated each round). Times: medians of wall clock. Ratios: "
        "medians of the per-round time ratios, wall clock (process CPU time in "
        "brackets); > 1 means the numerator is slower.\n"
    )

    rows = []
    for label, (X, y), cfg, predict_calls in cases:
        times, r2 = bench_case(label, X, y, cfg, repeats, predict_calls)
        for metric in ("fit", "predict", "latency"):
            series = {n: times[n][metric] for n in CONTENDERS}
            med = {n: statistics.median(t[0] for t in series[n]) for n in CONTENDERS}
            pairs = (
                ("GRURegressor", "raw"),
                ("skorch", "raw"),
                ("skorch", "GRURegressor"),
            )
            ratios = [
                tuple(paired_ratio(series[a], series[b], c) for c in (0, 1))
                for a, b in pairs
            ]
            if metric == "fit":
                unit = f"fit s/epoch ({cfg['epochs']} epochs)"
                cells = [f"{med[n]:.3f}" for n in CONTENDERS]
            elif metric == "predict":
                unit = f"predict {len(X)} rows, ms (k rows/s)"
                cells = [
                    f"{1e3 * med[n]:.1f} ({len(X) / med[n] / 1e3:.0f})"
                    for n in CONTENDERS
                ]
            else:
                unit = "predict 16 rows, ms"
                cells = [f"{1e3 * med[n]:.2f}" for n in CONTENDERS]
            rows.append((label, metric, unit, cells, ratios, r2))

    print(
        "| case | measure | raw | GRURegressor | skorch | GRURegressor/raw "
        "| skorch/raw | skorch/GRURegressor |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, _, unit, cells, ratios, _ in rows:
        print(
            f"| {label.split(' (')[0]} | {unit} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(f"{w:.2f} ({c:.2f})" for w, c in ratios)
            + " |"
        )
    print("\nTraining-set R^2 after the first timed fit (the same work was done):")
    for label, metric, *_, r2 in rows:
        if metric == "fit":
            print(f"- {label}: " + ", ".join(f"{n} {v:.3f}" for n, v in r2.items()))

    cuda = device.type == "cuda"
    fit_bound, skorch_bound = (1.10, 1.8) if cuda else (1.05, 1.0)
    print("\nTargets (judged on the wall-clock ratio; CPU-time ratio in brackets):")
    for label, metric, _, _, ratios, _ in rows:
        name = label.split(" (")[0]
        if metric == "fit":
            (gru_raw, gru_raw_cpu), _, (sk_gru, sk_gru_cpu) = ratios
            print(
                f"- {name} fit GRURegressor/raw {gru_raw:.2f} ({gru_raw_cpu:.2f}) "
                f"{check(gru_raw, '<=', fit_bound)}"
            )
            verdict = (
                check(sk_gru, ">=", skorch_bound)
                if cuda
                else f"> 1: {'met' if sk_gru > 1 else 'MISSED'}"
            )
            print(
                f"- {name} fit skorch/GRURegressor {sk_gru:.2f} ({sk_gru_cpu:.2f}) "
                f"{verdict}"
            )
        elif metric == "predict" and name == "small" and not cuda:
            sk_gru, sk_gru_cpu = ratios[2]
            print(
                f"- {name} predict skorch/GRURegressor {sk_gru:.2f} "
                f"({sk_gru_cpu:.2f}) {check(sk_gru, '>=', 2.0)}"
            )


if __name__ == "__main__":
    main()
