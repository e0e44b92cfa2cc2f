"""Input shaping shared by the front-ends: sequences, windows, input and target scaling.

Everything here works on numpy arrays and knows nothing of sklearn estimators or
sktime forecasters; the front-ends validate, then call these to shape the data.
"""

import numpy as np

__all__ = [
    "as_sequences",
    "channel_statistics",
    "check_layout",
    "per_sequence_standardization",
    "sliding_windows",
    "weighted_standardization",
]


def check_layout(X):
    """Reject an ``X`` that is neither 2D nor 3D, naming both layouts.

    Run before scikit-learn's ``validate_data``, whose message for a 1D ``X``
    ("Expected 2D array") does not mention the 3D layout and prints the data.
    An ``X`` that numpy cannot give a shape (ragged lists) is left to it.

    Raises
    ------
    ValueError
        If ``X`` has fewer than 2 or more than 3 dimensions, or is 3D without
        time steps or features.
    """
    shape = getattr(X, "shape", None)
    if shape is None:  # lists, and array-likes with __array__ only
        try:
            shape = np.asarray(X).shape
        except (ValueError, TypeError):
            return
    if len(shape) not in (2, 3):
        hint = (
            " Reshape your data: X.reshape(1, -1) if it is one sequence."
            if len(shape) == 1
            else ""
        )
        raise ValueError(
            "X must be 2D (n_samples, n_timesteps), one univariate sequence per row, "
            "or 3D (n_samples, n_timesteps, n_features); got an array with "
            f"{len(shape)} dimensions and shape {tuple(shape)}.{hint}"
        )
    if len(shape) == 3 and 0 in shape[1:]:
        raise ValueError(
            "X must have at least one time step (second axis) and one feature "
            f"(third axis); got shape {tuple(shape)}."
        )


def as_sequences(X, n_channels=None):
    """Shape numeric ``X`` into floating ``(n_samples, n_timesteps, n_channels)``.

    The precision is kept (float64 stays float64, float32 stays float32), so
    that a front-end standardizes the data before rounding it to the network's
    float32: a large common offset (``X + 1e7``) would otherwise
    round the variation away before the offset is subtracted. A C-contiguous
    float input is not copied.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps) or \
            (n_samples, n_timesteps, n_channels)
        A 2D array holds one univariate sequence per row; a 3D array is in PyTorch's
        ``batch_first`` layout.
    n_channels : int, default=None
        Number of channels seen at fit; when given, a 3D ``X`` must match it.

    Returns
    -------
    sequences : ndarray of shape (n_samples, n_timesteps, n_channels)
        float64 or float32: ``X``'s float precision (float32 at least; 32 and 64
        bit integers become float64).
    """
    X = np.asarray(X)
    check_layout(X)
    if X.ndim == 2:
        X = X[:, :, None]
    if n_channels is not None and X.shape[2] != n_channels:
        raise ValueError(
            f"X has {X.shape[2]} features per time step (its third axis), but the "
            f"estimator was fitted with {n_channels}."
        )
    return np.ascontiguousarray(X, dtype=np.result_type(X.dtype, np.float32))


def sliding_windows(values, window_length, horizon):
    """All ``(past, future)`` window pairs of a series, without copying per window.

    Parameters
    ----------
    values : ndarray of shape (n_timepoints, n_columns)
        The series, oldest first.
    window_length : int
        Number of past time points each window sees.
    horizon : int
        Number of future time points each window predicts.

    Returns
    -------
    past : ndarray of shape (n_windows, window_length, n_columns)
    future : ndarray of shape (n_windows, horizon, n_columns)
        ``n_windows = n_timepoints - window_length - horizon + 1``.
    """
    values = np.asarray(values)
    n_windows = len(values) - window_length - horizon + 1
    if n_windows < 1:
        raise ValueError(
            f"A series of {len(values)} time points is too short for "
            f"window_length={window_length} and a horizon of {horizon}: at least "
            f"{window_length + horizon} time points are needed."
        )
    # (n_windows_total, n_columns, length) -> (n_windows_total, length, n_columns)
    windows = np.lib.stride_tricks.sliding_window_view(
        values, window_length + horizon, axis=0
    ).transpose(0, 2, 1)
    return windows[:, :window_length], windows[:, window_length:]


