"""GRURegressor on time series extrinsic regression (TSER) data sets from sktime.

Tecator (fat content from 100-channel NIR absorbance spectra: the target is driven by
the shape of each curve) and Covid3Month (a death rate from a country's daily case
counts: little signal), each on its official train/test split. GRURegressor with its
defaults, bare and after a ``StandardScaler`` in a pipeline, against the mean
predictor, ``RidgeCV`` on scaled inputs and sktime's ``RocketRegressor`` (when it
imports), over several seeds; test RMSE and fit seconds, as a markdown table.

Run from the repository root::

    python benchmarks/bench_tser.py               # 3 seeds
    python benchmarks/bench_tser.py --seeds 1     # quicker

RocketRegressor needs sktime's soft dependency numba; without it that row is left out.
"""

import argparse
import functools
import importlib.util
import os
import statistics
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgru import GRURegressor


def load(name):
    """``X_train, y_train, X_test, y_test``; X as (n_samples, n_timesteps) floats."""
    from sktime.datasets import load_covid_3month, load_tecator
    from sktime.datatypes import convert_to

    if name == "Tecator":
        parts = [
            load_tecator(split=s, return_type="numpy3D") for s in ("train", "test")
        ]
    else:
        parts = [load_covid_3month(split=s) for s in ("train", "test")]
        parts = [(convert_to(X, "numpy3D"), y) for X, y in parts]
    (X_train, y_train), (X_test, y_test) = parts
    # sktime's numpy3D is (n, channels, time); both sets are univariate
    return (
        X_train[:, 0, :].astype(np.float64),
        np.asarray(y_train, dtype=np.float64),
        X_test[:, 0, :].astype(np.float64),
        np.asarray(y_test, dtype=np.float64),
    )


@functools.cache
def _rocket_unavailable():
    """Why sktime's RocketRegressor cannot run here (said once), or None."""
    try:
        from sktime.regression.kernel_based import RocketRegressor  # noqa: F401
    except ImportError as exc:
        reason = str(exc)
    else:  # numba is sktime's soft dependency of ROCKET
        reason = None if importlib.util.find_spec("numba") else "numba is not installed"
    if reason is not None:
        print(f"RocketRegressor skipped: {reason}", file=sys.stderr)
    return reason


def contenders(seed):
    """``{name: (estimator factory, seeded)}``."""
    found = {
        "mean predictor": (lambda: DummyRegressor(), False),
        "RidgeCV (scaled)": (
            lambda: make_pipeline(StandardScaler(), RidgeCV(np.logspace(-3, 3, 13))),
            False,
        ),
        "GRURegressor() bare": (lambda: GRURegressor(random_state=seed), True),
        "StandardScaler + GRURegressor()": (
            lambda: make_pipeline(StandardScaler(), GRURegressor(random_state=seed)),
            True,
        ),
    }
    if _rocket_unavailable() is None:
        from sktime.regression.kernel_based import RocketRegressor

        found["RocketRegressor"] = (
            lambda: RocketRegressor(random_state=seed, n_jobs=1),
            True,
        )
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per estimator")
    parser.add_argument(
        "--datasets", nargs="+", default=["Tecator", "Covid3Month"], help="data sets"
    )
    parser.add_argument(
        "--only", nargs="*", default=None, help="contenders whose name contains these"
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    rows = []
    for dataset in args.datasets:
        X_train, y_train, X_test, y_test = load(dataset)
        names = list(contenders(0))
        if args.only:
            names = [n for n in names if any(o in n for o in args.only)]
        for name in names:
            rmses, seconds, epochs = [], [], []
            seeded = contenders(0)[name][1]
            for seed in range(args.seeds if seeded else 1):
                model = contenders(seed)[name][0]()
                # RocketRegressor wants sktime's (n, channels, time) layout
                train = X_train[:, None, :] if "Rocket" in name else X_train
                test = X_test[:, None, :] if "Rocket" in name else X_test
                # numba (RocketRegressor) may change torch's thread count: reset it
                torch.set_num_threads(args.threads)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    started = time.perf_counter()
                    model.fit(train, y_train)
                    seconds.append(time.perf_counter() - started)
                gru = model[-1] if hasattr(model, "steps") else model
                if isinstance(gru, GRURegressor):
                    epochs.append(gru.n_iter_)
                    for warning in caught:
                        if "converged" in str(warning.message):
                            print(
                                f"  {name} seed {seed}: {warning.message}", flush=True
                            )
                prediction = model.predict(test)
                rmses.append(float(np.sqrt(np.mean((prediction - y_test) ** 2))))
                print(
                    f"  {dataset} {name} seed {seed}: RMSE {rmses[-1]:.4f}, "
                    f"{seconds[-1]:.1f} s"
                    + (f", {epochs[-1]} epochs" if epochs else ""),
                    file=sys.stderr,
                    flush=True,
                )
            rows.append((dataset, name, rmses, seconds, epochs))

    print("## bench_tser\n")
    print(f"`{' '.join(['python', *sys.argv])}`\n")
    print(
        f"- torch {torch.__version__}, {args.threads} thread(s) for each fit, "
        f"os.cpu_count()={os.cpu_count()}; RMSE on the official test split, mean "
        "(min-max) over seeds; fit seconds: mean.\n"
    )
    print("| data set | model | RMSE | seeds | fit s | epochs |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for dataset, name, rmses, seconds, epochs in rows:
        spread = f" ({min(rmses):.4g}-{max(rmses):.4g})" if len(rmses) > 1 else ""
        print(
            f"| {dataset} | {name} | {statistics.mean(rmses):.4g}{spread} "
            f"| {len(rmses)} | {statistics.mean(seconds):.1f} "
            f"| {statistics.mean(epochs):.0f} |"
            if epochs
            else f"| {dataset} | {name} | {statistics.mean(rmses):.4g}{spread} "
            f"| {len(rmses)} | {statistics.mean(seconds):.1f} | |"
        )


if __name__ == "__main__":
    main()
