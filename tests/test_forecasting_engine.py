"""The numpy forecasting engines on their own: no sktime, no torch, no estimator."""

import warnings

import numpy as np
import pytest

from skgru._forecasting import (
    NORMALIZATIONS,
    ModelSpace,
    SeriesScaling,
    difference,
    integrate,
    resolve_windows_per_epoch,
    window_and_horizon,
)
from skgru._intervals import (
    IntervalModel,
    holdout_length,
    rolling_errors,
    spliced_quantiles,
    spliced_variances,
)


def _trend(n=40, slope=2.0, level=10.0):
    t = np.arange(n, dtype=float)
    return (level + slope * t + np.sin(t))[:, None]


@pytest.mark.parametrize("normalization", NORMALIZATIONS)
def test_normalize_then_denormalize_is_the_identity(normalization):
    y = _trend()
    space = ModelSpace.fit([y], window_length=5, horizon=3, normalization=normalization)
    z = y[None, 10:15]
    times = np.arange(10, 15)[None]
    normalized, offset, divisor = space.normalize(z, times, np.array([0]))
    back = space.denormalize(normalized, times, offset, divisor, np.array([0]))
    np.testing.assert_allclose(back, z)


@pytest.mark.parametrize(
    "normalization", ["local", "instance", "local+instance", "mean"]
)
def test_the_anchor_is_the_windows_mean_or_its_last_value(normalization):
    # detrended windows relative to their mean (seasonal series) or to their last
    # value (nonseasonal ones); either way the identity holds
    y = np.cumsum(np.random.default_rng(1).normal(size=(40, 1)), axis=0)
    ids, times = np.array([0, 0]), np.array([np.arange(4, 10), np.arange(30, 36)])
    z = y[times]
    for anchor in ["mean", "last"]:
        space = ModelSpace.fit(
            [y], window_length=6, horizon=2, normalization=normalization, anchor=anchor
        )
        normalized, offset, divisor = space.normalize(z, times, ids)
        detrended = z - space._drift[0] * times[:, :, None]
        expected = detrended[:, -1:] if anchor == "last" else detrended.mean(axis=1)
        np.testing.assert_allclose(offset[:, 0], expected.reshape(2, 1))
        if anchor == "last":
            np.testing.assert_allclose(normalized[:, -1], 0.0, atol=1e-12)
        back = space.denormalize(normalized, times, offset, divisor, ids)
        np.testing.assert_allclose(back, z)


@pytest.mark.parametrize("normalization", ["standard", "last"])
def test_standard_and_last_normalizations_keep_their_own_anchor(normalization):
    y = np.cumsum(np.random.default_rng(1).normal(size=(40, 1)), axis=0)
    ids, times = np.array([0]), np.array([np.arange(4, 10)])
    offsets = [
        ModelSpace.fit(
            [y], window_length=6, horizon=2, normalization=normalization, anchor=a
        ).normalize(y[times], times, ids)[1]
        for a in ["mean", "last"]
    ]
    np.testing.assert_array_equal(offsets[0], offsets[1])
    space = ModelSpace.fit([y], window_length=6, horizon=2, normalization="standard")
    if normalization == "standard":
        np.testing.assert_allclose(offsets[0][:, 0], space._center[ids])


def test_local_normalization_divides_by_the_pooled_volatility():
    # swings that grow tenfold: "local" follows them halfway, "mean" not at all
    t = np.arange(48.0)
    y = ((1 + 9 * t / 47) * np.where(t % 2, 1.0, -1.0))[:, None]
    ids = np.array([0, 0])
    times = np.array([np.arange(0, 6), np.arange(42, 48)])
    z = y[times]
    space = ModelSpace.fit([y], window_length=6, horizon=2, normalization="local")
    _, _, divisor = space.normalize(z, times, ids)
    steps = np.diff(z - space._drift[0] * times[:, :, None], axis=1)
    rms = np.sqrt(np.mean(steps**2, axis=1))
    overall = space.step_scale(ids)
    np.testing.assert_allclose(divisor[:, 0], np.sqrt(rms * overall))
    assert divisor[1, 0] / divisor[0, 0] > 2.5
    mean = ModelSpace.fit([y], window_length=6, horizon=2, normalization="mean")
    _, _, flat = mean.normalize(z, times, ids)
    np.testing.assert_allclose(flat[:, 0], overall)


