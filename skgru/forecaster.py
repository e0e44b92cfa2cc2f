"""GRUForecaster: sktime tags and windowing around the shared GRU training engine.

Data flow: ``y, X -> per-series model space (differencing, scaling) -> sliding
windows (skgru._sequences) -> tensors -> Trainer (skgru._training) -> GRUNetwork``.
Forecasts run the same path backwards: the network's direct multi-step output is
de-normalized, integrated (when differencing) and, beyond the trained horizon, fed
back as context (recursive roll-out).
"""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

from skgru._random import check_seed
from skgru._sequences import sliding_windows, weighted_standardization
from skgru._training import (
    FIT_PARAMETERS,
    TorchStatePickleMixin,
    make_generator,
    new_trainer,
    options,
    resolve_device,
    to_tensor,
)
from skgru.regressor import GRU_PARAMETER_CONSTRAINTS

__all__ = ["GRUForecaster"]

#: Longest window chosen by ``window_length=None``.
AUTO_WINDOW_MAX = 24
#: Per-series statistics set by GRUForecaster._fit_scaling.
_SCALING_ATTRIBUTES = (
    "_drift",
    "_center",
    "_scale",
    "_step_scale_y",
    "_x_mean",
    "_x_scale",
)
#: Seed offsets of the independent random streams of one fit.
_CALIBRATION_STREAM = 7_919
_TRAINING_STREAM = 1


def _as_key(key):
    return key if isinstance(key, tuple) else (key,)


def _split_series(data):
    """``{key: frame with a plain time index}``, in order of first appearance."""
    if not isinstance(data.index, pd.MultiIndex):
        return {(): data}
    levels = list(range(data.index.nlevels - 1))
    return {
        _as_key(key): frame.droplevel(levels)
        for key, frame in data.groupby(level=levels, sort=False)
    }


class _Series:
    """Raw values of one series in model order, with its time index."""

    def __init__(self, index, y, X=None):
        self.index = index
        self.y = np.asarray(y, dtype=np.float64).reshape(len(index), -1)
        self.X = None if X is None else np.asarray(X, dtype=np.float64)

    def head(self, n):
        """The first ``n`` time points."""
        return _Series(
            self.index[:n], self.y[:n], None if self.X is None else self.X[:n]
        )

    def extended(self, new):
        """This series with the time points of ``new`` added (``new`` wins ties)."""
        keep = ~self.index.isin(new.index)
        index = self.index[keep].append(new.index)
        order = np.argsort(index, kind="stable")
        y = np.concatenate([self.y[keep], new.y])[order]
        X = None if self.X is None else np.concatenate([self.X[keep], new.X])[order]
        return _Series(index[order], y, X)

    def __len__(self):
        return len(self.y)


