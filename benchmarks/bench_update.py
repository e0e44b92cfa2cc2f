"""What ``update`` should do: GRUForecaster's update strategies against a refit.

sktime's ``update(y_new)`` (and ``evaluate(strategy="update")``,
``update_predict``) gives a fitted forecaster new data. For each series, a
GRUForecaster is fitted on all but the last three seasons, then given one season
at a time (two updates) and asked for the next season after each; the forecasts
are scored by MASE (scaled by the in-sample seasonal naive error of the data seen
so far) and the seconds of each update are timed. Strategies:

* ``refit``: a fresh ``GRUForecaster`` fitted on all data seen so far;
* ``continue max_epochs``: training continues from the current weights for
  ``max_epochs`` epochs on all data seen so far (``update(update_params=True)``
  before skgru's next release; emulated here by raising the fitted forecaster's
  ``max_epochs`` tenfold for the update);
* ``update_params=True``: the forecaster's own update, which continues for a
  tenth of ``max_epochs``;
* ``update_params=False``: the new data only extends the forecasting context.

Usage::

    python benchmarks/bench_update.py              # seed 0
    python benchmarks/bench_update.py --seeds 0 1
"""

import argparse
import copy
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from skgru import GRUForecaster
from skgru.forecaster import UPDATE_EPOCHS_DIVISOR

sys.path.insert(0, str(Path(__file__).parent))
from bench_forecast import _mase, basket, fresh_basket  # noqa: E402

#: Seasonal series of bench_forecast's two baskets (one season per update).
SERIES = [
    "airline",
    "mdeaths",
    "qauselec",
    "ausbeer",
    "h02",
    "elecequip",
    "nottem",
    "debitcards",
]
STRATEGIES = (
    "refit",
    "continue max_epochs",
    "update_params=True",
    "update_params=False",
)


def run_series(y, sp, seed):
    """MASE and seconds per strategy over the two updates of one series."""
    n0 = len(y) - 3 * sp
    fh = list(range(1, sp + 1))
    base = GRUForecaster(random_state=seed).fit(y.iloc[:n0], fh=fh)
    kept = {name: copy.deepcopy(base) for name in STRATEGIES[1:]}
    scores = {name: [] for name in STRATEGIES}
    seconds = {name: [] for name in STRATEGIES}
    for k in (1, 2):
        cut = n0 + k * sp
        seen, new, test = y.iloc[:cut], y.iloc[cut - sp : cut], y.iloc[cut : cut + sp]
        started = time.perf_counter()
        refit = GRUForecaster(random_state=seed).fit(seen, fh=fh)
        seconds["refit"].append(time.perf_counter() - started)
        forecasts = {"refit": refit.predict()}
        for name, forecaster in kept.items():
            started = time.perf_counter()
            if name == "continue max_epochs":
                # the attribute, not set_params (which resets a fitted forecaster)
                forecaster.max_epochs *= UPDATE_EPOCHS_DIVISOR
                forecaster.update(new, update_params=True)
                forecaster.max_epochs //= UPDATE_EPOCHS_DIVISOR
            else:
                forecaster.update(new, update_params=name == "update_params=True")
            seconds[name].append(time.perf_counter() - started)
            forecasts[name] = forecaster.predict(fh=fh)
        for name, forecast in forecasts.items():
            scores[name].append(_mase(seen, test, forecast, sp))
    return scores, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    cases = {**basket(quick=False), **fresh_basket()}
    print("| series | " + " | ".join(STRATEGIES) + " |")
    print("|" + " --- |" * (len(STRATEGIES) + 1))
    all_scores = {name: [] for name in STRATEGIES}
    all_seconds = {name: [] for name in STRATEGIES}
    for name in SERIES:
        y, _, sp, *_ = cases[name]
        per_name = {s: [] for s in STRATEGIES}
        for seed in args.seeds:
            scores, seconds = run_series(y, sp, seed)
            for s in STRATEGIES:
                per_name[s].extend(scores[s])
                all_scores[s].extend(scores[s])
                all_seconds[s].extend(seconds[s])
        cells = " | ".join(f"{np.mean(per_name[s]):.3f}" for s in STRATEGIES)
        print(f"| {name} | {cells} |", flush=True)
    geo = {
        s: np.exp(np.mean(np.log(np.array(all_scores[s]) / all_scores["refit"])))
        for s in STRATEGIES
    }
    print(
        "| geometric mean MASE / refit's | "
        + " | ".join(f"{geo[s]:.3f}" for s in STRATEGIES)
        + " |"
    )
    print(
        "| median seconds per update | "
        + " | ".join(f"{np.median(all_seconds[s]):.2f}" for s in STRATEGIES)
        + " |"
    )


if __name__ == "__main__":
    main()
