"""Day-ahead accuracy against the length of history, on the same held-out days.

One synthetic 65,536-point half-hourly series with two exogenous columns (the
``synthetic`` of ``bench_scaling.py``). For each held-out day (the last one, and the
days ending 7, 30 and 90 days before it) a default ``GRUForecaster(window_length=96)``
is fitted on the last 4,032 points, the last 17,520 points and all points before
that day, and its MAE is printed next to its ratio to seasonal naive (one day back).
Fit time does not depend on the length (``bench_scaling.py``); this asks whether
accuracy does.

Usage::

    python benchmarks/bench_scaling_days.py                  # 4 days
    python benchmarks/bench_scaling_days.py --days 0 7 14 30 60 90 120 180
    python benchmarks/bench_scaling_days.py --days 0 7 14 30 --set batch_size=64 \
        learning_rate=0.007 windows_per_epoch=1024
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from bench_forecast import parse_params  # noqa: E402
from bench_scaling import synthetic  # noqa: E402

from skgru import GRUForecaster  # noqa: E402

HORIZON = 48


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days",
        type=int,
        nargs="+",
        default=[0, 7, 30, 90],
        help="held-out days, counted back from the end of the series",
    )
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="GRUForecaster parameters other than the defaults (Python literals), "
        "e.g. batch_size=64 learning_rate=0.007 windows_per_epoch=1024",
    )
    args = parser.parse_args()
    params = parse_params(parser, args.set)
    params = {"window_length": 96, "random_state": 0, **params}
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    y, X = synthetic(65_536)
    print("| held-out day | 4,032 points | 17,520 points | all points |")
    print("| --- | --- | --- | --- |")
    ratios = []
    for back_days in args.days:
        end = len(y) - back_days * 48
        cells, row = [], []
        for n in (4_032, 17_520, end):
            part, x_part = y.iloc[end - n : end], X.iloc[end - n : end]
            train, test = part.iloc[:-HORIZON], part.iloc[-HORIZON:]
            forecaster = GRUForecaster(**params)
            forecaster.fit(
                train, X=x_part.iloc[:-HORIZON], fh=np.arange(1, HORIZON + 1)
            )
            pred = forecaster.predict(X=x_part.iloc[-HORIZON:]).to_numpy().ravel()
            mae = np.mean(np.abs(pred - test.to_numpy()))
            naive = np.mean(np.abs(train.to_numpy()[-48:] - test.to_numpy()))
            row.append(mae / naive)
            cells.append(f"{mae:.3f} ({mae / naive:.2f})")
        ratios.append(row)
        print(f"| {back_days} days before the end | " + " | ".join(cells) + " |")
    ratios = np.array(ratios)
    mean = ratios.mean(axis=0)
    print(
        f"\nmean ratio to seasonal naive: {mean[0]:.2f}, {mean[1]:.2f}, {mean[2]:.2f}"
    )
    wins = (ratios[:, 2] <= ratios[:, 0]).sum()
    print(
        f"all points at least as good as 4,032 points on {wins} of {len(ratios)} days"
    )


if __name__ == "__main__":
    main()
