"""WhaleSearchCV against RandomizedSearchCV and Optuna's TPE at an equal number of fits.

For every problem and seed the whale search runs first; its number of distinct
candidates (``n_evaluations_``, which includes the estimator as given, scored in the
first iteration) is then the budget of the others: ``n_iter`` for sklearn's
``RandomizedSearchCV`` and sktime's ``ForecastingRandomizedSearchCV``, ``n_trials``
for ``optuna_integration.OptunaSearchCV`` and ``n_evals`` for sktime's
``ForecastingOptunaSearchCV`` (both with ``TPESampler(seed=seed)``; skipped when
Optuna does not import). All methods of one seed see the same CV splits and the same
train/holdout split.

Problems:

* ``svr``: SVR (RBF) on load_diabetes, scaled in a Pipeline; C, gamma, epsilon
  loguniform. R^2, 5-fold CV.
* ``hgb``: HistGradientBoostingRegressor on make_friedman1 (noise 1.0, 600 rows);
  learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization. R^2, 5-fold.
* ``gru``: a small GRURegressor (30 epochs, no early stopping) on 300 synthetic
  sequences of length 12; hidden_size in [4, 8, 16], learning_rate loguniform.
  R^2, 3-fold.
* ``airline``: ForecastingWhaleSearchCV vs ForecastingRandomizedSearchCV (and
  ForecastingOptunaSearchCV) on the airline series, log + damped additive
  Holt-Winters with the four smoothing parameters searched; holdout is the last 24
  months, expanding-window CV (4 origins, fh 1-12), sMAPE (lower is better).

Prints, per problem, a Markdown table of the median best CV score, the median
holdout score of the refitted best model, the total seconds per method, and the
whale-vs-other record over the seeds (wins-ties-losses, on CV and on holdout).

Run from the repository root::

    python benchmarks/bench_search.py            # 5 seeds, 5 agents x 4 iterations
    python benchmarks/bench_search.py --quick    # 2 seeds, 4 agents x 3 iterations
    python benchmarks/bench_search.py --problems svr,airline
    python benchmarks/bench_search.py --problems svr --seeds 40 --init latinhypercube
    python benchmarks/bench_search.py --problems svr --seeds 40 --boundary bounce
"""

import argparse
import statistics
import sys
import time
import warnings

import numpy as np
import torch

torch.set_num_threads(1)

from scipy.stats import loguniform, randint, uniform  # noqa: E402
from sklearn.datasets import load_diabetes, make_friedman1  # noqa: E402
from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: E402
from sklearn.metrics import r2_score  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    KFold,
    RandomizedSearchCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVR  # noqa: E402

from skgru import ForecastingWhaleSearchCV, GRURegressor, WhaleSearchCV  # noqa: E402

try:
    import optuna
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )
    from optuna_integration import OptunaSearchCV

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    HAVE_OPTUNA = True
except ImportError:  # pragma: no cover - optional
    HAVE_OPTUNA = False


# --------------------------------------------------------------------------- problems


def _svr_problem(seed):
    X, y = load_diabetes(return_X_y=True)
    space = {
        "svr__C": loguniform(1e-1, 1e3),
        "svr__gamma": loguniform(1e-4, 1e0),
        "svr__epsilon": loguniform(1e-2, 1e1),
    }
    tpe = None
    if HAVE_OPTUNA:
        tpe = {
            "svr__C": FloatDistribution(1e-1, 1e3, log=True),
            "svr__gamma": FloatDistribution(1e-4, 1e0, log=True),
            "svr__epsilon": FloatDistribution(1e-2, 1e1, log=True),
        }
    return dict(
        X=X,
        y=y,
        estimator=make_pipeline(StandardScaler(), SVR()),
        space=space,
        tpe_space=tpe,
        n_splits=5,
    )


def _hgb_problem(seed):
    X, y = make_friedman1(n_samples=600, noise=1.0, random_state=0)
    space = {
        "learning_rate": loguniform(1e-2, 5e-1),
        "max_leaf_nodes": randint(4, 64),
        "min_samples_leaf": randint(2, 50),
        "l2_regularization": loguniform(1e-4, 1e1),
    }
    tpe = None
    if HAVE_OPTUNA:
        tpe = {
            "learning_rate": FloatDistribution(1e-2, 5e-1, log=True),
            "max_leaf_nodes": IntDistribution(4, 63),
            "min_samples_leaf": IntDistribution(2, 49),
            "l2_regularization": FloatDistribution(1e-4, 1e1, log=True),
        }
    return dict(
        X=X,
        y=y,
        estimator=HistGradientBoostingRegressor(max_iter=100, random_state=0),
        space=space,
        tpe_space=tpe,
        n_splits=5,
    )


def _gru_data(n=300, length=12, seed=0):
    rng = np.random.default_rng(seed)
    X = np.cumsum(rng.normal(size=(n, length)), axis=1)
    y = X[:, -1] - 0.5 * X[:, -4] + np.sin(X.mean(axis=1)) + 0.3 * rng.normal(size=n)
    return X.astype(np.float32), y


