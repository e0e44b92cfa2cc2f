"""GRURegressor: behaviour, real sklearn/sktime workflows, bad input and failure."""

import inspect
import pickle
import random
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgru import GRURegressor

FAST = dict(hidden_size=8, max_epochs=15, random_state=0)
FAST_REST = dict(max_epochs=15, random_state=0)


def sequences(n=160, steps=10, channels=None, seed=0):
    """Sequences whose target is a known function of their last steps."""
    rng = np.random.default_rng(seed)
    shape = (n, steps) if channels is None else (n, steps, channels)
    X = rng.normal(size=shape)
    last = X[:, -3:] if channels is None else X[:, -3:, 0]
    y = 50.0 + 20.0 * last.sum(axis=1)
    return X, y


def quiet_fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


# --- learning and shapes ---------------------------------------------------------


def test_learns_unscaled_target_with_defaults():
    X, y = sequences(n=300)
    model = quiet_fit(GRURegressor(random_state=0), X, y)
    assert model.score(X, y) > 0.95
    # The target is standardized inside and mapped back at predict.
    assert abs(model.predict(X).mean() - y.mean()) < 0.1 * y.std()


def test_3d_input_and_multi_output():
    X, y = sequences(n=200, channels=3)
    Y = np.column_stack([y, -2.0 * y])
    model = quiet_fit(GRURegressor(hidden_size=16, max_epochs=40, random_state=0), X, Y)
    assert model.predict(X).shape == (200, 2)
    assert model.n_features_in_ == 10
    assert model.n_channels_ == 3
    assert model.score(X, Y) > 0.8


def test_2d_target_with_one_column_keeps_its_shape():
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**FAST), X, y[:, None])
    assert model.predict(X).shape == (60, 1)


def test_dataframe_sets_feature_names():
    X, y = sequences(n=60)
    frame = pd.DataFrame(X, columns=[f"t{i}" for i in range(X.shape[1])])
    model = quiet_fit(GRURegressor(**FAST), frame, y)
    assert list(model.feature_names_in_) == list(frame.columns)
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)


def test_bidirectional_stacked_dropout_and_every_option_train():
    X, y = sequences(n=80)
    for options in [
        dict(bidirectional=True, num_layers=2, dropout=0.2),
        dict(optimizer="sgd", learning_rate=0.01, loss="huber", clip_grad_norm=1.0),
        dict(optimizer="adamw", weight_decay=0.01, loss="absolute_error"),
    ]:
        model = quiet_fit(GRURegressor(**{**FAST, **options}), X, y)
        assert np.isfinite(model.predict(X)).all()
        assert len(model.loss_curve_) == model.n_iter_


def test_history_attributes_follow_mlp_semantics():
    X, y = sequences(n=120)
    model = quiet_fit(GRURegressor(**FAST, early_stopping=False), X, y)
    assert model.n_iter_ == len(model.loss_curve_) <= 15
    assert model.best_loss_ == min(model.loss_curve_)
    assert model.validation_scores_ == [] and model.best_validation_score_ is None
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_early_stopping_follows_a_constant_target_down_to_it():
    # R^2 has no spread to compare with on a constant target; the validation score
    # must still rise as the network approaches it, or the first epoch is kept
    X, _ = sequences(n=120)
    params = {**FAST, "early_stopping": True, "learning_rate": 0.02, "max_epochs": 30}
    model = quiet_fit(GRURegressor(**params), X, np.full(120, 7.0))
    assert model.best_validation_score_ > model.validation_scores_[0]
    np.testing.assert_allclose(model.predict(X[:20]), 7.0, atol=0.05)


def test_early_stopping_restores_best_validation_weights():
    X, y = sequences(n=200)
    model = GRURegressor(
        hidden_size=8,
        max_epochs=300,
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate=0.02,
        random_state=0,
    ).fit(X, y)
    assert model.n_iter_ < 300
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    # Stopped after n_iter_no_change + 1 epochs without improvement.
    best_epoch = int(np.argmax(model.validation_scores_))
    assert model.n_iter_ - 1 - best_epoch >= 3


def test_convergence_stops_before_max_epochs_and_warns_otherwise():
    X, y = sequences(n=100)
    converged = GRURegressor(
        hidden_size=8,
        tol=10.0,
        n_iter_no_change=2,
        early_stopping=False,
        random_state=0,
    )
    # MLPRegressor rule: stop once more than n_iter_no_change epochs fail to improve.
    assert converged.fit(X, y).n_iter_ == 4
    with pytest.warns(ConvergenceWarning, match="max_epochs=2"):
        GRURegressor(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)


