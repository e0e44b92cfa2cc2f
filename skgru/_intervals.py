"""Interval calibration from out-of-sample errors (numpy only).

Errors of rolling-origin forecasts, in units of each context's recent volatility
(:meth:`skgru._forecasting.ModelSpace.local_scale`), give a per-step error scale
``a * h**b`` and the quantiles of the standardized errors (split conformal);
intervals are symmetric about the point forecast. It knows no estimator, sklearn,
sktime or torch: the network enters as a ``predict`` callable.

Where the errors come from (:func:`calibrate`, in this order): with early
stopping, the final network's own forecasts over its validation period (the last
windows in time, which it never trained on); otherwise a second network (``refit``)
trained on each series without its last points (at least the horizon, at least
12), forecasting them from every origin within them; "in-sample" errors only where
the series are too short for either. :class:`LazyCalibration` runs this at the
first interval request, so a fit that is never asked for an interval pays nothing.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from skgru._warnings import user_stacklevel

__all__ = [
    "IntervalModel",
    "LazyCalibration",
    "calibrate",
    "holdout_length",
    "in_sample_errors",
    "rolling_errors",
    "spliced_quantiles",
    "spliced_variances",
]

#: Share of the shortest series held out (at least) for the calibration fit.
CALIBRATION_FRACTION = 0.1


def holdout_length(lengths, n_cal, *, window_length, horizon, differencing, n_windows):
    """Longest calibration period up to ``n_cal`` that leaves enough windows.

    The held-out part shrinks until the series without it keep at least a third
    of ``n_windows`` (and two) training windows; 0 means none is possible.
    """
    lengths = np.asarray(lengths)
    d = differencing
    n_cal = int(min(n_cal, lengths.max() - window_length - d - 1))
    while n_cal >= 1:
        kept = np.maximum(lengths - n_cal - d - window_length - horizon + 1, 0).sum()
        if kept >= max(2, n_windows // 3):
            return n_cal
        n_cal -= 1
    return 0


def rolling_errors(space, predict, ys, Xs, n_cal, first_origin=None, n_steps=None):
    """Standardized errors of forecasts from every origin in the last ``n_cal`` points.

    Parameters
    ----------
    space : ModelSpace
        The model space the network of ``predict`` was trained in.
    predict : callable
        The network, as for :meth:`ModelSpace.roll_out`.
    ys, Xs : list of ndarray
        The full series (``Xs`` None without exogenous data).
    n_cal : int
        Length of the held-out period at the end of each series.
    first_origin : sequence of int, optional
        Earliest origin per series (default: ``len - n_cal``).
    n_steps : int, optional
        Steps forecast from each origin (default ``n_cal``).

    Returns
    -------
    residuals : dict
        ``{step: list of ndarray (n_y,)}``, or None when no origin fits.
    """
    window, d, horizon = space.window_length, space.differencing, space.horizon
    n_steps = n_cal if n_steps is None else n_steps
    rows, origins, ids = [], [], []
    for i, y in enumerate(ys):
        start = len(y) - n_cal if first_origin is None else first_origin[i]
        for o in range(max(start, window + d), len(y)):
            rows.append(i)
            origins.append(o)
            ids.append(i)
    if not rows:
        return None
    ids = np.array(ids)
    row_ys = [ys[i] for i in rows]
    row_xs = None if Xs is None else [Xs[i] for i in rows]
    ctx, x_ctx = space.contexts(row_ys, row_xs, origins, ids)
    n_blocks = -(-n_steps // horizon)
    x_future = None
    if x_ctx is not None:
        padded = n_blocks * horizon
        blocks = []
        for i, X, o in zip(ids, row_xs, origins, strict=True):
            x = space.standard_x(i, X[o : o + padded])
            pad = padded - len(x)
            blocks.append(np.concatenate([x, np.repeat(x[-1:], pad, axis=0)]))
        x_future = np.stack(blocks)
    forecast = space.roll_out(
        predict, ctx, x_ctx, x_future, np.array(origins), ids, n_steps
    )
    local = space.local_scale(ctx, ids)
    residuals = {}
    for k, (y, o) in enumerate(zip(row_ys, origins, strict=True)):
        actual = y[o : o + n_steps]
        err = (actual - forecast[k, : len(actual)]) / local[k]
        for h in range(len(actual)):
            residuals.setdefault(h + 1, []).append(err[h])
    return residuals


def in_sample_errors(space, past, target, output, ids, n_y):
    """Standardized errors of the network on its own training windows.

    ``past``, ``target`` and ``ids`` as from :meth:`ModelSpace.windows`;
    ``output`` is the network's output on them.
    """
    n_normalized = len(space.groups) * n_y
    err = space.window_errors(past[:, :, :n_normalized], target - output, ids)
    return {h + 1: list(err[:, h]) for h in range(space.horizon)}


@dataclass(frozen=True)
class IntervalModel:
    """Per-step error scale ``exp(intercept) * h**exponent`` and error quantiles.

    Attributes
    ----------
    intercept, exponent : ndarray of shape (n_y,)
    standardized_errors : ndarray of shape (n_errors, n_y)
        Errors divided by their step's scale.
    max_step : int
        Largest step with calibration errors.
    """

    intercept: np.ndarray
    exponent: np.ndarray
    standardized_errors: np.ndarray
    max_step: int

    @classmethod
    def fit(cls, residuals):
        """Fit the power law by weighted least squares in log-log, then standardize."""
        steps = np.array(sorted(residuals))
        errs = [np.array(residuals[h]) for h in steps]  # each (count, n_y)
        counts = np.array([len(e) for e in errs], dtype=float)
        rms = np.stack([np.sqrt(np.mean(e**2, axis=0)) for e in errs])  # (H, n_y)
        rms = np.maximum(rms, 1e-12)
        log_h = np.log(steps)
        if len(steps) > 1:
            weights = counts / counts.sum()
            mean_log_h = weights @ log_h
            mean_log_r = weights @ np.log(rms)
            cov = weights @ ((log_h - mean_log_h)[:, None] * (np.log(rms) - mean_log_r))
            var = weights @ (log_h - mean_log_h) ** 2
            exponent = np.clip(cov / var, 0.0, 1.0)
            intercept = mean_log_r - exponent * mean_log_h
        else:
            exponent = np.full(rms.shape[1], 0.5)
            intercept = np.log(rms[0])
        unscaled = cls(
            intercept, exponent, np.zeros((0, rms.shape[1])), int(steps.max())
        )
        standardized = np.concatenate(
            [
                e / unscaled.step_scale(np.array([h]))[0]
                for h, e in zip(steps, errs, strict=True)
            ]
        )
        return cls(intercept, exponent, standardized, int(steps.max()))

    def step_scale(self, steps):
        """Error scale (n_steps, n_y) at the given horizon steps.

        Beyond ``max_step``, the last step with calibration errors, the scale
        grows at least as a random walk's, ``sqrt(h / max_step)`` times the
        scale at ``max_step``: the fitted exponent rests on few late errors
        (it is often clipped to 0), and forecasts rolled out past the
        calibrated steps err more.
        """
        h = np.asarray(steps, dtype=float)[:, None]
        within = np.minimum(h, self.max_step)
        beyond = np.maximum(h / self.max_step, 1.0)  # 1 (log 0) up to max_step
        return np.exp(
            self.intercept
            + self.exponent * np.log(within)
            + np.maximum(self.exponent, 0.5) * np.log(beyond)
        )

    def quantile_offsets(self, alpha):
        """Offsets (n_alpha, n_y) of the quantiles, in standardized error units.

        Intervals are symmetric about the point forecast, so the conformity
        score is the absolute error: the offset of level ``alpha`` is the
        split-conformal quantile, at level ``|2 alpha - 1|``, of the absolute
        standardized errors, signed (Vovk et al. 2005; Lei et al. 2018, JASA
        113(523), algorithm 2). Centring the errors on their median first would
        narrow the intervals without moving them: on the basket of
        ``bench_forecast.py`` it covered 75% and 93% at nominal 80% and 95%,
        against 81% and 95% without it.
        """
        errors = np.abs(self.standardized_errors)
        n = len(errors)
        alpha = np.asarray(alpha, dtype=float)
        sign = np.sign(alpha - 0.5)[:, None]
        if n < 20:  # too few errors for empirical tails: normal with their RMS
            rms = np.sqrt(np.mean(errors**2, axis=0))
            return norm.ppf(alpha)[:, None] * rms
        level = np.clip(np.abs(2 * alpha - 1) * (n + 1) / n, 0, 1)
        return sign * np.quantile(errors, level, axis=0)

    def variances(self, steps, local):
        """Forecast error variances (n_rows, n_y) at the steps of each series.

        The mean square of the standardized errors, times each step's error
        scale and the series' volatility squared: the variance of the same
        errors whose quantiles give the intervals.

        Parameters
        ----------
        steps : list of int arrays
            The steps asked of each series (rows are concatenated in this order).
        local : ndarray of shape (n_series, n_y)
            Each series' recent volatility, the unit of the errors.
        """
        mean_square = np.mean(self.standardized_errors**2, axis=0)  # (n_y,)
        return np.concatenate(
            [
                (self.step_scale(s) * local[i]) ** 2 * mean_square
                for i, s in enumerate(steps)
            ],
            axis=0,
        )

    def quantile_forecasts(self, values, steps, local, alpha, scale_steps=None):
        """Quantile forecasts (n_rows, n_alpha, n_y) about the point forecasts.

        Parameters
        ----------
        values : ndarray of shape (n_series, n_steps, n_y)
            Point forecasts of steps 1..n_steps of each series.
        steps : list of int arrays
            The steps asked of each series (rows are concatenated in this order).
        local : ndarray of shape (n_series, n_y)
            Each series' recent volatility, the unit of the errors.
        alpha : sequence of float
            Quantile levels in (0, 1).
        scale_steps : list of int arrays, optional
            The steps whose error scale sets each row's spread (default
            ``steps``).
        """
        levels = self.quantile_offsets(alpha)  # (n_alpha, n_y)
        scale_steps = steps if scale_steps is None else scale_steps
        blocks = []
        for i, (s, scaled) in enumerate(zip(steps, scale_steps, strict=True)):
            spread = self.step_scale(scaled) * local[i]  # (n_steps, n_y)
            blocks.append(values[i, s - 1][:, None, :] + spread[:, None, :] * levels)
        return np.concatenate(blocks, axis=0)


def calibrate(
    space, predict, ys, Xs, n_cal, *, refit, n_windows, validation_start=None
):
    """The interval model from the best out-of-sample errors the data allow.

    Parameters
    ----------
    space, predict : WindowMean, list of callable
        The final networks' model spaces and the networks, one per window
        length (:mod:`skgru._window_mean`).
    ys, Xs : list of ndarray
        The series (``Xs`` None without exogenous data).
    n_cal : int
        Steps to forecast from each calibration origin. The calibration fit holds
        out the last ``max(n_cal, CALIBRATION_FRACTION * shortest length)``
        points (less where the series are short), one origin per point.
    refit : callable
        ``refit(ys, Xs, scale_ys, scale_Xs)`` -> ``(space, predict)``: second
        networks trained on the shortened series, their scaling fitted on
        ``scale_ys`` (the shortened series; ``differencing + 1`` points where
        less is left).
    n_windows : int
        Training windows of the final network (the calibration fit keeps a third).
    validation_start : dict or None
        ``{series: first validation target}`` when the final network never
        trained on its validation period: its own errors there are used.

    Returns
    -------
    kind : {"validation", "out-of-sample", "in-sample"}
    model : IntervalModel
    """
    if validation_start is not None:
        first = [validation_start.get(i, len(y)) for i, y in enumerate(ys)]
        residuals = rolling_errors(space, predict, ys, Xs, n_cal, first)
        if residuals is not None:
            return "validation", IntervalModel.fit(residuals)
    window, d, horizon = space.window_length, space.differencing, space.horizon
    lengths = [len(y) for y in ys]
    # origins over at least a tenth of the shortest series: the errors of a
    # short stretch say little about a longer series' tails
    n_hold = holdout_length(
        lengths,
        max(n_cal, int(CALIBRATION_FRACTION * min(lengths))),
        window_length=window,
        horizon=horizon,
        differencing=d,
        n_windows=n_windows,
    )
    residuals = None
    cut = [max(len(y) - n_hold, 0) for y in ys]
    if n_hold >= 1 and any(c - d >= window + horizon for c in cut):
        short_ys = [y[:c] for y, c in zip(ys, cut, strict=True)]
        short_Xs = None if Xs is None else [X[:c] for X, c in zip(Xs, cut, strict=True)]
        # the calibration fit sees nothing of the held-out points, not even
        # through the scaling statistics (drift, scale)
        # (a series too short to keep a point of model space is scaled on its
        # first d + 1 points, the fewest a scaling can use)
        keep = [max(c, d + 1) for c in cut]
        scale_ys = [y[:k] for y, k in zip(ys, keep, strict=True)]
        scale_Xs = (
            None if Xs is None else [X[:k] for X, k in zip(Xs, keep, strict=True)]
        )
        cal_space, cal_predict = refit(short_ys, short_Xs, scale_ys, scale_Xs)
        residuals = rolling_errors(
            cal_space, cal_predict, ys, Xs, n_hold, n_steps=min(n_cal, n_hold)
        )
    if residuals is not None:
        return "out-of-sample", IntervalModel.fit(residuals)
    residuals = space.in_sample_errors(predict, ys, Xs)
    warnings.warn(
        "GRUForecaster: the series are too short to hold out a calibration "
        "period, so the prediction intervals use in-sample errors and are "
        "likely too narrow.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )
    return "in-sample", IntervalModel.fit(residuals)


class LazyCalibration:
    """The interval model, computed at the first interval request and then kept.

    Created empty by ``fit``, filled in place: asking for an interval does not
    rebind any attribute of the forecaster.
    """

    def __init__(self, n_cal):
        self.n_cal = n_cal
        self.kind = None
        self.model = None
        self.longer = {}

    def get(self, forecaster):
        """Calibrate through ``forecaster._calibrate(n_cal)`` once; return self."""
        if self.model is None:
            self.kind, self.model = forecaster._calibrate(self.n_cal)
        return self

    def models_for(self, forecaster, n_steps):
        """``(base, longer)``: the interval models of a request up to ``n_steps``.

        ``base`` is :meth:`get`'s model, on forecasts of ``n_cal`` steps; it gives
        every step up to ``n_cal``, whatever the request. ``longer`` is None when
        ``n_steps <= n_cal``; otherwise a model calibrated on longer forecasts
        gives the steps beyond (:func:`spliced_quantiles`), so their errors are
        measured rather than extrapolated: on airline fitted with ``fh`` 1-6
        (four origins, 72 to 108 months, seeds 0 and 1;
        ``benchmarks/bench_interval_steps.py``) the nominal 80% intervals of
        steps 13-24 covered 38% extrapolated from 12 calibrated steps and 79%
        calibrated on 24.

        Longer calibrations are made for ``n_cal`` times a power of two (the
        first that reaches ``n_steps``), each once and then kept, so a growing
        fan chart trains a few networks, not one per length. The doubling stops
        at the first calibration that measured fewer steps than it was made for:
        the series allow no longer one. The models of a request depend on the
        fit and on ``n_steps`` only, not on the requests before it.
        """
        self.get(forecaster)
        if n_steps <= self.n_cal or self.model.max_step < self.n_cal:
            return self.model, None
        cached = self.__dict__.setdefault("longer", {})  # pickled before it existed
        n_cal = self.n_cal
        while True:
            n_cal *= 2
            if n_cal not in cached:
                cached[n_cal] = forecaster._calibrate(n_cal)
            model = cached[n_cal][1]
            if n_cal >= n_steps or model.max_step < n_cal:
                return self.model, model

    def quantile_forecasts(self, forecaster, values, steps, local, alpha):
        """:func:`spliced_quantiles` of the models of a request for ``steps``."""
        base, longer = self.models_for(forecaster, _last_step(steps))
        return spliced_quantiles(base, longer, self.n_cal, values, steps, local, alpha)

    def variances(self, forecaster, steps, local):
        """:func:`spliced_variances` of the models of a request for ``steps``."""
        base, longer = self.models_for(forecaster, _last_step(steps))
        return spliced_variances(base, longer, self.n_cal, steps, local)


def _last_step(steps):
    """The largest horizon step of any series (``steps``: one int array each)."""
    return int(max(step.max() for step in steps))


def spliced_quantiles(base, longer, n_base, values, steps, local, alpha):
    """Quantile forecasts (n_rows, n_alpha, n_y): ``base`` up to step ``n_base``,
    ``longer`` beyond it, never narrower there than ``base`` at ``n_base``.

    ``values``, ``steps``, ``local`` and ``alpha`` as for
    :meth:`IntervalModel.quantile_forecasts`; ``longer`` None uses ``base``
    alone.
    """
    quantiles = base.quantile_forecasts(values, steps, local, alpha)
    beyond = np.concatenate(steps) > n_base
    if longer is None or not beyond.any():
        return quantiles
    clipped = [np.minimum(s, n_base) for s in steps]
    floor = base.quantile_forecasts(values, steps, local, alpha, scale_steps=clipped)
    extended = longer.quantile_forecasts(values, steps, local, alpha)
    lower = (np.asarray(alpha) < 0.5)[None, :, None]
    outer = np.where(lower, np.minimum(extended, floor), np.maximum(extended, floor))
    quantiles[beyond] = outer[beyond]
    return quantiles


def spliced_variances(base, longer, n_base, steps, local):
    """Forecast error variances (n_rows, n_y), spliced as :func:`spliced_quantiles`."""
    variances = base.variances(steps, local)
    beyond = np.concatenate(steps) > n_base
    if longer is None or not beyond.any():
        return variances
    floor = base.variances([np.minimum(s, n_base) for s in steps], local)
    extended = np.maximum(longer.variances(steps, local), floor)
    variances[beyond] = extended[beyond]
    return variances