def _gru_problem(seed):
    X, y = _gru_data()
    space = {"hidden_size": [4, 8, 16], "learning_rate": loguniform(1e-3, 5e-2)}
    tpe = None
    if HAVE_OPTUNA:
        tpe = {
            "hidden_size": CategoricalDistribution([4, 8, 16]),
            "learning_rate": FloatDistribution(1e-3, 5e-2, log=True),
        }
    estimator = GRURegressor(
        max_epochs=30, early_stopping=False, device="cpu", random_state=0
    )
    return dict(X=X, y=y, estimator=estimator, space=space, tpe_space=tpe, n_splits=3)


SKLEARN_PROBLEMS = {"svr": _svr_problem, "hgb": _hgb_problem, "gru": _gru_problem}


def run_sklearn(name, seed, n_agents, max_iter, init="random", boundary="clip"):
    """One seed of one sklearn problem; returns {method: (cv, holdout, seconds)}."""
    prob = SKLEARN_PROBLEMS[name](seed)
    X_tr, X_te, y_tr, y_te = train_test_split(
        prob["X"], prob["y"], test_size=0.25, random_state=seed
    )
    cv = KFold(prob["n_splits"], shuffle=True, random_state=seed)
    out = {}

    def record(method, search):
        t0 = time.perf_counter()
        search.fit(X_tr, y_tr)
        seconds = time.perf_counter() - t0
        holdout = r2_score(y_te, search.predict(X_te))
        out[method] = (float(search.best_score_), float(holdout), seconds)
        return search

    whale = record(
        "whale",
        WhaleSearchCV(
            prob["estimator"],
            prob["space"],
            n_agents=n_agents,
            max_iter=max_iter,
            cv=cv,
            scoring="r2",
            n_jobs=1,
            random_state=seed,
            init=init,
            boundary=boundary,
        ),
    )
    budget = int(whale.n_evaluations_)
    record(
        "random",
        RandomizedSearchCV(
            prob["estimator"],
            prob["space"],
            n_iter=budget,
            cv=cv,
            scoring="r2",
            n_jobs=1,
            random_state=seed,
        ),
    )
    if HAVE_OPTUNA:
        study = optuna.create_study(
            direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed)
        )
        record(
            "tpe",
            OptunaSearchCV(
                prob["estimator"],
                prob["tpe_space"],
                cv=cv,
                n_trials=budget,
                scoring="r2",
                n_jobs=1,
                study=study,
                random_state=seed,
            ),
        )
    return out, budget


# --------------------------------------------------------------------- forecasting


def run_airline(seed, n_agents, max_iter, init="random", boundary="clip"):
    from sktime.datasets import load_airline
    from sktime.forecasting.compose import TransformedTargetForecaster
    from sktime.forecasting.exp_smoothing import ExponentialSmoothing
    from sktime.forecasting.model_selection import ForecastingRandomizedSearchCV
    from sktime.performance_metrics.forecasting import MeanAbsolutePercentageError
    from sktime.split import ExpandingWindowSplitter, temporal_train_test_split
    from sktime.transformations.series.boxcox import LogTransformer

    y = load_airline()
    y_tr, y_te = temporal_train_test_split(y, test_size=24)
    fh_test = np.arange(1, 25)
    cv = ExpandingWindowSplitter(
        initial_window=72, step_length=12, fh=list(range(1, 13))
    )
    smape = MeanAbsolutePercentageError(symmetric=True)
    forecaster = TransformedTargetForecaster(
        [
            ("log", LogTransformer()),
            (
                "es",
                ExponentialSmoothing(
                    trend="add", damped_trend=True, seasonal="add", sp=12
                ),
            ),
        ]
    )
    space = {
        "es__smoothing_level": uniform(0.01, 0.98),
        "es__smoothing_trend": uniform(0.01, 0.98),
        "es__smoothing_seasonal": uniform(0.01, 0.98),
        "es__damping_trend": uniform(0.8, 0.19),
    }
    out = {}

    def record(method, search):
        t0 = time.perf_counter()
        search.fit(y_tr, fh=fh_test)
        seconds = time.perf_counter() - t0
        holdout = smape(y_te, search.predict(fh_test))
        out[method] = (float(search.best_score_), float(holdout), seconds)
        return search

    whale = record(
        "whale",
        ForecastingWhaleSearchCV(
            forecaster,
            cv=cv,
            param_distributions=space,
            n_agents=n_agents,
            max_iter=max_iter,
            scoring=smape,
            backend="None",
            random_state=seed,
            init=init,
            boundary=boundary,
            average_with=None,  # the selected candidate, as random search and TPE
        ),
    )
    budget = int(whale.n_evaluations_)
    record(
        "random",
        ForecastingRandomizedSearchCV(
            forecaster,
            cv=cv,
            param_distributions=space,
            n_iter=budget,
            scoring=smape,
            backend="None",
            random_state=seed,
        ),
    )
    if HAVE_OPTUNA:
        try:
            from sktime.forecasting.model_selection import ForecastingOptunaSearchCV
        except ImportError:  # pragma: no cover - older sktime
            ForecastingOptunaSearchCV = None
        if ForecastingOptunaSearchCV is not None:
            tpe_space = {
                "es__smoothing_level": FloatDistribution(0.01, 0.99),
                "es__smoothing_trend": FloatDistribution(0.01, 0.99),
                "es__smoothing_seasonal": FloatDistribution(0.01, 0.99),
                "es__damping_trend": FloatDistribution(0.8, 0.99),
            }
            record(
                "tpe",
                ForecastingOptunaSearchCV(
                    forecaster,
                    cv=cv,
                    param_grid=tpe_space,
                    scoring=smape,
                    n_evals=budget,
                    sampler=optuna.samplers.TPESampler(seed=seed),
                    backend="None",
                ),
            )
    return out, budget


