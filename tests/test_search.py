"""Tests of WhaleSearchCV, the shared run_whale_search loop and plot_convergence."""

import importlib.util
import os
import pickle
import re
import sys
import types
import warnings

import numpy as np
import pytest
import sklearn
from scipy.stats import loguniform, randint, uniform
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.datasets import make_classification, make_regression
from sklearn.decomposition import PCA
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    RandomizedSearchCV,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils.estimator_checks import check_estimator

from skgru._search_loop import WhaleSearchResult, run_whale_search
from skgru.plotting import plot_convergence
from skgru.search import WhaleSearchCV
from skgru.space import ParamSpace

X, y = make_regression(
    n_samples=60, n_features=8, n_informative=4, noise=10.0, random_state=0
)
ALPHA = {"alpha": loguniform(1e-3, 1e3)}


def whale(estimator=None, space=None, **kwargs):
    kwargs = {"n_agents": 4, "max_iter": 3, "cv": 3, "random_state": 0, **kwargs}
    return WhaleSearchCV(
        Ridge() if estimator is None else estimator,
        ALPHA if space is None else space,
        **kwargs,
    )


# --- sklearn's estimator checks ---------------------------------------------------


def test_sklearn_estimator_checks_with_a_distribution_space():
    # One test id: a frozen distribution's repr holds a memory address, which would
    # make parametrized ids differ between pytest-xdist workers. Per-check ids for
    # WhaleSearchCV are in tests/test_common.py.
    check_estimator(
        WhaleSearchCV(Ridge(), {"alpha": loguniform(1e-3, 1e2)}, n_agents=3, max_iter=2)
    )


# --- the shared loop --------------------------------------------------------------


def test_run_whale_search_maximizes_and_scores_only_new_candidates():
    calls, scored = [], []

    def score_batch(batch):
        calls.append(batch)
        scores = [-((p["x"] - 0.3) ** 2) - 0.1 * p["k"] for p in batch]
        scored.extend(scores)
        return scores

    result = run_whale_search(
        {"x": uniform(0, 1), "k": [0, 1, 2]},
        score_batch,
        n_agents=8,
        max_iter=15,
        random_state=0,
    )
    assert isinstance(result, WhaleSearchResult)
    assert result.stop_reason == "max_iter" and result.n_iter == 15
    assert result.best_params["k"] == 0
    assert abs(result.best_params["x"] - 0.3) < 0.02
    # one call per iteration with new candidates, none of them seen before
    seen = [tuple(sorted(p.items())) for batch in calls for p in batch]
    assert len(seen) == len(set(seen)) == result.n_evaluations
    assert [len(b) for b in calls] == [n for n in result.n_new_candidates if n]
    assert all(0 < len(b) <= 8 for b in calls)
    # the best score never gets worse and ends at the best one seen
    history = np.asarray(result.best_score_history)
    assert np.all(np.diff(history) >= 0)
    assert history[-1] == result.best_score == max(scored)


def _scorer_of_x():
    """A batch scorer returning each candidate's ``x``, and its batch sizes."""
    calls = []

    def score_batch(batch):
        calls.append(len(batch))
        return [p["x"] for p in batch]

    return score_batch, calls


def test_run_whale_search_dedups_a_small_list_space():
    score_batch, calls = _scorer_of_x()
    result = run_whale_search(
        {"x": [1, 2, 3]}, score_batch, n_agents=10, max_iter=6, random_state=1
    )
    assert sum(calls) == result.n_evaluations == 3
    assert result.best_params == {"x": 3} and result.best_score == 3
    # every candidate drawn: the search stops instead of running 6 iterations
    assert result.stop_reason == "exhausted" and result.n_iter < 6
    assert len(calls) == len(result.best_score_history) == result.n_iter


def test_a_list_space_is_used_up_with_the_initial_candidate_among_its_values():
    # the estimator as given (a=1) is one of the two values: the space is used
    # up once a whale draws a=2, not after 8 iterations of nothing new
    result = run_whale_search(
        {"a": [1, 2]},
        lambda batch: [p["a"] for p in batch],
        n_agents=2,
        max_iter=8,
        random_state=4,
        initial_params={"a": 1},
    )
    assert result.n_evaluations == 2 and result.stop_reason == "exhausted"
    assert 0 not in result.n_new_candidates


def test_run_whale_search_without_new_candidates_makes_no_call():
    # randint(0, 1) has one value but is a distribution: not "exhausted"
    score_batch, calls = _scorer_of_x()
    result = run_whale_search(
        {"x": [1, 2], "y": randint(0, 1)}, score_batch, n_agents=10, max_iter=6
    )
    assert sum(calls) == result.n_evaluations == 2
    assert len(calls) < 6 and result.n_iter == 6
    assert result.stop_reason == "max_iter"


def test_a_list_space_stops_once_every_combination_is_scored():
    search = whale(space={"alpha": [0.1, 1.0, 10.0]}, n_agents=4, max_iter=10)
    search.fit(X, y)
    # 3 candidates, the estimator as given (alpha=1.0) among them
    assert search.n_evaluations_ == len(search.cv_results_["params"]) == 3
    assert search.n_iter_ == len(search.best_score_history_) < 10


def test_run_whale_search_nan_is_worst_and_all_nan_is_reported():
    result = run_whale_search(
        {"x": [1, 2, 3, 4]},
        lambda batch: [np.nan if p["x"] != 2 else 0.0 for p in batch],
        n_agents=6,
        max_iter=3,
        random_state=0,
    )
    assert result.best_params == {"x": 2}
    result = run_whale_search(
        {"x": [1, 2]},
        lambda batch: [np.nan] * len(batch),
        n_agents=3,
        max_iter=2,
        random_state=0,
    )
    assert result.best_params is None and np.isnan(result.best_score)
    assert np.all(np.isnan(result.best_score_history))


