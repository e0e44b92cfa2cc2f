"""ForecastingWhaleSearchCV: sktime workflows, backends, determinism, conformance."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import randint, uniform
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sktime.datasets import load_airline
from sktime.exceptions import FitFailedWarning
from sktime.exceptions import NotFittedError as SktimeNotFittedError
from sktime.forecasting.base import ForecastingHorizon
from sktime.forecasting.compose import TransformedTargetForecaster
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.model_selection import ForecastingRandomizedSearchCV
from sktime.forecasting.naive import NaiveForecaster
from sktime.forecasting.theta import ThetaForecaster
from sktime.forecasting.trend import PolynomialTrendForecaster
from sktime.performance_metrics.forecasting import (
    MeanAbsoluteScaledError,
    MeanSquaredError,
    make_forecasting_scorer,
)
from sktime.performance_metrics.forecasting.probabilistic import PinballLoss
from sktime.split import ExpandingWindowSplitter, SlidingWindowSplitter
from sktime.transformations.series.boxcox import LogTransformer
from sktime.transformations.series.detrend import Deseasonalizer
from sktime.utils.estimator_checks import check_estimator, parametrize_with_checks

from skgru import ForecastingWhaleSearchCV, GRUForecaster, MeanForecaster

Y = load_airline()
CV = ExpandingWindowSplitter(initial_window=96, step_length=12, fh=list(range(1, 13)))


def naive_search(**kwargs):
    params = dict(
        forecaster=NaiveForecaster(strategy="mean"),
        cv=ExpandingWindowSplitter(initial_window=96, step_length=12, fh=[1, 2, 3]),
        param_distributions={"window_length": randint(2, 40)},
        n_agents=5,
        max_iter=4,
        random_state=0,
        backend="None",
    )
    params.update(kwargs)
    return ForecastingWhaleSearchCV(**params)


def fit_recording_warnings(search, fh):
    """Fit ``search`` on ``Y`` with every warning recorded; return them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(Y, fh=fh)
    return caught


def test_search_collects_every_iteration_and_ranks_by_the_metric():
    search = naive_search().fit(Y, fh=[1, 2, 3])
    results = search.cv_results_
    assert len(results) == search.n_evaluations_ <= 5 * 4
    assert search.n_iter_ == 4 and len(search.best_score_history_) == 4
    # lower is better for MAPE: rank 1 is the smallest error, and it is the best
    column = "mean_test_MeanAbsolutePercentageError"
    assert search.best_score_ == results[column].min()
    assert results.loc[search.best_index_, "params"] == search.best_params_
    # the history is in the metric's units and never gets worse
    history = np.array(search.best_score_history_)
    assert np.all(np.diff(history) <= 0) and history[-1] == search.best_score_
    # candidates are never evaluated twice
    windows = [params["window_length"] for params in results["params"]]
    assert len(windows) == len(set(windows))


def test_greater_is_better_metric_is_maximized():
    from sktime.performance_metrics.forecasting import make_forecasting_scorer

    def neg_mae(y_true, y_pred):
        return -float(np.mean(np.abs(y_true - y_pred)))

    scorer = make_forecasting_scorer(neg_mae, name="neg_mae", greater_is_better=True)
    search = naive_search(scoring=scorer).fit(Y, fh=[1, 2, 3])
    assert search.best_score_ == search.cv_results_["mean_test_neg_mae"].max()
    assert np.all(np.diff(search.best_score_history_) >= 0)


def test_finds_the_best_window_a_full_grid_finds():
    grid = [{"window_length": w} for w in range(2, 40)]
    errors = [
        naive_search(param_distributions={"window_length": [p["window_length"]]})
        .fit(Y, fh=[1, 2, 3])
        .best_score_
        for p in grid[::6]
    ]
    search = naive_search(n_agents=6, max_iter=6).fit(Y, fh=[1, 2, 3])
    assert search.best_score_ <= min(errors)


def test_reproducible_and_independent_of_the_backend():
    first = naive_search().fit(Y, fh=[1, 2, 3])
    second = naive_search(backend="loky", backend_params={"n_jobs": 2})
    second.fit(Y, fh=[1, 2, 3])
    pd.testing.assert_series_equal(
        first.cv_results_["params"].astype(str),
        second.cv_results_["params"].astype(str),
    )
    assert first.best_score_history_ == second.best_score_history_


def _unconverged_gru_search(**kwargs):
    """A one-iteration search of tiny GRUs that stop at max_epochs=1 and warn."""
    params = dict(
        forecaster=GRUForecaster(hidden_size=2, max_epochs=1, random_state=0),
        cv=ExpandingWindowSplitter(initial_window=120, step_length=12, fh=[1]),
        param_distributions={"learning_rate": [0.01, 0.02]},
        n_agents=2,
        max_iter=1,
    )
    return naive_search(**{**params, **kwargs})