def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = sequences(n=50)
    quiet_fit(GRURegressor(**{**FAST, "max_epochs": 3}, verbose=1), X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == 3 and lines[0].startswith("Epoch 1: loss = ")


# --- incremental training ----------------------------------------------------------


def test_partial_fit_trains_one_epoch_per_call():
    X, y = sequences(n=100)
    model = GRURegressor(hidden_size=8, random_state=0)
    for expected in range(1, 6):
        model.partial_fit(X, y)
        assert model.n_iter_ == expected
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_warm_start_continues_and_cold_start_restarts():
    X, y = sequences(n=100)
    model = quiet_fit(GRURegressor(**FAST, warm_start=True), X, y)
    first = model.n_iter_
    quiet_fit(model, X, y)
    assert model.n_iter_ > first and len(model.loss_curve_) == model.n_iter_
    cold = quiet_fit(GRURegressor(**FAST), X, y)
    quiet_fit(cold, X, y)
    assert cold.n_iter_ <= 15


def test_a_warm_start_with_early_stopping_restarts_the_stop_rule():
    # each fit validates on a split of its own: the first fit's best score must
    # neither stop the second after one epoch nor be reported as its best
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 6))
    y = X[:, -2:].sum(1)
    model = GRURegressor(
        hidden_size=4,
        ensemble_size=1,
        max_epochs=40,
        n_iter_no_change=3,
        learning_rate=0.05,
        warm_start=True,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
        first = model.n_iter_
        model.set_params(max_epochs=4, learning_rate=3.0).fit(X, y)
    second = model.validation_scores_[first:]
    assert model.n_iter_ - first == 4  # patience 3: the four epochs run
    assert model.best_validation_score_ == max(second)


def test_validation_scores_keep_one_value_per_epoch_and_the_last_fits_best():
    """Switching early_stopping between warm fits, or a partial_fit after a
    validated fit, keeps validation_scores_ aligned with loss_curve_ (NaN where
    an epoch was not validated); best_validation_score_ is the last fit's."""
    X, y = sequences(n=60)
    model = GRURegressor(
        hidden_size=4, max_epochs=2, n_iter_no_change=5, warm_start=True, random_state=0
    )
    quiet_fit(model, X, y)  # 2 validated epochs
    validated = list(model.validation_scores_)
    quiet_fit(model.set_params(early_stopping=False), X, y)
    assert model.best_validation_score_ is None
    assert model.validation_scores_[:2] == validated
    assert np.isnan(model.validation_scores_[2:]).all()
    model.partial_fit(X, y)
    assert len(model.validation_scores_) == len(model.loss_curve_) == 5
    quiet_fit(model.set_params(early_stopping=True), X, y)
    assert len(model.validation_scores_) == len(model.loss_curve_) == 7
    assert model.best_validation_score_ == max(model.validation_scores_[5:])
    fresh = quiet_fit(
        GRURegressor(hidden_size=4, max_epochs=2, early_stopping=False), X, y
    )
    assert fresh.validation_scores_ == [] and fresh.best_validation_score_ is None
    fresh.set_params(warm_start=True, early_stopping=True, n_iter_no_change=5)
    quiet_fit(fresh, X, y)
    assert np.isnan(fresh.validation_scores_[:2]).all()
    assert len(fresh.validation_scores_) == len(fresh.loss_curve_) == 4


def test_a_fit_that_fails_leaves_the_estimator_as_it_was():
    """A cold fit that diverges at once raises and keeps the previous model (a
    new, untrained network must not pass as fitted); never fitted, it stays
    unfitted."""
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**FAST), X, y)
    expected, n_iter = model.predict(X), model.n_iter_
    model.set_params(optimizer="sgd", learning_rate=1e30, early_stopping=False)
    with pytest.raises(FloatingPointError, match="training diverged"):
        model.fit(X, y)
    assert model.n_iter_ == n_iter
    np.testing.assert_array_equal(model.predict(X), expected)
    unfitted = clone(model)
    with pytest.raises(FloatingPointError, match="training diverged"):
        unfitted.fit(X, y)
    with pytest.raises(NotFittedError):
        unfitted.predict(X)


def test_a_refit_keeps_no_input_statistics_of_an_earlier_normalization():
    X, y = sequences(n=40)
    model = quiet_fit(GRURegressor(**FAST), X, y)
    assert hasattr(model, "input_mean_")
    quiet_fit(model.set_params(normalization="none"), X, y)
    assert not hasattr(model, "input_mean_") and not hasattr(model, "input_scale_")
    quiet_fit(model.set_params(normalization="global"), X, y)
    assert hasattr(model, "input_mean_") and not hasattr(model, "_step_mean")


def test_warm_start_with_other_output_count_is_rejected():
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**FAST, warm_start=True), X, y)
    with pytest.raises(
        ValueError, match="y has 2 outputs, but .* fitted with 1 output;"
    ):
        model.fit(X, np.column_stack([y, y]))
    with pytest.raises(
        ValueError, match="y has 2 outputs, but .* fitted with 1 output;"
    ):
        model.partial_fit(X, np.column_stack([y, y]))