def test_run_whale_search_is_deterministic_and_accepts_a_param_space():
    def score_batch(batch):
        return [-abs(np.log10(p["a"])) for p in batch]

    space = {"a": loguniform(1e-3, 1e3)}
    runs = [
        run_whale_search(space, score_batch, n_agents=5, max_iter=4, random_state=7),
        run_whale_search(
            ParamSpace(space), score_batch, n_agents=5, max_iter=4, random_state=7
        ),
        run_whale_search(
            space,
            score_batch,
            n_agents=5,
            max_iter=4,
            random_state=np.random.RandomState(7),
        ),
    ]
    assert runs[0] == runs[1] == runs[2]
    other = run_whale_search(space, score_batch, n_agents=5, max_iter=4, random_state=8)
    assert other.best_score_history != runs[0].best_score_history


def test_run_whale_search_early_stopping_and_callback():
    def score_batch(batch):
        return [float(p["x"]) for p in batch]

    # with a huge tol only the first iteration (from NaN) counts as an improvement
    result = run_whale_search(
        {"x": uniform(0, 1)},
        score_batch,
        n_agents=4,
        max_iter=50,
        random_state=0,
        n_iter_no_change=2,
        tol=10.0,
    )
    # 1 improving, then more than 2 (3) stale iterations: MLPRegressor's count
    assert result.n_iter == 4 and result.stop_reason == "n_iter_no_change"

    states = []

    def callback(state):
        states.append((state.n_iter, state.best_score))
        return state.n_iter == 2

    result = run_whale_search(
        {"x": uniform(0, 1)},
        score_batch,
        n_agents=4,
        max_iter=50,
        random_state=0,
        callback=callback,
    )
    assert result.n_iter == 2 and result.stop_reason == "callback"
    assert [s[0] for s in states] == [1, 2]
    with pytest.raises(ValueError, match="n_iter_no_change"):
        run_whale_search({"x": [1]}, score_batch, n_iter_no_change=0)


def test_run_whale_search_rejects_wrong_number_of_scores():
    with pytest.raises(ValueError, match="one score per candidate"):
        run_whale_search(
            {"x": [1, 2, 3]}, lambda batch: [1.0], n_agents=5, random_state=0
        )


# --- WhaleSearchCV: the BaseSearchCV features --------------------------------------


def test_basic_fit_attributes_and_pass_through():
    search = whale(max_iter=4).fit(X, y)
    assert search.n_iter_ == 4
    assert search.n_evaluations_ == len(search.cv_results_["params"])
    assert 0 < search.n_evaluations_ <= 16
    assert len(search.best_score_history_) == 4
    assert search.best_score_history_[-1] == search.best_score_
    assert np.all(np.diff(search.best_score_history_) >= 0)
    assert search.best_score_ == search.cv_results_["mean_test_score"].max()
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    best = Ridge(**search.best_params_).fit(X, y)
    np.testing.assert_allclose(search.predict(X), best.predict(X))
    assert search.score(X, y) == pytest.approx(best.score(X, y))
    assert search.n_features_in_ == 8
    expected = cross_val_score(Ridge(**search.best_params_), X, y, cv=3).mean()
    assert search.best_score_ == pytest.approx(expected)


def test_transform_and_classifier_methods_pass_through():
    pca = WhaleSearchCV(
        PCA(), {"n_components": [1, 2, 3]}, n_agents=3, max_iter=2, random_state=0
    ).fit(X)
    np.testing.assert_allclose(pca.transform(X), pca.best_estimator_.transform(X))
    Xc, yc = make_classification(n_samples=60, n_features=5, random_state=0)
    clf = WhaleSearchCV(
        LogisticRegression(),
        {"C": loguniform(1e-2, 1e2)},
        n_agents=3,
        max_iter=2,
        cv=3,
        random_state=0,
    ).fit(Xc, yc)
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    np.testing.assert_allclose(
        clf.predict_proba(Xc), clf.best_estimator_.predict_proba(Xc)
    )
    assert clf.decision_function(Xc).shape == (60,)


def test_same_arguments_as_randomized_search_and_same_cv_results_keys():
    kwargs = dict(
        estimator=Pipeline([("scale", StandardScaler()), ("ridge", Ridge())]),
        param_distributions=[
            {"ridge__alpha": loguniform(1e-3, 1e2), "scale": [StandardScaler()]},
            {"ridge__alpha": [0.1, 1.0], "scale": ["passthrough"]},
        ],
        scoring={"r2": "r2", "mae": "neg_mean_absolute_error"},
        refit="mae",
        cv=3,
        return_train_score=True,
        random_state=0,
        error_score=np.nan,
        n_jobs=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
    )
    randomized = RandomizedSearchCV(n_iter=5, **kwargs).fit(X, y)
    woa = WhaleSearchCV(n_agents=5, max_iter=2, **kwargs).fit(X, y)
    assert set(woa.cv_results_) == set(randomized.cv_results_)
    for key, value in randomized.cv_results_.items():
        assert type(woa.cv_results_[key]) is type(value), key


def test_scoring_string_and_callable():
    mae = whale(scoring="neg_mean_absolute_error").fit(X, y)
    assert mae.best_score_ < 0
    assert mae.best_score_ == pytest.approx(
        cross_val_score(
            Ridge(**mae.best_params_), X, y, cv=3, scoring="neg_mean_absolute_error"
        ).mean()
    )
    scorer = make_scorer(mean_absolute_error, greater_is_better=False)
    assert whale(scoring=scorer).fit(X, y).best_score_ == pytest.approx(mae.best_score_)

    def as_dict(estimator, X_, y_):
        pred = estimator.predict(X_)
        return {
            "neg_mae": -mean_absolute_error(y_, pred),
            "r2": estimator.score(X_, y_),
        }

    multi = whale(scoring=as_dict, refit="neg_mae").fit(X, y)
    assert multi.multimetric_
    assert multi.best_score_ == pytest.approx(mae.best_score_)


