"""The numpy shaping engine on its own: layouts, statistics, bad input messages."""

import numpy as np
import pytest

from skgru._sequences import (
    as_sequences,
    channel_statistics,
    first_differences,
    per_sequence_standardization,
    sliding_windows,
    weighted_standardization,
)


def test_as_sequences_layouts():
    two_d = as_sequences(np.arange(6.0).reshape(2, 3))
    assert two_d.shape == (2, 3, 1)
    np.testing.assert_array_equal(two_d[1, :, 0], [3, 4, 5])
    three_d = as_sequences(np.zeros((2, 3, 4)), n_channels=4)
    assert three_d.shape == (2, 3, 4) and three_d.flags.c_contiguous


def test_as_sequences_keeps_the_precision_for_the_standardization():
    """float64 stays float64 (X + 1e7 keeps its variation), float32 is not copied."""
    X = np.array([[0.0, 0.25, 0.5]]) + 1e7
    sequences = as_sequences(X)
    assert sequences.dtype == np.float64
    np.testing.assert_array_equal(sequences[0, :, 0] - 1e7, [0.0, 0.25, 0.5])
    single = np.zeros((2, 3, 4), dtype=np.float32)
    assert np.shares_memory(as_sequences(single), single)
    assert as_sequences(single).dtype == np.float32
    assert as_sequences(np.arange(6).reshape(2, 3)).dtype == np.float64


def test_as_sequences_rejects_other_layouts():
    with pytest.raises(ValueError, match=r"2D \(n_samples, n_timesteps\).*4 dim"):
        as_sequences(np.zeros((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="has 2 features per time step.*fitted with 4"):
        as_sequences(np.zeros((2, 3, 2)), n_channels=4)


def test_sliding_windows_values_and_too_short_series():
    past, future = sliding_windows(np.arange(6.0)[:, None], 3, 2)
    assert past.shape == (2, 3, 1) and future.shape == (2, 2, 1)
    np.testing.assert_array_equal(past[1, :, 0], [1, 2, 3])
    np.testing.assert_array_equal(future[1, :, 0], [4, 5])
    with pytest.raises(ValueError, match="at least 5 time points"):
        sliding_windows(np.arange(4.0)[:, None], 3, 2)


def test_weighted_standardization_and_constant_columns():
    y = np.array([[1.0, 5.0], [3.0, 5.0]])
    mean, scale = weighted_standardization(y, np.array([1.0, 3.0]))
    np.testing.assert_allclose(mean, [2.5, 5.0])
    np.testing.assert_allclose(scale, [np.sqrt(0.75), 1.0])


@pytest.mark.parametrize("unit", [1e-30, 1e-13, 1.0, 1e13])
def test_standardization_keeps_the_scale_of_any_unit(unit):
    # the spread of a column in tiny units is data, not rounding noise: a fixed
    # threshold of 1e-12 took y * 1e-13 for a constant (scale 1, the fit lost)
    y = np.column_stack([np.arange(4.0), np.full(4, 2.0)]) * unit
    _, scale = weighted_standardization(y)
    np.testing.assert_allclose(scale, [np.sqrt(1.25) * unit, 1.0])


def test_standardization_takes_rounding_noise_at_a_large_level_as_constant():
    y = np.array([[1e10], [1e10 + 2e-6], [1e10 - 2e-6]])  # last bits of 1e10
    _, scale = weighted_standardization(y)
    np.testing.assert_array_equal(scale, [1.0])


def test_channel_statistics_over_samples_and_time():
    X = np.stack([np.full((3, 2), 1.0), np.full((3, 2), 3.0)])
    X[:, :, 1] = 7.0
    mean, scale = channel_statistics(X)
    np.testing.assert_allclose(mean, [2.0, 7.0])
    np.testing.assert_allclose(scale, [1.0, 1.0])
    mean, _ = channel_statistics(X, sample_weight=np.array([3.0, 1.0]))
    np.testing.assert_allclose(mean, [1.5, 7.0])


def test_per_sequence_standardization_keeps_what_it_removes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 9, 2)) * [1.0, 50.0] + [0.0, 1e3]
    X[2, :, 0] = 5.0  # a constant channel
    shape, level, log_scale = per_sequence_standardization(X)
    assert shape.shape == X.shape and shape.dtype == np.float32
    assert level.shape == log_scale.shape == (4, 2)
    np.testing.assert_allclose(shape.mean(axis=1), 0.0, atol=1e-6)
    np.testing.assert_allclose(np.delete(shape.std(axis=1).ravel(), 4), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(shape[2, :, 0], 0.0)
    assert level[2, 0] == 5.0 and log_scale[2, 0] == 0.0
    rebuilt = shape * np.exp(log_scale)[:, None, :] + level[:, None, :]
    np.testing.assert_allclose(rebuilt, X, rtol=1e-5)


def test_first_differences_are_zero_at_the_first_step():
    X = np.array([[1.0, 4.0, 9.0], [2.0, 2.0, -1.0]])[:, :, None]
    np.testing.assert_array_equal(
        first_differences(X)[:, :, 0], [[0.0, 3.0, 5.0], [0.0, 0.0, -3.0]]
    )


@pytest.mark.parametrize(
    "function", [channel_statistics, per_sequence_standardization, first_differences]
)
@pytest.mark.parametrize("bad", [np.zeros((3, 4)), np.zeros((0, 4, 1))])
def test_statistics_reject_non_3d_or_empty_input(function, bad):
    with pytest.raises(ValueError, match=r"non-empty 3D array.*got shape"):
        function(bad)