def test_1d_y_and_one_column_y_are_the_same_single_output():
    """(n,) and (n, 1) continue each other, as in MLPRegressor.partial_fit."""
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**FAST, warm_start=True), X, y)
    model.partial_fit(X, y[:, None])
    quiet_fit(model, X, y[:, None])
    assert model.n_iter_ > 16 and model.predict(X).shape == (60,)
    column = quiet_fit(GRURegressor(**FAST), X, y[:, None])
    column.partial_fit(X, y)
    # the first fit's y sets the shape of the predictions (documented)
    assert column.n_iter_ == 16 and column.predict(X).shape == (60, 1)


@pytest.mark.parametrize("normalization", ["sequence", "global"])
def test_large_offset_of_x_is_standardized_before_float32(normalization):
    """X + 1e7 fits as X does: the offset is removed in float64, before float32."""
    X, y = sequences(n=120)
    X_test, y_test = sequences(n=100, seed=1)
    model = quiet_fit(GRURegressor(**FAST, normalization=normalization), X, y)
    shifted = quiet_fit(GRURegressor(**FAST, normalization=normalization), X + 1e7, y)
    # float32 rounding of X + 1e7 left differences of 0.8 std of y (0.2e-6 now)
    difference = shifted.predict(X_test + 1e7) - model.predict(X_test)
    assert np.abs(difference).max() < 1e-4 * y.std()
    assert shifted.score(X_test + 1e7, y_test) == pytest.approx(
        model.score(X_test, y_test), abs=1e-6
    )
    # float32 X keeps float32 (no float64 copy) and fits like float64 X
    single = quiet_fit(
        GRURegressor(**FAST, normalization=normalization), X.astype(np.float32), y
    )
    np.testing.assert_allclose(single.predict(X_test), model.predict(X_test), atol=1e-3)


# --- randomness ---------------------------------------------------------------------


def test_same_random_state_same_predictions_and_no_global_rng_touched():
    X, y = sequences(n=80)
    torch_state, numpy_state, python_state = (
        torch.get_rng_state(),
        np.random.get_state(),  # noqa: NPY002 (checking it is untouched)
        random.getstate(),
    )
    threads = torch.get_num_threads()
    first = quiet_fit(GRURegressor(**FAST, dropout=0.3, num_layers=2), X, y)
    second = quiet_fit(GRURegressor(**FAST, dropout=0.3, num_layers=2), X, y)
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
    assert torch.equal(torch_state, torch.get_rng_state())
    assert np.array_equal(numpy_state[1], np.random.get_state()[1])  # noqa: NPY002
    assert python_state == random.getstate()
    assert torch.get_num_threads() == threads


def test_random_state_none_draws_fresh_weights():
    X, y = sequences(n=60)
    a = quiet_fit(GRURegressor(hidden_size=8, max_epochs=2), X, y).predict(X)
    b = quiet_fit(GRURegressor(hidden_size=8, max_epochs=2), X, y).predict(X)
    assert not np.allclose(a, b)


def test_prediction_of_a_sample_does_not_depend_on_its_batch():
    X, y = sequences(n=300)
    model = quiet_fit(GRURegressor(**FAST), X, y)
    full = model.predict(X)
    pieces = np.concatenate([model.predict(X[i : i + 7]) for i in range(0, 300, 7)])
    np.testing.assert_array_equal(full, pieces)


# --- sample weights -----------------------------------------------------------------