@pytest.mark.parametrize("refit", ["mae", "r2"])
def test_multimetric_optimizes_the_refit_metric(refit):
    search = whale(
        scoring={"r2": "r2", "mae": "neg_mean_absolute_error"},
        refit=refit,
        n_agents=5,
        max_iter=3,
    ).fit(X, y)
    followed = search.cv_results_[f"mean_test_{refit}"]
    assert search.multimetric_
    assert search.best_score_history_[-1] == followed.max() == search.best_score_
    assert search.best_index_ == followed.argmax()
    assert hasattr(search, "best_estimator_")


def test_multimetric_without_refit_name_optimizes_the_first_metric():
    scoring = {"mae": "neg_mean_absolute_error", "r2": "r2"}
    no_refit = whale(scoring=scoring, refit=False).fit(X, y)
    assert not hasattr(no_refit, "best_estimator_")
    assert not hasattr(no_refit, "best_params_")
    assert (
        no_refit.best_score_history_[-1] == no_refit.cv_results_["mean_test_mae"].max()
    )

    def pick_last(cv_results):
        return len(cv_results["params"]) - 1

    by_callable = whale(scoring=["r2", "neg_mean_absolute_error"], refit=pick_last)
    by_callable.fit(X, y)
    assert by_callable.best_index_ == len(by_callable.cv_results_["params"]) - 1
    assert not hasattr(by_callable, "best_score_")
    assert (
        by_callable.best_score_history_[-1]
        == by_callable.cv_results_["mean_test_r2"].max()
    )

    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        whale(scoring=scoring, refit="nope").fit(X, y)


def test_groups_with_group_kfold():
    groups = np.repeat(np.arange(6), 10)
    search = whale(cv=GroupKFold(n_splits=3)).fit(X, y, groups=groups)
    assert search.n_splits_ == 3
    expected = cross_val_score(
        Ridge(**search.best_params_), X, y, groups=groups, cv=GroupKFold(n_splits=3)
    ).mean()
    assert search.best_score_ == pytest.approx(expected)
    with pytest.raises(ValueError, match="groups"):
        whale(cv=GroupKFold(n_splits=3)).fit(X, y)


class CountingSplitter(KFold):
    """KFold that shuffles differently on every call and counts its calls."""

    def __init__(self, n_splits=3):
        super().__init__(n_splits=n_splits, shuffle=True, random_state=None)
        self.n_calls = 0

    def split(self, X, y=None, groups=None):
        self.n_calls += 1
        return super().split(X, y, groups)


def test_every_iteration_uses_the_same_splits():
    splitter = CountingSplitter()
    search = whale(cv=splitter, max_iter=4, refit=False).fit(X, y)
    assert splitter.n_calls == 1
    assert search.n_splits_ == 3
    scores = search.cv_results_["split0_test_score"]
    assert np.isfinite(scores).all()


def test_return_train_score():
    search = whale(return_train_score=True).fit(X, y)
    for key in ("mean_train_score", "std_train_score", "split0_train_score"):
        assert len(search.cv_results_[key]) == search.n_evaluations_
    assert "mean_train_score" not in whale().fit(X, y).cv_results_


class FailingRidge(RegressorMixin, BaseEstimator):
    """Ridge whose fit fails when alpha is above ``fail_above``."""

    def __init__(self, alpha=1.0, fail_above=1.0):
        self.alpha = alpha
        self.fail_above = fail_above

    def fit(self, X, y, sample_weight=None):
        if self.alpha > self.fail_above:
            raise RuntimeError(f"alpha={self.alpha} is too large")
        self.ridge_ = Ridge(alpha=self.alpha).fit(X, y, sample_weight=sample_weight)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        return self.ridge_.predict(X)


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_error_score_failing_candidates_and_the_search_goes_on():
    space = {"alpha": loguniform(1e-3, 1e3)}
    with pytest.warns(FitFailedWarning, match="fits failed out of a total of"):
        search = whale(FailingRidge(), space, n_agents=6, max_iter=4).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    alphas = np.array([p["alpha"] for p in search.cv_results_["params"]])
    assert np.isnan(scores[alphas > 1.0]).all() and (alphas > 1.0).any()
    assert np.isfinite(scores[alphas <= 1.0]).all()
    assert search.n_iter_ == 4 and search.best_params_["alpha"] <= 1.0

    with pytest.warns(FitFailedWarning):
        numeric = whale(
            FailingRidge(), space, n_agents=6, max_iter=2, error_score=-1e6
        ).fit(X, y)
    assert (numeric.cv_results_["mean_test_score"] == -1e6).any()

    with pytest.raises(RuntimeError, match="too large"):
        whale(FailingRidge(), space, n_agents=6, error_score="raise").fit(X, y)


