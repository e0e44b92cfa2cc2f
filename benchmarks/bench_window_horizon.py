"""Window length against a long horizon, on the airline 36-month holdout.

The airline series without its last 36 months, forecast 36 months ahead by
``GRUForecaster`` with ``window_length`` 12, 24, 36 and None (the automatic choice),
two seeds each; MASE on all 36 held-out months and on their first 12 (the steps the
main example's cross-validation scores). A window can win the search's folds, which
train on 72 to 96 months only, and still forecast the holdout badly: this table
shows each window on the holdout itself.

Run from the repository root::

    python benchmarks/bench_window_horizon.py
    python benchmarks/bench_window_horizon.py --set batch_size=64 learning_rate=0.007
"""

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd
import torch
from sktime.datasets import load_airline
from sktime.performance_metrics.forecasting import MeanAbsoluteScaledError

from skgru import GRUForecaster

sys.path.insert(0, str(Path(__file__).parent))
from bench_forecast import parse_params  # noqa: E402

HOLDOUT = 36
WINDOWS = (12, 24, 36, None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0, 1], help="random_state values"
    )
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="GRUForecaster parameters other than the defaults (Python literals)",
    )
    args = parser.parse_args()
    params = parse_params(parser, args.set)
    if "window_length" in params or "random_state" in params:
        parser.error("window_length and random_state are what the table varies")
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    y = load_airline()
    y_train, y_test = y.iloc[:-HOLDOUT], y.iloc[-HOLDOUT:]
    fh = list(range(1, HOLDOUT + 1))
    mase = MeanAbsoluteScaledError(sp=12)
    rows = []
    for window in WINDOWS:
        row = {"window_length": str(window)}
        for seed in args.seeds:
            forecaster = GRUForecaster(
                window_length=window, random_state=seed, **params
            )
            forecast = forecaster.fit(y_train, fh=fh).predict()
            row[f"MASE seed {seed}"] = mase(y_test, forecast, y_train=y_train)
            # steps 1-12 are what a cross-validation with fh 1-12 scores
            row[f"steps 1-12, seed {seed}"] = mase(
                y_test.iloc[:12], forecast.iloc[:12], y_train=y_train
            )
        row["window_length_"] = forecaster.window_length_
        rows.append(row)
        print(pd.DataFrame(rows[-1:]).to_markdown(index=False, floatfmt=".3f"))
    print(f"\n## airline, {HOLDOUT}-month holdout, parameters {params or 'defaults'}\n")
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3f"))


if __name__ == "__main__":
    main()
