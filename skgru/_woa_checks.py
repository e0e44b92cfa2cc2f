"""Input checks of :mod:`skgru.woa` and the first population's Latin hypercube.

scipy-style validation of bounds, counts and objective values, kept apart from the
optimizer so that :mod:`skgru.woa` reads as the algorithm.
"""

import numbers

import numpy as np
from scipy.optimize import Bounds

INITS = ("random", "latinhypercube")
BOUNDARIES = ("clip", "bounce")


def _check_bounds(bounds):
    """Return ``(low, high)`` float arrays of shape ``(n_dims,)`` or raise."""
    form = (
        "bounds must be a sequence of (low, high) pairs, one per dimension, or a "
        "scipy.optimize.Bounds"
    )
    if isinstance(bounds, Bounds):
        try:
            low, high = np.broadcast_arrays(
                np.atleast_1d(np.asarray(bounds.lb, dtype=float)),
                np.atleast_1d(np.asarray(bounds.ub, dtype=float)),
            )
        except ValueError as exc:
            raise ValueError(f"{form}; lb and ub do not match: {exc}") from None
        if low.ndim != 1:
            raise ValueError(f"{form}; Bounds.lb and .ub must be 1-D, got {low.shape}.")
    else:
        if isinstance(bounds, str | bytes) or bounds is None:
            raise TypeError(f"{form}, got {type(bounds).__name__}.")
        try:
            arr = np.asarray(bounds, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{form}; could not read {bounds!r} as numbers.") from None
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(f"{form}, i.e. shape (n_dims, 2); got shape {arr.shape}.")
        low, high = arr[:, 0], arr[:, 1]
    if low.size == 0:
        raise ValueError(f"{form}; got no dimensions.")
    bad = ~(np.isfinite(low) & np.isfinite(high))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        pair = f"({low[i]}, {high[i]})"
        if isinstance(bounds, list | tuple):
            pair = repr(tuple(bounds[i]))  # as given: None, not the nan it reads as
        raise ValueError(
            f"bounds must be finite (the whales start anywhere in the box: no "
            f"None or inf); dimension {i} has (low, high) = {pair}."
        )
    bad = ~(low <= high)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"bounds need low <= high in every dimension; dimension {i} has "
            f"(low, high) = ({low[i]}, {high[i]})."
        )
    return low.astype(float, copy=True), high.astype(float, copy=True)


def _check_boundary(boundary):
    """Return ``boundary`` if it is one of :data:`BOUNDARIES`, else raise ValueError."""
    if not isinstance(boundary, str) or boundary not in BOUNDARIES:
        raise ValueError(f"boundary must be one of {BOUNDARIES}, got {boundary!r}.")
    return boundary


def _check_init(init):
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}.")
    return init


def _latin_hypercube(rng, n, d):
    """``n`` points in ``[0, 1)^d`` with one point in each of ``n`` slices per axis.

    McKay, Beckman & Conover (1979): per axis, a random permutation of the slices
    plus a uniform offset inside each slice, shape ``(n, d)``.
    """
    slices = rng.permuted(np.tile(np.arange(n), (d, 1)), axis=1).T
    return (slices + rng.uniform(0.0, 1.0, (n, d))) / n


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def _check_real(name, value, minimum=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    if not np.isfinite(value) or (minimum is not None and value < minimum):
        expected = "a finite number" + (f" >= {minimum}" if minimum is not None else "")
        raise ValueError(f"{name} must be {expected}, got {value!r}.")
    return float(value)


def _read_values(raw, n, vectorized):
    """Turn what ``fun`` returned into ``n`` floats, or raise naming ``fun``."""
    try:
        values = np.asarray(raw)
        if values.dtype.kind not in "biuf":  # None, strings, objects: not numbers
            raise TypeError
        values = values.astype(float, copy=False)
    except (TypeError, ValueError):
        raise TypeError(
            f"fun must return real numbers, got {type(raw).__name__}: {raw!r:.80}."
        ) from None
    if vectorized:
        if values.size != n or (values.ndim > 1 and max(values.shape) != n):
            raise ValueError(
                "with vectorized=True, fun gets x of shape (n_dims, S) and must "
                f"return S={n} values, shape ({n},); got shape {values.shape}."
            )
    elif values.size != 1:
        raise ValueError(
            "fun must return one number per point, got shape "
            f"{values.shape}; pass vectorized=True if fun evaluates a whole "
            "population at once."
        )
    return values.reshape(-1)


def _read_one(raw):
    if isinstance(raw, float | int | np.floating | np.integer):
        return float(raw)
    return _read_values(raw, 1, vectorized=False)[0]