def test_weighted_fit_matches_repeated_rows_with_full_batch():
    X, y = sequences(n=60)
    weights = np.random.default_rng(1).integers(1, 4, size=60)
    full_batch = dict(
        hidden_size=8,
        max_epochs=30,
        batch_size=1000,
        early_stopping=False,  # a random split would differ from the repeated rows'
        random_state=0,
    )
    weighted = quiet_fit(GRURegressor(**full_batch), X, y, sample_weight=weights)
    repeated = quiet_fit(
        GRURegressor(**full_batch), np.repeat(X, weights, 0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-3)
    unweighted = quiet_fit(GRURegressor(**full_batch), X, y)
    assert not np.allclose(weighted.predict(X), unweighted.predict(X), rtol=1e-3)


@pytest.mark.parametrize("scale", [1e-50, 1e30])
def test_weights_count_by_their_ratios_whatever_their_scale(scale):
    """Uniform weights of 1e-50 (zero in float32 before) or 1e30 fit as none."""
    X, y = sequences(n=40)
    plain = quiet_fit(GRURegressor(**FAST), X, y).predict(X)
    weights = np.full(len(y), scale)
    weighted = quiet_fit(GRURegressor(**FAST), X, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.predict(X), plain, rtol=1e-5, atol=1e-6)


def test_zero_weights_remove_samples():
    X, y = sequences(n=60)
    noise = np.random.default_rng(2).normal(size=(30, X.shape[1]))
    X_more, y_more = np.vstack([X, noise]), np.concatenate([y, np.full(30, 1e3)])
    weights = np.r_[np.ones(60), np.zeros(30)]
    full_batch = dict(hidden_size=8, max_epochs=30, batch_size=1000, random_state=0)
    with_zeros = quiet_fit(
        GRURegressor(**full_batch), X_more, y_more, sample_weight=weights
    )
    without = quiet_fit(GRURegressor(**full_batch), X, y)
    np.testing.assert_allclose(with_zeros.predict(X), without.predict(X), rtol=1e-4)


def test_all_zero_or_negative_weights_are_rejected():
    X, y = sequences(n=30)
    zero = "Sample weights must contain at least one non-zero number"
    with pytest.raises(ValueError, match=zero):
        GRURegressor(**FAST).fit(X, y, sample_weight=np.zeros(30))
    model = quiet_fit(GRURegressor(**FAST), X, y)
    with pytest.raises(ValueError, match=zero):
        model.partial_fit(X, y, sample_weight=np.zeros(30))
    negative = "Negative values in data passed to `sample_weight`"
    with pytest.raises(ValueError, match=negative):
        GRURegressor(**FAST).fit(X, y, sample_weight=-np.ones(30))
    with pytest.raises(ValueError, match=negative):
        GRURegressor(**FAST).fit(X, y, sample_weight=np.r_[np.zeros(29), -1.0])


def test_all_zero_weights_get_the_same_message_before_sklearn_1_9(monkeypatch):
    """scikit-learn < 1.9 lets all-zero weights through its own check."""
    import sklearn.utils.validation

    import skgru.regressor

    real = sklearn.utils.validation._check_sample_weight
    since_1_9 = "allow_all_zero_weights" in inspect.signature(real).parameters

    def before_1_9(*args, **kwargs):
        return real(
            *args, **kwargs, **({"allow_all_zero_weights": True} if since_1_9 else {})
        )

    monkeypatch.setattr(skgru.regressor, "_check_sample_weight", before_1_9)
    X, y = sequences(n=30)
    with pytest.raises(ValueError, match="at least one non-zero number"):
        GRURegressor(**FAST).fit(X, y, sample_weight=np.zeros(30))
    with pytest.raises(ValueError, match="at least one non-zero number"):
        quiet_fit(GRURegressor(**FAST), X, y).partial_fit(X, y, np.zeros(30))


# --- real workflows -------------------------------------------------------------------


def test_pipeline_cross_val_score_and_grid_search():
    X, y = sequences(n=150)
    pipe = make_pipeline(
        StandardScaler(), GRURegressor(hidden_size=16, max_epochs=40, random_state=0)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=KFold(3))
        grid = GridSearchCV(
            pipe,
            {"gruregressor__hidden_size": [4, 8], "gruregressor__max_epochs": [5]},
            cv=2,
        ).fit(X, y)
    assert scores.shape == (3,) and np.isfinite(scores).all() and scores.mean() > 0.5
    assert grid.best_params_["gruregressor__hidden_size"] in (4, 8)
    assert len(grid.cv_results_["params"]) == 2


def test_transformed_target_regressor():
    X, y = sequences(n=120)
    model = TransformedTargetRegressor(
        regressor=GRURegressor(**FAST), func=np.log, inverse_func=np.exp
    )
    quiet_fit(model, X, np.abs(y) + 1.0)
    assert (model.predict(X) > 0).all()


def test_clone_and_pickle_round_trip():
    X, y = sequences(n=80)
    model = quiet_fit(GRURegressor(**FAST), X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(model.predict(X), restored.predict(X))
    assert restored.device_ == torch.device("cpu")
    fresh = clone(model)
    assert not hasattr(fresh, "trainer_") and fresh.get_params() == model.get_params()
    # The restored model can keep training.
    restored.partial_fit(X, y)
    assert restored.n_iter_ == model.n_iter_ + 1


def test_device_set_after_a_fit_takes_effect_at_the_next_fit():
    """A warm start and partial_fit resolve ``device`` again, as a cold fit does."""
    X, y = sequences(n=40)
    model = quiet_fit(GRURegressor(**FAST, device="cpu", warm_start=True), X, y)
    n_iter = model.n_iter_
    model.set_params(device="cuda")
    if torch.cuda.is_available():  # the network and Adam's moments move there
        model.partial_fit(X, y)
        assert model.device_.type == model.trainer_.device.type == "cuda"
        assert np.isfinite(model.predict(X)).all()
        n_iter += 1
    else:
        missing = "device='cuda' asks for CUDA, but no CUDA device is available"
        with pytest.raises(ValueError, match=missing):
            model.partial_fit(X, y)
        with pytest.raises(ValueError, match=missing):
            model.fit(X, y)
        assert model.n_iter_ == n_iter
    model.set_params(device="cpu")
    model.partial_fit(X, y)
    assert model.device_ == torch.device("cpu") == model.trainer_.device
    assert model.n_iter_ == n_iter + 1


def test_float64_default_dtype_fits_the_same_network(request):
    """torch.set_default_dtype(torch.float64) does not break a fit (the network
    stays float32, as the inputs are) nor change its predictions."""
    X, y = sequences(n=40)
    model = GRURegressor(**FAST, dropout=0.1, num_layers=2)
    expected = quiet_fit(clone(model), X, y).predict(X)
    request.getfixturevalue("float64_default")
    fitted = quiet_fit(clone(model), X, y)
    np.testing.assert_array_equal(fitted.predict(X), expected)
    fitted.partial_fit(X, y)
    assert fitted.trainer_.network.head.weight.dtype == torch.float32


@pytest.mark.parametrize(
    "saved, one_gpu_here",
    [("cuda", False), ("cuda:1", True), ("mps", False)],
    ids=["cuda-without-gpu", "second-gpu-on-one-gpu", "mps-without-mps"],
)
def test_pickle_of_a_gpu_model_loads_on_the_cpu(monkeypatch, saved, one_gpu_here):
    """A model saved from a device this machine lacks comes back on the CPU."""
    X, y = sequences(n=40)
    model = quiet_fit(GRURegressor(**FAST), X, y)
    expected = model.predict(X)
    # Pretend the model was fitted there: unpickling must fall back to the CPU.
    model.device_ = torch.device(saved)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: one_gpu_here)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: int(one_gpu_here))
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.device_ == torch.device("cpu") == restored.trainer_.device
    np.testing.assert_array_equal(restored.predict(X), expected)


