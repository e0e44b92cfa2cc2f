"""Benchmark GRUForecaster against classical forecasters on sktime's data sets.

For each data set the script scores every model on a final holdout and by rolling
origin (sktime's ``evaluate`` with an expanding window), and prints Markdown tables:
MASE (scaled by the in-sample seasonal naive error, the M4 convention), sMAPE, the
empirical coverage of 90% prediction intervals, and fit time per series. The GRU runs
with several seeds; a second table gives their spread.

Usage::

    python benchmarks/bench_forecast.py            # everything (slow: AutoARIMA)
    python benchmarks/bench_forecast.py --quick    # holdout + airline rolling origin
    python benchmarks/bench_forecast.py --datasets airline lynx --seeds 0 1

Threads: torch is limited to one thread (``--threads``), the setting that keeps small
networks fastest and leaves other cores alone.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch
from sktime.datasets import (
    load_airline,
    load_hierarchical_sales_toydata,
    load_lynx,
    load_shampoo_sales,
    load_uschange,
)
from sktime.forecasting.compose import TransformedTargetForecaster
from sktime.forecasting.ets import AutoETS
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.naive import NaiveForecaster
from sktime.forecasting.theta import ThetaForecaster
from sktime.performance_metrics.forecasting import (
    MeanAbsolutePercentageError,
    MeanAbsoluteScaledError,
    mean_absolute_percentage_error,
    mean_absolute_scaled_error,
)
from sktime.performance_metrics.forecasting.probabilistic import EmpiricalCoverage
from sktime.split import ExpandingWindowSplitter
from sktime.transformations.series.boxcox import LogTransformer
from sktime.transformations.series.detrend import Deseasonalizer

from skgru.forecaster import GRUForecaster

COVERAGE = 0.9


def load_datasets():
    """Name -> (y, X, seasonal period, holdout length, rolling-origin splitter)."""
    airline = load_airline()
    lynx = load_lynx()
    shampoo = load_shampoo_sales()
    consumption, uschange_x = load_uschange()
    sales = load_hierarchical_sales_toydata()

    def rolling(initial, step, horizon):
        fh = np.arange(1, horizon + 1)
        return ExpandingWindowSplitter(initial_window=initial, step_length=step, fh=fh)

    return {
        "airline": (airline, None, 12, 36, rolling(72, 12, 12)),
        "lynx": (lynx, None, 10, 14, rolling(80, 10, 10)),
        "shampoo": (shampoo, None, 12, 12, rolling(24, 3, 6)),
        "uschange (X)": (consumption, uschange_x, 4, 12, rolling(150, 8, 8)),
        "sales panel (4 series)": (sales, None, 12, 12, rolling(36, 6, 6)),
    }


def log_deseasonalize(forecaster, sp):
    """``forecaster`` inside a log + deseasonalize pipeline."""
    return TransformedTargetForecaster(
        [
            ("log", LogTransformer()),
            ("deseasonalize", Deseasonalizer(sp=sp)),
            ("forecaster", forecaster),
        ]
    )


def models(name, sp, seeds, with_arima):
    """Model name -> (factory(seed) -> forecaster, uses X, seeded)."""
    # lynx's cycle is not a calendar season, and uschange is a growth rate
    # (negative values): seasonal ETS/Theta only where the series is seasonal
    ets_sp = sp if name in ("airline", "shampoo", "sales panel (4 series)") else 1
    out = {
        "naive (last)": (lambda s: NaiveForecaster(strategy="last"), False, False),
        f"seasonal naive (sp={sp})": (
            lambda s: NaiveForecaster(strategy="last", sp=sp),
            False,
            False,
        ),
        "Theta": (
            lambda s: ThetaForecaster(sp=ets_sp, deseasonalize=ets_sp > 1),
            False,
            False,
        ),
        "AutoETS": (lambda s: AutoETS(auto=True, sp=ets_sp, n_jobs=1), False, False),
    }
    if with_arima:
        from sktime.forecasting.arima import AutoARIMA

        arima_sp = sp if name != "lynx" else 1
        out["AutoARIMA (pmdarima)"] = (
            lambda s: AutoARIMA(sp=arima_sp, suppress_warnings=True),
            True,
            False,
        )
    out["GRU (default)"] = (lambda s: GRUForecaster(random_state=s), True, True)
    if name in ("airline", "sales panel (4 series)"):
        out["GRU in log+deseasonalize"] = (
            lambda s: log_deseasonalize(GRUForecaster(random_state=s), sp),
            True,
            True,
        )
    if name == "uschange (X)":
        out["GRU standard, no detrend"] = (
            lambda s: GRUForecaster(
                normalization="standard", detrend=False, random_state=s
            ),
            True,
            True,
        )
    return out


def n_series(y):
    return y.index.droplevel(-1).nunique() if isinstance(y.index, pd.MultiIndex) else 1


def split_at(y, X, cutoff_pos, horizon):
    """Train/test split of (possibly panel) y, X at a position of each series."""

    def take(data, start, stop):
        if data is None:
            return None
        if isinstance(data.index, pd.MultiIndex):
            levels = list(range(data.index.nlevels - 1))
            return data.groupby(level=levels, group_keys=False).apply(
                lambda d: d.iloc[start:stop]
            )
        return data.iloc[start:stop]

    return (
        take(y, 0, cutoff_pos),
        take(y, cutoff_pos, cutoff_pos + horizon),
        take(X, 0, cutoff_pos),
        take(X, cutoff_pos, cutoff_pos + horizon),
    )


def series_length(y):
    if isinstance(y.index, pd.MultiIndex):
        return int(y.groupby(level=list(range(y.index.nlevels - 1))).size().min())
    return len(y)


def score(y_test, y_pred, y_train, sp, interval=None):
    mase = mean_absolute_scaled_error(y_test, y_pred, y_train=y_train, sp=sp)
    smape = 100 * mean_absolute_percentage_error(y_test, y_pred, symmetric=True)
    covered = n_points = 0
    if interval is not None:
        actual = np.asarray(y_test, dtype=float).ravel()
        lower = interval.iloc[:, 0].to_numpy()
        upper = interval.iloc[:, 1].to_numpy()
        covered = int(np.sum((actual >= lower) & (actual <= upper)))
        n_points = len(actual)
    return mase, smape, covered, n_points


def run_fold(factory, seed, uses_x, seeded, y_train, y_test, X_train, X_test, sp):
    """Fit on one fold; MASE, sMAPE, covered points, points, fit seconds."""
    fh = np.arange(1, series_length(y_test) + 1)
    forecaster = factory(seed)
    X_fit = X_train if uses_x else None
    X_pred = X_test if uses_x else None
    started = time.perf_counter()
    forecaster.fit(y_train, X=X_fit, fh=fh)
    fit_seconds = time.perf_counter() - started
    y_pred = forecaster.predict(X=X_pred)
    interval = None
    if seeded:  # the GRU variants: measure interval coverage
        interval = forecaster.predict_interval(X=X_pred, coverage=COVERAGE)
    y_test = y_test.reindex(y_pred.index)
    return (*score(y_test, y_pred, y_train, sp, interval), fit_seconds)


def holdout_scores(data, factory, uses_x, seeded, seed):
    """MASE, sMAPE, coverage and fit seconds per series on the final holdout."""
    y, X, sp, holdout, _ = data
    cutoff = series_length(y) - holdout
    mase, smape, covered, n_points, fit_seconds = run_fold(
        factory, seed, uses_x, seeded, *split_at(y, X, cutoff, holdout), sp
    )
    coverage = covered / n_points if n_points else np.nan
    return mase, smape, coverage, fit_seconds / n_series(y)


def rolling_scores(data, factory, uses_x, seeded, seed):
    """The same, averaged over the folds of sktime's ``evaluate``."""
    y, X, sp, _, splitter = data
    scoring = [
        MeanAbsoluteScaledError(sp=sp),
        MeanAbsolutePercentageError(symmetric=True),
    ]
    if seeded:
        scoring.append(EmpiricalCoverage(coverage=COVERAGE))
    result = evaluate(
        factory(seed), splitter, y, X=X if uses_x else None, scoring=scoring
    )
    mase = result["test_MeanAbsoluteScaledError"].mean()
    smape = 100 * result["test_MeanAbsolutePercentageError"].mean()
    coverage = result["test_EmpiricalCoverage"].mean() if seeded else np.nan
    return mase, smape, coverage, result["fit_time"].mean() / n_series(y)


