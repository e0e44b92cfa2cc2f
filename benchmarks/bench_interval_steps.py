"""Interval coverage for more steps than the fit's ``fh``: airline, rolling origins.

``GRUForecaster`` is fitted with ``fh`` 1-6 at yearly origins (72 to 108 months)
and asked for 80% intervals of steps 1-24; the coverage of steps 1-6, 7-12 and
13-24 is printed next to a forecaster fitted with ``fh`` 1-24 (which calibrates
24 steps from the start) and to the ``fh`` 1-6 request alone.

    python benchmarks/bench_interval_steps.py            # seed 0
    python benchmarks/bench_interval_steps.py --seeds 0 1 2
"""

import argparse
import warnings

import numpy as np
import pandas as pd
import torch
from sktime.datasets import load_airline

from skgru import GRUForecaster

ORIGINS = (72, 84, 96, 108)
GROUPS = {"1-6": slice(0, 6), "7-12": slice(6, 12), "13-24": slice(12, 24)}


def covered(truth, interval):
    lower, upper = interval.iloc[:, 0].to_numpy(), interval.iloc[:, 1].to_numpy()
    return (truth >= lower) & (truth <= upper)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    torch.set_num_threads(1)
    y = load_airline()
    hits = {}
    for seed in args.seeds:
        for n in ORIGINS:
            truth = y.iloc[n : n + 24].to_numpy()
            for fit_steps in (6, 24):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    f = GRUForecaster(random_state=seed)
                    f.fit(y.iloc[:n], fh=list(range(1, fit_steps + 1)))
                    ok = covered(truth, f.predict_interval(range(1, 25), coverage=0.8))
                    if fit_steps == 6:
                        alone = f.predict_interval(range(1, 7), coverage=0.8)
                        key = ("fit fh 1-6, request fh 1-6", "1-6")
                        hits.setdefault(key, []).extend(covered(truth[:6], alone))
                for group, part in GROUPS.items():
                    key = (f"fit fh 1-{fit_steps}, request fh 1-24", group)
                    hits.setdefault(key, []).extend(ok[part])
    rows = {}
    for (case, group), values in hits.items():
        rows.setdefault(case, {})[f"steps {group}"] = f"{100 * np.mean(values):.0f}%"
    table = pd.DataFrame(rows).T.fillna("")
    print(f"nominal 80% intervals, airline, origins {ORIGINS}, seeds {args.seeds}")
    print(table.to_markdown())


if __name__ == "__main__":
    main()