def test_sktime_make_reduction_on_airline():
    from sktime.datasets import load_airline
    from sktime.forecasting.compose import make_reduction
    from sktime.performance_metrics.forecasting import (
        mean_absolute_percentage_error,
    )
    from sktime.split import temporal_train_test_split

    y = np.log(load_airline())
    train, test = temporal_train_test_split(y, test_size=12)
    forecaster = make_reduction(
        make_pipeline(StandardScaler(), GRURegressor(random_state=0)),
        window_length=12,
        strategy="recursive",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        forecaster.fit(train)
    prediction = forecaster.predict(fh=np.arange(1, 13))
    assert prediction.index.equals(test.index)
    assert mean_absolute_percentage_error(test, prediction) < 0.05


# --- bad input and failure -----------------------------------------------------


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.full((10, 5), np.nan), "NaN"),
        (np.full((10, 5), np.inf), "infinity"),
        (np.zeros((10, 5, 2, 2)), "dimensions|dim"),
        (np.zeros((0, 5)), "0 sample"),
        (np.array([["a", "b"]] * 10), "string|float"),
        (np.zeros((10, 5, 0)), r"^X must have at least one time step .* \(10, 5, 0\)"),
        (np.zeros((10, 0, 2)), r"^X must have at least one time step .* \(10, 0, 2\)"),
    ],
)
def test_bad_X_is_rejected_with_a_clear_message(X, message):
    with pytest.raises((ValueError, TypeError), match=message):
        GRURegressor(**FAST).fit(X, np.zeros(len(X)))


@pytest.mark.parametrize("shape", [(30,), (30, 10, 2, 1)])
def test_1d_and_4d_x_get_the_layout_message_not_the_data(shape):
    X = np.arange(np.prod(shape), dtype=float).reshape(shape)
    layouts = r"2D \(n_samples, n_timesteps\).*3D \(n_samples, n_timesteps"
    with pytest.raises(ValueError, match=layouts + f".*{len(shape)} dimensions"):
        GRURegressor(**FAST).fit(X, np.zeros(30))
    model = quiet_fit(GRURegressor(**FAST), *sequences(n=30))
    with pytest.raises(ValueError, match=layouts):
        model.predict(X)


def test_random_state_takes_a_numpy_generator():
    X, y = sequences(n=40)
    params = {**FAST, "max_epochs": 3}
    a = quiet_fit(
        GRURegressor(**{**params, "random_state": np.random.default_rng(5)}), X, y
    )
    b = quiet_fit(
        GRURegressor(**{**params, "random_state": np.random.default_rng(5)}), X, y
    )
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_wrong_layout_message_names_the_expected_layout():
    model = quiet_fit(GRURegressor(**FAST), *sequences(n=30, channels=2))
    with pytest.raises(ValueError, match="features per time step"):
        model.predict(np.zeros((3, 10, 5)))
    steps_3d = (
        r"^X has sequences of 4 time steps \(its second axis\), but "
        "GRURegressor was fitted on sequences of 10 time steps.$"
    )
    # a 2D X where the fit had 2 channels, whatever its width (a flattened X too)
    two_d = (
        r"^X is 2D \(one univariate sequence per row\), but GRURegressor was "
        r"fitted on 3D X with 2 features per time step; pass X of shape "
        r"\(n_samples, 10, 2\).$"
    )
    for X, message in (
        (np.zeros((3, 4, 2)), steps_3d),
        (np.zeros((3, 10)), two_d),
        (np.zeros((3, 20)), two_d),
    ):
        with pytest.raises(ValueError, match=message):
            model.predict(X)
        with pytest.raises(ValueError, match=message):
            model.partial_fit(X, np.zeros(3))
    # a model fitted on 2D X: scikit-learn's wording (its checks match it), and
    # what it means
    univariate = quiet_fit(GRURegressor(**FAST), *sequences(n=30))
    steps_2d = (
        r"^X has 4 features, but GRURegressor is expecting 10 features as input: "
        r"a 2D X holds one univariate sequence per row, so these are sequences "
        r"of 4 time steps where the fit's had 10.$"
    )
    with pytest.raises(ValueError, match=steps_2d):
        univariate.predict(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=steps_2d):
        univariate.partial_fit(np.zeros((3, 4)), np.zeros(3))