def test_the_callers_warning_filters_hold_in_loky_workers():
    # max_epochs=1 stops short: every fit warns with a ConvergenceWarning
    search = _unconverged_gru_search(backend="loky", backend_params={"n_jobs": 2})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # raised in the workers
        with pytest.raises(NotFittedError, match="All fits of the forecaster failed"):
            search.fit(Y, fh=[1])
        # sktime's class too, as its own tuners raise it
        with pytest.raises(SktimeNotFittedError, match="All fits of the forecaster"):
            search.fit(Y, fh=[1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(Y, fh=[1])
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert search.cv_results_["mean_test_MeanAbsolutePercentageError"].notna().all()


@pytest.mark.parametrize("backend", ["None", "loky"])
def test_candidate_warnings_reach_the_caller_once_each_at_its_line(backend):
    # max_epochs=1 stops short; each candidate warns on each of its 2 folds
    search = _unconverged_gru_search(
        refit=False,
        backend=backend,
        backend_params={"n_jobs": 2} if backend == "loky" else None,
    )
    caught = fit_recording_warnings(search, [1])
    shown = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    # caught in this process (a worker's warning used to print from the worker),
    # one per candidate, named after it, at the line of search.fit (this file)
    rates = [params.get("learning_rate", 0.005) for params in search.cv_results_.params]
    messages = [str(w.message) for w in shown]
    # the forecaster as given and both grid points (a repeat is sent elsewhere)
    assert len(set(rates)) == len(messages) == len(search.cv_results_) == 3
    assert all("max_epochs=1 reached" in message for message in messages)
    # the forecaster as given is named without learning_rate (its default)
    assert sum("learning_rate=" in message for message in messages) == 2
    assert {w.filename for w in shown} == {__file__}


def test_a_threading_backend_leaves_the_callers_warning_state_alone():
    # catch_warnings swaps process-wide state: in threads of the caller's process
    # the candidates must not use it, or a later warning can be lost
    search = _unconverged_gru_search(
        param_distributions={"learning_rate": [0.01, 0.02, 0.03, 0.04]},
        n_agents=4,
        refit=False,
        backend="threading",
        backend_params={"n_jobs": 2},
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(Y, fh=[1])
        warnings.warn("after the search", UserWarning, stacklevel=1)
    messages = [str(w.message) for w in caught]
    assert messages[-1] == "after the search"
    # every candidate's ConvergenceWarning reached the caller
    converged = {m.split(":")[0] for m in messages if "max_epochs=1 reached" in m}
    assert len(converged) == len(search.cv_results_) >= 3


class _NaNForWindow7(NaiveForecaster):
    """A naive forecaster whose window_length=7 forecasts are NaN."""

    def _predict(self, fh, X):
        forecast = super()._predict(fh, X)
        return forecast * np.nan if self.window_length == 7 else forecast


class _KeywordOnlyWarning(UserWarning):
    def __init__(self, *, detail):
        super().__init__(detail)


class _WarnsWithKeywords(NaiveForecaster):
    """A naive forecaster that warns a category built from keywords only."""

    def _fit(self, y, X, fh):
        warnings.warn(_KeywordOnlyWarning(detail="keywords only"), stacklevel=1)
        return super()._fit(y, X, fh)


def _window_3_or_7_search(forecaster, error_score=np.nan):
    """One iteration of a search over window_length 3 or 7 of ``forecaster``."""
    return naive_search(
        forecaster=forecaster,
        param_distributions={"window_length": [3, 7]},
        n_agents=4,
        max_iter=1,
        error_score=error_score,
    )


@pytest.mark.parametrize("error_score", [np.nan, "raise"])
def test_a_nan_score_is_reported_as_such_without_the_raise_hint(error_score):
    search = _window_3_or_7_search(_NaNForWindow7(strategy="mean"), error_score)
    caught = fit_recording_warnings(search, [1, 2, 3])
    failures = [str(w.message) for w in caught if w.category is FitFailedWarning]
    assert failures == [
        "Candidate {'window_length': 7} scored NaN on 4 of 4 folds; it scores "
        f"error_score={error_score!r} and ranks last."
    ]
    assert search.best_params_ == {"window_length": 3}


def test_a_warning_that_cannot_be_rebuilt_from_its_message_still_shows():
    search = _window_3_or_7_search(_WarnsWithKeywords(strategy="mean"))
    caught = fit_recording_warnings(search, [1, 2, 3])
    shown = [str(w.message) for w in caught if w.category is UserWarning]
    assert "_KeywordOnlyWarning: keywords only" in shown


def test_a_probabilistic_metric_scores_the_candidates():
    # sktime's evaluate names the prediction time after the method it calls
    search = naive_search(
        forecaster=ThetaForecaster(sp=12),
        param_distributions={"deseasonalize": [True, False]},
        scoring=PinballLoss(alpha=[0.1, 0.9]),
        n_agents=2,
        max_iter=1,
    ).fit(Y, fh=[1, 2, 3])
    results = search.cv_results_
    assert results["mean_test_PinballLoss"].notna().all()
    assert (results["mean_pred_time"] > 0).all()
    assert search.best_score_ == results["mean_test_PinballLoss"].min()


def test_drop_in_for_randomized_search_with_the_same_arguments():
    arguments = dict(
        forecaster=NaiveForecaster(strategy="mean"),
        cv=SlidingWindowSplitter(window_length=48, step_length=24, fh=[1, 2]),
        param_distributions={"window_length": randint(2, 30)},
        scoring=MeanSquaredError(),
        random_state=1,
    )
    randomized = ForecastingRandomizedSearchCV(**arguments, n_iter=6).fit(Y)
    whale = ForecastingWhaleSearchCV(**arguments, n_agents=3, max_iter=2).fit(Y)
    # every column of sktime's, plus the spread and the fold scores
    extra = set(whale.cv_results_.columns) - set(randomized.cv_results_.columns)
    assert set(randomized.cv_results_.columns) <= set(whale.cv_results_.columns)
    n_folds = randomized.cv.get_n_splits(Y)
    assert extra == {"std_test_MeanSquaredError"} | {
        f"split{i}_test_MeanSquaredError" for i in range(n_folds)
    }
    assert whale.predict(fh=[1, 2]).shape == (2,)


def test_statistical_pipeline_is_tuned_and_returns_n_best():
    pipeline = TransformedTargetForecaster(
        [
            ("log", LogTransformer()),
            ("deseasonalize", Deseasonalizer(sp=12)),
            ("theta", ThetaForecaster(deseasonalize=False)),
        ]
    )
    search = ForecastingWhaleSearchCV(
        pipeline,
        cv=CV,
        param_distributions={
            "deseasonalize__model": ["additive", "multiplicative"],
            "theta__initial_level": uniform(0.05, 0.9),
        },
        scoring=MeanAbsoluteScaledError(),
        n_agents=4,
        max_iter=3,
        return_n_best_forecasters=2,
        random_state=0,
        backend="None",
    ).fit(Y)
    assert 0 < search.best_score_ < 2.0
    assert len(search.n_best_forecasters_) == 2
    # the selected forecaster first (here the pipeline as given, a near tie),
    # then the best of the others
    assert search.n_best_forecasters_[0][1] is search.best_forecaster_
    assert search.n_best_scores_[0] == search.best_score_
    others = search.cv_results_.drop(index=search.best_index_)
    assert search.n_best_scores_[1] == others["mean_test_MeanAbsoluteScaledError"].min()
    prediction = search.predict(fh=list(range(1, 13)))
    assert len(prediction) == 12 and np.isfinite(prediction).all()


def test_tunes_a_gru_forecaster_in_a_pipeline():
    pipeline = TransformedTargetForecaster(
        [
            ("log", LogTransformer()),
            ("gru", GRUForecaster(**GRUForecaster.get_test_params()[0])),
        ]
    )
    search = ForecastingWhaleSearchCV(
        pipeline,
        cv=ExpandingWindowSplitter(initial_window=120, step_length=12, fh=[1, 2, 3]),
        param_distributions={
            "gru__learning_rate": uniform(0.001, 0.05),
            "gru__hidden_size": [4, 8],
        },
        n_agents=2,
        max_iter=2,
        random_state=0,
        backend="None",
    ).fit(Y, fh=[1, 2, 3])
    assert search.n_iter_ == 2 and np.isfinite(search.best_score_)
    assert search.best_params_["gru__hidden_size"] in (4, 8)
    if search.best_index_ != 0:  # the refit is the mean with the pipeline as given
        selected = dict(search.best_forecaster_.forecasters_)["selected"]
        assert selected.get_params()["gru__hidden_size"] in (4, 8)
    interval = search.predict_interval(coverage=0.9)
    assert interval.shape == (3, 2)
    restored = pickle.loads(pickle.dumps(search))
    pd.testing.assert_series_equal(restored.predict(), search.predict())


def test_failing_candidates_follow_error_score_and_the_search_goes_on():
    search = naive_search(
        param_distributions={"window_length": [3, 10_000]}, n_agents=4, max_iter=2
    )
    caught = fit_recording_warnings(search, [1, 2, 3])
    scores = search.cv_results_["mean_test_MeanAbsolutePercentageError"]
    assert scores.isna().sum() == 1 and search.best_params_ == {"window_length": 3}
    # one warning for the candidate, with the exception sktime's evaluate drops,
    # not one per fold
    failures = [str(w.message) for w in caught if w.category is FitFailedWarning]
    assert len(failures) == 1
    # sktime's own words for the error may change; its class and the number not
    assert re.fullmatch(
        r"Candidate \{'window_length': 10000\} failed on 4 of 4 folds \(ValueError: "
        r".*10000.*\); it scores error_score=nan and ranks last\. Set "
        r"error_score='raise' to raise the error\.",
        failures[0],
    )
    with pytest.raises(Exception, match="window"):
        naive_search(
            param_distributions={"window_length": [10_000]}, error_score="raise"
        ).fit(Y, fh=[1, 2, 3])


def test_early_stopping_of_the_search():
    search = naive_search(
        param_distributions={"window_length": randint(5, 6)},  # one value
        max_iter=20,
        n_iter_no_change=2,
    ).fit(Y, fh=[1, 2, 3])
    # the forecaster as given (window_length=None) and the one value
    assert search.n_iter_ == 4 and search.n_evaluations_ == 2


def test_a_list_space_stops_once_every_combination_is_scored():
    search = naive_search(
        param_distributions={"window_length": [5, 10]}, max_iter=20
    ).fit(Y, fh=[1, 2, 3])
    # the forecaster as given (window_length=None) and the two values
    assert search.n_evaluations_ == 3 and search.n_iter_ < 20
    assert len(search.best_score_history_) == search.n_iter_


def test_update_behaviours():
    train, new = Y[:-12], Y[-12:]
    for behaviour in ["full_refit", "inner_only", "no_update"]:
        search = naive_search(update_behaviour=behaviour, max_iter=2).fit(
            train, fh=[1, 2, 3]
        )
        search.update(new)
        assert search.cutoff[0] == Y.index[-1]
        assert len(search.predict()) == 3


def test_user_space_and_forecaster_are_not_mutated():
    space = {"window_length": [3, 6, 9]}
    forecaster = NaiveForecaster(strategy="mean")
    before = forecaster.get_params()
    naive_search(forecaster=forecaster, param_distributions=space).fit(Y, fh=[1])
    assert space == {"window_length": [3, 6, 9]}
    assert forecaster.get_params() == before and not forecaster.is_fitted


def test_an_empty_list_of_values_is_rejected():
    with pytest.raises(ValueError, match="'window_length' .*empty list"):
        naive_search(param_distributions={"window_length": []}).fit(Y, fh=[1])


def test_an_empty_space_scores_the_forecaster_as_given_once():
    # as sktime's ForecastingRandomizedSearchCV (and sklearn's) with {}
    search = naive_search(param_distributions={}).fit(Y, fh=[1])
    assert search.best_params_ == {} and search.n_evaluations_ == 1
    assert len(search.cv_results_) == 1


@pytest.mark.timeout(120)
def test_dask_backend_on_a_local_cluster():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            processes=True,
        ) as cluster,
        distributed.Client(cluster, timeout="60s"),
    ):
        search = naive_search(backend="dask").fit(Y, fh=[1, 2, 3])
    reference = naive_search().fit(Y, fh=[1, 2, 3])
    assert search.best_params_ == reference.best_params_
    assert search.best_score_history_ == reference.best_score_history_


# the tuner and the mean it returns
@parametrize_with_checks(
    [ForecastingWhaleSearchCV, MeanForecaster], obj_varname="estimator"
)
def test_sktime_conformance(estimator, test_name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_estimator(estimator, tests_to_run=test_name, raise_exceptions=True)


# --- failed folds, the refit's horizon, the estimator as given, validation --------


def test_every_drawn_candidate_failing_warns_that_the_space_is_misconfigured():
    search = naive_search(param_distributions={"window_length": uniform(2, 10)})
    with pytest.warns(FitFailedWarning, match="Every one of the 5 candidates drawn"):
        search.fit(Y, fh=[1, 2, 3])
    assert search.best_params_ == {"window_length": None}  # the forecaster as given


def test_a_candidate_failing_on_any_fold_scores_nan_and_ranks_last():
    # window_length=40 and 60 fail on the folds shorter than the window; sktime's
    # own grid search averages their surviving folds and picks 60.
    cv = ExpandingWindowSplitter(initial_window=24, step_length=24, fh=[1, 2, 3])
    search = naive_search(
        cv=cv,
        param_distributions={"window_length": [3, 6, 40, 60]},
        n_agents=6,
        max_iter=3,
    ).fit(Y[:84], fh=[1, 2, 3])
    assert search.best_params_ == {"window_length": 6}
    results = search.cv_results_.set_index(
        search.cv_results_["params"].map(lambda p: p["window_length"])
    )
    column = "mean_test_MeanAbsolutePercentageError"
    assert np.isnan(results.loc[40, column]) and np.isnan(results.loc[60, column])
    rank = results["rank_test_MeanAbsolutePercentageError"]
    assert rank.loc[40] == rank.loc[60] == rank.max() > rank.loc[6] == 1
    # the spread of the fold scores is reported, as sklearn's std_test_score
    splits = results.filter(like="split").loc[6].to_numpy(dtype=float)
    assert len(splits) == 3
    assert results.loc[6, "std_test_MeanAbsolutePercentageError"] == pytest.approx(
        splits.std()
    )
    assert results.loc[6, column] == pytest.approx(splits.mean())


@pytest.mark.parametrize("error_score", [0.0, -1.0, 1e9])
def test_a_numeric_error_score_never_lets_a_failed_candidate_win(error_score):
    # an error metric with error_score=0 would rank a failure first if it counted
    # as a score; the failed candidates take error_score as their mean, rank last
    cv = ExpandingWindowSplitter(initial_window=24, step_length=24, fh=[1, 2, 3])
    with pytest.warns(Warning):
        search = naive_search(
            cv=cv,
            param_distributions={"window_length": [3, 6, 40, 60]},
            n_agents=6,
            max_iter=3,
            error_score=error_score,
        ).fit(Y[:84], fh=[1, 2, 3])
    assert search.best_params_ == {"window_length": 6}
    results = search.cv_results_.set_index(
        search.cv_results_["params"].map(lambda p: p["window_length"])
    )
    column = "mean_test_MeanAbsolutePercentageError"
    assert results.loc[40, column] == results.loc[60, column] == error_score
    # the surviving fold keeps its own score, the failed ones error_score
    splits = results.filter(like="split").loc[60].to_numpy(dtype=float)
    assert (splits == error_score).sum() == 2
    rank = results["rank_test_MeanAbsolutePercentageError"]
    assert rank.loc[40] == rank.loc[60] == rank.max() > rank.loc[6] == 1
    assert search.best_score_ == pytest.approx(results.loc[6, column])


def test_ranks_are_sklearns_ties_share_the_best_rank_and_failures_come_last():
    # strategy="last" ignores window_length: the forecaster as given and the
    # windows 3 and 6 score the same, 40 and 60 fail on two of three folds
    cv = ExpandingWindowSplitter(initial_window=24, step_length=24, fh=[1, 2, 3])
    search = naive_search(
        forecaster=NaiveForecaster(strategy="last"),
        cv=cv,
        param_distributions={"window_length": [3, 6, 40, 60]},
        n_agents=6,
        max_iter=3,
    ).fit(Y[:84], fh=[1, 2, 3])
    results = search.cv_results_
    scores = results["mean_test_MeanAbsolutePercentageError"]
    rank = results["rank_test_MeanAbsolutePercentageError"]
    n_scored = int(scores.notna().sum())
    assert 2 <= n_scored < len(results)
    assert rank.dtype == np.int32
    assert (rank[scores.notna()] == 1).all()  # one score shared: rank 1, not 1.5
    assert (rank[scores.isna()] == n_scored + 1).all()


def _refitted(search):
    """The refitted forecasters behind best_forecaster_ (both members of a mean)."""
    best = search.best_forecaster_
    if isinstance(best, MeanForecaster):
        return [forecaster for _, forecaster in best.forecasters_]
    return [best]


def test_the_refit_has_the_horizon_cross_validation_scored():
    forecaster = GRUForecaster(**GRUForecaster.get_test_params()[0])
    assert forecaster.horizon is None
    search = naive_search(
        forecaster=forecaster,
        cv=ExpandingWindowSplitter(initial_window=96, step_length=24, fh=[1, 2, 3]),
        param_distributions={"learning_rate": [0.01, 0.02]},
        n_agents=2,
        max_iter=1,
    ).fit(Y, fh=range(1, 7))
    # every candidate is the 6-step network the refit trains, scored on 3 steps
    assert search.best_params_["horizon"] == 6
    assert all(f.horizon_ == 6 for f in _refitted(search))
    assert all(params["horizon"] == 6 for params in search.cv_results_["params"])
    assert len(search.predict()) == 6

    def one_candidate(forecaster):
        return naive_search(
            forecaster=forecaster,
            cv=ExpandingWindowSplitter(initial_window=96, step_length=24, fh=[1, 2, 3]),
            param_distributions={"learning_rate": [0.01]},
            n_agents=1,
            max_iter=1,
        )

    # without an fh at fit, the splitter's
    later = one_candidate(forecaster).fit(Y)
    assert all(f.horizon_ == 3 for f in _refitted(later))
    assert len(later.predict(fh=[1, 2, 3, 4])) == 4
    # an absolute fh counts by its steps after the cutoff
    absolute = ForecastingHorizon(Y.index[-5:], is_relative=False)
    dated = one_candidate(forecaster).fit(Y[:-5], fh=absolute)
    assert all(f.horizon_ == 5 for f in _refitted(dated))
    # a horizon the user set (or searches) is left alone
    fixed = one_candidate(forecaster.clone().set_params(horizon=2))
    fixed.fit(Y, fh=range(1, 7))
    assert "horizon" not in fixed.best_params_
    assert all(f.horizon_ == 2 for f in _refitted(fixed))


def test_the_forecaster_as_given_is_scored_first():
    search = naive_search(
        forecaster=NaiveForecaster(strategy="mean", window_length=12),
        param_distributions={"window_length": [30, 36]},
        n_agents=2,
        max_iter=2,
    ).fit(Y, fh=[1, 2, 3])
    assert search.cv_results_["params"].iloc[0] == {"window_length": 12}
    scores = search.cv_results_["mean_test_MeanAbsolutePercentageError"]
    assert search.best_score_ == scores.min()


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_agents": 2.5}, "n_agents"),
        ({"max_iter": 0}, "max_iter"),
        ({"b": "x"}, "b"),
        ({"tol": -1}, "tol"),
        ({"variant": "nope"}, "variant"),
        ({"init": "lhs"}, "init"),
        ({"boundary": "reflect"}, "boundary"),
    ],
)
def test_bad_search_parameters_get_sklearns_message(params, name):
    message = f"The '{name}' parameter of ForecastingWhaleSearchCV must be"
    with pytest.raises(ValueError, match=message):
        naive_search(**params).fit(Y, fh=[1])