class GRUForecaster(TorchStatePickleMixin, BaseForecaster):
    """Global GRU forecaster: windows of the past in, the whole horizon out.

    A GRU reads a window of the last ``window_length`` values of ``y`` (all
    columns, jointly) together with the exogenous ``X`` at the same time points; a
    linear head, which also sees the known future ``X`` over the horizon, outputs
    every horizon step at once (direct multi-output). Horizons beyond the trained
    one are forecast by feeding forecasts back as context (recursive roll-out).
    Panels and hierarchies are forecast by one global network trained on the
    windows of all series, each series scaled by its own statistics.

    Level and trend are handled inside: by default each window is expressed
    relative to its own mean, with the series' linear drift removed, and divided
    by the series' typical one-step change, so a network trained on one part of
    a trending series applies to the next.

    Prediction intervals come from out-of-sample errors (split conformal): a
    second network is trained on each series without its last points (at least
    the horizon) and forecasts those points from every origin within them. The
    errors, in units of the series' recent volatility, give a per-step scale
    (a power law in the step, so steps beyond the held-out period extrapolate)
    and the quantiles of the standardized absolute errors; intervals are
    symmetric about the point forecast. On short series the second network has
    less data than the final one, so the intervals lean wide. ``update`` keeps
    the calibration.

    Parameters
    ----------
    window_length : int or None, default=None
        Past time points each window sees. None chooses
        ``min(24, shortest series // 4)`` (at least 1).
    horizon : int or None, default=None
        Steps the network outputs at once (the trained horizon); longer horizons
        are forecast recursively. None takes the largest step of ``fh`` passed to
        ``fit`` (``window_length`` when no ``fh`` is passed), capped so that the
        shortest series still gives a window and the longest at least as many
        windows as steps. An int is used as given; every series then needs at
        least ``window_length + horizon + differencing`` time points.
    normalization : {"mean", "last", "standard"}, default="mean"
        How each window is scaled. ``"mean"`` subtracts the window's mean,
        ``"last"`` the window's last value, and both divide by the series'
        typical one-step change: forecasts are relative to the recent level, which
        suits trending and non-stationary series. ``"standard"`` standardizes by
        the series' mean and standard deviation (no per-window shift), which
        suits stationary series such as growth rates (use it with
        ``detrend=False``).
    detrend : bool, default=True
        Remove each series' drift (its mean one-step change over the training
        data, a linear trend) before scaling, and add it back to the forecasts,
        so the network learns departures from the trend and need not
        extrapolate it.
    differencing : int, default=0
        Take differences of this order of each series of ``y`` before windowing;
        forecasts are integrated back.
    hidden_size : int, default=32
        Hidden units of each GRU layer (per direction).
    num_layers : int, default=1
        Number of stacked GRU layers.
    bidirectional : bool, default=False
        Whether each layer also reads the window backwards.
    dropout : float, default=0.0
        Dropout probability between stacked layers and before the head.
    max_epochs : int, default=100
        Maximum number of passes over the training windows.
    batch_size : int, default=32
        Windows per gradient step (capped at the number of windows).
    learning_rate : float, default=0.005
        Step size of the optimizer.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        ``"sgd"`` uses momentum 0.9.
    weight_decay : float, default=0.0
        L2 penalty (decoupled for ``"adamw"``).
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        Training loss on the normalized horizon.
    clip_grad_norm : float or None, default=1.0
        Clip the global gradient norm to this value; None does not clip.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the windows (drawn at random), stop
        when their R^2 has not improved by ``tol`` for ``n_iter_no_change``
        epochs, and keep the best weights.
    validation_fraction : float, default=0.1
        Share of the windows held out when ``early_stopping`` is True.
    n_iter_no_change : int, default=10
        Epochs without improvement by at least ``tol`` before training stops.
    tol : float, default=1e-4
        Minimum improvement that counts, with ``MLPRegressor``'s meaning.
    device : str or torch.device, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, or a
        torch device string such as ``"cuda:1"``.
    random_state : int, RandomState instance or None, default=None
        Seeds local generators for the weight initialization, batch order,
        validation split and dropout of both networks; global RNGs are never
        touched. The same value gives identical forecasts.
    verbose : int, default=0
        Print one progress line per epoch when positive.

    Attributes
    ----------
    trainer_ : Trainer
        The fitted network (``trainer_.network``) with its optimizer state.
    device_ : torch.device
        The device the network lives on.
    window_length_ : int
        The window length used.
    horizon_ : int
        The trained horizon (steps output at once).
    n_windows_ : int
        Number of training windows over all series.
    loss_curve_ : list of float
        Training loss (normalized targets) after each epoch.
    validation_scores_ : list of float
        Validation R^2 after each epoch when ``early_stopping`` is True.
    n_iter_ : int
        Number of epochs run (including those of updates).
    calibration_ : str
        ``"out-of-sample"`` when the intervals come from a held-out calibration
        fit, ``"in-sample"`` when the series were too short for one (the
        intervals are then likely too narrow).
    interval_scale_ : pandas.DataFrame
        Typical error per horizon step (rows) and column of ``y``, in units of
        the series' recent volatility (root mean square one-step change over the
        last window), which scales the intervals.

    See Also
    --------
    GRURegressor : The same network as a scikit-learn regressor.
    sktime.forecasting.compose.make_reduction : Reduction with any regressor.

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from skgru.forecaster import GRUForecaster
    >>> y = load_airline()
    >>> forecaster = GRUForecaster(max_epochs=20, random_state=0)
    >>> forecaster = forecaster.fit(y, fh=[1, 2, 3])
    >>> forecaster.predict().shape
    (3,)
    >>> forecaster.predict_interval(coverage=0.9).shape
    (3, 2)
    """

    _tags = {
        "authors": ["skgru developers"],
        "maintainers": ["skgru developers"],
        "python_dependencies": "torch",
        "object_type": "forecaster",
        "y_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "X_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "capability:multivariate": True,
        "capability:exogenous": True,
        "capability:insample": False,
        "capability:pred_int": True,
        "capability:pred_int:insample": False,
        "capability:missing_values": False,
        "capability:non_contiguous_X": False,
        "capability:categorical_in_X": False,
        "capability:unequal_length": True,
        "capability:update": True,
        "capability:random_state": True,
        "property:randomness": "derandomized",
        "requires-fh-in-fit": False,
        "X-y-must-have-same-index": True,
        "enforce_index_type": None,
        "fit_is_empty": False,
    }
    # The forecaster keeps the context it needs itself (see _history).
    _config = {"remember_data": False}

    _parameter_constraints: dict = {
        **{
            name: constraint
            for name, constraint in GRU_PARAMETER_CONSTRAINTS.items()
            if name != "warm_start"
        },
        "window_length": [Interval(Integral, 1, None, closed="left"), None],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "normalization": [StrOptions({"last", "mean", "standard"})],
        "detrend": ["boolean"],
        "differencing": [Interval(Integral, 0, 2, closed="both")],
    }

    def __init__(
        self,
        window_length=None,
        horizon=None,
        normalization="mean",
        detrend=True,
        differencing=0,
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        max_epochs=100,
        batch_size=32,
        learning_rate=0.005,
        optimizer="adam",
        weight_decay=0.0,
        loss="squared_error",
        clip_grad_norm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.window_length = window_length
        self.horizon = horizon
        self.normalization = normalization
        self.detrend = detrend
        self.differencing = differencing
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.loss = loss
        self.clip_grad_norm = clip_grad_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        super().__init__()
        # BaseForecaster only creates these when remember_data is on at
        # construction; set_config can switch it on later.
        self._y = getattr(self, "_y", None)
        self._X = getattr(self, "_X", None)

    # --- fitted-state views kept in sync with the trainer -------------------------
    @property
    def loss_curve_(self):
        """Training loss after each epoch."""
        return self.trainer_.loss_curve

    @property
    def validation_scores_(self):
        """Validation R^2 after each epoch (``early_stopping`` only)."""
        return self.trainer_.validation_scores

    @property
    def n_iter_(self):
        """Number of epochs run."""
        return self.trainer_.n_iter

    # --- sktime API -----------------------------------------------------------------
    def _fit(self, y, X, fh):
        """Fit the network to training data.

        Parameters
        ----------
        y : pandas.DataFrame
            Target series; a row MultiIndex holds a panel or hierarchy.
        X : pandas.DataFrame or None
            Exogenous series with the same index as ``y``.
        fh : ForecastingHorizon or None
            Horizon the forecaster will be asked for; sets the trained horizon
            when ``horizon`` is None.

        Returns
        -------
        self : GRUForecaster
        """
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        self._seed = check_seed(self.random_state)
        self.device_ = resolve_device(self.device)
        self._y_columns = y.columns
        self._x_columns = None if X is None else X.columns
        self._multiindex_names = (
            list(y.index.names) if isinstance(y.index, pd.MultiIndex) else None
        )
        self._history = self._join(_split_series(y), X)
        series = list(self._history.values())
        self._keys = list(self._history)
        lengths = np.array([len(s) for s in series])
        d = self.differencing
        requested = None
        if fh is not None:
            requested = int(np.max(fh.to_relative(self.cutoff)))
        self.window_length_, self.horizon_ = self._sizes(lengths - d, requested)
        self._fit_scaling(series)

        self.trainer_, self.n_windows_ = self._train(
            series, self._seed, verbose=self.verbose
        )
        if not self.trainer_.converged:
            warnings.warn(
                f"GRUForecaster: max_epochs={self.max_epochs} reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._calibrate(series, max(self.horizon_, requested or 1))
        return self

    def _predict(self, fh, X):
        """Forecast the time points of ``fh``.

        Parameters
        ----------
        fh : ForecastingHorizon
            Out-of-sample time points, relative to each series' own last time.
        X : pandas.DataFrame or None
            Exogenous values covering every step from the cutoff to the end of
            ``fh`` (needed exactly when ``X`` was passed to ``fit``).

        Returns
        -------
        y_pred : pandas.DataFrame
            Point forecasts, in the index layout of ``y``.
        """
        index, steps, values, _ = self._forecast_frame(fh, X)
        flat = np.concatenate([values[i, s - 1] for i, s in enumerate(steps)], axis=0)
        return pd.DataFrame(flat, index=index, columns=self._y_columns)

    def _predict_quantiles(self, fh, X, alpha):
        """Quantile forecasts from the calibrated out-of-sample errors.

        Parameters
        ----------
        fh : ForecastingHorizon
            Out-of-sample time points.
        X : pandas.DataFrame or None
            Exogenous values, as for :meth:`predict`.
        alpha : list of float
            Quantile levels in (0, 1).

        Returns
        -------
        quantiles : pandas.DataFrame
            Columns ``(variable, alpha)``; rows as for :meth:`predict`.
        """
        index, steps, values, local = self._forecast_frame(fh, X)
        n_y = len(self._y_columns)
        levels = self._standard_quantiles(alpha)  # (n_alpha, n_y)
        blocks = []
        for i, s in enumerate(steps):
            spread = self._step_scale(s) * local[i]  # (n_steps, n_y)
            point = values[i, s - 1]
            blocks.append(point[:, None, :] + spread[:, None, :] * levels[None])
        stacked = np.concatenate(blocks, axis=0)  # (rows, n_alpha, n_y)
        columns = pd.MultiIndex.from_product([self._y_columns, list(alpha)])
        flat = stacked.transpose(0, 2, 1).reshape(len(index), n_y * len(alpha))
        return pd.DataFrame(flat, index=index, columns=columns)

    def _update(self, y, X=None, update_params=True):
        """Extend the context with new data; optionally continue training.

        Parameters
        ----------
        y : pandas.DataFrame
            New observations of the fitted series.
        X : pandas.DataFrame or None
            Exogenous values at the new time points.
        update_params : bool, default=True
            When True, training continues from the current weights on all data
            seen so far, for up to ``max_epochs`` epochs; scaling statistics and
            interval calibration stay as fitted. When False, only the context
            used for forecasting grows.

        Returns
        -------
        self : GRUForecaster
        """
        if (X is None) != (self._x_columns is None):
            raise ValueError(self._x_mismatch_message("update", X is None))
        new = self._join(_split_series(y), X)
        unknown = [key for key in new if key not in self._history]
        if unknown:
            raise ValueError(
                f"update got series {unknown[:3]} that were not seen in fit; the "
                "forecaster knows only the series it was fitted on."
            )
        for key, part in new.items():
            self._history[key] = self._history[key].extended(part)
        if update_params:
            series = list(self._history.values())
            generator_seed = self._seed + _TRAINING_STREAM + self.trainer_.n_iter
            self._train(series, generator_seed, trainer=self.trainer_)
        return self

    # --- data handling -----------------------------------------------------------
    def _join(self, ys, X):
        """Pair each series of ``y`` with its rows of ``X``."""
        xs = None if X is None else _split_series(X)
        joined = {}
        for key, frame in ys.items():
            x_frame = None
            if xs is not None:
                if key not in xs:
                    raise ValueError(f"X has no rows for the series {key} of y.")
                x_frame = xs[key].reindex(frame.index)
                if x_frame.isna().to_numpy().any():
                    raise ValueError(
                        "X must have a value at every time point of y; series "
                        f"{key} has missing or NaN values in X."
                    )
            joined[key] = _Series(frame.index, frame, x_frame)
        return joined

    def _sizes(self, model_lengths, requested):
        """Window length and trained horizon for series of these lengths."""
        shortest, longest = int(model_lengths.min()), int(model_lengths.max())
        d = self.differencing
        window = self.window_length
        if window is None:
            window = max(1, min(AUTO_WINDOW_MAX, shortest // 4))
            if self.horizon is not None:
                window = max(1, min(window, shortest - self.horizon))
        horizon = self.horizon
        if horizon is None:
            horizon = requested if requested is not None else window
            cap = max(1, min(shortest - window, (longest - window) // 2))
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
        return window, horizon

    def _model_space(self, values):
        """Differenced values (rows: time) of one series."""
        d = self.differencing
        return np.diff(values, n=d, axis=0) if d else values

    def _fit_scaling(self, series):
        """Per-series statistics of y (model space) and X, from the training data."""
        drifts, centers, scales, x_means, x_scales = [], [], [], [], []
        step_scales = []
        for s in series:
            z = self._model_space(s.y)
            steps = np.diff(z, axis=0)
            drift = steps.mean(axis=0) if self.detrend and len(steps) else 0.0 * z[0]
            detrended = z - drift * np.arange(len(z))[:, None]
            center, std = weighted_standardization(detrended)
            step_scale = std
            if len(steps):
                step_scale = np.sqrt(np.mean((steps - drift) ** 2, axis=0))
                tiny = step_scale <= 1e-12 * np.maximum(1, abs(center))
                step_scale = np.where(tiny, std, step_scale)
            scale = std if self.normalization == "standard" else step_scale
            step_scales.append(step_scale)
            drifts.append(drift)
            centers.append(center)
            scales.append(scale)
            if s.X is not None:
                mean, x_scale = weighted_standardization(s.X)
                x_means.append(mean)
                x_scales.append(x_scale)
        self._drift = np.array(drifts)
        self._center = np.array(centers)
        self._scale = np.array(scales)
        self._step_scale_y = np.array(step_scales)
        self._x_mean = np.array(x_means) if x_means else None
        self._x_scale = np.array(x_scales) if x_scales else None

    def _standard_x(self, i, values):
        return (values - self._x_mean[i]) / self._x_scale[i]

    def _local_scale(self, contexts, ids):
        """Recent volatility (n, n_y): RMS detrended one-step change of each context.

        Forecast errors are measured in this unit, so intervals widen where the
        series has become more volatile (for example a seasonal swing that grows
        with the level); it is floored at a tenth of the series' overall value.
        """
        d = self.differencing
        z = np.diff(contexts, n=d, axis=1) if d else contexts
        overall = self._step_scale_y[ids]
        if z.shape[1] < 2:
            return overall
        steps = np.diff(z, axis=1) - self._drift[ids][:, None, :]
        return np.maximum(np.sqrt(np.mean(steps**2, axis=1)), 0.1 * overall)

    def _normalize(self, z, times, ids):
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
        normalized : ndarray of shape (n, window_length, n_y)
        offset : ndarray of shape (n, 1, n_y)
            Shift of the detrended values; see :meth:`_denormalize`.
        """
        detrended = z - self._drift[ids][:, None, :] * times[:, :, None]
        if self.normalization == "last":
            offset = detrended[:, -1:, :]
        elif self.normalization == "mean":
            offset = detrended.mean(axis=1, keepdims=True)
        else:
            offset = self._center[ids][:, None, :]
        return (detrended - offset) / self._scale[ids][:, None, :], offset

    def _denormalize(self, normalized, times, offset, ids):
        """Model-space values from normalized ones (inverse of :meth:`_normalize`)."""
        detrended = normalized * self._scale[ids][:, None, :] + offset
        return detrended + self._drift[ids][:, None, :] * times[:, :, None]

    def _windows(self, series):
        """Stacked network inputs and targets of all windows of ``series``."""
        window, horizon = self.window_length_, self.horizon_
        d = self.differencing
        pasts, extras, targets = [], [], []
        for i, s in enumerate(series):
            z = self._model_space(s.y)
            if len(z) < window + horizon:
                continue
            past, future = sliding_windows(z, window, horizon)
            n = len(past)
            ids = np.full(n, i)
            times = np.arange(n)[:, None] + np.arange(window + horizon)[None, :]
            past_in, offset = self._normalize(past, times[:, :window], ids)
            detrended = future - self._drift[i] * times[:, window:, None]
            target = (detrended - offset) / self._scale[i]
            targets.append(target.reshape(n, -1))
            if s.X is not None:
                x = self._standard_x(i, s.X[d:])
                x_past, x_future = sliding_windows(x, window, horizon)
                past_in = np.concatenate([past_in, x_past], axis=2)
                extras.append(x_future.reshape(n, -1))
            pasts.append(past_in)
        past = np.concatenate(pasts)
        extra = np.concatenate(extras) if extras else None
        return past, extra, np.concatenate(targets)

    # --- training ---------------------------------------------------------------
    def _train(self, series, seed, trainer=None, verbose=0):
        """Train a fresh network on ``series`` (or continue ``trainer``)."""
        past, extra, target = self._windows(series)
        device = self.device_
        n_x = 0 if self._x_columns is None else len(self._x_columns)
        if trainer is None:
            trainer = new_trainer(
                self,
                make_generator(seed, device),
                device,
                n_features=past.shape[2],
                n_outputs=target.shape[1],
                n_extra=self.horizon_ * n_x,
            )
        inputs = (to_tensor(past, device),)
        if extra is not None:
            inputs += (to_tensor(extra, device),)
        trainer.fit(
            inputs,
            to_tensor(target, device),
            to_tensor(np.ones(len(target)), device),
            epochs=self.max_epochs,
            generator=make_generator(seed + _TRAINING_STREAM, device),
            verbose=verbose,
            **options(self, FIT_PARAMETERS),
        )
        trainer.network.eval()
        return trainer, len(target)

    # --- forecasting -------------------------------------------------------------
    def _roll_out(
        self, trainer, contexts, x_contexts, x_futures, origins, ids, n_steps
    ):
        """Forecast ``n_steps`` values after each context (vectorized over rows).

        Parameters
        ----------
        trainer : Trainer
            The network to run.
        contexts : ndarray of shape (n, window_length + differencing, n_y)
            Raw values of y before each forecast origin.
        x_contexts : ndarray of shape (n, window_length, n_x) or None
            Standardized X over the window.
        x_futures : ndarray of shape (n, n_blocks * horizon_, n_x) or None
            Standardized X from each origin on, ``n_blocks * horizon_ >= n_steps``.
        origins : ndarray of shape (n,)
            Number of time points of its series before each origin.
        ids : ndarray of shape (n,)
            The series (row of the scaling statistics) of each context.
        n_steps : int
            Steps to forecast.

        Returns
        -------
        forecasts : ndarray of shape (n, n_steps, n_y)
        """
        window, horizon, d = self.window_length_, self.horizon_, self.differencing
        n, _, n_y = contexts.shape
        device = self.device_
        levels, x_context = contexts, x_contexts
        # model-space position of the last context point
        last = np.asarray(origins) - 1 - d
        done, produced = [], 0
        while produced < n_steps:
            z = np.diff(levels, n=d, axis=1) if d else levels
            past_times = last[:, None] + np.arange(1 - window, 1)[None, :]
            past, offset = self._normalize(z, past_times, ids)
            if x_context is not None:
                future_x = x_futures[:, produced : produced + horizon]
                inputs = (
                    to_tensor(np.concatenate([past, x_context], axis=2), device),
                    to_tensor(future_x.reshape(n, -1), device),
                )
            else:
                inputs = (to_tensor(past, device),)
            out = trainer.predict(inputs).cpu().numpy().astype(np.float64)
            future_times = last[:, None] + np.arange(1, horizon + 1)[None, :]
            z_future = self._denormalize(
                out.reshape(n, horizon, n_y), future_times, offset, ids
            )
            future = self._integrate(levels, z_future)
            done.append(future)
            produced += horizon
            last = last + horizon
            levels = np.concatenate([levels, future], axis=1)[:, -(window + d) :]
            if x_context is not None:
                x_context = np.concatenate([x_context, future_x], axis=1)[:, -window:]
        return np.concatenate(done, axis=1)[:, :n_steps]

    def _integrate(self, levels, z_future):
        """Undo ``differencing`` given the raw values before the forecast."""
        d = self.differencing
        for order in range(d - 1, -1, -1):
            last = np.diff(levels, n=order, axis=1)[:, -1:] if order else levels[:, -1:]
            z_future = last + np.cumsum(z_future, axis=1)
        return z_future

    def _contexts(self, series, origins, ids):
        """Network contexts of ``series[k]`` (series number ``ids[k]``) at
        ``origins[k]`` (number of time points seen)."""
        window, d = self.window_length_, self.differencing
        ctx = np.stack(
            [s.y[o - window - d : o] for s, o in zip(series, origins, strict=True)]
        )
        if self._x_columns is None:
            return ctx, None
        x_ctx = np.stack(
            [
                self._standard_x(i, s.X[o - window : o])
                for i, s, o in zip(ids, series, origins, strict=True)
            ]
        )
        return ctx, x_ctx

    def _forecast_frame(self, fh, X):
        """Forecasts of every series for steps 1..max step, with the output index.

        Also returns each series' recent volatility (see :meth:`_local_scale`).
        """
        if (X is None) != (self._x_columns is None):
            raise ValueError(self._x_mismatch_message("predict", X is None))
        xs = None if X is None else _split_series(X)
        series = [self._history[key] for key in self._keys]
        index_parts, steps, x_futures = [], [], []
        for key, s in zip(self._keys, series, strict=True):
            cutoff = self._series_cutoff(s.index)
            relative = fh.to_relative(cutoff)
            step = np.asarray(relative, dtype=int)
            if step.min() < 1:
                raise NotImplementedError(
                    "GRUForecaster can not perform in-sample prediction; fh must be "
                    "after the end of every series."
                )
            steps.append(step)
            absolute = fh.to_absolute_index(cutoff)
            index_parts.append((key, absolute))
        n_steps = int(max(step.max() for step in steps))
        n_blocks = -(-n_steps // self.horizon_)
        if xs is not None:
            for i, (key, s) in enumerate(zip(self._keys, series, strict=True)):
                x_futures.append(self._future_x(i, key, s, xs, n_steps, n_blocks))
        ids = np.arange(len(series))
        origins = np.array([len(s) for s in series])
        ctx, x_ctx = self._contexts(series, origins, ids)
        x_future = np.stack(x_futures) if x_futures else None
        values = self._roll_out(
            self.trainer_, ctx, x_ctx, x_future, origins, ids, n_steps
        )
        local = self._local_scale(ctx, ids)
        if self._multiindex_names is None:
            index = index_parts[0][1]
            index.name = self._time_name
        else:
            tuples = [(*key, t) for key, absolute in index_parts for t in absolute]
            index = pd.MultiIndex.from_tuples(tuples, names=self._multiindex_names)
        return index, steps, values, local

    @property
    def _time_name(self):
        first = self._history[self._keys[0]]
        return first.index.name

    def _series_cutoff(self, time_index):
        cutoff = time_index[[-1]]
        if isinstance(cutoff, pd.DatetimeIndex):
            cutoff = pd.DatetimeIndex(cutoff, freq=self.cutoff.freq)
        return cutoff

    def _future_x(self, i, key, s, xs, n_steps, n_blocks):
        """Standardized future X of one series, padded to whole horizon blocks."""
        if key not in xs:
            raise ValueError(f"X passed to predict has no rows for series {key}.")
        cutoff = self._series_cutoff(s.index)
        times = ForecastingHorizon(
            np.arange(1, n_steps + 1), is_relative=True, freq=self.cutoff
        ).to_absolute_index(cutoff)
        future = xs[key].reindex(times)[self._x_columns]
        if future.isna().to_numpy().all(axis=0).any():
            raise ValueError(
                "X passed to predict must hold the exogenous values of the time "
                f"points from the cutoff to the end of fh ({n_steps} steps); series "
                f"{key} has none of {list(times)} for some column."
            )
        # sktime may pass X at the fh points only: steps in between take the
        # nearest known value (the network needs every step up to the horizon).
        future = future.ffill().bfill()
        values = self._standard_x(i, future.to_numpy(dtype=np.float64))
        padded = n_blocks * self.horizon_
        if padded > n_steps:  # unknown X beyond fh: carry the last value forward
            values = np.concatenate(
                [values, np.repeat(values[-1:], padded - n_steps, axis=0)]
            )
        return values

    def _x_mismatch_message(self, method, x_missing):
        if x_missing:
            return (
                f"X was passed to fit, so {method} needs X as well: the network "
                "uses the exogenous values over the forecast horizon."
            )
        return (
            f"X was passed to {method} but not to fit; refit with X to use "
            "exogenous data."
        )

    # --- intervals -----------------------------------------------------------------
    def _calibrate(self, series, n_cal):
        """Out-of-sample residuals per horizon step, from a held-out refit.

        A second network is trained on every series without its last ``n_cal``
        points; it then forecasts those points from every origin within them,
        and the errors (in units of each series' scale) calibrate the intervals.
        """
        window, d = self.window_length_, self.differencing
        horizon = self.horizon_
        lengths = np.array([len(s) for s in series])
        # shrink the held-out part until the calibration fit keeps enough windows
        main_windows = self.n_windows_
        n_cal = int(min(n_cal, lengths.max() - window - d - 1))
        residuals = None
        while n_cal >= 1:
            kept = np.maximum(lengths - n_cal - d - window - horizon + 1, 0).sum()
            if kept >= max(2, main_windows // 3):
                break
            n_cal -= 1
        if n_cal >= 1:
            residuals = self._holdout_residuals(series, n_cal)
        if residuals is None:
            self.calibration_ = "in-sample"
            residuals = self._in_sample_residuals(series)
            warnings.warn(
                "GRUForecaster: the series are too short to hold out a calibration "
                "period, so the prediction intervals use in-sample errors and are "
                "likely too narrow.",
                UserWarning,
                stacklevel=3,
            )
        else:
            self.calibration_ = "out-of-sample"
        self._fit_interval_model(residuals)

    def _holdout_residuals(self, series, n_cal):
        window, d = self.window_length_, self.differencing
        truncated = [s.head(max(len(s) - n_cal, 0)) for s in series]
        trainable = [t for t in truncated if len(t) - d >= window + self.horizon_]
        if not trainable:
            return None
        # the calibration fit sees nothing of the held-out points, not even
        # through the scaling statistics (drift, scale): swap them meanwhile
        fitted = {name: getattr(self, name) for name in _SCALING_ATTRIBUTES}
        try:
            self._fit_scaling(
                [
                    t if len(t) else s.head(1)
                    for t, s in zip(truncated, series, strict=True)
                ]
            )
            return self._rolling_errors(series, truncated, n_cal)
        finally:
            for name, value in fitted.items():
                setattr(self, name, value)

    def _rolling_errors(self, series, truncated, n_cal):
        """Errors of a network fitted on ``truncated``, from every held-out origin."""
        window, d = self.window_length_, self.differencing
        trainer, _ = self._train(truncated, self._seed + _CALIBRATION_STREAM)
        rows, origins, ids = [], [], []
        for i, s in enumerate(series):
            start = max(len(s) - n_cal, window + d)
            for o in range(start, len(s)):
                rows.append(s)
                origins.append(o)
                ids.append(i)
        if not rows:
            return None
        ids = np.array(ids)
        ctx, x_ctx = self._contexts(rows, origins, ids)
        n_blocks = -(-n_cal // self.horizon_)
        x_future = None
        if x_ctx is not None:
            padded = n_blocks * self.horizon_
            blocks = []
            for i, s, o in zip(ids, rows, origins, strict=True):
                x = self._standard_x(i, s.X[o : o + padded])
                pad = padded - len(x)
                blocks.append(np.concatenate([x, np.repeat(x[-1:], pad, axis=0)]))
            x_future = np.stack(blocks)
        forecast = self._roll_out(
            trainer, ctx, x_ctx, x_future, np.array(origins), ids, n_cal
        )
        local = self._local_scale(ctx, ids)
        residuals = {}
        for k, (s, o) in enumerate(zip(rows, origins, strict=True)):
            actual = s.y[o : o + n_cal]
            err = (actual - forecast[k, : len(actual)]) / local[k]
            for h in range(len(actual)):
                residuals.setdefault(h + 1, []).append(err[h])
        return residuals

    def _in_sample_residuals(self, series):
        past, extra, target = self._windows(series)
        inputs = (to_tensor(past, self.device_),)
        if extra is not None:
            inputs += (to_tensor(extra, self.device_),)
        out = self.trainer_.predict(inputs).cpu().numpy().astype(np.float64)
        n_y = len(self._y_columns)
        err = (target - out).reshape(len(target), self.horizon_, n_y)
        # to units of each window's local scale (see _local_scale)
        span = self.differencing + self.window_length_ + self.horizon_ - 1
        counts = [max(len(s) - span, 0) for s in series]
        ids = np.repeat(np.arange(len(series)), counts)
        normalized = past[:, :, :n_y]
        if normalized.shape[1] > 1:
            ratio = np.sqrt(np.mean(np.diff(normalized, axis=1) ** 2, axis=1))
        else:
            ratio = np.ones((len(past), n_y))
        local = np.maximum(ratio * self._scale[ids], 0.1 * self._step_scale_y[ids])
        err = err * (self._scale[ids] / local)[:, None, :]
        return {h + 1: list(err[:, h]) for h in range(self.horizon_)}

    def _fit_interval_model(self, residuals):
        """Per-step error scale ``a * h**b`` and standardized error quantiles."""
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
        self._interval_intercept = intercept
        self._interval_exponent = exponent
        standardized = np.concatenate(
            [
                e / self._step_scale(np.array([h]))[0]
                for h, e in zip(steps, errs, strict=True)
            ]
        )
        self._standardized_errors = standardized
        self.interval_scale_ = pd.DataFrame(
            self._step_scale(np.arange(1, max(steps.max(), self.horizon_) + 1)),
            index=pd.RangeIndex(1, max(steps.max(), self.horizon_) + 1, name="step"),
            columns=self._y_columns,
        )

    def _step_scale(self, steps):
        """Error scale (n_steps, n_y) at the given horizon steps."""
        log_h = np.log(np.asarray(steps, dtype=float))[:, None]
        return np.exp(self._interval_intercept + self._interval_exponent * log_h)

    def _standard_quantiles(self, alpha):
        """Offsets (n_alpha, n_y) of the quantiles, in standardized error units.

        Intervals are symmetric about the point forecast: the offset of level
        ``alpha`` is the split-conformal quantile, at level ``|2 alpha - 1|``, of
        the absolute standardized errors after removing their median, signed.
        The median is the calibration network's bias, which the final network
        (fitted on all the data, including the held-out period) does not share.
        """
        centered = self._standardized_errors - np.median(
            self._standardized_errors, axis=0
        )
        errors = np.abs(centered)
        n = len(errors)
        alpha = np.asarray(alpha, dtype=float)
        sign = np.sign(alpha - 0.5)[:, None]
        if n < 20:  # too few errors for empirical tails: normal with their RMS
            rms = np.sqrt(np.mean(errors**2, axis=0))
            return norm.ppf(alpha)[:, None] * rms
        level = np.clip(np.abs(2 * alpha - 1) * (n + 1) / n, 0, 1)
        return sign * np.quantile(errors, level, axis=0)

    # --- test configurations ---------------------------------------------------------
    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return testing parameter settings for the estimator.

        Parameters
        ----------
        parameter_set : str, default="default"
            Name of the set of test parameters to return; only ``"default"``.

        Returns
        -------
        params : list of dict
            Tiny, fast configurations: each trains in milliseconds.
        """
        return [
            {
                "window_length": 3,
                "hidden_size": 4,
                "max_epochs": 2,
                "batch_size": 16,
                "random_state": 0,
            },
            {
                "window_length": 2,
                "horizon": 2,
                "normalization": "standard",
                "differencing": 1,
                "hidden_size": 4,
                "max_epochs": 3,
                "learning_rate": 0.01,
                "early_stopping": True,
                "validation_fraction": 0.25,
                "random_state": 1,
            },
        ]