def test_mismatched_lengths_are_rejected():
    X, y = sequences(n=30)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        GRURegressor(**FAST).fit(X, y[:-1])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"hidden_size": -1}, "'hidden_size' parameter"),
        ({"num_layers": 0}, "'num_layers' parameter"),
        ({"optimizer": "rmsprop"}, "'optimizer' parameter"),
        ({"loss": "poisson"}, "'loss' parameter"),
        ({"dropout": 1.0}, "'dropout' parameter"),
        ({"learning_rate": 0.0}, "'learning_rate' parameter"),
        ({"device": 3}, "'device' parameter"),
        ({"device": "tpu"}, "device must be"),
        ({"device": "cuda:0"}, "no CUDA device"),
    ],
)
def test_invalid_parameters_name_the_argument(params, message):
    if params.get("device") == "cuda:0" and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    X, y = sequences(n=20)
    with pytest.raises(ValueError, match=message):
        GRURegressor(**{**FAST, **params}).fit(X, y)


def test_divergence_in_first_epoch_names_the_learning_rate():
    X, y = sequences(n=60)
    with pytest.raises(FloatingPointError, match="learning_rate"):
        GRURegressor(
            optimizer="sgd", learning_rate=1e30, max_epochs=5, random_state=0
        ).fit(X * 1e20, y)


def test_later_divergence_restores_weights_and_warns():
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**{**FAST, "max_epochs": 3}, warm_start=True), X, y)
    before = model.predict(X)
    # A warm start takes the new learning rate, which makes the next epoch blow up.
    model.set_params(optimizer="sgd", learning_rate=1e30)
    with pytest.warns(RuntimeWarning, match="restored"):
        model.fit(X, y)
    np.testing.assert_array_equal(model.predict(X), before)
    assert model.n_iter_ == 3


def test_divergence_warns_once_and_not_that_max_epochs_was_reached():
    # training stopped at epoch 5 of 20 after a rollback: a ConvergenceWarning
    # saying "max_epochs reached, raise learning_rate" contradicted the rollback's
    X, y = sequences(n=60)
    model = GRURegressor(
        optimizer="sgd", learning_rate=100, max_epochs=20, random_state=0
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    kinds = [type(w.message) for w in caught]
    assert kinds == [RuntimeWarning], [str(w.message) for w in caught]
    assert model.n_iter_ < 20


def test_sequences_that_arrive_standardized_predict_at_any_rounding():
    # their per-sequence levels and log scales are rounding noise (1e-17):
    # scaled up to unit variance, test sequences standardized in float32 or
    # with ddof=1 gave inputs of 1e14 and R^2 of -4.8e12
    rng = np.random.default_rng(0)

    def standardized(a, ddof=0):
        centred = a - a.mean(1, keepdims=True)
        return centred / a.std(1, ddof=ddof, keepdims=True)

    X = standardized(rng.normal(size=(200, 20)))
    y = X[:, -1] + 0.1 * rng.normal(size=200)
    model = quiet_fit(
        GRURegressor(
            hidden_size=8, max_epochs=30, early_stopping=False, random_state=0
        ),
        X,
        y,
    )
    test = rng.normal(size=(100, 20))
    reference = model.score(standardized(test), standardized(test)[:, -1])
    assert reference > 0.95
    for variant in (standardized(test).astype(np.float32), standardized(test, 1)):
        assert model.score(variant, variant[:, -1].astype(float)) > 0.95


@pytest.mark.parametrize("unit", [1e-13, 1e-20, 1e13])
def test_forecasts_in_any_unit_of_y_or_x_are_the_same_fit(unit):
    X, y = sequences(n=80)
    params = {**FAST, "early_stopping": False}
    reference = quiet_fit(GRURegressor(**params), X, y).predict(X)
    scaled_y = quiet_fit(GRURegressor(**params), X, y * unit).predict(X)
    np.testing.assert_allclose(scaled_y, reference * unit, rtol=1e-4)
    scaled_x = quiet_fit(GRURegressor(**params), X * unit, y).predict(X * unit)
    np.testing.assert_allclose(scaled_x, reference, rtol=1e-4, atol=1e-6)


def test_a_rollback_that_drops_the_best_epoch_keeps_the_restored_weights(
    monkeypatch,
):
    # early stopping kept the best epoch's weights; when a NaN loss at epoch 3
    # rolls back to the end of epoch 1, epoch 2 (the best) is dropped with its
    # score, and the model is the epoch-1 model the warning names
    import skgru._training as training

    X, y = sequences(n=60)
    params = dict(FAST, ensemble_size=1, batch_size=64, early_stopping=True)
    reference = quiet_fit(GRURegressor(**{**params, "max_epochs": 1}), X, y)
    squared = training.LOSSES["squared_error"]
    calls = []

    def nan_at_epoch_3(prediction, target):  # one batch per epoch
        calls.append(1)
        loss = squared(prediction, target)
        return loss * float("nan") if len(calls) == 3 else loss

    monkeypatch.setitem(training.LOSSES, "squared_error", nan_at_epoch_3)
    model = GRURegressor(**{**params, "max_epochs": 5})
    with pytest.warns(RuntimeWarning, match="weights of epoch 1 were restored"):
        quiet_fit(model, X, y)
    assert model.n_iter_ == 1
    assert model.best_validation_score_ == model.validation_scores_[0]
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))