def test_the_non_finite_scores_warning_is_said_once_not_per_iteration():
    space = {"alpha": loguniform(1e-3, 1e3)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search = whale(FailingRidge(), space, n_agents=6, max_iter=4).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    first_nan = int(np.flatnonzero(np.isnan(scores))[0])
    assert first_nan < len(scores) - 6  # NaN scores before the last iteration
    said = [w for w in caught if "scores are non-finite" in str(w.message)]
    assert len(said) == 1


def test_every_candidate_failing_says_so_plainly():
    with pytest.raises(ValueError, match="every candidate failed") as excinfo:
        whale(FailingRidge(fail_above=-1.0)).fit(X, y)
    # 4 whales and the estimator as given, 3 folds each
    assert "All the 15 fits of the 5 candidates" in str(excinfo.value)
    assert "too large" in str(excinfo.value)  # sklearn's details are kept


def test_every_drawn_candidate_failing_warns_that_the_space_is_misconfigured():
    """A float range for an integer parameter: every whale fails, only the
    estimator as given scores; the search says so instead of returning the
    estimator untuned with per-fit warnings only."""
    search = whale(DecisionTreeRegressor(random_state=0), {"max_depth": uniform(1, 10)})
    with pytest.warns(FitFailedWarning) as record:
        search.fit(X, y)
    said = [str(w.message) for w in record if "Every one" in str(w.message)]
    assert said == [
        "Every one of the 4 candidates drawn from param_distributions in the first "
        "iteration failed; only the estimator as given was scored. "
        "param_distributions (the type or range of a value) or the estimator is "
        "very likely misconfigured; set error_score='raise' to see the first error "
        "with its traceback."
    ]
    assert search.best_params_ == {"max_depth": None}
    with warnings.catch_warnings():  # one good draw: nothing to say
        warnings.simplefilter("error", FitFailedWarning)
        whale(DecisionTreeRegressor(random_state=0), {"max_depth": [2, 3]}).fit(X, y)


def test_an_invalid_estimator_gets_sklearns_message_also_without_y():
    with pytest.raises(ValueError, match="'estimator' parameter of WhaleSearchCV"):
        WhaleSearchCV(None, ALPHA).fit(X)


class FailAfterRidge(Ridge):
    """Ridge that fails once a shared budget of fits is used up."""

    budget = [0]

    def fit(self, X, y, sample_weight=None):
        FailAfterRidge.budget[0] -= 1
        if FailAfterRidge.budget[0] < 0:
            raise RuntimeError("out of budget")
        return super().fit(X, y, sample_weight=sample_weight)


def test_an_iteration_whose_new_candidates_all_fail_does_not_stop_the_search():
    # exactly the first iteration's fits succeed: 4 whales + the estimator as given
    FailAfterRidge.budget[0] = 5 * 3
    search = whale(FailAfterRidge(), refit=False, max_iter=3)
    with pytest.warns(FitFailedWarning, match="the search goes on"):
        search.fit(X, y)
    assert search.n_iter_ == 3
    assert len(search.cv_results_["params"]) == 5 < search.n_evaluations_
    assert search.best_score_history_[0] == search.best_score_history_[-1]


def test_fit_params_routed_without_metadata_routing():
    sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    plain = whale().fit(X, y)
    weighted = whale().fit(X, y, sample_weight=sample_weight)
    assert weighted.best_score_ != plain.best_score_


class WeightCheckingRidge(Ridge):
    """Ridge that fails unless it receives a sample_weight matching X."""

    def fit(self, X, y, sample_weight=None):
        if sample_weight is None or len(sample_weight) != len(X):
            raise AssertionError("sample_weight was not routed")
        return super().fit(X, y, sample_weight=sample_weight)


def test_sample_weight_with_metadata_routing():
    sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = (
            WeightCheckingRidge()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=True)
        )
        search = whale(estimator, error_score="raise").fit(
            X, y, sample_weight=sample_weight
        )
        assert search.best_estimator_.coef_.shape == (8,)
        unrequested = whale(
            WeightCheckingRidge().set_score_request(sample_weight=True),
            error_score="raise",
        )
        with pytest.raises(ValueError, match="sample_weight"):
            unrequested.fit(X, y, sample_weight=sample_weight)
        routing = search.get_metadata_routing()
        assert "sample_weight" in str(routing)


def test_pipeline_params_estimator_values_and_conditional_space():
    scaler = StandardScaler()
    ridge, tree = Ridge(), DecisionTreeRegressor(random_state=0)
    pipe = Pipeline([("scale", "passthrough"), ("model", Ridge())])
    space = [
        {
            "model": [ridge],
            "model__alpha": loguniform(1e-3, 1e2),
            "scale": [scaler, "passthrough"],
        },
        {"model": [tree], "model__max_depth": randint(1, 6)},
    ]
    search = WhaleSearchCV(
        pipe, space, n_agents=8, max_iter=3, cv=3, random_state=0
    ).fit(X, y)
    # the pipeline as given is a candidate of the first dict: the first row
    given, *params = search.cv_results_["params"]
    assert given["model"] is pipe.named_steps["model"]
    assert (given["model__alpha"], given["scale"]) == (1.0, "passthrough")
    ridge_rows = [p for p in params if p["model"] is ridge]
    tree_rows = [p for p in params if p["model"] is tree]
    assert ridge_rows and tree_rows and len(ridge_rows) + len(tree_rows) == len(params)
    assert all(set(p) == {"model", "model__alpha", "scale"} for p in ridge_rows)
    assert all(set(p) == {"model", "model__max_depth"} for p in tree_rows)
    assert all(type(p["model__max_depth"]) is int for p in tree_rows)
    assert all(1 <= p["model__max_depth"] <= 5 for p in tree_rows)
    masked = search.cv_results_["param_model__alpha"].mask
    assert masked.sum() == len(tree_rows)
    assert isinstance(search.best_estimator_, Pipeline)
    # the user's objects are cloned, never fitted
    for obj in (scaler, ridge, tree, pipe):
        assert not hasattr(obj, "n_features_in_")


def test_ridge_alpha_in_a_pipeline():
    pipe = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
    search = whale(pipe, {"ridge__alpha": loguniform(1e-3, 1e3)}).fit(X, y)
    assert set(search.best_params_) == {"ridge__alpha"}
    assert (
        search.best_estimator_.named_steps["ridge"].alpha
        == (search.best_params_["ridge__alpha"])
    )