def test_instance_normalization_divides_by_the_window_volatility():
    # swings that grow tenfold: "instance" follows them fully, so every window
    # has unit RMS step; a flat window is floored at a tenth of the overall value
    t = np.arange(48.0)
    y = ((1 + 9 * t / 47) * np.where(t % 2, 1.0, -1.0))[:, None]
    y[20:26] = y[19]
    ids = np.array([0, 0, 0])
    times = np.array([np.arange(0, 6), np.arange(42, 48), np.arange(20, 26)])
    z = y[times]
    space = ModelSpace.fit([y], window_length=6, horizon=2, normalization="instance")
    normalized, _, divisor = space.normalize(z, times, ids)
    detrended = z - space._drift[0] * times[:, :, None]
    rms = np.sqrt(np.mean(np.diff(detrended, axis=1) ** 2, axis=1))
    overall = space.step_scale(ids)
    np.testing.assert_allclose(divisor[:, 0], np.maximum(rms, 0.1 * overall))
    assert divisor[2, 0] == pytest.approx(0.1 * overall[2, 0])
    assert divisor[1, 0] / divisor[0, 0] > 5  # the swings grew about tenfold
    unit = np.sqrt(np.mean(np.diff(normalized[:2], axis=1) ** 2, axis=1))
    np.testing.assert_allclose(unit, 1.0)


@pytest.mark.parametrize("normalization", NORMALIZATIONS)
@pytest.mark.parametrize("amplitude", [1e-4, 1.0, 50.0])
def test_error_units_turn_normalized_errors_into_local_volatility_units(
    normalization, amplitude
):
    # (the in-sample intervals' conversion, checked against its definition)
    # a calm start (its windows hit the volatility floor), then growing swings
    t = np.arange(60.0)
    envelope = np.where(t < 20, 0.01, 1 + t / 20)
    y = (5 + 0.3 * t + amplitude * envelope * np.sin(t))[:, None]
    space = ModelSpace.fit([y], window_length=6, horizon=2, normalization=normalization)
    past, _, _, ids, _ = space.windows([y])
    contexts = np.stack([y[i : i + 6] for i in range(len(past))])
    times = np.arange(len(past))[:, None] + np.arange(6)[None]
    _, _, divisor = space.normalize(contexts, times, ids)
    # an error of one normalized unit in every group: the mean of the groups'
    # divisors over the window's volatility
    n_groups = len(space.groups)
    expected = divisor[:, 0].reshape(-1, n_groups).mean(axis=1, keepdims=True)
    expected = expected / space.local_scale(contexts, ids)
    errors = np.ones((len(past), n_groups * 2))
    units = space.window_errors(past, errors, ids)
    assert units.shape == (len(past), 2, 1)
    np.testing.assert_allclose(units[:, 0], expected, rtol=1e-9)
    np.testing.assert_allclose(units[:, 1], expected, rtol=1e-9)
    floored = space.local_scale(contexts, ids) == 0.1 * space.step_scale(ids)
    assert floored.any() and not floored.all()