def test_warm_start_takes_a_changed_learning_rate():
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**FAST, warm_start=True), X, y)
    model.set_params(learning_rate=0.123)
    quiet_fit(model, X, y)
    assert model.trainer_.optimizer.param_groups[0]["lr"] == 0.123


def test_early_stopping_on_too_few_samples_is_clear():
    with pytest.raises(ValueError, match="early_stopping"):
        GRURegressor(**FAST, early_stopping=True).fit(np.zeros((1, 4)), [1.0])


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(1, 12),
    steps=st.integers(1, 6),
    channels=st.integers(1, 3),
    outputs=st.integers(1, 3),
    scale=st.floats(1e-3, 1e4),
)
def test_any_valid_shape_fits_and_predicts_finite(n, steps, channels, outputs, scale):
    rng = np.random.default_rng(n * 100 + steps)
    X = rng.normal(size=(n, steps, channels))
    y = scale * rng.normal(size=(n, outputs))
    model = GRURegressor(hidden_size=4, max_epochs=2, random_state=0)
    model.set_params(early_stopping=n > 1)  # a validation split needs two samples
    prediction = quiet_fit(model, X, y).predict(X)
    assert prediction.shape == (n, outputs) and np.isfinite(prediction).all()


# --- numpy-typed parameters (issue 12) ------------------------------------------


def test_numpy_scalar_parameters_fit_like_python_numbers():
    X, y = sequences(n=60)
    python = quiet_fit(
        GRURegressor(
            hidden_size=3, bidirectional=True, learning_rate=0.01, **FAST_REST
        ),
        X,
        y,
    )
    numpy = quiet_fit(
        GRURegressor(
            hidden_size=np.int64(3),
            bidirectional=np.True_,
            learning_rate=np.float32(0.01),
            **{**FAST_REST, "max_epochs": np.int64(FAST_REST["max_epochs"])},
        ),
        X,
        y,
    )
    network = numpy.trainer_.network
    assert network.hidden_size == 3 and type(network.hidden_size) is int
    assert network.bidirectional is True
    lr = numpy.trainer_.optimizer.param_groups[0]["lr"]
    assert type(lr) is float and lr == float(np.float32(0.01))
    # float32(0.01) != 0.01, so compare with a Python-number fit at that exact rate
    python.set_params(learning_rate=float(np.float32(0.01)))
    np.testing.assert_array_equal(
        numpy.predict(X), quiet_fit(clone(python), X, y).predict(X)
    )


def test_grid_search_over_numpy_ranges_fits_every_candidate():
    X, y = sequences(n=60)
    grid = GridSearchCV(
        GRURegressor(**FAST_REST),
        {
            "hidden_size": np.arange(2, 4),
            "bidirectional": [np.False_, np.True_],
            "learning_rate": np.array([0.01], dtype=np.float32),
        },
        cv=2,
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X, y)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert len(grid.cv_results_["params"]) == 4
    best = grid.best_estimator_.trainer_.network
    assert best.hidden_size == grid.best_params_["hidden_size"]
    assert best.bidirectional == bool(grid.best_params_["bidirectional"])


# --- warm start with a new architecture (issue 12) ------------------------------


def test_warm_start_with_new_architecture_rebuilds_the_network_and_warns():
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**FAST, warm_start=True), X, y)
    model.set_params(
        hidden_size=np.int64(5), num_layers=2, bidirectional=True, ensemble_size=2
    )
    with (
        warnings.catch_warnings(),
        pytest.warns(
            UserWarning,
            match=r"hidden_size 8 -> 5.*num_layers 1 -> 2.*ensemble_size 3 -> 2",
        ),
    ):
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    network = model.trainer_.network
    assert (
        network.hidden_size,
        network.num_layers,
        network.bidirectional,
        network.ensemble_size,
    ) == (5, 2, True, 2)
    # two members of 5 units side by side in each layer
    assert [layer.hidden_size for layer in network.layers] == [10, 10]
    assert network.layers[1].input_size == 20  # both directions of layer 1
    # Rebuilt from scratch: the history restarts, as for a cold fit.
    assert model.n_iter_ == len(model.loss_curve_) <= FAST["max_epochs"]
    cold = quiet_fit(clone(model).set_params(warm_start=False), X, y)
    np.testing.assert_array_equal(model.predict(X), cold.predict(X))


