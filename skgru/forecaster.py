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
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

from skgru._forecasting import ModelSpace, temporal_split
from skgru._intervals import (
    IntervalModel,
    holdout_length,
    in_sample_errors,
    rolling_errors,
)
from skgru._random import check_seed, spawn_seeds
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
#: Fewest time points held out to calibrate the intervals (where the series allow).
MIN_CALIBRATION_STEPS = 12
#: Independent random streams of one fit (``spawn_seeds`` order).
_STREAMS = ("weights", "training", "calibration weights", "calibration training")


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


class _LazyCalibration:
    """The interval model, computed at the first interval request and then kept.

    Created empty by ``fit``, filled in place: asking for an interval does not
    rebind any attribute of the forecaster.
    """

    def __init__(self, n_cal):
        self.n_cal = n_cal
        self.kind = None
        self.model = None

    def get(self, forecaster):
        if self.model is None:
            self.kind, self.model = forecaster._calibrate(self.n_cal)
        return self


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
        "windows_per_epoch": [Interval(Integral, 1, None, closed="left"), None],
        "lr_schedule": [StrOptions({"constant", "cosine"})],
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
        windows_per_epoch=1024,
        batch_size=32,
        learning_rate=0.005,
        lr_schedule="cosine",
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
        self.windows_per_epoch = windows_per_epoch
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
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

    @property
    def calibration_(self):
        """``"out-of-sample"`` or ``"in-sample"``: the source of the interval errors."""
        return self._calibration.get(self).kind

    @property
    def interval_scale_(self):
        """Typical error per horizon step (rows) and column of ``y``."""
        model = self._calibration.get(self).model
        steps = np.arange(1, max(model.max_step, self.horizon_) + 1)
        return pd.DataFrame(
            model.step_scale(steps),
            index=pd.RangeIndex(1, len(steps) + 1, name="step"),
            columns=self._y_columns,
        )

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
        self._seeds = dict(
            zip(_STREAMS, spawn_seeds(check_seed(self.random_state), 4), strict=True)
        )
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
        self._space_ = self._space(series)
        self.trainer_, self.n_windows_, self._validation_start = self._train(
            self._space_,
            series,
            self._seeds["weights"],
            self._seeds["training"],
            verbose=self.verbose,
        )
        if not self.trainer_.converged:
            warnings.warn(
                f"GRUForecaster: max_epochs={self.max_epochs} reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=2,
            )
        # intervals are calibrated when first asked for (see _calibrate), on
        # forecasts from enough origins to estimate tails even when fh=[1]
        n_cal = max(self.horizon_, requested or 1, MIN_CALIBRATION_STEPS)
        self._calibration = _LazyCalibration(n_cal)
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
        model = self._calibration.get(self).model
        levels = model.quantile_offsets(alpha)  # (n_alpha, n_y)
        blocks = []
        for i, s in enumerate(steps):
            spread = model.step_scale(s) * local[i]  # (n_steps, n_y)
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
            # a new independent stream for each continuation
            seed = spawn_seeds(self._seeds["training"], self.trainer_.n_iter + 1)[-1]
            _, _, self._validation_start = self._train(
                self._space_, series, None, seed, trainer=self.trainer_
            )
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
            if requested is not None and horizon < requested:
                warnings.warn(
                    f"GRUForecaster: the shortest series has {shortest + d} time "
                    f"points, too few to train the horizon {requested} of fh with "
                    f"window_length={window}; the network is trained for "
                    f"horizon={horizon} steps and longer steps are forecast "
                    "recursively. Pass longer series, a lower window_length or "
                    "set horizon explicitly.",
                    UserWarning,
                    stacklevel=4,
                )
        minimum = window + horizon + d
        if shortest + d < minimum:
            raise ValueError(
                f"y has a series of {shortest + d} time points, too short for "
                f"window_length={window} and a trained horizon of {horizon}"
                + (f" with differencing={d}" if d else "")
                + f": every series needs at least {minimum} time points. Pass a "
                "longer series or lower window_length (or horizon)."
            )
        return int(window), int(horizon)

    def _space(self, series):
        """The model space (window geometry, per-series scaling) of ``series``."""
        return ModelSpace.fit(
            [s.y for s in series],
            None if self._x_columns is None else [s.X for s in series],
            detrend=bool(self.detrend),
            window_length=self.window_length_,
            horizon=self.horizon_,
            differencing=self.differencing,
            normalization=self.normalization,
        )

    @staticmethod
    def _arrays(series):
        ys = [s.y for s in series]
        xs = [s.X for s in series]
        return ys, None if xs[0] is None else xs

    def _predictor(self, trainer):
        """``predict(past, extra)`` on numpy arrays, for the numpy engines."""
        device = self.device_

        def predict(past, extra):
            inputs = (to_tensor(past, device),)
            if extra is not None:
                inputs += (to_tensor(extra, device),)
            return trainer.predict(inputs).cpu().numpy().astype(np.float64)

        return predict

    # --- training ---------------------------------------------------------------
    def _train(self, space, series, weight_seed, seed, trainer=None, verbose=0):
        """Train a fresh network on ``series`` (or continue ``trainer``).

        ``weight_seed`` draws the initial weights, ``seed`` the batch order and
        dropout. Returns the trainer, the number of windows, and (with
        ``early_stopping``) the first validation target of each series.
        """
        past, extra, target, ids, ends = space.windows(*self._arrays(series))
        device = self.device_
        n_windows, validation_data, first_target = len(target), None, None
        arrays = [past, target] if extra is None else [past, target, extra]
        if self.early_stopping:
            train, val, first_target = temporal_split(
                ids,
                ends,
                self.horizon_,
                self.validation_fraction,
                self.windows_per_epoch,
            )
            if len(train) == 0:
                raise ValueError(
                    "early_stopping with validation_fraction="
                    f"{self.validation_fraction}"
                    " leaves no training window before the validation period; "
                    "pass longer series or lower validation_fraction."
                )
            val_in = [to_tensor(a[val], device) for a in arrays]
            validation_data = (
                (val_in[0], *val_in[2:]),
                val_in[1],
                to_tensor(np.ones(len(val)), device),
            )
            past, target, *rest = [a[train] for a in arrays]
            extra = rest[0] if rest else None
        n_x = 0 if self._x_columns is None else len(self._x_columns)
        if trainer is None:
            trainer = new_trainer(
                self,
                make_generator(weight_seed, device),
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
            generator=make_generator(seed, device),
            verbose=verbose,
            validation_data=validation_data,
            samples_per_epoch=self.windows_per_epoch,
            lr_schedule=self.lr_schedule,
            **options(self, FIT_PARAMETERS),
        )
        trainer.network.eval()
        return trainer, n_windows, first_target

    # --- forecasting -------------------------------------------------------------
    def _forecast_frame(self, fh, X):
        """Forecasts of every series for steps 1..max step, with the output index.

        Also returns each series' recent volatility (the unit of the intervals).
        """
        if (X is None) != (self._x_columns is None):
            raise ValueError(self._x_mismatch_message("predict", X is None))
        xs = None if X is None else _split_series(X)
        series = [self._history[key] for key in self._keys]
        index_parts, steps, x_futures = [], [], []
        for key, s in zip(self._keys, series, strict=True):
            cutoff = self._series_cutoff(s.index)
            step = np.asarray(fh.to_relative(cutoff), dtype=int)
            if step.min() < 1:
                raise NotImplementedError(
                    "GRUForecaster can not perform in-sample prediction; fh must be "
                    "after the end of every series."
                )
            steps.append(step)
            index_parts.append((key, fh.to_absolute_index(cutoff)))
        n_steps = int(max(step.max() for step in steps))
        n_blocks = -(-n_steps // self.horizon_)
        if xs is not None:
            for i, (key, s) in enumerate(zip(self._keys, series, strict=True)):
                x_futures.append(self._future_x(i, key, s, xs, fh, n_steps, n_blocks))
        ids = np.arange(len(series))
        origins = np.array([len(s) for s in series])
        ys, Xs = self._arrays(series)
        ctx, x_ctx = self._space_.contexts(ys, Xs, origins, ids)
        x_future = np.stack(x_futures) if x_futures else None
        values = self._space_.roll_out(
            self._predictor(self.trainer_), ctx, x_ctx, x_future, origins, ids, n_steps
        )
        local = self._space_.local_scale(ctx, ids)
        if self._multiindex_names is None:
            index = index_parts[0][1]
            index.name = self._history[self._keys[0]].index.name
        else:
            tuples = [(*key, t) for key, absolute in index_parts for t in absolute]
            index = pd.MultiIndex.from_tuples(tuples, names=self._multiindex_names)
        return index, steps, values, local

    def _series_cutoff(self, time_index):
        cutoff = time_index[[-1]]
        if isinstance(cutoff, pd.DatetimeIndex):
            cutoff = pd.DatetimeIndex(cutoff, freq=self.cutoff.freq)
        return cutoff

    def _future_x(self, i, key, s, xs, fh, n_steps, n_blocks):
        """Standardized future X of one series, padded to whole horizon blocks."""
        if key not in xs:
            raise ValueError(f"X passed to predict has no rows for series {key}.")
        cutoff = self._series_cutoff(s.index)
        times = ForecastingHorizon(
            np.arange(1, n_steps + 1), is_relative=True, freq=self.cutoff
        ).to_absolute_index(cutoff)
        future = xs[key].reindex(times)[self._x_columns]
        wanted = fh.to_absolute_index(cutoff)
        missing = future.loc[wanted].isna().to_numpy().any(axis=1)
        if missing.any():
            raise ValueError(
                "X passed to predict must hold the exogenous values of every time "
                f"point of fh; series {key} misses them at "
                f"{list(wanted[missing])[:10]}."
            )
        # sktime may pass X at the fh points only: steps in between take the
        # nearest known value (the network needs every step up to the horizon).
        future = future.ffill().bfill()
        values = self._space_.standard_x(i, future.to_numpy(dtype=np.float64))
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
    def _calibrate(self, n_cal):
        """The interval model, from out-of-sample errors of a held-out refit.

        A second network is trained on every series without its last ``n_cal``
        points (its scaling fitted on the shortened series too); it then forecasts
        those points from every origin within them, and the errors (in units of
        each context's recent volatility) calibrate the intervals.
        """
        series = [self._history[key] for key in self._keys]
        if self._validation_start is not None:
            # early stopping held out the last windows in time: the final network
            # never trained on them, so its own errors there are out-of-sample
            ys, Xs = self._arrays(series)
            first = [self._validation_start.get(i, len(y)) for i, y in enumerate(ys)]
            predict = self._predictor(self.trainer_)
            residuals = rolling_errors(self._space_, predict, ys, Xs, n_cal, first)
            if residuals is not None:
                return "validation", IntervalModel.fit(residuals)
        n_cal = holdout_length(
            [len(s) for s in series],
            n_cal,
            window_length=self.window_length_,
            horizon=self.horizon_,
            differencing=self.differencing,
            n_windows=self.n_windows_,
        )
        residuals = self._holdout_residuals(series, n_cal) if n_cal >= 1 else None
        if residuals is None:
            calibration = "in-sample"
            past, extra, target, ids, _ = self._space_.windows(*self._arrays(series))
            output = self._predictor(self.trainer_)(past, extra)
            residuals = in_sample_errors(
                self._space_, past, target, output, ids, len(self._y_columns)
            )
            warnings.warn(
                "GRUForecaster: the series are too short to hold out a calibration "
                "period, so the prediction intervals use in-sample errors and are "
                "likely too narrow.",
                UserWarning,
                stacklevel=3,
            )
        else:
            calibration = "out-of-sample"
        return calibration, IntervalModel.fit(residuals)

    def _holdout_residuals(self, series, n_cal):
        window, d = self.window_length_, self.differencing
        truncated = [s.head(max(len(s) - n_cal, 0)) for s in series]
        if not any(len(t) - d >= window + self.horizon_ for t in truncated):
            return None
        # the calibration fit sees nothing of the held-out points, not even
        # through the scaling statistics (drift, scale)
        space = self._space(
            [t if len(t) else s.head(1) for t, s in zip(truncated, series, strict=True)]
        )
        trainer, _, _ = self._train(
            space,
            truncated,
            self._seeds["calibration weights"],
            self._seeds["calibration training"],
        )
        ys, Xs = self._arrays(series)
        return rolling_errors(space, self._predictor(trainer), ys, Xs, n_cal)

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
                "windows_per_epoch": 16,
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
                "windows_per_epoch": 16,
                "lr_schedule": "constant",
                "learning_rate": 0.01,
                "early_stopping": True,
                "validation_fraction": 0.25,
                "random_state": 1,
            },
        ]
