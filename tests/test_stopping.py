"""The one stop rule (skgru._stopping), checked against MLPRegressor's own."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_regression
from sklearn.neural_network import MLPRegressor

from skgru._stopping import NoImprovement


def stop_epoch(values, n_iter_no_change, tol, maximize):
    """Epochs the rule runs on ``values`` (all of them when it never stops)."""
    rule = NoImprovement(maximize=maximize)
    for epoch, value in enumerate(values, start=1):
        rule.update(value, tol=tol)
        if rule.should_stop(n_iter_no_change):
            return epoch
    return len(values)


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("n_iter_no_change", [1, 3])
def test_the_rule_stops_where_mlpregressor_stops(early_stopping, n_iter_no_change):
    X, y = make_regression(n_samples=120, n_features=4, noise=5.0, random_state=0)
    mlp = MLPRegressor(
        hidden_layer_sizes=(8,),
        learning_rate_init=0.05,
        tol=1e-2,
        n_iter_no_change=n_iter_no_change,
        early_stopping=early_stopping,
        max_iter=500,
        random_state=0,
    )
    mlp.fit(X, y)
    assert mlp.n_iter_ < 500  # it stopped on the rule, not on max_iter
    values = mlp.validation_scores_ if early_stopping else mlp.loss_curve_
    assert (
        stop_epoch(values, n_iter_no_change, mlp.tol, maximize=early_stopping)
        == mlp.n_iter_
    )


def test_zero_tol_counts_only_strict_gains():
    rule = NoImprovement(maximize=False)
    assert rule.update(1.0, tol=0.0) is True
    assert rule.update(1.0, tol=0.0) is False  # equal: a flat objective stops
    assert rule.update(0.999, tol=0.0) is True
    assert rule.best == 0.999 and rule.count == 0


def test_nan_never_improves_and_never_becomes_best():
    rule = NoImprovement(maximize=True)
    assert rule.update(np.nan, tol=0.0) is False
    assert rule.best == -np.inf and rule.count == 1
    assert rule.update(0.5, tol=0.0) is True  # the first finite value improves
    assert rule.update(np.nan, tol=0.0) is False and rule.best == 0.5


def test_small_gains_move_the_best_but_do_not_reset_the_count():
    rule = NoImprovement(maximize=True)
    rule.update(1.0, tol=0.1)
    assert rule.update(1.05, tol=0.1) is False
    # the next gain is measured from 1.05, the best seen (MLPRegressor's rule)
    assert rule.update(1.12, tol=0.1) is False
    assert rule.best == 1.12 and rule.count == 2
    assert rule.should_stop(1) and not rule.should_stop(2)
    assert not rule.should_stop(None)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30),
    st.integers(1, 5),
    st.floats(0, 10),
)
def test_a_score_and_its_negated_loss_stop_together(values, n_iter_no_change, tol):
    as_score = stop_epoch(values, n_iter_no_change, tol, maximize=True)
    as_loss = stop_epoch([-v for v in values], n_iter_no_change, tol, maximize=False)
    assert as_score == as_loss
    # never before n_iter_no_change + 1 iterations
    assert as_score >= min(len(values), n_iter_no_change + 1)