def evaluate_model(data, factory, uses_x, seeded, seeds, rolling):
    """Rows of (MASE, sMAPE, coverage, fit s/series), one per seed."""
    scores = rolling_scores if rolling else holdout_scores
    return np.array(
        [
            scores(data, factory, uses_x, seeded, seed)
            for seed in (seeds if seeded else seeds[:1])
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="holdout only, plus rolling origin on airline; no AutoARIMA",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        help="subset of data set names (airline lynx shampoo uschange sales)",
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--no-arima", action="store_true", help="skip AutoARIMA")
    parser.add_argument("--no-rolling", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")

    datasets = load_datasets()
    if args.datasets:
        datasets = {
            k: v
            for k, v in datasets.items()
            if any(k.startswith(prefix) for prefix in args.datasets)
        }
    with_arima = not (args.quick or args.no_arima)
    table, spread = [], []
    for dataset, data in datasets.items():
        evaluations = [False]
        if not args.no_rolling and (not args.quick or dataset == "airline"):
            evaluations.append(True)
        for rolling in evaluations:
            label = "rolling origin" if rolling else "holdout"
            for model, (factory, uses_x, seeded) in models(
                dataset, data[2], args.seeds, with_arima
            ).items():
                started = time.perf_counter()
                try:
                    result = evaluate_model(
                        data, factory, uses_x, seeded, args.seeds, rolling
                    )
                except Exception as exc:  # report and go on with the others
                    print(f"# FAILED {dataset} / {label} / {model}: {exc!r}")
                    continue
                mean = result.mean(axis=0)
                table.append(
                    {
                        "data set": dataset,
                        "evaluation": label,
                        "model": model,
                        "MASE": f"{mean[0]:.3f}",
                        "sMAPE %": f"{mean[1]:.2f}",
                        "90% coverage": "" if np.isnan(mean[2]) else f"{mean[2]:.0%}",
                        "fit s/series": f"{mean[3]:.2f}",
                    }
                )
                if seeded:
                    spread.append(
                        {
                            "data set": dataset,
                            "evaluation": label,
                            "model": model,
                            "MASE per seed": " ".join(f"{v:.3f}" for v in result[:, 0]),
                            "MASE std": f"{result[:, 0].std(ddof=1):.3f}"
                            if len(result) > 1
                            else "",
                            "sMAPE per seed": " ".join(
                                f"{v:.2f}" for v in result[:, 1]
                            ),
                        }
                    )
                print(
                    f"# done {dataset} / {label} / {model} in "
                    f"{time.perf_counter() - started:.0f} s",
                    flush=True,
                )
    print()
    print(pd.DataFrame(table).to_markdown(index=False))
    print()
    print(f"GRU seed variance (seeds {args.seeds}):")
    print()
    print(pd.DataFrame(spread).to_markdown(index=False))


if __name__ == "__main__":
    main()
