"""GRUForecaster: sktime conformance, real workflows, intervals and bad input."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError
from sktime.forecasting.compose import MultiplexForecaster, TransformedTargetForecaster
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.model_selection import ForecastingGridSearchCV
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import MeanAbsoluteError
from sktime.split import ExpandingWindowSplitter, SlidingWindowSplitter
from sktime.transformations.series.boxcox import LogTransformer
from sktime.transformations.series.detrend import Deseasonalizer
from sktime.utils.estimator_checks import check_estimator, parametrize_with_checks

from skgru.forecaster import GRUForecaster

# Tiny networks and few epochs: every fit here takes well under a second.
FAST = {"hidden_size": 8, "max_epochs": 15, "windows_per_epoch": 64, "random_state": 0}

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _monthly(values, start="2000-01"):
    index = pd.period_range(start, periods=len(values), freq="M")
    return pd.Series(np.asarray(values, dtype=float), index=index, name="sales")


def _seasonal_trend(n=96, seed=0, level=100.0, slope=0.5, noise=1.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = level + slope * t + 10 * np.sin(2 * np.pi * t / 12)
    return _monthly(values + noise * rng.normal(size=n))


def _panel(n_series=3, n=60, scales=(1.0, 100.0, 10_000.0), seed=0):
    frames = []
    for i in range(n_series):
        series = _seasonal_trend(n, seed=seed + i) * scales[i % len(scales)]
        frame = series.to_frame("sales")
        frame.index = pd.MultiIndex.from_product(
            [[f"store_{i}"], frame.index], names=["store", "month"]
        )
        frames.append(frame)
    return pd.concat(frames)


# --- sktime conformance -----------------------------------------------
@parametrize_with_checks(GRUForecaster, obj_varname="estimator")
def test_sktime_conformance(estimator, test_name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_estimator(estimator, tests_to_run=test_name, raise_exceptions=True)


# --- behaviour -----------------------------------------------
def test_forecasts_trending_seasonal_series_better_than_seasonal_naive():
    y = _seasonal_trend(120)
    train, test = y.iloc[:-12], y.iloc[-12:]
    fh = np.arange(1, 13)
    gru = GRUForecaster(max_epochs=40, windows_per_epoch=64, random_state=0)
    gru.fit(train, fh=fh)
    naive = NaiveForecaster(strategy="last", sp=12).fit(train, fh=fh)
    gru_error = np.abs(gru.predict().to_numpy() - test.to_numpy()).mean()
    naive_error = np.abs(naive.predict().to_numpy() - test.to_numpy()).mean()
    assert gru_error < naive_error


def test_exogenous_x_drives_the_forecast():
    rng = np.random.default_rng(0)
    n = 240
    x = rng.normal(size=n)
    y = _monthly(50 + 5 * x + 0.1 * rng.normal(size=n))
    X = pd.DataFrame({"promo": x}, index=y.index)
    train, test = slice(0, n - 6), slice(n - 6, n)
    fh = np.arange(1, 7)
    params = {**FAST, "max_epochs": 40, "window_length": 6, "windows_per_epoch": 256}
    with_x = GRUForecaster(**params).fit(y.iloc[train], X=X.iloc[train], fh=fh)
    without_x = GRUForecaster(**params).fit(y.iloc[train], fh=fh)
    actual = y.iloc[test].to_numpy()
    error_x = np.abs(with_x.predict(X=X.iloc[test]).to_numpy() - actual).mean()
    error_no_x = np.abs(without_x.predict().to_numpy() - actual).mean()
    assert error_x < 0.5 * error_no_x


def test_future_x_changes_the_forecast():
    rng = np.random.default_rng(1)
    y = _monthly(rng.normal(size=80).cumsum())
    X = pd.DataFrame({"a": rng.normal(size=84)}, index=_monthly(np.zeros(84)).index)
    f = GRUForecaster(**FAST, window_length=4).fit(y, X=X.iloc[:80], fh=[1, 2, 3, 4])
    base = f.predict(X=X.iloc[80:])
    shifted = X.iloc[80:] + 3.0
    assert not np.allclose(base, f.predict(X=shifted))


def test_multivariate_y_is_forecast_jointly():
    rng = np.random.default_rng(2)
    index = pd.period_range("2001-01", periods=60, freq="M")
    y = pd.DataFrame(
        {"a": rng.normal(size=60).cumsum(), "b": 100 + rng.normal(size=60)},
        index=index,
    )
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2, 3])
    pred = f.predict()
    assert list(pred.columns) == ["a", "b"]
    assert pred.index.equals(pd.period_range("2006-01", periods=3, freq="M"))
    # one network (per ensemble member): its head outputs every step of every
    # column
    network = f.trainer_.network
    assert network.n_outputs == 3 * 2
    assert network.head.out_features == 3 * 2 * network.ensemble_size
    interval = f.predict_interval(coverage=0.8)
    assert interval.columns.get_level_values(0).unique().tolist() == ["a", "b"]


def test_panel_is_one_global_model_scaled_per_series():
    y = _panel()
    f = GRUForecaster(**FAST, window_length=12).fit(y, fh=[1, 2, 3])
    pred = f.predict()
    expected_months = pd.period_range("2005-01", periods=3, freq="M")
    expected = pd.MultiIndex.from_product(
        [["store_0", "store_1", "store_2"], expected_months], names=["store", "month"]
    )
    assert pred.index.equals(expected)
    # windows of all series were stacked into one training set
    assert f.n_windows_ == 3 * (60 - 12 - 3 + 1)
    # each series is forecast on its own scale
    for i, scale in enumerate([1.0, 100.0, 10_000.0]):
        last = y.loc[f"store_{i}"].iloc[-12:, 0].mean()
        forecast = pred.loc[f"store_{i}"].iloc[:, 0]
        assert np.all(np.abs(forecast - last) < 0.5 * last), scale
    quantiles = f.predict_quantiles(alpha=[0.1, 0.5, 0.9])
    assert quantiles.index.equals(expected)


def test_hierarchy_with_unequal_lengths_forecasts_from_each_series_end():
    frames = []
    for i, (group, n) in enumerate([("a", 50), ("a", 40), ("b", 45)]):
        series = _seasonal_trend(n, seed=i).to_frame("v")
        series.index = pd.MultiIndex.from_product(
            [[group], [f"s{i}"], series.index], names=["g", "s", "t"]
        )
        frames.append(series)
    y = pd.concat(frames)
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])
    pred = f.predict()
    for (group, name), part in pred.groupby(level=[0, 1]):
        end = y.loc[(group, name)].index[-1]
        assert list(part.index.get_level_values(-1)) == [end + 1, end + 2]


def test_horizon_beyond_the_trained_one_is_rolled_out():
    y = _seasonal_trend(72)
    f = GRUForecaster(**FAST, window_length=12).fit(y, fh=[1, 2, 3])
    assert f.horizon_ == 3
    direct = f.predict()
    longer = f.predict(fh=np.arange(1, 11))
    assert len(longer) == 10
    np.testing.assert_allclose(longer.iloc[:3].to_numpy(), direct.to_numpy())
    interval = f.predict_interval(fh=np.arange(1, 11), coverage=0.9)
    width = (interval.iloc[:, 1] - interval.iloc[:, 0]).to_numpy()
    assert np.all(width > 0) and width[-1] >= width[0]


def test_fh_not_needed_in_fit():
    y = _seasonal_trend(72)
    f = GRUForecaster(**FAST, window_length=12).fit(y)
    assert f.horizon_ == f.window_length_ == 12
    assert len(f.predict(fh=[1, 5, 20])) == 3
    g = GRUForecaster(**FAST, window_length=12, horizon=4).fit(y, fh=[1, 2])
    assert g.horizon_ == 4


def _daily_panel_without_freq(n=40):
    # df.set_index(["id", "date"]) and sktime's Aggregator give such time levels
    rng = np.random.default_rng(0)
    days = pd.date_range("2000-01-01", periods=n, freq="D")
    frames = {
        key: pd.DataFrame({"v": rng.normal(size=n).cumsum()}, index=days)
        for key in "ab"
    }
    y = pd.concat(frames, names=["s", "t"]).reset_index().set_index(["s", "t"])
    assert y.index.levels[1].freq is None
    return y


def test_a_panel_whose_time_level_has_no_freq_is_forecast_at_the_next_days():
    y = _daily_panel_without_freq()
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])
    expected = pd.MultiIndex.from_product(
        [["a", "b"], pd.to_datetime(["2000-02-10", "2000-02-11"])], names=["s", "t"]
    )
    assert f.predict().index.equals(expected)
    assert f.predict_interval(coverage=0.8).index.equals(expected)
    later = y.groupby(level=0).tail(1).copy()
    later.index = pd.MultiIndex.from_product(
        [["a", "b"], pd.to_datetime(["2000-02-10"])], names=["s", "t"]
    )
    f.update(later, update_params=False)
    assert f.predict(fh=[1]).index.get_level_values(-1).unique().tolist() == [
        pd.Timestamp("2000-02-11")
    ]


def test_irregular_time_points_are_refused_in_fit_with_what_to_do():
    y = _daily_panel_without_freq()
    y = y.drop(index=pd.Timestamp("2000-01-05"), level="t")
    with pytest.raises(ValueError, match=r"series \('a',\) has no frequency.*Resample"):
        GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])


def test_a_gap_in_one_series_of_a_datetime_panel_is_a_warning_on_every_pandas():
    # pandas 2.0 leaves no freq on the time level (sktime's cutoff has none),
    # later pandas keep one; the gapped series takes its sibling's either way
    y = _daily_panel_without_freq()
    gapped = y.drop(index=("b", pd.Timestamp("2000-01-05")))
    with pytest.warns(UserWarning, match=r"^series \('b',\) lacks 1 time points"):
        f = GRUForecaster(**FAST, window_length=6).fit(gapped, fh=[1, 2])
    expected = pd.MultiIndex.from_product(
        [["a", "b"], pd.to_datetime(["2000-02-10", "2000-02-11"])], names=["s", "t"]
    )
    assert f.predict().index.equals(expected)
    # points off the sibling's grid (noon instead of midnight) still have no freq
    times = gapped.index.get_level_values("t")
    noon = (gapped.index.get_level_values("s") == "b") & (times.day == 20)
    shifted = gapped.set_axis(
        pd.MultiIndex.from_arrays(
            [gapped.index.get_level_values("s"), times + noon * pd.Timedelta("12h")],
            names=["s", "t"],
        )
    )
    with pytest.raises(ValueError, match=r"series \('b',\) has no frequency"):
        GRUForecaster(**FAST, window_length=6).fit(shifted, fh=[1, 2])


def test_gaps_in_the_time_index_are_a_warning_naming_the_series():
    y = _seasonal_trend(60)
    with pytest.warns(UserWarning, match=r"^y lacks 12 time points.*Impute"):
        f = GRUForecaster(**FAST, window_length=6).fit(y.drop(y.index[30:42]), fh=[1])
    later = _monthly([1.0], start="2006-01")  # a year after the cutoff
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1])
    with pytest.warns(UserWarning, match=r"^y lacks 12 time points"):
        f.update(later, update_params=False)
    panel = _panel(n_series=2)
    with pytest.warns(UserWarning, match=r"^series \('store_1',\) lacks 2 time"):
        GRUForecaster(**FAST, window_length=6).fit(panel.drop(panel.index[70:72]))


@pytest.mark.parametrize("freq", ["15min", "2D", "12h", "2M"])
def test_a_period_index_with_a_multiplied_freq_counts_gaps_in_its_periods(freq):
    # (last - first).n of such an index counts base units (minutes, days)
    index = pd.period_range("2024-01-01", periods=40, freq=freq)
    y = pd.Series(np.sin(np.arange(40) / 4.0) + 10, index=index)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # a UserWarning too
        GRUForecaster(**FAST, window_length=6).fit(y, fh=[1])
    with pytest.warns(UserWarning, match=r"^y lacks 1 time points"):
        GRUForecaster(**FAST, window_length=6).fit(y.drop(index[20]), fh=[1])


def test_update_warns_about_a_gap_once_not_on_every_later_update():
    y = _seasonal_trend(72)
    f = GRUForecaster(**FAST, window_length=6).fit(y.iloc[:-12], fh=[1])
    with pytest.warns(UserWarning, match=r"^y lacks 3 time points"):
        f.update(y.iloc[-9:-6], update_params=False)  # skips three months
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        f.update(y.iloc[-6:-3], update_params=False)  # contiguous: no warning
    with pytest.warns(UserWarning, match=r"^y lacks 4 time points"):
        f.update(y.iloc[-2:], update_params=False)  # a new gap


def test_predict_on_a_business_day_period_index_adds_no_warning_of_its_own():
    # pandas >= 2.2 deprecates BDay periods and warns when they are compared;
    # the user who built the index saw that warning already
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        index = pd.period_range("2024-01-01", periods=60, freq="B")
    y = pd.Series(np.sin(np.arange(60) / 3.0) + 10, index=index)
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f.predict()
    assert not [w for w in caught if "skgru" in w.filename], caught


def test_x_with_missing_columns_is_refused_and_reordered_columns_are_aligned():
    rng = np.random.default_rng(1)
    y = _monthly(rng.normal(size=60).cumsum())
    index = _monthly(np.zeros(64)).index
    X = pd.DataFrame({"a": rng.normal(size=64), "b": rng.normal(size=64)}, index=index)
    f = GRUForecaster(**FAST, window_length=4).fit(y, X=X.iloc[:60], fh=[1, 2])
    future = X.iloc[60:62]
    expected = f.predict(X=future)
    pd.testing.assert_series_equal(f.predict(X=future[["b", "a"]]), expected)
    with pytest.raises(ValueError, match=r"lacks the columns \['b'\].*\['a', 'b'\]"):
        f.predict(X=future[["a"]])
    later = _monthly([1.0], start="2005-01")
    with pytest.raises(ValueError, match=r"X passed to update lacks the columns"):
        f.update(later, X=X.iloc[60:61].rename(columns={"a": "c"}))
    # update aligns columns by name as well: swapped columns give the same state
    g = clone(f).fit(y, X=X.iloc[:60], fh=[1, 2])
    f.update(later, X=X.iloc[60:61], update_params=False)
    g.update(later, X=X.iloc[60:61][["b", "a"]], update_params=False)
    future = X.iloc[61:63]
    pd.testing.assert_series_equal(f.predict(X=future), g.predict(X=future))


def test_random_state_takes_a_numpy_generator():
    y = _seasonal_trend(60)
    a = GRUForecaster(**{**FAST, "random_state": np.random.default_rng(3)})
    b = GRUForecaster(**{**FAST, "random_state": np.random.default_rng(3)})
    params = {"window_length": 6}
    pred_a = a.set_params(**params).fit(y, fh=[1, 2]).predict()
    pd.testing.assert_series_equal(
        pred_a, b.set_params(**params).fit(y, fh=[1, 2]).predict()
    )


def test_same_random_state_same_forecasts_and_global_rngs_untouched():
    y = _seasonal_trend(60)
    torch_state = torch.random.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002
    a = GRUForecaster(**FAST, window_length=6, dropout=0.2).fit(y, fh=[1, 2, 3])
    b = GRUForecaster(**FAST, window_length=6, dropout=0.2).fit(y, fh=[1, 2, 3])
    pred_a, pred_b = a.predict(), b.predict()
    pd.testing.assert_series_equal(pred_a, pred_b)
    pd.testing.assert_frame_equal(a.predict_interval(), b.predict_interval())
    c = GRUForecaster(**{**FAST, "random_state": 1}, window_length=6).fit(
        y, fh=[1, 2, 3]
    )
    assert not np.allclose(pred_a, c.predict())
    assert torch.equal(torch_state, torch.random.get_rng_state())
    assert np.array_equal(numpy_state, np.random.get_state()[1])  # noqa: NPY002


def test_fitted_attributes():
    y = _seasonal_trend(60)
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])
    assert f.window_length_ == 6 and f.horizon_ == 2
    # two networks (windows of 6 and 3) share max_epochs=15: 8 epochs each
    assert f.window_lengths_ == (6, 3) and len(f.trainers_) == 2
    assert f.trainer_ is f.trainers_[0]
    assert len(f.loss_curve_) == f.n_iter_ == 8
    assert [t.n_iter for t in f.trainers_] == [8, 8]
    assert [t.network.n_features for t in f.trainers_] == [1, 1]
    assert f.validation_scores_ == []
    assert f.calibration_ == "out-of-sample"
    assert f.device_.type in ("cpu", "cuda")
    assert list(f.interval_scale_.columns) == ["sales"]
    e = GRUForecaster(**FAST, window_length=6, early_stopping=True).fit(y, fh=[1])
    assert len(e.validation_scores_) == e.n_iter_


def test_convergence_warning_like_the_regressor():
    y = _seasonal_trend(40)
    # the parameters away from their defaults name the model (a search's candidate)
    message = r"^GRUForecaster\(hidden_size=4\): max_epochs=2 reached.*max_epochs"
    with pytest.warns(ConvergenceWarning, match=message):
        GRUForecaster(max_epochs=2, hidden_size=4, random_state=0).fit(y, fh=[1])
    with pytest.warns(ConvergenceWarning, match=r"^GRUForecaster: max_epochs=2"):
        GRUForecaster(max_epochs=2, random_state=0).fit(y, fh=[1])
    with pytest.warns(ConvergenceWarning, match="max_epochs=2"):
        GRUForecaster(max_epochs=2, lr_schedule="constant", random_state=0).fit(
            y, fh=[1]
        )
    # the default's value given as a list or an array is not named as changed
    for fractions in ([1.0, 0.5], np.array([1.0, 0.5])):
        with pytest.warns(ConvergenceWarning, match=r"^GRUForecaster: max_epochs=2"):
            GRUForecaster(max_epochs=2, window_fractions=fractions, random_state=0).fit(
                y, fh=[1]
            )
    # a search's numpy values read as plain numbers (not np.float64(0.0143...))
    message = r"^GRUForecaster\(dropout=3e-07, learning_rate=0\.01432\): max_epochs"
    with pytest.warns(ConvergenceWarning, match=message):
        GRUForecaster(
            max_epochs=2,
            dropout=np.float64(3e-07),
            learning_rate=np.float64(0.014324889),
            random_state=0,
        ).fit(y, fh=[1])


@pytest.mark.parametrize(("n", "per_epoch"), [(120, 256), (5_000, 512)])
def test_auto_windows_per_epoch_is_256_on_short_series_and_up_to_512_on_long(
    n, per_epoch
):
    y = _monthly(np.random.default_rng(0).normal(size=n).cumsum())
    tiny = {"hidden_size": 4, "ensemble_size": 1, "max_epochs": 1, "window_length": 4}
    forecasts = [
        GRUForecaster(**tiny, windows_per_epoch=value, random_state=0)
        .fit(y, fh=[1, 2])
        .predict()
        for value in ("auto", per_epoch, per_epoch // 2)
    ]
    pd.testing.assert_series_equal(forecasts[0], forecasts[1])
    assert not np.allclose(forecasts[0], forecasts[2])


def test_verbose_prints_epochs(capsys):
    y = _seasonal_trend(40)
    GRUForecaster(
        max_epochs=4, hidden_size=4, windows_per_epoch=32, verbose=1, random_state=0
    ).fit(y, fh=[1])
    out = capsys.readouterr().out
    assert "Epoch 2: loss" in out and "Epoch 3: loss" not in out
    assert "network 1 of 2 (window_length=10)" in out
    assert "network 2 of 2 (window_length=5)" in out


def test_intervals_are_calibrated_loosely():
    rng = np.random.default_rng(3)
    n_series, n, h = 12, 80, 6
    frames = []
    for i in range(n_series):
        t = np.arange(n)
        values = 20 + 5 * np.sin(2 * np.pi * t / 12 + i) + rng.normal(size=n)
        frame = _monthly(values).to_frame("v")
        frame.index = pd.MultiIndex.from_product([[i], frame.index])
        frames.append(frame)
    y = pd.concat(frames)
    train = y.groupby(level=0).head(n - h)
    test = y.groupby(level=0).tail(h)
    f = GRUForecaster(
        hidden_size=8,
        max_epochs=30,
        windows_per_epoch=128,
        window_length=12,
        random_state=0,
    )
    f.fit(train, fh=np.arange(1, h + 1))
    interval = f.predict_interval(coverage=0.9)
    lower, upper = interval.iloc[:, 0].to_numpy(), interval.iloc[:, 1].to_numpy()
    actual = test.iloc[:, 0].to_numpy()
    coverage = np.mean((actual >= lower) & (actual <= upper))
    assert 0.75 <= coverage <= 1.0
    quantiles = f.predict_quantiles(alpha=[0.05, 0.25, 0.5, 0.75, 0.95])
    assert np.all(np.diff(quantiles.to_numpy(), axis=1) >= 0)


def test_short_series_fall_back_to_in_sample_intervals_with_a_warning():
    y = _seasonal_trend(7)
    f = GRUForecaster(**FAST, window_length=3, horizon=3).fit(y, fh=[1, 2, 3])
    with pytest.warns(UserWarning, match="in-sample errors"):
        assert f.predict_interval().shape == (3, 2)
    assert f.calibration_ == "in-sample"


def test_intervals_are_calibrated_only_when_asked_for_and_then_kept():
    y = _seasonal_trend(60)
    f = GRUForecaster(**FAST, window_length=6).fit(y.iloc[:-3], fh=[1, 2])
    assert f._calibration.model is None  # fit trained one network only
    fitted = f.get_fitted_params()  # composites call it: no calibration either
    assert f._calibration.model is None and "window_length" in fitted
    assert "calibration" not in fitted and "interval_scale" not in fitted
    first = f.predict_interval(coverage=0.8)
    assert f.get_fitted_params()["calibration"] == "out-of-sample"
    model = f._calibration.model
    assert model is not None
    f.predict_quantiles(alpha=[0.1, 0.9])
    assert f._calibration.model is model  # cached
    f.update(y.iloc[-3:], update_params=False)
    assert f._calibration.model is model  # update keeps the calibration
    assert f.predict_interval(coverage=0.8).shape == first.shape


def test_intervals_for_more_steps_than_calibrated_get_a_longer_calibration():
    # fh 1-2 at fit calibrates 12 steps; steps 13-30 are measured on longer
    # forecasts (24, then 48 steps), and steps 1-12 keep the fit's calibration
    y = _seasonal_trend(150)
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])
    short = f.predict_interval(fh=range(1, 13), coverage=[0.8, 0.95])
    model = f._calibration.model
    assert model.max_step == 12
    long = f.predict_interval(fh=range(1, 31), coverage=[0.8, 0.95])
    assert sorted(f._calibration.longer) == [24, 48]  # doubling, then kept
    base, longer = f._calibration.models_for(f, 30)
    assert base is model and longer is f._calibration.longer[48][1]
    assert longer.max_step > 30
    pd.testing.assert_frame_equal(long.iloc[:12], short)  # same, whatever the fh
    pd.testing.assert_frame_equal(
        f.predict_interval(fh=range(1, 13), coverage=[0.8, 0.95]), short
    )
    width = (long.iloc[:, 1] - long.iloc[:, 0]).to_numpy()
    assert (width[12:] >= width[11] - 1e-9).all()  # never narrower than step 12
    for _ in range(3):  # a growing fan chart trains no more networks
        f.predict_interval(fh=range(1, 31 + _), coverage=0.8)
    assert sorted(f._calibration.longer) == [24, 48]
    variance = f.predict_var(fh=range(1, 31)).to_numpy().ravel()
    assert (variance[12:] >= variance[11] - 1e-9).all()


def test_a_short_series_stops_the_longer_calibrations_where_it_runs_out():
    # 40 points cannot measure 24-step errors: one longer calibration, not more
    y = _seasonal_trend(40)
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])
    f.predict_interval(fh=range(1, 41), coverage=0.8)
    f.predict_interval(fh=range(1, 21), coverage=0.8)
    assert len(f._calibration.longer) <= 1


@pytest.mark.parametrize(("n", "held_out"), [(100, 12), (300, 30)])
def test_calibration_holds_out_a_tenth_of_a_long_series(n, held_out):
    # one origin per held-out point, each forecasting n_cal = 12 steps (fewer at
    # the end of the series): a long series gets origins over its last tenth
    y = _seasonal_trend(n)
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1])
    f.predict_interval(coverage=0.8)
    assert f.calibration_ == "out-of-sample"
    n_errors = sum(min(12, k) for k in range(1, held_out + 1))
    assert len(f._calibration.model.standardized_errors) == n_errors
    assert f._calibration.model.max_step == 12


def test_update_extends_context_without_training():
    y = _seasonal_trend(72)
    f = GRUForecaster(**FAST, window_length=12).fit(y.iloc[:-6], fh=[1, 2, 3])
    weights = {k: v.clone() for k, v in f.trainer_.network.state_dict().items()}
    before = f.predict()
    f.update(y.iloc[-6:], update_params=False)
    assert f.cutoff[0] == y.index[-1]
    assert f.n_iter_ == 8
    for key, value in f.trainer_.network.state_dict().items():
        assert torch.equal(value, weights[key])
    after = f.predict()
    assert after.index[0] == y.index[-1] + 1
    assert not np.allclose(before.to_numpy(), after.to_numpy())


@pytest.mark.parametrize("as_frame", [False, True])
def test_update_predict_single_keeps_the_type_of_y(as_frame):
    # sktime's default passed its inner DataFrame to the public update, and every
    # later forecast of a Series y came back as a DataFrame
    y = _seasonal_trend(60).rename("sales")
    y = y.to_frame() if as_frame else y
    f = GRUForecaster(**FAST, window_length=6).fit(y.iloc[:-6], fh=[1, 2])
    forecast = f.update_predict_single(y.iloc[-6:-3], update_params=False)
    later = f.predict()
    # the same as an update and a forecast, the Series' name included
    g = GRUForecaster(**FAST, window_length=6).fit(y.iloc[:-6], fh=[1, 2])
    expected = g.update(y.iloc[-6:-3], update_params=False).predict()
    assert type(forecast) is type(later) is type(y)
    if as_frame:
        pd.testing.assert_frame_equal(forecast, expected)
        pd.testing.assert_frame_equal(later, expected)
    else:
        assert forecast.name == later.name == "sales"
        pd.testing.assert_series_equal(forecast, expected)
        pd.testing.assert_series_equal(later, expected)
    assert forecast.index[0] == y.index[-3]
    assert f.cutoff[0] == y.index[-4]


def test_update_params_continues_training_from_current_weights():
    y = _seasonal_trend(72)
    f = GRUForecaster(**FAST, window_length=12).fit(y.iloc[:-6], fh=[1, 2, 3])
    assert f.n_windows_ == 66 - 12 - 3 + 1
    weights = {k: v.clone() for k, v in f.trainer_.network.state_dict().items()}
    f.update(y.iloc[-6:], update_params=True)
    # a tenth of each network's 8 epochs, at least one: a refit's accuracy at a
    # tenth of its cost (benchmarks/bench_update.py), where all again did worse
    assert f.n_iter_ == 8 + 1
    assert [t.n_iter for t in f.trainers_] == [9, 9]
    assert f.n_windows_ == 72 - 12 - 3 + 1  # the windows of the last training
    changed = [
        not torch.equal(v, weights[k])
        for k, v in f.trainer_.network.state_dict().items()
    ]
    assert any(changed)
    assert len(f.predict()) == 3
    # a tenth, at least one epoch
    for max_epochs, each, added in [(5, 3, 1), (40, 20, 2)]:
        f.set_params(max_epochs=max_epochs)  # resets: fit again
        f.fit(y.iloc[:-6], fh=[1, 2, 3]).update(y.iloc[-6:])
        assert f.n_iter_ == each + added


def test_update_with_data_ending_before_the_history_forecasts_from_the_cutoff():
    # sktime moves the cutoff back to the end of such data; the forecast starts
    # there, from the updated values, and ignores the history beyond it
    y = _seasonal_trend(100)
    changed = y.iloc[85:95] * 1.5
    forecasts = []
    for later in (y.iloc[95:], y.iloc[95:] * 10.0, None):
        f = GRUForecaster(**FAST, window_length=12).fit(y.iloc[:95], fh=[1, 2])
        if later is not None:
            f.update(later, update_params=False)
        f.update(changed, update_params=False)
        forecast = f.predict()
        assert forecast.index.equals(y.index[95:97])
        forecasts.append(forecast)
    pd.testing.assert_series_equal(forecasts[0], forecasts[2])
    pd.testing.assert_series_equal(forecasts[1], forecasts[2])


def test_updating_one_series_of_a_panel_keeps_the_others_ends():
    # sktime sets the cutoff to the end of the update's data (95); series A,
    # which ends at 100, is still forecast from its own end
    def frame(key, n):
        index = pd.MultiIndex.from_product([[key], pd.RangeIndex(n)], names=["id", "t"])
        t = np.arange(n)
        return pd.DataFrame({"y": np.sin(t / 3) + 0.05 * t}, index=index)

    y = pd.concat([frame("A", 101), frame("B", 91)])
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])
    before = f.predict().loc["A"]
    f.update(frame("B", 96).iloc[91:], update_params=False)
    after = f.predict()
    assert list(after.loc["A"].index) == [101, 102]
    assert list(after.loc["B"].index) == [96, 97]
    pd.testing.assert_frame_equal(after.loc["A"], before)


def test_update_with_exogenous_x():
    rng = np.random.default_rng(4)
    y = _monthly(rng.normal(size=60).cumsum())
    X = pd.DataFrame({"a": rng.normal(size=63)}, index=_monthly(np.zeros(63)).index)
    f = GRUForecaster(**FAST, window_length=6).fit(
        y.iloc[:50], X=X.iloc[:50], fh=[1, 2, 3]
    )
    f.update(y.iloc[50:], X=X.iloc[50:60], update_params=False)
    pred = f.predict(X=X.iloc[60:])
    assert pred.index[0] == y.index[-1] + 1


# --- workflows -----------------------------------------------
def test_evaluate_with_expanding_window():
    y = _seasonal_trend(72)
    cv = ExpandingWindowSplitter(initial_window=48, step_length=12, fh=[1, 2, 3])
    result = evaluate(
        GRUForecaster(**FAST, window_length=12), cv, y, scoring=MeanAbsoluteError()
    )
    assert len(result) == 2
    assert np.isfinite(result.iloc[:, 0]).all()


def test_transformed_target_pipeline_with_log_and_deseasonalizer():
    y = _seasonal_trend(72, level=200)
    pipe = TransformedTargetForecaster(
        [
            ("log", LogTransformer()),
            ("deseasonalize", Deseasonalizer(sp=12)),
            ("gru", GRUForecaster(**FAST, window_length=12)),
        ]
    )
    pipe.fit(y, fh=[1, 2, 3])
    assert np.all(pipe.predict() > 0)
    assert pipe.predict_interval(coverage=0.9).shape == (3, 2)


def test_grid_search_over_parameters():
    y = _seasonal_trend(60)
    search = ForecastingGridSearchCV(
        GRUForecaster(**FAST),
        cv=SlidingWindowSplitter(window_length=40, step_length=10, fh=[1, 2]),
        param_grid={"window_length": [4, 8], "normalization": ["mean", "last"]},
        backend=None,  # sequential: worker processes would each import torch
    )
    search.fit(y, fh=[1, 2])
    assert set(search.best_params_) == {"window_length", "normalization"}
    assert len(search.predict()) == 2


def test_multiplex_forecaster():
    y = _seasonal_trend(60)
    multiplex = MultiplexForecaster(
        [
            ("gru", GRUForecaster(**FAST, window_length=6)),
            ("naive", NaiveForecaster()),
        ],
        selected_forecaster="gru",
    )
    multiplex.fit(y, fh=[1, 2])
    assert len(multiplex.predict()) == 2


def test_clone_and_pickle_round_trip():
    y = _seasonal_trend(60)
    f = GRUForecaster(**FAST, window_length=6, learning_rate=0.01)
    assert clone(f).get_params() == f.get_params()
    f.fit(y, fh=[1, 2, 3])
    restored = pickle.loads(pickle.dumps(f))
    pd.testing.assert_series_equal(f.predict(), restored.predict())
    pd.testing.assert_frame_equal(f.predict_interval(), restored.predict_interval())
    assert not clone(f).is_fitted


def test_float64_default_dtype_forecasts_the_same(request):
    """torch.set_default_dtype(torch.float64) changes no forecast or interval."""
    y = _seasonal_trend(60)
    f = GRUForecaster(**FAST, window_length=6, ensemble_size=2)
    expected = clone(f).fit(y, fh=[1, 2, 3])
    request.getfixturevalue("float64_default")
    fitted = clone(f).fit(y, fh=[1, 2, 3])
    pd.testing.assert_series_equal(fitted.predict(), expected.predict())
    pd.testing.assert_frame_equal(
        fitted.predict_interval(), expected.predict_interval()
    )


# --- bad input -----------------------------------------------
def test_series_too_short_for_the_window():
    y = _seasonal_trend(6)
    with pytest.raises(ValueError, match=r"window_length=6.*at least 7 time points"):
        GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2, 3])
    y = _seasonal_trend(8)
    with pytest.raises(ValueError, match=r"window_length=4.*at least 10 time points"):
        GRUForecaster(**FAST, window_length=4, horizon=6).fit(y)
    with pytest.raises(ValueError, match=r"differencing=1: .*at least 7 time points"):
        GRUForecaster(**FAST, window_length=5, differencing=1).fit(y.iloc[:6])


def test_nan_in_y_or_x():
    y = _seasonal_trend(40)
    y.iloc[5] = np.nan
    with pytest.raises(ValueError, match="missing data"):
        GRUForecaster(**FAST).fit(y, fh=[1])
    y = _seasonal_trend(40)
    X = pd.DataFrame({"a": np.arange(40.0)}, index=y.index)
    X.iloc[3, 0] = np.nan
    with pytest.raises(ValueError, match="missing data"):
        GRUForecaster(**FAST).fit(y, X=X, fh=[1])


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_values_in_y_or_x_are_refused_up_front(value):
    # an infinite y trained to a NaN loss and an error that blamed learning_rate
    y = _seasonal_trend(40)
    y.iloc[-1] = value
    with pytest.raises(ValueError, match="y must be finite; y has infinite values"):
        GRUForecaster(**FAST).fit(y, fh=[1])
    y = _seasonal_trend(40)
    X = pd.DataFrame({"a": np.arange(43.0)}, index=_monthly(np.zeros(43)).index)
    bad = X.copy()
    bad.iloc[3, 0] = value
    with pytest.raises(ValueError, match="X must be finite"):
        GRUForecaster(**FAST).fit(y, X=bad.iloc[:40], fh=[1])
    f = GRUForecaster(**FAST, window_length=4).fit(y, X=X.iloc[:40], fh=[1, 2])
    bad = X.copy()
    bad.iloc[41, 0] = value
    with pytest.raises(ValueError, match="X must be finite"):
        f.predict(X=bad.iloc[40:])
    grown = _seasonal_trend(41)
    grown.iloc[-1] = value
    with pytest.raises(ValueError, match="y must be finite"):
        f.update(grown.iloc[40:], X=X.iloc[40:41])


def test_x_at_fit_but_not_at_predict_and_the_reverse():
    y = _seasonal_trend(40)
    X = pd.DataFrame({"a": np.arange(43.0)}, index=_monthly(np.zeros(43)).index)
    f = GRUForecaster(**FAST, window_length=4).fit(y, X=X.iloc[:40], fh=[1, 2, 3])
    with pytest.raises(ValueError, match="X was passed to fit, so predict needs X"):
        f.predict()
    with pytest.raises(ValueError, match="every time point of fh"):
        f.predict(X=X.iloc[:40])  # no future rows at all
    # X at the fh points only (as sktime may pass it): the steps between are filled.
    at_fh_points = f.predict(fh=[1, 3], X=X.iloc[[40, 42]])
    assert np.isfinite(at_fh_points.to_numpy()).all() and len(at_fh_points) == 2
    g = GRUForecaster(**FAST, window_length=4).fit(y, fh=[1, 2, 3])
    with pytest.raises(ValueError, match="X was passed to predict but not to fit"):
        g.predict(X=X.iloc[40:])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_size": 0}, "hidden_size"),
        ({"window_length": 0}, "window_length"),
        ({"sp": 0}, "sp"),
        ({"normalization": "minmax"}, "normalization"),
        ({"differencing": 3}, "differencing"),
        ({"learning_rate": -1.0}, "learning_rate"),
        ({"loss": "pinball"}, "loss"),
    ],
)
def test_invalid_parameters(params, match):
    y = _seasonal_trend(40)
    with pytest.raises(InvalidParameterError, match=match):
        GRUForecaster(**{**FAST, **params}).fit(y, fh=[1])


@pytest.mark.parametrize("fractions", [0.5, (), (1.0, 0.0), (1.5,), ("half",), (True,)])
def test_window_fractions_out_of_range_raise(fractions):
    with pytest.raises(ValueError, match="window_fractions"):
        GRUForecaster(**FAST, window_fractions=fractions).fit(
            _seasonal_trend(40), fh=[1]
        )


@pytest.mark.parametrize(
    "fractions, windows",
    [((1.0,), (12,)), ((1.0, 0.5), (12, 6)), ([1, 0.75, 0.1], (12, 9, 2))],
)
def test_one_network_per_window_fraction_sharing_max_epochs(fractions, windows):
    y = _seasonal_trend(72)
    f = GRUForecaster(**FAST, window_length=12, window_fractions=fractions)
    f.fit(y, fh=[1, 2, 3])
    assert f.window_lengths_ == windows and len(f.trainers_) == len(windows)
    # max_epochs=15 split evenly, rounded up
    assert [t.n_iter for t in f.trainers_] == [-(-15 // len(windows))] * len(windows)
    assert f.n_windows_ == 72 - 12 - 3 + 1  # the longest window's
    assert f.predict().shape == (3,) and f.predict_interval().shape == (3, 2)


@pytest.mark.parametrize(
    "window, fractions, windows",
    [(6, (0.5, 1.0), (6, 3)), (2, (1.0, 0.5), (2,)), (1, (1.0, 0.5), (1,))],
)
def test_window_networks_are_longest_first_and_each_length_once(
    window, fractions, windows
):
    # a reviewer's case: (0.5, 1.0) fitted, then predict failed to broadcast
    y = _seasonal_trend(40)
    f = GRUForecaster(**FAST, window_length=window, window_fractions=fractions)
    f.fit(y, fh=[1, 2])
    assert f.window_lengths_ == windows and len(f.trainers_) == len(windows)
    assert [t.n_iter for t in f.trainers_] == [-(-15 // len(windows))] * len(windows)
    assert f.predict().shape == (2,) and f.predict_interval().shape == (2, 2)


def test_intervals_of_a_panel_with_a_series_too_short_to_hold_out_when_differenced():
    # a reviewer's case: the calibration scaled the short series on one point,
    # which differencing left empty (IndexError at the first interval request)
    short, long = _seasonal_trend(12), _seasonal_trend(40, seed=1)
    y = pd.concat([short.to_frame("sales"), long.to_frame("sales")], keys=["a", "b"])
    f = GRUForecaster(**FAST, window_length=8, differencing=1).fit(y, fh=[1, 2])
    interval = f.predict_interval(coverage=0.9)
    assert interval.shape == (4, 2) and np.isfinite(interval.to_numpy()).all()
    assert f.calibration_ == "out-of-sample"


def test_a_forecaster_pickled_before_window_fractions_still_loads():
    y = _seasonal_trend(48)
    f = GRUForecaster(**FAST, window_length=6, window_fractions=(1.0,))
    f.fit(y, fh=[1, 2])
    expected = f.predict()
    # the state of the previous release: one trainer_, a plain ModelSpace
    state = dict(f.__getstate__())
    state["trainer_"] = state.pop("trainers_")[0]
    state["_space_"] = state["_space_"].spaces[0]
    del state["window_lengths_"], state["window_fractions"]
    old = GRUForecaster.__new__(GRUForecaster)
    old.__setstate__(state)
    restored = pickle.loads(pickle.dumps(old))
    pd.testing.assert_series_equal(restored.predict(), expected)
    assert restored.get_params()["window_fractions"] == (1.0,)
    assert restored.predict_interval().shape == (2, 2)
    # an unfitted one (also inside a pickled search) gets its parameter too
    state = dict(GRUForecaster(**FAST).__getstate__())
    del state["window_fractions"]
    unfitted = GRUForecaster.__new__(GRUForecaster)
    unfitted.__setstate__(state)
    assert clone(unfitted).get_params()["window_fractions"] == (1.0,)


@pytest.mark.parametrize(
    ("index", "sp", "expected"),
    [
        (pd.period_range("2000-01", periods=48, freq="M"), None, 12),
        (pd.date_range("2000-01-01", periods=48, freq="QS"), None, 4),
        (pd.period_range("1900", periods=48, freq="Y"), None, 1),
        (pd.RangeIndex(48), None, None),
        (pd.period_range("2000-01", periods=48, freq="M"), 1, 1),
    ],
)
def test_sp_is_read_off_the_index_and_sets_the_anchor(index, sp, expected):
    y = pd.Series(_seasonal_trend(48).to_numpy(), index=index)
    f = GRUForecaster(**FAST, window_length=6, sp=sp).fit(y, fh=[1, 2])
    assert f.sp_ == expected
    anchor = "last" if expected == 1 else "mean"
    assert {space.anchor for space in f._space_.spaces} == {anchor}
    assert f.get_params()["sp"] == sp


@pytest.mark.parametrize("sp", [True, np.True_, 0, -12, 12.0, "12"])
def test_sp_that_is_not_an_int_of_at_least_1_is_refused(sp):
    # True is an Integral to sklearn's constraints; sktime refuses it too
    with pytest.raises(ValueError, match=r"(?i)sp.*(int|must be)"):
        GRUForecaster(**FAST, window_length=6, sp=sp).fit(_seasonal_trend(48))


def test_sp_given_as_a_numpy_int_is_stored_as_an_int():
    f = GRUForecaster(**FAST, window_length=6, sp=np.int64(1)).fit(_seasonal_trend(48))
    assert f.sp_ == 1 and type(f.sp_) is int


def test_sp_of_a_panel_is_read_off_its_time_level_without_freq():
    # time points without freq (as set_index gives them): inferred per series
    years = pd.DatetimeIndex(pd.date_range("1950", periods=30, freq="YS").to_numpy())
    frames = []
    for key, values in [("a", np.arange(30.0)), ("b", np.arange(30.0) ** 0.5)]:
        frame = pd.DataFrame({"y": values}, index=years)
        frame.index = pd.MultiIndex.from_product([[key], frame.index])
        frames.append(frame)
    f = GRUForecaster(**FAST, window_length=4).fit(pd.concat(frames), fh=[1])
    assert f.sp_ == 1


def test_sp_1_with_differencing_keeps_windows_relative_to_their_mean():
    # the last value of a differenced window is one noisy change, not a level
    y = pd.Series(
        _seasonal_trend(48).to_numpy(),
        index=pd.period_range("1950", periods=48, freq="Y"),
    )
    f = GRUForecaster(**FAST, window_length=6, differencing=1).fit(y, fh=[1])
    assert f.sp_ == 1
    assert {space.anchor for space in f._space_.spaces} == {"mean"}


def test_a_nonseasonal_forecast_starts_from_the_last_value():
    # a random walk that ends far above its recent mean: windows relative to
    # their mean pull the forecast back toward it, the last value does not
    rng = np.random.default_rng(3)
    values = np.concatenate([np.cumsum(rng.normal(size=60)), np.linspace(0, 20, 8)])
    y = pd.Series(values + 50, index=pd.period_range("1950", periods=68, freq="Y"))
    params = {**FAST, "window_length": 12, "detrend": False}
    last = GRUForecaster(**params).fit(y, fh=[1]).predict().iloc[0]
    mean = GRUForecaster(**params, sp=12).fit(y, fh=[1]).predict().iloc[0]
    assert abs(last - y.iloc[-1]) < abs(mean - y.iloc[-1])


def test_a_forecaster_pickled_before_sp_still_loads_and_forecasts_the_same():
    y = _seasonal_trend(48)
    f = GRUForecaster(**FAST, window_length=6).fit(y, fh=[1, 2])
    expected = f.predict()
    state = dict(f.__getstate__())
    del state["sp"], state["sp_"]
    for space in state["_space_"].spaces:
        del space.__dict__["anchor"]
    old = GRUForecaster.__new__(GRUForecaster)
    old.__setstate__(state)
    restored = pickle.loads(pickle.dumps(old))
    pd.testing.assert_series_equal(restored.predict(), expected)
    assert restored.get_params()["sp"] is None and restored.sp_ is None


def test_the_forecast_is_the_mean_of_the_window_networks():
    y = _seasonal_trend(72)
    two = GRUForecaster(**FAST, window_length=12).fit(y, fh=[1, 2, 3])
    one_each = []
    for k, trainer in enumerate(two.trainers_):
        single = clone(two).set_params(
            window_length=two.window_lengths_[k], window_fractions=(1.0,)
        )
        single.fit(y, fh=[1, 2, 3])
        single.trainers_[0].network.load_state_dict(trainer.network.state_dict())
        one_each.append(single.predict())
    np.testing.assert_allclose(
        two.predict().to_numpy(), ((one_each[0] + one_each[1]) / 2).to_numpy()
    )


def test_unknown_parameter_and_device():
    with pytest.raises(TypeError, match="unexpected keyword argument 'units'"):
        GRUForecaster(units=3)
    with pytest.raises(ValueError, match="units"):
        GRUForecaster().set_params(units=3)
    with pytest.raises(ValueError, match="device"):
        GRUForecaster(**FAST, device="tpu").fit(_seasonal_trend(40), fh=[1])


def test_differencing_forecasts_a_trend():
    y = _monthly(5.0 * np.arange(60) + np.random.default_rng(5).normal(size=60))
    f = GRUForecaster(
        **FAST, window_length=6, differencing=1, normalization="standard"
    ).fit(y, fh=[1, 2, 3])
    pred = f.predict().to_numpy()
    np.testing.assert_allclose(pred, 5.0 * np.arange(60, 63), atol=6.0)


# --- correctness items (issue 10) -----------------------------------------------
def test_a_shrunk_horizon_is_a_warning_naming_horizon_and_the_length():
    y = _seasonal_trend(30)
    with pytest.warns(UserWarning, match=r"30 time points.*horizon=3"):
        f = GRUForecaster(**FAST, window_length=24).fit(y, fh=np.arange(1, 13))
    assert f.horizon_ == 3
    assert len(f.predict()) == 12


@pytest.mark.parametrize(
    "n, window_length, remedies",
    [
        (30, 24, "Pass longer series, lower window_length or set a horizon below 3"),
        # an automatic window is not named: on two short series a smaller
        # horizon helped on both, a smaller window on one (user guide, "Short
        # series")
        (40, None, "recursively. Pass longer series or set a horizon below 15 (more"),
        # a horizon of 1 cannot be lowered
        (3, None, "recursively. Pass longer series."),
        (31, 30, "recursively. Pass longer series or lower window_length."),
    ],
)
def test_the_shrunk_horizon_warning_suggests_only_possible_remedies(
    n, window_length, remedies
):
    with pytest.warns(UserWarning, match="too few to train") as record:
        GRUForecaster(**FAST, window_length=window_length).fit(
            _seasonal_trend(n), fh=np.arange(1, 37)
        )
    assert remedies in str(record[0].message)


def test_a_horizon_set_below_fh_is_rolled_out_without_a_warning():
    # the user's (or the tuner's) choice, not a series too short to train it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # (a fit this short stops before it converges: not the subject)
        warnings.simplefilter("ignore", ConvergenceWarning)
        f = GRUForecaster(**FAST, window_length=12, horizon=2)
        f.fit(_seasonal_trend(144), fh=[1, 2, 3])
    assert f.horizon_ == 2 and len(f.predict()) == 3


def test_a_fit_without_fh_on_a_short_series_does_not_warn():
    # the horizon then defaults to the window, capped silently: no fh to miss
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # (a fit this short stops before it converges: not the subject)
        warnings.simplefilter("ignore", ConvergenceWarning)
        f = GRUForecaster(**FAST, window_length=12).fit(_seasonal_trend(30))
    assert f.window_length_ == 12 and f.horizon_ == 9  # (30 - 12) // 2


def test_a_window_too_long_is_an_error_without_a_warning_before_it():
    # the shrunk-horizon warning described a fallback that never happened
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="at least 101 time points"):
            GRUForecaster(**FAST, window_length=100).fit(
                _seasonal_trend(30), fh=[1, 2, 3]
            )


def _fit_gapped():
    y = _seasonal_trend(60)
    GRUForecaster(**FAST, window_length=6).fit(y.drop(y.index[30:42]), fh=[1])


def _fit_shrunk():
    GRUForecaster(**FAST, window_length=24).fit(_seasonal_trend(30), fh=range(1, 13))


def _fit_short_intervals():
    y = _seasonal_trend(7)
    GRUForecaster(**FAST, window_length=3, horizon=3).fit(y, fh=[1]).predict_interval()


def _fit_stopped_short():
    GRUForecaster(max_epochs=1, hidden_size=2, random_state=0).fit(
        _seasonal_trend(40), fh=[1]
    )


@pytest.mark.parametrize(
    "fit", [_fit_gapped, _fit_shrunk, _fit_short_intervals, _fit_stopped_short]
)
def test_warnings_name_the_users_line_not_sktimes_or_ours(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit()
    ours = [
        w
        for w in caught
        if "GRUForecaster" in str(w.message) or "lacks" in str(w.message)
    ]
    assert ours and all(w.filename == __file__ for w in ours), [
        (w.filename, w.lineno) for w in ours
    ]


def test_predict_var_is_the_variance_of_the_calibration_errors():
    # sktime's default backed it out of the 50% interval as if errors were
    # normal: predict_proba's tails were about 27% narrower than the intervals
    y = _seasonal_trend(96)
    f = GRUForecaster(**FAST, window_length=12).fit(y, fh=[1, 2, 3])
    var = f.predict_var()
    model = f._calibration.get(f).model
    _, steps, _, local = f._forecast_frame(f.fh, None)
    errors = model.standardized_errors
    expected = (model.step_scale(steps[0]) * local[0]) ** 2 * np.mean(errors**2)
    np.testing.assert_allclose(var.to_numpy(), expected, rtol=1e-12)
    assert (np.diff(var.to_numpy()[:, 0]) >= 0).all()  # no narrower further ahead
    proba = f.predict_proba()
    np.testing.assert_allclose(proba.var().to_numpy(), var.to_numpy(), rtol=1e-9)
    # cov=True gives the same marginal variances, as sktime's default does
    np.testing.assert_allclose(f.predict_var(cov=True).to_numpy(), var.to_numpy())
    # in the units of y, squared
    g = GRUForecaster(**FAST, window_length=12).fit(1000 * y, fh=[1, 2, 3])
    np.testing.assert_allclose(
        g.predict_var().to_numpy(), 1e6 * var.to_numpy(), rtol=1e-3
    )


def test_one_step_intervals_have_width_that_grows_with_coverage():
    y = _seasonal_trend(80)
    f = GRUForecaster(**FAST, window_length=12).fit(y, fh=[1])
    interval = f.predict_interval(coverage=[0.5, 0.8, 0.95]).to_numpy()[0]
    widths = interval[1::2] - interval[0::2]
    assert np.all(widths > 0)
    assert np.all(np.diff(widths) > 0)


def test_predict_without_x_for_some_fh_points_names_them():
    rng = np.random.default_rng(1)
    y = _monthly(rng.normal(size=60).cumsum())
    X = pd.DataFrame({"a": rng.normal(size=80)}, index=_monthly(np.zeros(80)).index)
    f = GRUForecaster(**FAST, window_length=6).fit(y, X=X.iloc[:60], fh=[1, 2])
    with pytest.raises(ValueError, match="2005-08"):
        f.predict(fh=np.arange(1, 14), X=X.iloc[60:67])
    # X at the fh points only: the steps between are filled
    assert len(f.predict(fh=[1, 3], X=X.iloc[[60, 62]])) == 2


def test_numpy_typed_parameters_are_accepted():
    y = _seasonal_trend(40)
    f = GRUForecaster(
        **{**FAST, "windows_per_epoch": np.int64(16)},
        window_length=np.int64(6),
        detrend=np.bool_(False),
        learning_rate=np.float32(0.01),
    ).fit(y, fh=[1, 2])
    assert f.window_length_ == 6 and len(f.predict()) == 2


@pytest.mark.parametrize(
    ("normalization", "sp"),
    [("local", None), ("instance", None), ("local+instance", None), ("mean", None)]
    + [("local", 1), ("instance", 1)],
)
def test_forecasts_are_invariant_to_rescaling_y(normalization, sp):
    y = _seasonal_trend(60)
    kwargs = {**FAST, "window_length": 12, "normalization": normalization, "sp": sp}
    a = GRUForecaster(**kwargs).fit(y, fh=[1, 2, 3]).predict()
    b = GRUForecaster(**kwargs).fit(1000 * y, fh=[1, 2, 3]).predict()
    np.testing.assert_allclose(b.to_numpy() / 1000, a.to_numpy(), rtol=1e-4)


@pytest.mark.parametrize(
    ("normalization", "differencing"), [("local", 0), ("standard", 0), ("local", 1)]
)
def test_flat_series_in_a_panel_keep_their_level_in_any_unit(
    normalization, differencing
):
    # a constant series was scaled by 1: forecasts and intervals were off by
    # the same absolute amount in units or in thousands (0.0025 forecast as
    # 0.0000 to 0.0059, interval +-0.16); an exact line from 0 got a scale made
    # of rounding noise that blew up every interval of the panel
    def series(name, values):
        frame = _monthly(values).to_frame("sales")
        frame.index = pd.MultiIndex.from_product(
            [[name], frame.index], names=["store", "month"]
        )
        return frame

    t = np.arange(60.0)
    y = pd.concat(
        [
            _panel(n_series=2),
            series("flat", np.full(60, 0.0025)),
            series("zero", np.zeros(60)),
            series("line", 0.0025 * t),
        ]
    )
    kwargs = {**FAST, "window_length": 12, "normalization": normalization}
    for unit in (1.0, 1000.0):
        f = GRUForecaster(**kwargs, differencing=differencing).fit(
            unit * y, fh=[1, 2, 3]
        )
        forecast = f.predict() / unit
        interval = f.predict_interval(coverage=0.9) / unit
        np.testing.assert_allclose(forecast.loc["flat"], 0.0025, rtol=1e-2)
        np.testing.assert_allclose(interval.loc["flat"], 0.0025, rtol=1e-2)
        np.testing.assert_allclose(forecast.loc["zero"], 0.0, atol=1e-2)
        line = 0.0025 * np.arange(60, 63)[:, None]
        np.testing.assert_allclose(forecast.loc["line"], line, rtol=1e-2)
        # the other stores' intervals stay within a few of their own swings
        width = (interval.iloc[:, 1] - interval.iloc[:, 0]).loc["store_0"]
        assert (width < 20 * (unit * y).loc["store_0"].std().iloc[0] / unit).all()


def test_local_plus_instance_splits_the_ensemble_with_x_and_intervals():
    # members 0 and 2 read "local" windows, member 1 "instance" windows (the
    # engine tests check that the forecast is the mean of the two groups')
    y = _seasonal_trend(72)
    index = pd.period_range("2000-01", periods=75, freq="M")
    X = pd.DataFrame({"promo": np.sin(np.arange(75.0))}, index=index)
    mixed = GRUForecaster(
        **FAST, window_length=12, ensemble_size=3, normalization="local+instance"
    ).fit(y, X=X.iloc[:72], fh=[1, 2, 3])
    network = mixed.trainer_.network
    assert network.member_groups == [0, 1, 0]
    assert (network.input_groups, network.group_features) == (2, 1)
    forecast = mixed.predict(X=X.iloc[72:])
    assert np.isfinite(forecast.to_numpy()).all()
    assert np.abs(forecast.to_numpy() - y.iloc[-12:].mean()).max() < 30
    interval = mixed.predict_interval(X=X.iloc[72:], coverage=[0.5, 0.9])
    lower, upper = interval.iloc[:, ::2].to_numpy(), interval.iloc[:, 1::2].to_numpy()
    width = upper - lower
    assert (width > 0).all() and (width[:, 1] > width[:, 0]).all()


def test_local_plus_instance_with_one_member_is_local():
    y = _seasonal_trend(48)
    kwargs = {**FAST, "window_length": 12, "ensemble_size": 1}
    one = GRUForecaster(**kwargs, normalization="local+instance").fit(y, fh=[1, 2])
    local = GRUForecaster(**kwargs, normalization="local").fit(y, fh=[1, 2])
    assert one._space_.groups == ("local",)
    pd.testing.assert_frame_equal(one.predict().to_frame(), local.predict().to_frame())


def test_early_stopping_validates_on_the_last_windows_and_calibrates_on_them():
    y = _seasonal_trend(80)
    f = GRUForecaster(
        **FAST, window_length=12, early_stopping=True, validation_fraction=0.2
    ).fit(y, fh=[1, 2, 3])
    assert len(f.validation_scores_) == f.n_iter_
    assert f.predict_interval().shape == (3, 2)
    assert f.calibration_ == "validation"  # the same network, no second fit
