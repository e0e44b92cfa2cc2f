"""Forecasting engine (numpy only): per-series model space, windows, roll-out.

It knows no estimator, sklearn, sktime or torch. A series is a pair of arrays:
``y`` of shape (n_timepoints, n_y) and ``X`` of shape (n_timepoints, n_x) or None.
:class:`ModelSpace` fixes the window geometry and each series' scaling
(:class:`SeriesScaling`) and maps between raw values and the network's normalized
inputs and targets; :meth:`ModelSpace.roll_out` runs any ``predict`` callable
forward, feeding forecasts back as context beyond the trained horizon.
"""

import warnings
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy.stats import loguniform, uniform

from skgru._sequences import sliding_windows, weighted_standardization
from skgru._warnings import user_stacklevel

__all__ = [
    "default_search_space",
    "SeriesScaling",
    "ModelSpace",
    "difference",
    "integrate",
    "temporal_split",
    "window_and_horizon",
]

#: Longest window chosen by ``window_length=None``.
AUTO_WINDOW_MAX = 48
#: Scale of a flat series (no spread after detrending), as a share of its largest
#: absolute value (of 1 for a series of zeros).
FLAT_SCALE = 1e-3
#: Spread below this share of a series' largest absolute value is rounding noise.
ROUNDING = 1e-10

#: Normalizations of a window (see :meth:`ModelSpace.normalize`).
NORMALIZATIONS = ("local", "instance", "local+instance", "mean", "last", "standard")


def difference(values, differencing):
    """Differences of order ``differencing`` along axis 0 (time)."""
    return np.diff(values, n=differencing, axis=0) if differencing else values


def integrate(levels, z_future, differencing):
    """Undo ``differencing`` of ``z_future`` given the raw values before it.

    Parameters
    ----------
    levels : ndarray of shape (n, n_context, n_y)
        Raw values before the forecast (at least ``differencing`` of them).
    z_future : ndarray of shape (n, n_steps, n_y)
        Forecasts in model space.
    differencing : int

    Returns
    -------
    future : ndarray of shape (n, n_steps, n_y)
    """
    for order in range(differencing - 1, -1, -1):
        last = np.diff(levels, n=order, axis=1)[:, -1:] if order else levels[:, -1:]
        z_future = last + np.cumsum(z_future, axis=1)
    return z_future


@dataclass(frozen=True)
class SeriesScaling:
    """Scaling statistics of one series, fitted on its training data.

    Attributes
    ----------
    drift : ndarray of shape (n_y,)
        Mean one-step change of the model-space values (zero without detrending).
    center, scale : ndarray of shape (n_y,)
        Offset used by ``"standard"`` normalization, and the divisor of every
        normalization (the standard deviation for ``"standard"``, the RMS
        detrended one-step change otherwise).
    step_scale : ndarray of shape (n_y,)
        RMS detrended one-step change (the unit of forecast errors).
    x_mean, x_scale : ndarray of shape (n_x,) or None
        Standardization of the exogenous columns.
    """

    drift: np.ndarray
    center: np.ndarray
    scale: np.ndarray
    step_scale: np.ndarray
    x_mean: np.ndarray = None
    x_scale: np.ndarray = None

    @classmethod
    def fit(cls, z, X=None, *, detrend=True, normalization="mean", magnitude=None):
        """Statistics of model-space values ``z`` (n_timepoints, n_y) and raw ``X``.

        ``magnitude`` (n_y,) is the size of the raw values, ``max |y|`` (by
        default ``max |z|``): spread below the float64 rounding of values that
        size is none, and a flat (constant or exactly linear) series, which has
        none, is scaled by ``FLAT_SCALE`` times it, so its forecasts stay in its
        units (a scale of 1 made them depend on whether y was in units or in
        thousands).
        """
        steps = np.diff(z, axis=0)
        drift = steps.mean(axis=0) if detrend and len(steps) else 0.0 * z[0]
        detrended = z - drift * np.arange(len(z))[:, None]
        center, std = detrended.mean(axis=0), detrended.std(axis=0)
        size = np.max(np.abs(z), axis=0) if magnitude is None else magnitude
        noise = ROUNDING * np.asarray(size, dtype=float)
        floor = FLAT_SCALE * np.where(size > 0, size, 1.0)
        std = np.where(std > noise, std, floor)
        step_scale = std
        if len(steps):
            step_scale = np.sqrt(np.mean((steps - drift) ** 2, axis=0))
            step_scale = np.where(step_scale > noise, step_scale, std)
        scale = std if normalization == "standard" else step_scale
        x_mean = x_scale = None
        if X is not None:
            x_mean, x_scale = weighted_standardization(X)
        return cls(drift, center, scale, step_scale, x_mean, x_scale)