def test_scipy_distributions_and_lists_give_values_of_the_right_type():
    space = {
        "max_depth": randint(1, 8),
        "min_weight_fraction_leaf": uniform(0.0, 0.3),
        "criterion": ["squared_error", "friedman_mse"],
        "max_features": [None, 0.5, "sqrt"],
    }
    search = WhaleSearchCV(
        DecisionTreeRegressor(random_state=0),
        space,
        n_agents=6,
        max_iter=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    given = {
        "criterion": "squared_error",
        "max_depth": None,
        "max_features": None,
        "min_weight_fraction_leaf": 0.0,
    }
    assert search.cv_results_["params"][0] == given  # the estimator as given
    for params in search.cv_results_["params"][1:]:
        assert type(params["max_depth"]) is int and 1 <= params["max_depth"] <= 7
        assert 0.0 < params["min_weight_fraction_leaf"] < 0.3
        assert params["criterion"] in space["criterion"]
        assert params["max_features"] in space["max_features"]
    assert search.best_estimator_.max_depth == search.best_params_["max_depth"]


def test_deterministic_given_random_state():
    a = whale(n_agents=5, max_iter=3).fit(X, y)
    b = whale(n_agents=5, max_iter=3).fit(X, y)
    c = whale(n_agents=5, max_iter=3, random_state=1).fit(X, y)
    assert a.cv_results_["params"] == b.cv_results_["params"]
    np.testing.assert_array_equal(
        a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"]
    )
    assert a.best_score_history_ == b.best_score_history_
    assert a.cv_results_["params"] != c.cv_results_["params"]
    rs = np.random.RandomState(0)
    d = whale(n_agents=5, max_iter=3, random_state=rs).fit(X, y)
    e = whale(n_agents=5, max_iter=3, random_state=rs).fit(X, y)
    assert d.cv_results_["params"] != e.cv_results_["params"]  # state moves on
    # a numpy Generator (as whale_minimize takes): the same stream, the same search
    f = whale(n_agents=5, max_iter=3, random_state=np.random.default_rng(7)).fit(X, y)
    g = whale(n_agents=5, max_iter=3, random_state=np.random.default_rng(7)).fit(X, y)
    assert f.cv_results_["params"] == g.cv_results_["params"]


def test_result_does_not_depend_on_n_jobs():
    space = {"alpha": loguniform(1e-3, 1e3), "fit_intercept": [True, False]}
    one = whale(space=space, n_agents=6, max_iter=3, n_jobs=1).fit(X, y)
    two = whale(space=space, n_agents=6, max_iter=3, n_jobs=2).fit(X, y)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    np.testing.assert_allclose(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )
    assert one.best_params_ == two.best_params_


def test_gru_scores_are_bit_identical_across_n_jobs_on_one_thread():
    # The recipe of WhaleSearchCV's n_jobs doc: one torch thread everywhere.
    import torch
    from joblib import parallel_config

    from skgru import GRURegressor

    rng = np.random.default_rng(0)
    X_seq = rng.normal(size=(60, 5, 1)).astype(np.float32)
    y_seq = X_seq[:, -1, 0] + 0.1 * rng.normal(size=60)
    gru = GRURegressor(hidden_size=4, max_epochs=3, random_state=0)
    space = {"learning_rate": loguniform(1e-3, 1e-1)}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with parallel_config(backend="loky", inner_max_num_threads=1):
            runs = [
                whale(gru, space, n_agents=3, max_iter=2, n_jobs=n_jobs).fit(
                    X_seq, y_seq
                )
                for n_jobs in (1, 2)
            ]
    finally:
        torch.set_num_threads(threads)
    one, two = (run.cv_results_["mean_test_score"] for run in runs)
    np.testing.assert_array_equal(one, two)


class CountingRidge(Ridge):
    """Ridge that counts its fits in the main process (n_jobs=None)."""

    n_fits = [0]

    def fit(self, X, y, sample_weight=None):
        CountingRidge.n_fits[0] += 1
        return super().fit(X, y, sample_weight=sample_weight)


def test_identical_candidates_are_fitted_once():
    CountingRidge.n_fits[0] = 0
    space = {"alpha": [0.1, 1.0, 10.0], "fit_intercept": [True, False]}
    search = whale(CountingRidge(), space, n_agents=10, max_iter=6).fit(X, y)
    params = [tuple(sorted(p.items())) for p in search.cv_results_["params"]]
    assert len(params) == len(set(params)) == search.n_evaluations_ <= 6
    assert CountingRidge.n_fits[0] == search.n_evaluations_ * 3 + 1  # + refit


def test_user_estimator_and_space_not_mutated():
    estimator = Ridge(alpha=3.0)
    values = [True, False]
    dist = loguniform(1e-3, 1e2)
    space = {"alpha": dist, "fit_intercept": values}
    search = WhaleSearchCV(estimator, space, n_agents=3, max_iter=2, random_state=0)
    search.fit(X, y)
    assert estimator.get_params() == Ridge(alpha=3.0).get_params()
    assert not hasattr(estimator, "coef_")
    assert search.param_distributions is space
    assert list(space) == ["alpha", "fit_intercept"]
    assert space["alpha"] is dist and space["fit_intercept"] is values
    assert values == [True, False] and dist.args == (1e-3, 1e2)


def test_fitted_search_pickles():
    search = whale(return_train_score=True).fit(X, y)
    loaded = pickle.loads(pickle.dumps(search))
    np.testing.assert_allclose(loaded.predict(X), search.predict(X))
    assert loaded.best_score_history_ == search.best_score_history_
    assert loaded.n_evaluations_ == search.n_evaluations_
    assert loaded.cv_results_["params"] == search.cv_results_["params"]


def test_early_stopping():
    # a one-value distribution keeps the space from being used up
    space = {"alpha": [1.0, 2.0], "random_state": randint(0, 1)}
    search = whale(space=space, n_agents=4, max_iter=20, n_iter_no_change=2).fit(X, y)
    assert search.n_iter_ == 4  # the first iteration improves, then three do not
    assert len(search.best_score_history_) == 4
    full = whale(space=space, n_agents=4, max_iter=5).fit(X, y)
    assert full.n_iter_ == 5


def test_verbose_prints_iterations(capsys):
    whale(verbose=1, max_iter=2).fit(X, y)
    out = capsys.readouterr().out
    assert "[WhaleSearchCV] iteration 1/2" in out
    assert "[WhaleSearchCV] iteration 2/2" in out


# --- callbacks --------------------------------------------------------------------

#: sklearn's callback API (``set_callbacks``, ``sklearn.callback``) is new in 1.9;
#: before it, WhaleSearchCV runs without callbacks (the floor leg of CI checks that).
needs_callbacks = pytest.mark.skipif(
    importlib.util.find_spec("sklearn.callback") is None,
    reason="scikit-learn < 1.9 has no callback API",
)


class Recorder:
    """A minimal sklearn FitCallback that records hook calls (n_jobs=None)."""

    def __init__(self, stop_on=None):
        self.stop_on = stop_on
        self.events = []

    def setup(self, estimator, context):
        self.events.append(("setup", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None):
        self.events.append(("end", context.task_name))
        return context.task_name == self.stop_on

    def teardown(self, estimator, context):
        self.events.append(("teardown", context.task_name))

    def count(self, kind, task_name=None):
        return sum(
            1
            for k, name in self.events
            if k == kind and (task_name is None or name == task_name)
        )


@needs_callbacks
@pytest.mark.parametrize("refit", [True, False])
def test_callbacks_see_every_task(refit):
    recorder = Recorder()
    search = whale(refit=refit, n_agents=4, max_iter=3).set_callbacks(recorder)
    search.fit(X, y)
    n_fits = search.n_evaluations_ * search.n_splits_
    expected = 1 + 1 + search.n_iter_ + n_fits + refit  # root, search, iterations
    assert recorder.count("setup") == recorder.count("teardown") == 1
    assert recorder.count("begin") == recorder.count("end") == expected
    assert recorder.count("end", "woa-iteration") == 3
    assert recorder.count("end", "candidate-split-evaluation") == n_fits
    assert recorder.count("end", "search") == 1


@needs_callbacks
def test_callbacks_with_iterations_without_new_candidates():
    recorder = Recorder()
    space = {"alpha": [1.0], "random_state": randint(0, 1)}  # never used up
    search = whale(Ridge(random_state=0), space, n_agents=3, max_iter=4)
    search.set_callbacks(recorder).fit(X, y)
    assert search.n_evaluations_ == 1
    assert recorder.count("end", "woa-iteration") == 4
    assert recorder.count("begin") == recorder.count("end") == 1 + 1 + 4 + 3 + 1


@needs_callbacks
def test_callback_can_stop_the_search_between_iterations():
    recorder = Recorder(stop_on="woa-iteration")
    search = whale(max_iter=10).set_callbacks(recorder).fit(X, y)
    assert search.n_iter_ == 1
    assert len(search.best_score_history_) == 1
    assert search.best_estimator_.coef_.shape == (8,)  # the best so far is refitted
    assert recorder.count("end", "search") == 1


@needs_callbacks
def test_progress_bar_callback(capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    search = whale(max_iter=2).set_callbacks(ProgressBar())
    search.fit(X, y)
    assert "WhaleSearchCV" in capsys.readouterr().out


# --- bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "space, error, match",
    [
        ({"alpha": []}, ValueError, "'alpha' .*empty list"),
        ({"alpha": 1.0}, TypeError, "neither a list of values nor a distribution"),
        ({1: [1.0]}, TypeError, "parameter names must be str"),
        ([{"alpha": [1.0]}, 3], TypeError, r"param_distributions\[1\]"),
    ],
)
def test_malformed_spaces(space, error, match):
    with pytest.raises(error, match=match):
        whale(space=space).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"param_distributions": "alpha"}, "param_distributions"),
        ({"n_agents": 0}, "n_agents"),
        ({"max_iter": 0}, "max_iter"),
        ({"variant": "nope"}, "variant"),
        ({"n_iter_no_change": 0}, "n_iter_no_change"),
        ({"tol": -1.0}, "tol"),
        ({"b": np.nan}, "'b'"),
        ({"random_state": "x"}, "random_state"),
    ],
)
def test_bad_parameters_get_sklearn_messages(params, match):
    with pytest.raises(ValueError, match=re.compile(f".*{match}.*", re.S)):
        whale().set_params(**params).fit(X, y)