def test_local_plus_instance_stacks_both_normalizations_and_averages_back():
    y = _trend(40) * (1 + np.arange(40.0) / 10)[:, None]
    geometry = {"window_length": 6, "horizon": 3}
    mixed = ModelSpace.fit([y], normalization="local+instance", **geometry)
    single = [ModelSpace.fit([y], normalization=n, **geometry) for n in mixed.groups]
    assert mixed.groups == ("local", "instance")
    past, _, target, ids, _ = mixed.windows([y])
    parts = [space.windows([y]) for space in single]
    # inputs: a block of normalized y per group; targets: a block per group
    np.testing.assert_allclose(past, np.concatenate([p[0] for p in parts], axis=2))
    np.testing.assert_allclose(target, np.concatenate([p[2] for p in parts], axis=1))

    # a network that outputs each block's own target forecasts the truth, and
    # one that is off by e in one group only is off by half of it
    def exact(shift):
        def predict(window, extra):
            i = np.flatnonzero(np.all(np.isclose(past, window[:1]), axis=(1, 2)))[0]
            out = target[i : i + 1].copy()
            out[:, :3] += shift
            return np.repeat(out, len(window), axis=0)

        return predict

    ctx = y[None, 20:26]
    origins, ids0 = np.array([26]), np.array([0])
    forecast = mixed.roll_out(exact(0.0), ctx, None, None, origins, ids0, 3)
    np.testing.assert_allclose(forecast[0], y[26:29])
    off = mixed.roll_out(exact(1.0), ctx, None, None, origins, ids0, 3)
    _, _, divisor = mixed.normalize(ctx, np.arange(20, 26)[None], ids0)
    np.testing.assert_allclose(off[0] - y[26:29], 0.5 * divisor[0, 0, 0])


def test_scaling_is_a_value_object_per_series():
    scaling = SeriesScaling.fit(_trend(), detrend=True)
    np.testing.assert_allclose(scaling.drift, [np.mean(np.diff(_trend()[:, 0]))])
    with pytest.raises(AttributeError):
        scaling.drift = 0.0  # frozen
    flat = SeriesScaling.fit(_trend(), detrend=False)
    np.testing.assert_array_equal(flat.drift, [0.0])


def test_windows_are_in_time_order_and_targets_invert_to_the_data():
    y = _trend(30)
    space = ModelSpace.fit([y, 3 * y[:20]], window_length=4, horizon=2)
    past, extra, target, ids, ends = space.windows([y, 3 * y[:20]])
    assert extra is None
    assert past.shape == (25 + 15, 4, 1) and target.shape == (40, 2)
    np.testing.assert_array_equal(ids, [0] * 25 + [1] * 15)
    np.testing.assert_array_equal(ends[:25], np.arange(6, 31))
    # the last window of series 0 predicts its last two points
    times = np.arange(24, 28)[None]
    _, offset, divisor = space.normalize(y[None, 24:28], times, np.array([0]))
    back = space.denormalize(
        target[24].reshape(1, 2, 1),
        np.arange(28, 30)[None],
        offset,
        divisor,
        np.array([0]),
    )
    np.testing.assert_allclose(back[0], y[28:30])


def test_difference_and_integrate_round_trip():
    y = np.cumsum(np.cumsum(np.arange(12.0)))[:, None]
    z = difference(y, 2)
    rebuilt = integrate(y[None, :4], z[None, 2:], 2)
    np.testing.assert_allclose(rebuilt[0], y[4:])


def test_roll_out_feeds_forecasts_back_beyond_the_horizon():
    y = _trend(30, slope=1.0)[:, :1] * 0 + np.arange(30.0)[:, None]  # a line
    space = ModelSpace.fit([y], window_length=4, horizon=2, normalization="last")

    def perfect(past, extra):  # a line continues: normalized future = drift steps
        return np.zeros((len(past), 2))

    ctx, _ = space.contexts([y], None, [30], np.array([0]))
    forecast = space.roll_out(
        perfect, ctx, None, None, np.array([30]), np.array([0]), 5
    )
    np.testing.assert_allclose(forecast[0, :, 0], np.arange(30.0, 35.0))


def test_exogenous_windows_carry_future_x():
    y, X = _trend(20), np.arange(40.0).reshape(20, 2)
    space = ModelSpace.fit([y], [X], window_length=3, horizon=2)
    past, extra, _, _, _ = space.windows([y], [X])
    assert past.shape == (16, 3, 3) and extra.shape == (16, 4)
    np.testing.assert_allclose(extra[0], space.standard_x(0, X[3:5]).ravel())