def weighted_standardization(y, sample_weight=None, *, atol=0.0):
    """Weighted mean and scale of each column of ``y`` (scale 1 where constant).

    A column is constant when its variance is within the rounding error of
    computing it over its ``n`` values, ``var <= n * eps * var + (n * mean *
    eps) ** 2`` (the bound of scikit-learn's ``StandardScaler``, after Chan,
    Golub and LeVeque, 1983; it grows with ``n``), or when its standard
    deviation is at most ``atol``. The bound is relative to the values' size,
    so columns in tiny units (``y * 1e-13``) keep their scale; ``atol`` is for
    columns already in standardized units, where a spread of rounding noise
    around 0 is no spread (the per-sequence levels of sequences that arrive
    standardized).

    Parameters
    ----------
    y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,), default=None
    atol : float, default=0.0
        Standard deviations up to this are constant too.

    Returns
    -------
    mean, scale : ndarray of shape (n_outputs,)
    """
    mean = np.average(y, axis=0, weights=sample_weight)
    var = np.average((y - mean) ** 2, axis=0, weights=sample_weight)
    n, eps = len(y), np.finfo(np.float64).eps
    constant = (var <= n * eps * var + (n * mean * eps) ** 2) | (var <= atol**2)
    return mean, np.where(constant, 1.0, np.sqrt(var))


def channel_statistics(sequences, sample_weight=None, *, atol=0.0):
    """Weighted mean and scale of each channel over samples and time steps.

    Parameters
    ----------
    sequences : ndarray of shape (n_samples, n_timesteps, n_channels)
    sample_weight : ndarray of shape (n_samples,), default=None
    atol : float, default=0.0
        As in :func:`weighted_standardization`.

    Returns
    -------
    mean, scale : ndarray of shape (n_channels,)
        The scale is 1 where a channel is constant.
    """
    _check_3d(sequences, "sequences")
    n_samples, n_timesteps, n_channels = sequences.shape
    flat = np.asarray(sequences, dtype=np.float64).reshape(-1, n_channels)
    weight = None
    if sample_weight is not None:
        weight = np.repeat(np.asarray(sample_weight, dtype=np.float64), n_timesteps)
    return weighted_standardization(flat, weight, atol=atol)


def first_differences(sequences):
    """Step-to-step change of each channel, zero at the first step.

    Parameters
    ----------
    sequences : ndarray of shape (n_samples, n_timesteps, n_channels)

    Returns
    -------
    differences : ndarray of shape (n_samples, n_timesteps, n_channels)
        ``sequences[:, t] - sequences[:, t - 1]``, and 0 at ``t = 0``.
    """
    _check_3d(sequences, "sequences")
    return np.diff(sequences, axis=1, prepend=sequences[:, :1])


def per_sequence_standardization(sequences):
    """Standardize each sequence's channels by their own mean and scale over time.

    Parameters
    ----------
    sequences : ndarray of shape (n_samples, n_timesteps, n_channels)

    Returns
    -------
    standardized : ndarray of shape (n_samples, n_timesteps, n_channels), float32
        Zero mean and unit scale along the time axis (zero where a channel is
        constant).
    level : ndarray of shape (n_samples, n_channels)
        The removed mean of each sequence's channels.
    log_scale : ndarray of shape (n_samples, n_channels)
        Natural log of the removed scale (the scale is 1 where a channel is
        constant over time, so ``log_scale`` is 0 there).
    """
    _check_3d(sequences, "sequences")
    values = np.asarray(sequences, dtype=np.float64)
    level = values.mean(axis=1)
    scale = values.std(axis=1)
    tiny = 1e-6 * np.maximum(1.0, np.abs(level))
    scale = np.where(scale > tiny, scale, 1.0)
    standardized = (values - level[:, None, :]) / scale[:, None, :]
    return standardized.astype(np.float32), level, np.log(scale)


def _check_3d(array, name):
    if np.ndim(array) != 3 or 0 in np.shape(array):
        raise ValueError(
            f"{name} must be a non-empty 3D array (n_samples, n_timesteps, "
            f"n_channels); got shape {np.shape(array)}."
        )
