"""Every public name with its default parameters, on tiny data.

The floor leg of CI (``.ci/run``) runs this file on the lowest versions that
``pyproject.toml`` accepts: a default ``random_state=None`` once failed on numpy 1.24
and every ``WhaleSearchCV.fit`` on scikit-learn < 1.9, while CI only saw the newest.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import loguniform, randint
from sklearn.linear_model import Ridge
from sktime.forecasting.naive import NaiveForecaster
from sktime.split import ExpandingWindowSplitter

from skgru import (
    ForecastingWhaleSearchCV,
    GRUForecaster,
    GRURegressor,
    ParamSpace,
    WhaleOptimizer,
    WhaleSearchCV,
    whale_minimize,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 6))
Y_REG = X[:, -2:].sum(axis=1)
Y = pd.Series(
    10 + np.sin(np.arange(48) / 3) + 0.1 * RNG.normal(size=48),
    index=pd.period_range("2000-01", periods=48, freq="M"),
)


def test_gru_regressor_defaults():
    model = GRURegressor().fit(X, Y_REG)
    prediction = model.predict(X)
    assert prediction.shape == (40,) and np.isfinite(prediction).all()


def test_gru_forecaster_defaults():
    forecaster = GRUForecaster().fit(Y, fh=[1, 2, 3])
    assert np.isfinite(forecaster.predict().to_numpy()).all()
    interval = forecaster.predict_interval(coverage=0.9)
    lower, upper = interval.to_numpy().T
    assert (lower < upper).all()


def test_whale_search_cv_defaults():
    search = WhaleSearchCV(Ridge(), {"alpha": loguniform(1e-3, 1e3)}).fit(X, Y_REG)
    assert search.n_iter_ == 10 and search.best_score_ > 0.5


def test_forecasting_whale_search_cv_defaults():
    search = ForecastingWhaleSearchCV(
        NaiveForecaster(strategy="mean"),
        ExpandingWindowSplitter(initial_window=36, step_length=4, fh=[1, 2]),
        # a distribution: a list of 12 values can be used up before 10 iterations
        # (the search then stops early, and the unseeded test was flaky)
        {"window_length": randint(1, 13)},
    ).fit(Y, fh=[1, 2])
    assert search.predict().shape == (2,)
    assert search.n_iter_ == 10


def test_whale_minimize_and_optimizer_defaults():
    result = whale_minimize(lambda x: float(np.sum((x - 1.0) ** 2)), [(-5, 5)] * 2)
    assert result.success and result.fun < 1e-6
    optimizer = WhaleOptimizer(2)
    positions = optimizer.ask()
    optimizer.tell(np.sum((positions - 0.5) ** 2, axis=1))
    assert positions.shape == (30, 2)


def test_param_space_defaults():
    space = ParamSpace({"alpha": loguniform(1e-3, 1e3), "kind": ["a", "b"]})
    params = space.decode([0.5, 0.75])
    assert params["kind"] == "b" and params["alpha"] == pytest.approx(1.0)