def test_numpy_typed_search_parameters_are_accepted():
    search = naive_search(n_agents=np.int64(3), max_iter=np.int32(2), b=np.float32(1))
    search.fit(Y, fh=[1])
    assert search.n_iter_ == 2


def test_no_future_warning_from_our_forecasters():
    # the main example's code path, on our own classes: build, tune, forecast,
    # intervals, with FutureWarning as an error
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        forecaster = GRUForecaster(hidden_size=4, max_epochs=2, random_state=0)
        search = ForecastingWhaleSearchCV(
            forecaster,
            ExpandingWindowSplitter(initial_window=120, step_length=12, fh=[1, 2]),
            GRUForecaster.search_space(sp=12),
            n_agents=2,
            max_iter=1,
            backend="None",
            random_state=0,
        )
        fitted = search.clone().fit(Y, fh=[1, 2])
        assert fitted.predict_interval(coverage=0.9).shape == (2, 2)


def test_the_default_search_space_tunes_a_gru_forecaster():
    space = GRUForecaster.search_space(sp=4)
    # two and three seasons: the half-window network reads at least one
    assert space["window_length"] == [None, 8, 12]
    # sp=1 (no season) searches the windows of sp=None, not 1, 2 and 3 points
    assert GRUForecaster.search_space(sp=1)["window_length"] == [None, 6, 12, 24]
    assert GRUForecaster.search_space(sp=np.int64(12))["window_length"][-1] == 36
    search = naive_search(
        forecaster=GRUForecaster(hidden_size=4, max_epochs=2, random_state=0),
        cv=ExpandingWindowSplitter(initial_window=96, step_length=24, fh=[1, 2]),
        param_distributions=space,
        n_agents=2,
        max_iter=1,
    ).fit(Y, fh=[1, 2])
    assert set(space) < set(search.best_params_)  # plus the fixed horizon
    assert search.predict().shape == (2,)
    with pytest.raises(ValueError, match="sp must be None or a positive int"):
        GRUForecaster.search_space(sp=0)