# --- it optimizes -----------------------------------------------------------------


def test_woa_finds_the_grid_optimum_at_least_as_well_as_random_search():
    Xo, yo = make_regression(
        n_samples=60, n_features=40, n_informative=8, noise=30, random_state=0
    )
    cv = KFold(3)
    grid = GridSearchCV(Ridge(), {"alpha": np.logspace(-3, 3, 61)}, cv=cv)
    best = grid.fit(Xo, yo).best_score_
    assert 1e-2 < grid.best_params_["alpha"] < 1e2  # an interior optimum
    woa_regret, random_regret = [], []
    for seed in range(6):
        woa = WhaleSearchCV(
            Ridge(), ALPHA, n_agents=6, max_iter=8, cv=cv, random_state=seed
        ).fit(Xo, yo)
        randomized = RandomizedSearchCV(
            Ridge(), ALPHA, n_iter=woa.n_evaluations_, cv=cv, random_state=seed
        ).fit(Xo, yo)
        woa_regret.append(best - woa.best_score_)
        random_regret.append(best - randomized.best_score_)
    woa_regret, random_regret = np.array(woa_regret), np.array(random_regret)
    assert np.all(woa_regret < 5e-3)  # close to the dense grid's best, every seed
    assert np.sum(woa_regret <= random_regret + 1e-4) >= 5  # >= random, most seeds
    assert woa_regret.mean() < random_regret.mean()


# --- plotting ---------------------------------------------------------------------


def test_plot_convergence():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    search = whale(max_iter=3).fit(X, y)
    ax = plot_convergence(search)
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), search.best_score_history_)
    np.testing.assert_array_equal(ax.get_xticks(), [1, 2, 3])  # no 0.5, 1.5 ticks
    long = types.SimpleNamespace(best_score_history_=np.arange(35.0))
    assert plot_convergence(long).get_xticks().tolist() == list(range(1, 36, 3))
    _, own_ax = plt.subplots()
    duck = types.SimpleNamespace(best_score_history_=[0.1, 0.2, 0.2])
    assert plot_convergence(duck, ax=own_ax) is own_ax
    from skgru import whale_minimize

    result = whale_minimize(
        lambda x: float(np.sum(x**2)), [(-1, 1)] * 2, max_iter=4, random_state=0
    )
    ax = plot_convergence(result)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), result.fun_history)
    assert ax.get_ylabel() == "lowest objective value"
    plt.close("all")
    with pytest.raises(ValueError, match="fitted search with a best_score_history_"):
        plot_convergence(whale())