def test_holdout_length_shrinks_until_enough_windows_remain():
    kw = {"window_length": 4, "horizon": 2, "differencing": 0}
    assert holdout_length([40], 6, n_windows=35, **kw) == 6
    assert holdout_length([12], 6, n_windows=7, **kw) == 5
    assert holdout_length([7], 6, n_windows=2, **kw) == 0


def test_rolling_errors_of_a_perfect_network_are_zero():
    y = np.arange(40.0)[:, None]
    space = ModelSpace.fit([y], window_length=4, horizon=2, normalization="last")
    residuals = rolling_errors(
        space, lambda past, extra: np.zeros((len(past), 2)), [y], None, 5
    )
    assert sorted(residuals) == [1, 2, 3, 4, 5]
    assert np.allclose(np.concatenate([np.ravel(r) for r in residuals.values()]), 0)


def test_interval_model_scale_grows_with_the_step_and_quantiles_are_symmetric():
    rng = np.random.default_rng(0)
    residuals = {h: list(rng.normal(size=(200, 1)) * np.sqrt(h)) for h in (1, 2, 4)}
    model = IntervalModel.fit(residuals)
    assert 0.3 < model.exponent[0] < 0.7
    scale = model.step_scale(np.array([1, 4]))[:, 0]
    assert scale[1] > scale[0]
    offsets = model.quantile_offsets([0.1, 0.9])[:, 0]
    np.testing.assert_allclose(offsets[0], -offsets[1])
    assert 1.0 < offsets[1] < 1.6


@pytest.mark.parametrize("exponent", [0.0, 0.2, 0.8])
def test_interval_scale_beyond_the_calibrated_steps_grows_at_least_as_sqrt(exponent):
    # flat errors over steps 1-4 (a clipped exponent) must not give flat widths
    # at step 16, which no calibration error measured
    model = IntervalModel(
        np.zeros(1), np.full(1, exponent), np.ones((30, 1)), max_step=4
    )
    scale = model.step_scale(np.array([1, 4, 16]))[:, 0]
    np.testing.assert_allclose(scale[:2], [1.0, 4.0**exponent])
    np.testing.assert_allclose(scale[2], 4.0**exponent * 4.0 ** max(exponent, 0.5))


def test_spliced_quantiles_take_the_longer_model_beyond_n_base_never_narrower():
    base = IntervalModel(np.zeros(1), np.zeros(1), np.ones((30, 1)), max_step=4)
    wide = IntervalModel(np.log([2.0]), np.zeros(1), np.ones((30, 1)), max_step=8)
    narrow = IntervalModel(np.log([0.5]), np.zeros(1), np.ones((30, 1)), max_step=8)
    values = np.zeros((1, 8, 1))
    steps, local, alpha = [np.arange(1, 9)], np.ones((1, 1)), [0.1, 0.5, 0.9]
    own = base.quantile_forecasts(values, steps, local, alpha)
    for longer, factor in [(wide, 2.0), (narrow, 1.0)]:
        q = spliced_quantiles(base, longer, 4, values, steps, local, alpha)
        np.testing.assert_allclose(q[:4], own[:4])  # base up to n_base
        np.testing.assert_allclose(q[4:, 2, 0], factor * own[3, 2, 0])
        np.testing.assert_allclose(q[4:, 0, 0], -factor * own[3, 2, 0])
        np.testing.assert_allclose(q[:, 1, 0], 0.0)  # the median stays
        v = spliced_variances(base, longer, 4, steps, local)
        np.testing.assert_allclose(v[:4], base.variances(steps, local)[:4])
        np.testing.assert_allclose(v[4:, 0], factor**2 * v[3, 0])
    assert spliced_quantiles(base, None, 4, values, steps, local, alpha).shape == (
        8,
        3,
        1,
    )