def _drift_search(**kwargs):
    kwargs.setdefault("forecaster", NaiveForecaster(strategy="drift"))
    return naive_search(
        param_distributions={"window_length": [2, 3, 6, 12, 24, 36]},
        n_agents=4,
        max_iter=2,
        **kwargs,
    ).fit(Y, fh=[1, 2, 3])


def test_a_near_tie_with_the_forecaster_as_given_selects_it():
    column = "mean_test_MeanAbsolutePercentageError"
    best_mean = _drift_search(tie_break=None)
    results = best_mean.cv_results_
    best = int(results[column].idxmin())
    assert best != 0 and best_mean.best_index_ == best
    assert best_mean.best_score_ == results[column].min()
    # the untuned drift (window_length=None, row 0) is within one standard error
    n_folds = results.filter(regex=r"^split\d+_").shape[1]
    error = results.loc[best, column.replace("mean_", "std_")] / np.sqrt(n_folds)
    assert results.loc[0, column] - results.loc[best, column] <= error

    tied = _drift_search(tie_break="untuned")
    assert tied.best_index_ == 0 and tied.best_params_ == {"window_length": None}
    assert tied.best_score_ == tied.cv_results_.loc[0, column]
    assert tied.best_forecaster_.get_params()["window_length"] is None
    # ranks still follow the mean score; only the selection differs
    pd.testing.assert_frame_equal(
        tied.cv_results_.drop(columns=["mean_fit_time", "mean_pred_time"]),
        results.drop(columns=["mean_fit_time", "mean_pred_time"]),
    )