def test_plot_convergence_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    duck = types.SimpleNamespace(best_score_history_=[0.1])
    with pytest.raises(
        ImportError,
        match=re.escape("`pip install matplotlib` (the `plot` extra of skgru)"),
    ):
        plot_convergence(duck)


def test_clone_keeps_parameters():
    search = whale(n_agents=7, variant="matlab", n_iter_no_change=3, tol=0.1, b=0.5)
    cloned = clone(search)
    assert cloned.get_params()["n_agents"] == 7
    assert cloned.get_params()["variant"] == "matlab"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plain search emits no warning
        cloned.fit(X, y)
    assert cloned.n_iter_ <= 3


def test_the_estimator_as_given_is_a_candidate_even_outside_the_space():
    # alpha=1 (Ridge's default) is far better here than anything in the list
    search = whale(Ridge(), {"alpha": [1e4, 1e5, 1e6]}, n_agents=3, max_iter=2)
    search.fit(X, y)
    assert search.cv_results_["params"][0] == {"alpha": 1.0}
    assert search.best_params_ == {"alpha": 1.0}
    assert search.best_index_ == 0
    assert search.best_estimator_.alpha == 1.0
    given = cross_val_score(Ridge(), X, y, cv=3).mean()
    assert search.best_score_ == pytest.approx(given)


def test_a_pipeline_whose_step_one_dict_swaps_is_scored_as_given():
    # the second dict's est__max_depth is no parameter of the given Ridge step:
    # the pipeline was left unscored although it is a candidate of the first dict
    pipe = Pipeline([("est", Ridge(alpha=3.0))])
    space = [
        {"est": [Ridge()], "est__alpha": loguniform(1e-3, 1e2)},
        {
            "est": [DecisionTreeRegressor(random_state=0)],
            "est__max_depth": randint(1, 6),
        },
    ]
    search = whale(pipe, space, n_agents=3, max_iter=2).fit(X, y)
    first = search.cv_results_["params"][0]
    assert set(first) == {"est", "est__alpha"}
    assert first["est__alpha"] == 3.0
    given = cross_val_score(Ridge(alpha=3.0), X, y, cv=3).mean()
    assert search.cv_results_["mean_test_score"][0] == pytest.approx(given)
    assert search.best_score_ >= given


@pytest.mark.parametrize(
    "estimator, space",
    [
        (Ridge(), {"alpha": np.logspace(-2, 2, 5)}),  # np.float64(1.0) is 1.0
        (KNeighborsRegressor(), {"n_neighbors": np.arange(3, 8)}),  # np.int64(5)
    ],
)
def test_numpy_values_equal_to_the_estimators_own_are_not_scored_twice(
    estimator, space
):
    search = whale(estimator, space, n_agents=4, max_iter=3).fit(X, y)
    params = [next(iter(p.values())) for p in search.cv_results_["params"]]
    assert len(params) == len({float(v) for v in params}) == search.n_evaluations_
    # the estimator's value (first row) is one of the list's: 5 candidates at most
    assert search.n_evaluations_ <= 5


@pytest.mark.parametrize("empty", [{}, [{}]])
def test_an_empty_space_scores_the_estimator_once_as_randomized_search(empty):
    search = whale(Ridge(), empty).fit(X, y)
    randomized = RandomizedSearchCV(Ridge(), empty, n_iter=3, cv=3)
    with pytest.warns(UserWarning, match="smaller than n_iter"):
        randomized.fit(X, y)
    assert search.best_params_ == randomized.best_params_ == {}
    assert search.best_score_ == pytest.approx(randomized.best_score_)
    assert search.n_evaluations_ == len(search.cv_results_["params"]) == 1
    assert search.best_score_history_ == [search.best_score_] * search.n_iter_
    assert sorted(search.cv_results_) == sorted(randomized.cv_results_)


def test_run_whale_search_scores_initial_params_once():
    calls = []

    def score_batch(batch):
        calls.extend(p["x"] for p in batch)
        return [-abs(p["x"] - 2) for p in batch]

    # inside a list space: the whales' copies of it are not scored again
    result = run_whale_search(
        {"x": [0, 1, 2, 3]},
        score_batch,
        n_agents=6,
        max_iter=3,
        random_state=0,
        initial_params={"x": 2},
    )
    assert calls[0] == 2 and calls.count(2) == 1
    assert result.best_params == {"x": 2} and result.best_score == 0.0
    # outside the space: scored in the first batch, and it can win
    calls.clear()
    result = run_whale_search(
        {"x": [5, 6]},
        score_batch,
        n_agents=2,
        max_iter=2,
        random_state=0,
        initial_params={"x": 2},
    )
    assert calls[0] == 2 and result.best_params == {"x": 2}
    assert result.n_evaluations == len(calls)
    # a name the space does not search makes it a candidate of its own
    calls.clear()
    run_whale_search(
        {"x": [1, 2]},
        score_batch,
        n_agents=4,
        max_iter=2,
        random_state=0,
        initial_params={"x": 1, "z": 9},
    )
    assert calls.count(1) == 2  # {"x": 1, "z": 9}, then the whales' {"x": 1}
    # a list of dicts: the branch candidate {"x": 1} builds the same estimator
    # as the initial {"x": 1, "y": 5} (y keeps the estimator's own value)
    calls.clear()
    result = run_whale_search(
        [{"x": [1, 2]}, {"x": [3], "y": [6, 7]}],
        lambda batch: calls.extend(batch) or [0.0] * len(batch),
        n_agents=8,
        max_iter=3,
        random_state=0,
        initial_params={"x": 1, "y": 5},
    )
    assert {"x": 1} not in calls and calls[0] == {"x": 1, "y": 5}
    assert result.n_evaluations == len(calls) <= 4