@pytest.mark.parametrize("bias", [0.0, 3.0])
def test_intervals_cover_the_calibration_errors_also_when_they_are_biased(bias):
    # symmetric intervals about the forecast: the conformity score is |error|,
    # so an 80% interval covers at least 80% of biased calibration errors too
    rng = np.random.default_rng(0)
    residuals = {1: list(rng.normal(bias, 1.0, size=(400, 1)))}
    model = IntervalModel.fit(residuals)
    lower, upper = model.quantile_offsets([0.1, 0.9])[:, 0]
    errors = model.standardized_errors[:, 0]
    covered = np.mean((errors >= lower) & (errors <= upper))
    assert lower == -upper and 0.8 <= covered <= 0.81


def test_future_x_is_standardized_and_padded_to_whole_horizon_blocks():
    y, X = _trend(20), np.arange(40.0).reshape(20, 2)
    space = ModelSpace.fit([y], [X], window_length=3, horizon=4)
    future = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, 10.0]])
    padded = space.future_x(0, future)
    assert padded.shape == (8, 2)  # 5 steps -> two blocks of the horizon 4
    np.testing.assert_allclose(padded[:5], space.standard_x(0, future))
    # steps beyond fh carry the last known value forward
    np.testing.assert_allclose(padded[5:], np.repeat(padded[4:5], 3, axis=0))
    assert space.future_x(0, future[:4]).shape == (4, 2)  # whole block: no padding


def test_quantile_forecasts_follow_the_asked_steps_and_the_local_scale():
    rng = np.random.default_rng(0)
    residuals = {h: list(rng.normal(size=(100, 1))) for h in (1, 2, 3)}
    model = IntervalModel.fit(residuals)
    values = np.arange(2 * 3, dtype=float).reshape(2, 3, 1)  # 2 series, 3 steps
    steps = [np.array([1, 3]), np.array([2])]
    local = np.array([[1.0], [10.0]])
    q = model.quantile_forecasts(values, steps, local, [0.25, 0.5, 0.75])
    assert q.shape == (3, 3, 1)  # rows: series 0 steps 1, 3; series 1 step 2
    np.testing.assert_allclose(q[:, 1, 0], [0.0, 2.0, 4.0])  # the median is the point
    offsets = model.quantile_offsets([0.75])[0, 0]
    expected = offsets * model.step_scale(np.array([2]))[0, 0] * 10.0
    np.testing.assert_allclose(q[2, 2, 0] - q[2, 1, 0], expected)
    np.testing.assert_allclose(q[:, 2, 0] - q[:, 1, 0], q[:, 1, 0] - q[:, 0, 0])


@pytest.mark.parametrize(
    ("value", "n_windows", "expected"),
    [
        ("auto", 46, 256),
        ("auto", 2_048, 256),
        ("auto", 3_889, 486),
        ("auto", 65_000, 512),
        (64, 65_000, 64),
        (None, 65_000, None),
    ],
)
def test_auto_windows_per_epoch_draws_an_eighth_of_the_windows_within_256_512(
    value, n_windows, expected
):
    assert resolve_windows_per_epoch(value, n_windows) == expected


@pytest.mark.parametrize(
    ("length", "steps", "expected"),
    [
        (108, 36, (36, 36)),  # n // 4 = 27 raised to the horizon: 37 windows remain
        (100, 36, (28, 36)),  # partly raised: 25 -> 100 - 2 * 36 = 28
        (96, 36, (24, 36)),  # 96 - 2 * 36 = 24: stays at n // 4, horizon kept
        (60, 12, (15, 12)),  # n // 4 already covers the horizon
        (400, 60, (48, 60)),  # at most AUTO_WINDOW_MAX
    ],
)
def test_auto_window_reaches_the_horizon_where_the_series_allows(
    length, steps, expected
):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the longer window never caps the horizon
        assert window_and_horizon([length], requested=steps) == expected
    assert window_and_horizon([length], horizon=steps)[0] == expected[0]