def test_warm_start_takes_a_new_dropout_without_rebuilding():
    X, y = sequences(n=60)
    model = quiet_fit(GRURegressor(**FAST, warm_start=True), X, y)
    network = model.trainer_.network
    model.set_params(dropout=0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        quiet_fit(model, X, y)
    assert model.trainer_.network is network and network.dropout == 0.25


def test_partial_fit_with_new_normalization_rebuilds_and_warns():
    X, y = sequences(n=60)
    model = GRURegressor(**FAST).partial_fit(X, y)
    model.set_params(normalization="none")
    with pytest.warns(UserWarning, match="normalization 'sequence' -> 'none'"):
        model.partial_fit(X, y)
    assert model.n_iter_ == 1 and model.trainer_.network.n_features == 1


# --- input normalization (issue 13) ------------------------------------------


@pytest.mark.parametrize(
    ("normalization", "n_features", "n_extra"),
    [("sequence", 9, 6), ("global", 3, 0), ("none", 3, 0)],
)
def test_normalization_sets_the_network_inputs(normalization, n_features, n_extra):
    X, y = sequences(n=40, channels=3)
    model = quiet_fit(
        GRURegressor(**{**FAST, "max_epochs": 2}, normalization=normalization), X, y
    )
    network = model.trainer_.network
    assert (network.n_features, network.n_extra) == (n_features, n_extra)
    if normalization != "none":
        flat = X.reshape(-1, 3)
        np.testing.assert_allclose(model.input_mean_, flat.mean(0), rtol=1e-5)
        np.testing.assert_allclose(model.input_scale_, flat.std(0), rtol=1e-5)


def test_sequence_inputs_are_channels_steps_and_shapes():
    X, y = sequences(n=40, channels=2)
    model = quiet_fit(GRURegressor(**{**FAST, "max_epochs": 1}), X, y)
    inputs, extra = (t.numpy() for t in model._network_inputs(X))
    channels = (X - X.reshape(-1, 2).mean(0)) / X.reshape(-1, 2).std(0)
    steps = np.diff(channels, axis=1, prepend=channels[:, :1])
    steps = (steps - steps.reshape(-1, 2).mean(0)) / steps.reshape(-1, 2).std(0)
    shapes = (channels - channels.mean(1, keepdims=True)) / channels.std(
        1, keepdims=True
    )
    np.testing.assert_allclose(inputs[..., :2], channels, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(inputs[..., 2:4], steps, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(inputs[..., 4:], shapes, rtol=1e-4, atol=1e-5)
    assert extra.shape == (40, 4)  # levels and log scales of the channels


def test_sequence_normalization_learns_shape_under_any_level_and_scale():
    """The target is each curve's frequency; levels and scales are nuisances."""
    rng = np.random.default_rng(0)
    n, steps = 240, 20
    frequency = rng.uniform(0.2, 1.2, size=n)
    level = rng.normal(1e3, 300.0, size=(n, 1))
    scale = rng.uniform(0.1, 100.0, size=(n, 1))
    X = level + scale * np.sin(frequency[:, None] * np.arange(steps))
    train, test = slice(0, 180), slice(180, None)
    fitted = {
        normalization: quiet_fit(
            GRURegressor(
                hidden_size=16,
                max_epochs=80,
                normalization=normalization,
                random_state=0,
            ),
            X[train],
            frequency[train],
        ).score(X[test], frequency[test])
        for normalization in ("sequence", "none")
    }
    assert fitted["sequence"] > 0.9
    assert fitted["sequence"] > fitted["none"] + 0.2


def test_unknown_normalization_names_the_parameter():
    X, y = sequences(n=20)
    with pytest.raises(ValueError, match="'normalization' parameter"):
        GRURegressor(**FAST, normalization="minmax").fit(X, y)


def test_warnings_name_the_users_line():
    # they named skgru's own lines (or, through a search, sklearn's)
    X, y = sequences(n=60)
    model = GRURegressor(hidden_size=4, max_epochs=1, random_state=0, warm_start=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
        model.set_params(hidden_size=5).fit(X, y)
        cross_val_score(GRURegressor(hidden_size=4, max_epochs=1), X, y, cv=2)
    ours = [w for w in caught if "GRURegressor" in str(w.message)]
    assert len(ours) == 5  # a ConvergenceWarning per fit (4) and the rebuild
    assert all(w.filename == __file__ for w in ours)