def test_cv_given_as_a_generator_of_splits_works_as_in_randomized_search():
    # scikit-learn < 1.9 read self.cv twice; a generator gave "No fits were
    # performed" on the second read
    splits = KFold(3).split(X)
    search = whale(cv=splits).fit(X, y)
    reference = whale(cv=KFold(3)).fit(X, y)
    assert search.n_splits_ == 3
    assert search.best_params_ == reference.best_params_
    assert search.best_score_ == pytest.approx(reference.best_score_)
    assert search.cv is splits  # the parameter is left as given


@pytest.mark.parametrize("init", ["random", "latinhypercube"])
def test_init_sets_the_first_population(init):
    # 4 whales over a 4-value list and a range: a Latin hypercube takes every value
    # once and every quarter of the range once
    space = {"solver": ["svd", "cholesky", "lsqr", "sparse_cg"], "alpha": uniform(0, 1)}
    search = whale(space=space, n_agents=4, max_iter=1, init=init, random_state=3)
    search.fit(X, y)
    first = search.cv_results_["params"][1:]  # row 0 is the estimator as given
    assert len(first) == 4
    if init == "latinhypercube":
        assert sorted(p["solver"] for p in first) == sorted(space["solver"])
        assert sorted(int(p["alpha"] * 4) for p in first) == [0, 1, 2, 3]
    default = whale(space=space, n_agents=4, max_iter=1, random_state=3).fit(X, y)
    same = init == "random"
    assert (
        list(default.cv_results_["params"]) == list(search.cv_results_["params"])
    ) is same


def test_search_candidates_stay_off_the_ends_of_the_ranges():
    # Ridge on this data scores best (CV R^2 0.994) anywhere below alpha = 1;
    # the moves toward that end overshoot, and clipped whales land on the ends
    # (within 1e-5 of them: the space decodes unit coordinates in [1e-6, 1 - 1e-6])
    ends = {"alpha": (1e-4, 1e4), "tol": (1e-6, 1e-1)}
    space = {name: loguniform(*ends[name]) for name in ends}

    def at_an_end(search):
        return sum(
            np.isclose(p[name], ends[name], rtol=1e-4, atol=0).any()
            for p in search.cv_results_["params"][1:]  # row 0: the estimator
            for name in ends
        )

    kwargs = dict(space=space, n_agents=6, max_iter=5, random_state=0)
    bounced = whale(boundary="bounce", **kwargs).fit(X, y)
    clipped = whale(**kwargs).fit(X, y)
    assert clipped.boundary == "clip"  # the searches' default, WOA.m's rule
    assert at_an_end(clipped) > 0 == at_an_end(bounced)
    assert bounced.best_params_["alpha"] < 1.0 and bounced.best_score_ > 0.993


def test_bad_boundary_is_rejected():
    with pytest.raises(ValueError, match="'boundary' parameter of WhaleSearchCV"):
        whale(boundary="reflect").fit(X, y)


def test_bad_init_is_rejected():
    with pytest.raises(ValueError, match="'init' parameter of WhaleSearchCV"):
        whale(init="lhs").fit(X, y)


@pytest.mark.parametrize("backend", ["threading", "dask"])
def test_warnings_from_parallel_workers_name_skgru_not_the_worker_machinery(
    backend,
):
    # a thread (or process) of a parallel search has no user's line on its stack:
    # the warning names skgru's own line, as scikit-learn's estimators do there
    import contextlib

    import joblib

    from skgru import GRURegressor

    cluster = contextlib.nullcontext()
    if backend == "dask":  # worker threads of a cluster in this process
        distributed = pytest.importorskip("distributed")
        cluster = distributed.Client(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
        )
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6))
    search = WhaleSearchCV(
        GRURegressor(hidden_size=2, max_epochs=2, ensemble_size=1, random_state=0),
        {"learning_rate": [0.01, 0.02]},
        n_agents=2,
        max_iter=1,
        cv=2,
        random_state=0,
        n_jobs=2,
    )
    with warnings.catch_warnings(record=True) as caught, cluster:
        warnings.simplefilter("always")
        with joblib.parallel_config(backend=backend):
            search.fit(X, X.sum(axis=1))
    files = {w.filename for w in caught if "max_epochs=2 reached" in str(w.message)}
    # the candidates' fits in the worker threads, and the refit at this line
    assert {os.path.basename(f) for f in files} == {"_gru_base.py", "test_search.py"}


@pytest.mark.parametrize("seed", range(5))
def test_a_grid_is_searched_without_repeats_and_finds_the_grid_searchs_best(seed):
    # 12 grid points, 30 whale moves: random search (without replacement for
    # lists) scores all 12; whales that land on a scored point are sent to an
    # unscored one, so the whale search does too, and stops once it has
    X, y = make_regression(n_samples=80, n_features=5, noise=10.0, random_state=0)
    grid = {"max_depth": [1, 2, 3, 4, 5, 6], "min_samples_leaf": [1, 8]}
    tree = DecisionTreeRegressor(max_depth=3, min_samples_leaf=8, random_state=0)
    search = WhaleSearchCV(
        tree, grid, n_agents=5, max_iter=6, cv=3, random_state=seed
    ).fit(X, y)
    exhaustive = GridSearchCV(tree, grid, cv=3).fit(X, y)
    assert search.n_evaluations_ == 12  # the tree as given is a grid point
    assert search.n_iter_ < 6  # stopped: the grid is used up
    assert search.best_score_ == pytest.approx(exhaustive.best_score_)


@pytest.mark.parametrize("seed", range(5))
def test_whales_of_the_first_population_avoid_the_estimator_as_given(seed):
    # 5 grid points, the estimator as given one of them, 4 whales: one batch
    # scores the estimator and the 4 others
    result = run_whale_search(
        {"x": [1, 2, 3, 4, 5]},
        lambda batch: [-abs(p["x"] - 2) for p in batch],
        n_agents=4,
        max_iter=1,
        random_state=seed,
        initial_params={"x": 3},
    )
    assert result.n_new_candidates == [5]
    assert result.best_params == {"x": 2}