def _stack(scalings, name):
    values = [getattr(s, name) for s in scalings]
    return None if values[0] is None else np.array(values)


class ModelSpace:
    """Window geometry and per-series scaling: raw series <-> network arrays.

    Immutable once built: a calibration on truncated series builds its own.

    Parameters
    ----------
    scalings : sequence of SeriesScaling
        One per series; series are referred to by their position (``ids``).
    window_length, horizon : int
        Past time points per window; steps output at once.
    differencing : int
        Order of differencing of y before windowing.
    normalization : {"local", "instance", "local+instance", "mean", "last", \
"standard"}
        ``"local+instance"`` gives every window in both normalizations, one
        input block and one target block each (:attr:`groups`); forecasts are
        the mean of the two blocks' de-normalized outputs.
    anchor : {"mean", "last"}, default="mean"
        What the detrended values of a window are taken relative to, for every
        normalization but ``"standard"``: the window's mean, or its last value
        (as ``normalization="last"`` always is).
    """

    #: Model spaces pickled before ``anchor`` existed took the window's mean.
    anchor = "mean"

    def __init__(
        self,
        scalings,
        *,
        window_length,
        horizon,
        differencing=0,
        normalization="mean",
        anchor="mean",
    ):
        self.scalings = tuple(scalings)
        self.window_length = int(window_length)
        self.horizon = int(horizon)
        self.differencing = int(differencing)
        self.normalization = normalization
        self.anchor = anchor
        self.groups = tuple(normalization.split("+"))
        self._drift = _stack(self.scalings, "drift")
        self._center = _stack(self.scalings, "center")
        self._scale = _stack(self.scalings, "scale")
        self._step_scale = _stack(self.scalings, "step_scale")
        self._x_mean = _stack(self.scalings, "x_mean")
        self._x_scale = _stack(self.scalings, "x_scale")

    @classmethod
    def fit(cls, ys, Xs=None, *, detrend=True, **geometry):
        """A model space with the scaling of each series ``ys[i]`` (with ``Xs[i]``).

        ``geometry`` holds ``window_length``, ``horizon``, ``differencing``,
        ``normalization`` and ``anchor``.
        """
        d = geometry.get("differencing", 0)
        normalization = geometry.get("normalization", "mean")
        Xs = [None] * len(ys) if Xs is None else Xs
        scalings = [
            SeriesScaling.fit(
                difference(y, d),
                X,
                detrend=detrend,
                normalization=normalization,
                magnitude=np.max(np.abs(y), axis=0),
            )
            for y, X in zip(ys, Xs, strict=True)
        ]
        return cls(scalings, **geometry)

    def scale(self, ids):
        """Divisor (n, n_y) of the normalized values of the series ``ids``."""
        return self._scale[ids]

    def step_scale(self, ids):
        """RMS detrended one-step change (n, n_y) of the series ``ids``."""
        return self._step_scale[ids]

    def standard_x(self, i, values):
        """Standardized exogenous values of series ``i``."""
        return (values - self._x_mean[i]) / self._x_scale[i]

    def future_x(self, i, values):
        """Standardized future X (n_blocks * horizon, n_x) of series ``i``.

        ``values`` (n_steps, n_x) covers steps 1..n_steps; it is padded to whole
        horizon blocks for the roll-out, carrying the last value forward (X beyond
        ``fh`` is unknown and only feeds steps nobody asked for).
        """
        values = self.standard_x(i, values)
        padded = -(-len(values) // self.horizon) * self.horizon
        return np.concatenate(
            [values, np.repeat(values[-1:], padded - len(values), axis=0)]
        )

    def local_scale(self, contexts, ids):
        """Recent volatility (n, n_y): RMS detrended one-step change of each context.

        Forecast errors are measured in this unit, so intervals widen where the
        series has become more volatile; it is floored at a tenth of the series'
        overall value.
        """
        z = np.diff(contexts, n=self.differencing, axis=1)
        times = np.arange(z.shape[1])[None, :, None]
        return self._window_volatility(z - self._drift[ids][:, None, :] * times, ids)

    def normalize(self, z, times, ids):
        """Normalized model-space windows and the shift that undoes it.

        Parameters
        ----------
        z : ndarray of shape (n, window_length, n_y)
            Model-space values of each window.
        times : ndarray of shape (n, window_length)
            Their positions in their (model-space) series.
        ids : ndarray of shape (n,)
            The series of each window.

        Returns
        -------
        normalized : ndarray of shape (n, window_length, n_groups * n_y)
            One block of ``n_y`` columns per normalization of :attr:`groups`.
        offset : ndarray of shape (n, 1, n_y)
        divisor : ndarray of shape (n, 1, n_groups * n_y)
            Shift and scale of the detrended values; see :meth:`denormalize`.
        """
        detrended = z - self._drift[ids][:, None, :] * times[:, :, None]
        if self.normalization == "standard":
            offset = self._center[ids][:, None, :]
        elif self.normalization == "last" or self.anchor == "last":
            offset = detrended[:, -1:, :]
        else:
            offset = detrended.mean(axis=1, keepdims=True)
        scale = self._scale[ids][:, None, :]
        divisors, local = [], None
        for group in self.groups:
            if group in ("local", "instance") and local is None:
                local = self._window_volatility(detrended, ids)[:, None, :]
            if group == "instance":
                divisors.append(local)
            elif group == "local":
                divisors.append(np.sqrt(local * scale))
            else:
                divisors.append(scale)
        divisor = np.concatenate(divisors, axis=2)
        normalized = np.tile(detrended - offset, len(self.groups)) / divisor
        return normalized, offset, divisor

    def _window_volatility(self, detrended, ids):
        """RMS one-step change (n, n_y) of detrended windows, floored as intervals'.

        The floor is a tenth of the series' overall value; a window of one point
        has the overall value.
        """
        overall = self._step_scale[ids]
        if detrended.shape[1] < 2:
            return overall
        rms = np.sqrt(np.mean(np.diff(detrended, axis=1) ** 2, axis=1))
        return np.maximum(rms, 0.1 * overall)

    def window_errors(self, normalized, errors, ids):
        """Errors of the network on windows, in units of :meth:`local_scale`.

        Parameters
        ----------
        normalized : ndarray of shape (n, window_length, n_groups * n_y)
            Windows as :meth:`normalize` returned them (y columns only).
        errors : ndarray of shape (n, n_groups * horizon * n_y)
            Target minus network output, in the layout of :meth:`windows`.
        ids : ndarray of shape (n,)

        Returns
        -------
        errors : ndarray of shape (n, horizon, n_y)
            Errors of the forecast (the mean over :attr:`groups`) divided by
            the window's recent volatility.
        """
        n, n_groups = len(errors), len(self.groups)
        n_y = normalized.shape[2] // n_groups
        errors = errors.reshape(n, n_groups, self.horizon, n_y)
        units = [
            self._error_units(normalized[:, :, g * n_y : (g + 1) * n_y], ids, group)
            for g, group in enumerate(self.groups)
        ]
        return np.mean(errors * np.stack(units, axis=1)[:, :, None, :], axis=1)

    def _error_units(self, normalized, ids, normalization):
        """Factor (n, n_y) from normalized errors to units of :meth:`local_scale`.

        ``normalized`` (n, window_length, n_y) are windows in ``normalization``
        (one of :attr:`groups`) as :meth:`normalize` returned them; an error of
        the network times this factor is the error divided by the window's
        recent volatility.
        """
        scale = self._scale[ids]
        overall = self._step_scale[ids]
        if normalization == "instance":  # the divisor is the local volatility
            return np.ones_like(scale)
        if normalized.shape[1] < 2:
            return scale / overall
        ratio = np.sqrt(np.mean(np.diff(normalized, axis=1) ** 2, axis=1))
        if normalization == "local":
            # ratio = rms / sqrt(local * scale), local = max(rms, floor): invert
            local = np.maximum(ratio**2 * scale, 0.1 * overall)
            return np.sqrt(local * scale) / local
        local = np.maximum(ratio * scale, 0.1 * overall)
        return scale / local

    def denormalize(self, normalized, times, offset, divisor, ids):
        """Model-space values from normalized ones (inverse of :meth:`normalize`).

        ``normalized`` (n, n_steps, n_groups * n_y) holds a block per group;
        the result (n, n_steps, n_y) is the mean of the blocks' values.
        """
        n, n_steps, width = normalized.shape
        scaled = (normalized * divisor).reshape(n, n_steps, len(self.groups), -1)
        detrended = scaled.mean(axis=2) + offset
        return detrended + self._drift[ids][:, None, :] * times[:, :, None]

    def windows(self, ys, Xs=None):
        """Network inputs and targets of all windows of the series, oldest first.

        Returns
        -------
        past : ndarray of shape (n_windows, window_length, n_groups * n_y + n_x)
            Normalized y (a block per group of :attr:`groups`), then X.
        extra : ndarray of shape (n_windows, horizon * n_x) or None
            Standardized future X over each window's horizon.
        target : ndarray of shape (n_windows, n_groups * horizon * n_y)
            A block of ``horizon * n_y`` normalized values per group.
        ids : ndarray of shape (n_windows,)
            The series of each window.
        ends : ndarray of shape (n_windows,)
            Number of raw time points of its series up to each window's last
            target (its position in time, for a temporal split).
        """
        window, horizon, d = self.window_length, self.horizon, self.differencing
        Xs = [None] * len(ys) if Xs is None else Xs
        pasts, extras, targets, ids, ends = [], [], [], [], []
        for i, (y, X) in enumerate(zip(ys, Xs, strict=True)):
            z = difference(y, d)
            if len(z) < window + horizon:
                continue
            past, future = sliding_windows(z, window, horizon)
            n = len(past)
            series_ids = np.full(n, i)
            times = np.arange(n)[:, None] + np.arange(window + horizon)[None, :]
            past_in, offset, divisor = self.normalize(
                past, times[:, :window], series_ids
            )
            detrended = future - self._drift[i] * times[:, window:, None]
            n_groups = len(self.groups)
            target = (detrended - offset)[:, :, None, :] / divisor.reshape(
                n, 1, n_groups, -1
            )
            targets.append(target.transpose(0, 2, 1, 3).reshape(n, -1))
            if X is not None:
                x = self.standard_x(i, X[d:])
                x_past, x_future = sliding_windows(x, window, horizon)
                past_in = np.concatenate([past_in, x_past], axis=2)
                extras.append(x_future.reshape(n, -1))
            pasts.append(past_in)
            ids.append(series_ids)
            ends.append(d + window + horizon + np.arange(n))
        past = np.concatenate(pasts)
        extra = np.concatenate(extras) if extras else None
        return (
            past,
            extra,
            np.concatenate(targets),
            np.concatenate(ids),
            np.concatenate(ends),
        )

    def contexts(self, ys, Xs, origins, ids):
        """Raw y context and standardized X context of ``ys[k]`` at ``origins[k]``.

        ``ys[k]`` belongs to series ``ids[k]``; an origin is the number of time
        points seen. Returns arrays of shape (n, window_length + differencing, n_y)
        and (n, window_length, n_x) or None.
        """
        window, d = self.window_length, self.differencing
        ctx = np.stack(
            [y[o - window - d : o] for y, o in zip(ys, origins, strict=True)]
        )
        if Xs is None:
            return ctx, None
        x_ctx = np.stack(
            [
                self.standard_x(i, X[o - window : o])
                for i, X, o in zip(ids, Xs, origins, strict=True)
            ]
        )
        return ctx, x_ctx

    def roll_out(self, predict, contexts, x_contexts, x_futures, origins, ids, n_steps):
        """Forecast ``n_steps`` values after each context (vectorized over rows).

        Parameters
        ----------
        predict : callable
            ``predict(past, extra)`` -> ndarray (n, n_groups * horizon * n_y): the
            network on normalized windows (``extra`` is None without X).
        contexts : ndarray of shape (n, window_length + differencing, n_y)
            Raw values of y before each forecast origin.
        x_contexts : ndarray of shape (n, window_length, n_x) or None
            Standardized X over the window.
        x_futures : ndarray of shape (n, n_blocks * horizon, n_x) or None
            Standardized X from each origin on, ``n_blocks * horizon >= n_steps``.
        origins : ndarray of shape (n,)
            Number of time points of its series before each origin.
        ids : ndarray of shape (n,)
            The series of each context.
        n_steps : int

        Returns
        -------
        forecasts : ndarray of shape (n, n_steps, n_y)
        """
        window, horizon, d = self.window_length, self.horizon, self.differencing
        n, _, n_y = contexts.shape
        levels, x_context = contexts, x_contexts
        last = np.asarray(origins) - 1 - d  # model-space position of the last point
        done, produced = [], 0
        while produced < n_steps:
            z = np.diff(levels, n=d, axis=1) if d else levels
            past_times = last[:, None] + np.arange(1 - window, 1)[None, :]
            past, offset, divisor = self.normalize(z, past_times, ids)
            extra = None
            if x_context is not None:
                future_x = x_futures[:, produced : produced + horizon]
                past = np.concatenate([past, x_context], axis=2)
                extra = future_x.reshape(n, -1)
            out = np.asarray(predict(past, extra), dtype=np.float64)
            out = out.reshape(n, -1, horizon, n_y).transpose(0, 2, 1, 3)
            future_times = last[:, None] + np.arange(1, horizon + 1)[None, :]
            z_future = self.denormalize(
                out.reshape(n, horizon, -1), future_times, offset, divisor, ids
            )
            future = integrate(levels, z_future, d)
            done.append(future)
            produced += horizon
            last = last + horizon
            levels = np.concatenate([levels, future], axis=1)[:, -(window + d) :]
            if x_context is not None:
                x_context = np.concatenate([x_context, future_x], axis=1)[:, -window:]
        return np.concatenate(done, axis=1)[:, :n_steps]


#: Bounds of ``windows_per_epoch="auto"`` and the share of the windows it draws.
AUTO_WINDOWS = (256, 512, 8)


def resolve_windows_per_epoch(windows_per_epoch, n_windows):
    """Windows drawn per epoch: ``windows_per_epoch``, with "auto" resolved.

    "auto" draws an eighth of the ``n_windows`` training windows, at least 256
    and at most 512: short series (up to 2,048 windows, every series of the
    forecast basket) get 800 gradient steps of 32 over 100 epochs, long ones up
    to twice that, so a fit on 64k points costs at most about twice one on 2k.
    256 windows per epoch under-trained 4k-64k half-hourly series
    (``benchmarks/bench_scaling_days.py``).
    """
    if windows_per_epoch != "auto":
        return windows_per_epoch
    low, high, share = AUTO_WINDOWS
    return int(min(high, max(low, n_windows // share)))


def temporal_split(ids, ends, horizon, validation_fraction, max_validation=None):
    """Validation on the last windows of each series in time, training before them.

    The last ``ceil(validation_fraction * n)`` of each series' ``n`` windows
    validate; training keeps only the windows whose targets all end before the
    first validation target, so no training window sees the validation period.

    Parameters
    ----------
    ids, ends : ndarray of shape (n_windows,)
        As from :meth:`ModelSpace.windows`.
    horizon : int
    validation_fraction : float
    max_validation : int or None
        Keep at most this many validation windows (evenly spaced).

    Returns
    -------
    train, validation : ndarray of int
        Window indices.
    first_target : dict
        ``{series: raw position of its first validation target}``.
    """
    train, validation, first_target = [], [], {}
    for i in np.unique(ids):
        rows = np.flatnonzero(ids == i)
        rows = rows[np.argsort(ends[rows], kind="stable")]
        n_val = int(np.ceil(validation_fraction * len(rows)))
        validation.append(rows[len(rows) - n_val :])
        train.append(rows[: max(len(rows) - n_val - horizon + 1, 0)])
        first_target[int(i)] = int(ends[rows[len(rows) - n_val]] - horizon)
    train, validation = np.concatenate(train), np.concatenate(validation)
    if max_validation is not None and len(validation) > max_validation:
        keep = np.linspace(0, len(validation) - 1, max_validation).round().astype(int)
        validation = validation[np.unique(keep)]
    return train, validation, first_target


def window_and_horizon(
    lengths, *, window_length=None, horizon=None, requested=None, differencing=0
):
    """Window length and trained horizon for series of these (raw) lengths.

    ``window_length=None`` chooses ``min(48, shortest // 4)`` (at least 1),
    raised toward the horizon (``horizon``, else ``requested``) up to
    ``shortest - 2 * horizon``, so a window sees as far back as the network
    forecasts ahead where the series allows;
    ``horizon=None`` takes ``requested`` (the largest step of ``fh``, else the
    window), capped so the shortest series gives a window and the longest at
    least as many windows as steps; a capped horizon is a ``UserWarning``
    (a ``horizon`` given below the largest step of ``fh`` is the user's choice:
    longer steps are forecast recursively, without a warning).

    Raises
    ------
    ValueError
        If the shortest series is too short for the window and the horizon.
    """
    d = differencing
    model_lengths = np.asarray(lengths) - d
    shortest, longest = int(model_lengths.min()), int(model_lengths.max())
    window = window_length
    if window is None:
        window = max(1, min(AUTO_WINDOW_MAX, shortest // 4))
        steps = horizon if horizon is not None else requested
        if steps is not None and steps > window:
            # see as far back as the network forecasts ahead, while the
            # shortest series keeps as many windows as steps (as the cap below)
            longer = min(steps, AUTO_WINDOW_MAX, shortest - 2 * steps)
            window = max(window, longer)
        if horizon is not None:
            window = max(1, min(window, shortest - horizon))
    capped = False
    if horizon is None:
        horizon = requested if requested is not None else window
        cap = max(1, min(shortest - window, (longest - window) // 2))
        capped = requested is not None and horizon > cap
        horizon = max(1, min(horizon, cap))
    minimum = window + horizon + d
    if shortest + d < minimum:
        raise ValueError(
            f"y has a series of {shortest + d} time points, too short for "
            f"window_length={window} and a trained horizon of {horizon}"
            + (f" with differencing={d}" if d else "")
            + f": every series needs at least {minimum} time points. Pass a "
            "longer series or lower window_length (or horizon)."
        )
    if capped:  # after the error: it fits; a horizon set by the user is left alone
        # remedies that exist: a window the user set can be lowered; for an
        # automatic one, a smaller horizon (more windows) is what forecast better
        # than the cap on short series (user guide, "Short series")
        remedies = ["Pass longer series"]
        if window_length is not None and window > 1:
            remedies.append("lower window_length")
        if horizon > 1:
            remedies.append(
                f"set a horizon below {horizon} (more windows to train on, more "
                "steps forecast recursively)"
            )
        advice = " or ".join(filter(None, [", ".join(remedies[:-1]), remedies[-1]]))
        warnings.warn(
            f"GRUForecaster: the shortest series has {shortest + d} time "
            f"points, too few to train the horizon {requested} of fh with "
            f"window_length={window}; the network is trained for "
            f"horizon={horizon} steps and longer steps are forecast "
            f"recursively. {advice}.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return int(window), int(horizon)


def default_search_space(sp=None):
    """A default search space over what moves a GRUForecaster's accuracy.

    ``GRUForecaster.search_space(sp)``, for :class:`~skgru.ForecastingWhaleSearchCV`
    (or sktime's randomized search): window length, hidden size, learning rate
    and dropout. The level and trend handling (``normalization``, ``detrend``)
    stays at its defaults: a few short cross-validation folds cannot tell how a
    trend choice extrapolates, and searching these made the tuned forecaster
    worse than the untuned one on held-out years (``bench_tuned_holdout.py``).
    It is a plain dict, so it can be extended or narrowed, for example
    ``{**GRUForecaster.search_space(12), "detrend": [True, False]}``.

    Parameters
    ----------
    sp : int or None, default=None
        Season length (12 for monthly data). Window lengths of two and three
        seasons are searched, next to the automatic choice (None), so that the
        half-window network of the default ``window_fractions`` reads at least
        one season: on the main example a one-season window (the second
        network then reading half a season) won the short cross-validation
        folds with all three seeds tried and lost the holdout every time
        (tuned MASE 0.888, 0.914 and 0.977 against the untuned 0.616, 0.648
        and 0.609); with two and three seasons the tuned forecaster scored
        0.642, 0.641 and 0.609 (against the untuned 0.616, 0.648 and 0.609;
        on seed 2 the search kept the untuned forecaster). Without
        ``sp`` (None, or 1: no season), 6, 12 and 24 time points.

    Returns
    -------
    param_distributions : dict
        Parameter names mapped to lists or scipy.stats distributions.

    Raises
    ------
    ValueError
        If ``sp`` is not a positive integer.

    Examples
    --------
    >>> from skgru import GRUForecaster
    >>> sorted(GRUForecaster.search_space(sp=12))
    ['dropout', 'hidden_size', 'learning_rate', 'window_length']
    >>> GRUForecaster.search_space(sp=12)["window_length"]
    [None, 24, 36]
    """
    if sp is not None and not (
        isinstance(sp, Integral) and not isinstance(sp, bool) and sp >= 1
    ):
        raise ValueError(f"sp must be None or a positive int, got {sp!r}.")
    if sp is None or sp == 1:
        windows = [6, 12, 24]
    else:
        windows = [int(sp) * k for k in (2, 3)]
    return {
        "window_length": [None, *windows],
        "hidden_size": [16, 32, 64],
        "learning_rate": loguniform(1e-3, 2e-2),
        "dropout": uniform(0.0, 0.3),
    }