# ------------------------------------------------------------------------ report

PROBLEMS = ["svr", "hgb", "gru", "airline"]
METRIC = {
    "svr": ("R^2", True),
    "hgb": ("R^2", True),
    "gru": ("R^2", True),
    "airline": ("sMAPE", False),
}


def _record(whale, other, higher):
    wins = ties = losses = 0
    for w, o in zip(whale, other, strict=True):
        if np.isclose(w, o, rtol=0, atol=1e-12):
            ties += 1
        elif (w > o) == higher:
            wins += 1
        else:
            losses += 1
    return f"{wins}-{ties}-{losses}"


def report(name, results, budgets):
    metric, higher = METRIC[name]
    arrow = "higher" if higher else "lower"
    methods = [m for m in ("whale", "random", "tpe") if m in results[0]]
    print(
        f"\n### {name}: {metric} ({arrow} is better), {len(results)} seeds, "
        f"fits per method per seed (candidates) = {budgets}\n"
    )
    print(
        f"| method | median CV {metric} | median holdout {metric} | total s "
        "| whale record CV (W-T-L) | whale record holdout (W-T-L) |"
    )
    print("|---|---:|---:|---:|:---:|:---:|")
    whale_cv = [r["whale"][0] for r in results]
    whale_ho = [r["whale"][1] for r in results]
    for m in methods:
        cv = [r[m][0] for r in results]
        ho = [r[m][1] for r in results]
        sec = sum(r[m][2] for r in results)
        rec_cv = rec_ho = "-"
        if m != "whale":
            rec_cv = _record(whale_cv, cv, higher)
            rec_ho = _record(whale_ho, ho, higher)
        print(
            f"| {m} | {statistics.median(cv):.4f} | {statistics.median(ho):.4f} "
            f"| {sec:.1f} | {rec_cv} | {rec_ho} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds, 4x3 budget")
    parser.add_argument(
        "--problems",
        default=",".join(PROBLEMS),
        help=f"comma-separated subset of {','.join(PROBLEMS)}",
    )
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--n-agents", type=int, default=None)
    parser.add_argument("--max-iter", type=int, default=None)
    parser.add_argument(
        "--init",
        choices=["random", "latinhypercube"],
        default="random",
        help="the whales' first population (the searches' init)",
    )
    parser.add_argument(
        "--boundary",
        choices=["clip", "bounce"],
        default="clip",
        help="where a whale that leaves a range goes (the searches' boundary)",
    )
    args = parser.parse_args()

    n_seeds = args.seeds or (2 if args.quick else 5)
    n_agents = args.n_agents or (4 if args.quick else 5)
    max_iter = args.max_iter or (3 if args.quick else 4)
    problems = [p.strip() for p in args.problems.split(",") if p.strip()]
    unknown = set(problems) - set(PROBLEMS)
    if unknown:
        parser.error(f"unknown problems: {sorted(unknown)}")

    print(
        f"seeds={n_seeds}, n_agents={n_agents}, max_iter={max_iter}, "
        f"init={args.init}, boundary={args.boundary}, "
        f"optuna={'yes' if HAVE_OPTUNA else 'no (TPE skipped)'}, "
        f"torch threads={torch.get_num_threads()}"
    )
    # sktime re-enables FutureWarning after some calls (its _SuppressWarningPattern
    # exits with filterwarnings("default")), so silence the display instead.
    warnings.filterwarnings("ignore")
    warnings.showwarning = lambda *args, **kwargs: None
    for name in problems:
        results, budgets = [], []
        for seed in range(n_seeds):
            if name == "airline":
                res, budget = run_airline(
                    seed, n_agents, max_iter, args.init, args.boundary
                )
            else:
                res, budget = run_sklearn(
                    name, seed, n_agents, max_iter, args.init, args.boundary
                )
            results.append(res)
            budgets.append(budget)
            scores = ", ".join(
                f"{m} cv={v[0]:.4f} holdout={v[1]:.4f} {v[2]:.0f}s"
                for m, v in res.items()
            )
            print(f"[{name} seed {seed}, {budget} candidates] {scores}", flush=True)
        report(name, results, budgets)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