def test_a_clear_win_over_the_forecaster_as_given_is_kept():
    search = naive_search(
        forecaster=NaiveForecaster(strategy="mean", window_length=12),
        param_distributions={"window_length": [2, 3, 6, 12, 24, 36]},
        n_agents=4,
        max_iter=2,
        tie_break="untuned",
    ).fit(Y, fh=[1, 2, 3])
    assert search.best_params_ == {"window_length": 24}
    assert search.best_index_ != 0


def test_the_default_selects_the_best_mean():
    # the same near tie as above: the default keeps the best mean, not row 0
    search = _drift_search()
    assert search.tie_break is None
    column = "mean_test_MeanAbsolutePercentageError"
    assert search.best_index_ != 0
    assert search.best_score_ == search.cv_results_[column].min()


def test_the_refit_is_the_mean_of_the_selected_and_the_forecaster_as_given():
    search = _drift_search()  # default average_with="untuned"; best row != 0
    best = search.best_params_["window_length"]
    assert search.best_index_ != 0 and best is not None
    assert isinstance(search.best_forecaster_, MeanForecaster)
    # the selected row still describes the selection
    column = "mean_test_MeanAbsolutePercentageError"
    assert search.best_score_ == search.cv_results_[column].min()
    untuned = NaiveForecaster(strategy="drift").fit(Y, fh=[1, 2, 3])
    selected = NaiveForecaster(strategy="drift", window_length=best).fit(
        Y, fh=[1, 2, 3]
    )
    expected = (untuned.predict() + selected.predict()) / 2
    pd.testing.assert_series_equal(search.predict(), expected)
    # interval bounds are the means of the members' bounds (quantile averaging)
    bounds = [f.predict_interval(coverage=0.9).to_numpy() for f in (untuned, selected)]
    np.testing.assert_allclose(
        search.predict_interval(coverage=0.9).to_numpy(), np.mean(bounds, axis=0)
    )
    # update (inner_only) moves both members to the new data
    later = _drift_search(update_behaviour="inner_only")
    new = pd.Series(
        Y.iloc[-12:].to_numpy() + 50.0,
        index=pd.period_range("1961-01", periods=12, freq="M"),
        name=Y.name,
    )
    later.update(new, update_params=False)
    for member in (untuned, selected):
        member.update(new, update_params=False)
    expected = (untuned.predict() + selected.predict()) / 2
    assert str(later.cutoff[0]) == "1961-12"
    pd.testing.assert_series_equal(later.predict(), expected)


