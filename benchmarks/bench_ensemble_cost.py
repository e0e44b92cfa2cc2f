"""What does ``ensemble_size=3`` cost against one network?

The members of an ensemble are trained side by side as one wide module (a
block-diagonal GRU of ``ensemble_size * hidden_size`` units whose weights between
members are masked). Its matrix products grow with the square of the width, so the
cost relative to one network depends on ``hidden_size``. This script times fits with
``ensemble_size=3`` and ``ensemble_size=1`` on one torch thread, interleaved, and
prints the median ratio (3 would be the cost of three separate fits):

* ``GRURegressor`` on 2000 random sequences of 24 steps, 3 epochs without early
  stopping, for several ``hidden_size``;
* ``GRUForecaster`` with its defaults on the airline series, ``fh`` 1-12.

Run from the repository root::

    python benchmarks/bench_ensemble_cost.py            # 5 rounds
    python benchmarks/bench_ensemble_cost.py --rounds 2
"""

import argparse
import statistics
import time
import warnings

import numpy as np
import torch

torch.set_num_threads(1)

from sktime.datasets import load_airline  # noqa: E402

from skgru import GRUForecaster, GRURegressor  # noqa: E402

HIDDEN_SIZES = (8, 16, 32, 64)


def cases():
    """Name -> ``fit(ensemble_size)``."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 24))
    y = X[:, -3:].sum(axis=1)
    found = {}
    for hidden in HIDDEN_SIZES:
        default = " (default)" if hidden == 32 else ""
        found[f"GRURegressor, hidden_size={hidden}{default}"] = lambda e, h=hidden: (
            GRURegressor(
                hidden_size=h,
                ensemble_size=e,
                max_epochs=3,
                early_stopping=False,
                random_state=0,
            ).fit(X, y)
        )
    airline = load_airline()
    found["GRUForecaster defaults, airline, fh 1-12"] = lambda e: GRUForecaster(
        ensemble_size=e, random_state=0
    ).fit(airline, fh=list(range(1, 13)))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # few epochs: ConvergenceWarning is expected
    print("| model | fit s, 1 network | fit s, 3 members | ratio (median) |")
    print("| --- | ---: | ---: | ---: |")
    for name, fit in cases().items():
        fit(1)  # warm-up: first-call allocations
        seconds = {1: [], 3: []}
        for _ in range(args.rounds):
            for size in (1, 3):
                started = time.perf_counter()
                fit(size)
                seconds[size].append(time.perf_counter() - started)
        ratio = statistics.median(
            three / one for one, three in zip(seconds[1], seconds[3], strict=True)
        )
        print(
            f"| {name} | {statistics.median(seconds[1]):.2f} | "
            f"{statistics.median(seconds[3]):.2f} | {ratio:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