def test_no_mean_with_a_forecaster_as_given_that_failed():
    # the forecaster as given (window 500) fails on every fold: the refit is the
    # selected candidate alone, not a mean with a forecaster that cannot fit
    search = _drift_search(
        forecaster=NaiveForecaster(strategy="drift", window_length=500)
    )
    assert search.cv_results_.loc[0, "rank_test_MeanAbsolutePercentageError"] == len(
        search.cv_results_
    )
    assert search.best_index_ != 0
    assert isinstance(search.best_forecaster_, NaiveForecaster)
    assert search.best_forecaster_.get_params()["window_length"] != 500


def test_mean_forecaster_passes_x_on_when_any_member_uses_it():
    from sklearn.linear_model import LinearRegression
    from sktime.forecasting.compose import YfromX

    x = pd.DataFrame({"x": np.arange(len(Y), dtype=float)}, index=Y.index)
    members = [("naive", NaiveForecaster()), ("x", YfromX(LinearRegression()))]
    mean = MeanForecaster(members)
    assert mean.get_tag("capability:exogenous") is True
    mean.fit(Y.iloc[:-2], X=x.iloc[:-2], fh=[1, 2])
    alone = [f.clone().fit(Y.iloc[:-2], X=x.iloc[:-2], fh=[1, 2]) for _, f in members]
    expected = sum(f.predict(X=x.iloc[-2:]) for f in alone) / 2
    pd.testing.assert_series_equal(mean.predict(X=x.iloc[-2:]), expected)


def test_mean_forecaster_variance_has_the_mean_of_the_members_deviations():
    # the variance that belongs to averaged quantiles, not sktime's default
    # (a normal backed out of the averaged 50% interval)
    members = [("last", NaiveForecaster()), ("drift", NaiveForecaster("drift"))]
    mean = MeanForecaster(members).fit(Y, fh=[1, 2, 3])
    alone = [f.clone().fit(Y, fh=[1, 2, 3]) for _, f in members]
    deviations = [f.predict_var() ** 0.5 for f in alone]
    expected = ((deviations[0] + deviations[1]) / 2) ** 2
    pd.testing.assert_frame_equal(mean.predict_var(), expected)
    pd.testing.assert_frame_equal(mean.predict_var(cov=True), expected)


def _record_naive_fits(monkeypatch):
    """A list that gets the window_length of every NaiveForecaster fit."""
    fits = []
    original = NaiveForecaster.fit

    def counting_fit(self, *args, **kwargs):
        fits.append(self.get_params()["window_length"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(NaiveForecaster, "fit", counting_fit)
    return fits


def test_every_candidate_is_refitted_once_with_the_mean(monkeypatch):
    fits = _record_naive_fits(monkeypatch)
    search = _drift_search(return_n_best_forecasters=-1)
    n_rows = len(search.cv_results_)
    # 4 folds per candidate, then one refit per candidate: the untuned one inside
    # the mean is not refitted again for n_best_forecasters_
    assert isinstance(search.best_forecaster_, MeanForecaster)
    assert len(fits) == 4 * n_rows + n_rows
    untuned = dict(search.best_forecaster_.forecasters_)["untuned"]
    assert any(f is untuned for _, f in search.n_best_forecasters_)
    assert len(search.n_best_forecasters_) == n_rows


def test_average_with_none_refits_the_selected_candidate_alone():
    search = _drift_search(average_with=None)
    best = search.best_params_["window_length"]
    assert isinstance(search.best_forecaster_, NaiveForecaster)
    expected = NaiveForecaster(strategy="drift", window_length=best).fit(
        Y, fh=[1, 2, 3]
    )
    pd.testing.assert_series_equal(search.predict(), expected.predict())


def test_no_mean_when_the_forecaster_as_given_is_selected():
    search = _drift_search(tie_break="untuned")
    assert search.best_index_ == 0 and isinstance(
        search.best_forecaster_, NaiveForecaster
    )


@pytest.mark.parametrize("value", ["best", "top-3", True])
def test_average_with_is_validated(value):
    with pytest.raises(ValueError, match="average_with"):
        naive_search(average_with=value).fit(Y, fh=[1, 2, 3])


def test_mean_forecaster_exposes_its_members_parameters_and_fitted_values():
    mean = MeanForecaster(
        [("last", NaiveForecaster()), ("mean", NaiveForecaster(strategy="mean"))]
    )
    params = mean.get_params()
    assert params["last__strategy"] == "last" and params["mean__strategy"] == "mean"
    changed = mean.clone().set_params(mean__window_length=12, last__strategy="drift")
    changed.fit(Y, fh=[1, 2])
    expected = (
        NaiveForecaster(strategy="drift").fit(Y, fh=[1, 2]).predict()
        + NaiveForecaster(strategy="mean", window_length=12).fit(Y, fh=[1, 2]).predict()
    ) / 2
    pd.testing.assert_series_equal(changed.predict(), expected)
    assert changed.get_fitted_params()["mean__window_length"] == 12
    # the tuner's fitted parameters reach the members of its mean
    search = _drift_search()
    assert isinstance(search.best_forecaster_, MeanForecaster)
    fitted = search.get_fitted_params()
    selected = dict(search.best_forecaster_.forecasters_)["selected"]
    best = search.best_params_["window_length"]
    assert fitted["selected__window_length"] == best
    assert selected.get_params()["window_length"] == best


def test_mean_forecaster_set_params_checks_and_resets_like_any_sktime_object():
    from sklearn.linear_model import LinearRegression
    from sktime.forecasting.compose import YfromX

    mean = MeanForecaster([("a", NaiveForecaster()), ("b", NaiveForecaster())])
    mean.fit(Y, fh=[1])
    mean.set_params(a__strategy="drift")
    assert not mean.is_fitted
    with pytest.raises(ValueError, match="distinct names"):
        mean.clone().set_params(forecasters=[("c", NaiveForecaster())] * 2)
    # a member that reads X makes the mean read X (tags computed again)
    assert not mean.get_tag("capability:exogenous")
    mean.set_params(a=YfromX(LinearRegression()))
    assert mean.get_tag("capability:exogenous")


def test_mean_forecaster_needs_named_distinct_members():
    with pytest.raises(ValueError, match="distinct names"):
        MeanForecaster([("a", NaiveForecaster()), ("a", NaiveForecaster())])
    with pytest.raises(ValueError, match="non-empty list"):
        MeanForecaster([])
    with pytest.raises(ValueError, match="name, forecaster"):
        MeanForecaster([NaiveForecaster()])
    for name in ("forecasters", "a__b"):
        with pytest.raises(ValueError, match="must not be 'forecasters' or contain"):
            MeanForecaster([(name, NaiveForecaster())])


def test_tie_break_is_validated():
    with pytest.raises(ValueError, match="tie_break"):
        naive_search(tie_break="simplest").fit(Y, fh=[1, 2, 3])


def test_the_selected_forecaster_comes_first_and_is_fitted_once(monkeypatch):
    fits = _record_naive_fits(monkeypatch)
    search = _drift_search(tie_break="untuned")
    n_fits_of_search = len(fits)
    assert search.best_index_ == 0
    rank, first = search.n_best_forecasters_[0]
    assert first is search.best_forecaster_
    assert search.n_best_scores_[0] == search.best_score_
    # every candidate on 4 folds, plus exactly one refit (the selected one)
    assert n_fits_of_search == 4 * len(search.cv_results_) + 1
    assert rank == str(
        int(search.cv_results_.loc[0, "rank_test_MeanAbsolutePercentageError"])
    )


def test_a_pipeline_matching_one_dict_is_scored_as_given():
    # the Theta dict's "f__deseasonalize" is no parameter of the given naive
    # component; the pipeline still matches the first dict and is row 0
    pipe = TransformedTargetForecaster([("f", NaiveForecaster(strategy="last"))])
    space = [
        {"f": [NaiveForecaster(strategy="mean")], "f__window_length": [2, 3, 24]},
        {"f": [ThetaForecaster(sp=12)], "f__deseasonalize": [True, False]},
    ]
    search = naive_search(forecaster=pipe, param_distributions=space, max_iter=1)
    search.fit(Y, fh=[1, 2, 3])
    first = search.cv_results_.loc[0, "params"]
    assert set(first) == {"f", "f__window_length"}
    assert first["f"].get_params()["strategy"] == "last"
    assert first["f__window_length"] is None
    column = "mean_test_MeanAbsolutePercentageError"
    given = evaluate(pipe.clone(), search.cv, Y, scoring=search.scoring)
    assert search.cv_results_.loc[0, column] == pytest.approx(given.iloc[:, 0].mean())


def test_no_tie_break_without_the_forecaster_as_given():
    # a conditional space that swaps the component: the pipeline as given has
    # neither "f__window_length" nor "f__deseasonalize", so it matches no dict,
    # is not scored and row 0 is just the first whale
    pipe = TransformedTargetForecaster([("f", PolynomialTrendForecaster(degree=1))])
    space = [
        {"f": [NaiveForecaster(strategy="mean")], "f__window_length": [2, 3, 24, 36]},
        {"f": [NaiveForecaster(strategy="drift")], "f__window_length": [2, 3, 24, 36]},
        {"f": [ThetaForecaster(sp=12)], "f__deseasonalize": [True, False]},
    ]
    kwargs = dict(forecaster=pipe, param_distributions=space, n_agents=3, max_iter=1)
    untuned = naive_search(tie_break="untuned", **kwargs).fit(Y, fh=[1, 2, 3])
    best_mean = naive_search(tie_break=None, **kwargs).fit(Y, fh=[1, 2, 3])
    column = "mean_test_MeanAbsolutePercentageError"
    results = untuned.cv_results_
    best = int(results[column].idxmin())
    # row 0 (a whale) is within one standard error of the best: the rule would
    # have picked it, had it been the forecaster as given
    error = results.loc[best, column.replace("mean_", "std_")] / np.sqrt(4)
    assert best != 0 and results.loc[0, column] - results.loc[best, column] <= error
    assert untuned.best_index_ == best_mean.best_index_ == best
    # nor a mean with it (average_with="untuned" is the default)
    assert not isinstance(best_mean.best_forecaster_, MeanForecaster)


@pytest.mark.parametrize("value", [0, -2, 1.5, "2", None])
def test_return_n_best_forecasters_is_validated(value):
    with pytest.raises(ValueError, match="return_n_best_forecasters"):
        naive_search(return_n_best_forecasters=value).fit(Y, fh=[1, 2, 3])


def test_init_latinhypercube_spreads_the_first_population():
    search = naive_search(
        param_distributions={"window_length": [2, 4, 8, 16]},
        n_agents=4,
        max_iter=1,
        init="latinhypercube",
    ).fit(Y, fh=[1, 2, 3])
    windows = [p["window_length"] for p in search.cv_results_["params"][1:]]
    assert sorted(windows) == [2, 4, 8, 16]
    with pytest.raises(ValueError, match="init"):
        naive_search(init="sobol").fit(Y, fh=[1])


def test_a_metric_returning_nan_ranks_last_also_with_error_score_raise():
    # nothing raised, the metric gave NaN: with error_score="raise" the search
    # converted "raise" to a float and crashed
    def mae_or_nan(y_true, y_pred):
        value = float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))))
        return value if np.asarray(y_pred).ravel()[0] > 300 else np.nan

    scorer = make_forecasting_scorer(mae_or_nan, name="m")
    search = naive_search(scoring=scorer, error_score="raise", max_iter=2).fit(
        Y, fh=[1, 2, 3]
    )
    scores = search.cv_results_["mean_test_m"]
    assert scores.isna().any() and np.isfinite(search.best_score_)
    rank = search.cv_results_["rank_test_m"]
    assert (rank[scores.isna()] == rank.max()).all()
    assert search.best_score_ == scores.min()


@pytest.mark.parametrize("boundary", ["clip", "bounce"])
def test_boundary_reaches_the_whales_of_the_forecasting_search(boundary, monkeypatch):
    import skgru._search_loop as search_loop

    built = []

    class Spy(search_loop.WhaleOptimizer):
        def __init__(self, *args, **kwargs):
            built.append(kwargs["boundary"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(search_loop, "WhaleOptimizer", Spy)
    search = naive_search(boundary=boundary, n_agents=3, max_iter=2)
    search.fit(Y, fh=[1, 2, 3])
    assert built == [boundary]
    assert search.get_params()["boundary"] == boundary
