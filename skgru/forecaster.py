"""GRUForecaster: the sktime contract around the numpy engines and the training loop.

Data flow: ``y, X -> skgru._panel (per-series arrays) -> skgru._forecasting
(model space, windows) -> skgru._training (tensors, Trainer) -> GRUNetwork``.
Forecasts run back through ``ModelSpace.roll_out`` (de-normalize, integrate, feed
back beyond the trained horizon); intervals come from ``skgru._intervals``, fed by
out-of-sample errors, computed at the first interval request.
"""

import copy
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sktime.forecasting.base import BaseForecaster

from skgru._forecasting import (
    NORMALIZATIONS,
    default_search_space,
    resolve_windows_per_epoch,
    temporal_split,
    window_and_horizon,
)
from skgru._gru_base import GRU_PARAMETER_CONSTRAINTS, GRUBase
from skgru._intervals import LazyCalibration, calibrate
from skgru._panel import (
    check_times,
    checked_x,
    extend_history,
    forecast_index,
    future_exog,
    gap_counts,
    join_series,
    seasonal_period,
    series_arrays,
    series_cutoff,
    series_steps,
    split_series,
)
from skgru._random import check_seed, spawn_seeds
from skgru._training import (
    fit_arrays,
    make_generator,
    numpy_predictor,
)
from skgru._window_mean import WindowMean, member_windows

__all__ = ["GRUForecaster"]

#: Fewest time points held out to calibrate the intervals (where the series allow).
MIN_CALIBRATION_STEPS = 12
#: ``update(update_params=True)`` trains for
#: ``max(1, max_epochs // UPDATE_EPOCHS_DIVISOR)`` epochs: on 8 seasonal series
#: (``benchmarks/bench_update.py --seeds 0 1``) a tenth gave a refit's accuracy
#: (geometric mean MASE 1.011 times a refit's) in a tenth of its time; continuing
#: for all ``max_epochs`` scored 1.112 times, at a refit's cost.
UPDATE_EPOCHS_DIVISOR = 10
#: Independent random streams of one fit (``spawn_seeds`` order).
_STREAMS = ("weights", "training", "calibration weights", "calibration training")
_POSITIVE = Interval(Integral, 1, None, closed="left")


_LAZY_ATTRIBUTES = ("calibration_", "interval_scale_")  # reading one calibrates


class GRUForecaster(GRUBase, BaseForecaster):
    """Global GRU forecaster: windows of the past in, the whole horizon out.

    A GRU reads a window of the last ``window_length`` values of ``y`` (all
    columns, jointly) together with the exogenous ``X`` at the same time points; a
    linear head, which also sees the future ``X`` (and a small network adds each
    step's nonlinear response to its own ``X``), outputs every horizon step at
    once. Longer horizons are rolled out recursively.
    Panels and hierarchies are forecast by one global network trained on the
    windows of all series, each series scaled by its own statistics.

    Level, trend and scale are handled inside (``normalization``, ``detrend``),
    so a network trained on one part of a trending series applies to the next.

    Prediction intervals are split conformal, calibrated at the first interval
    request on out-of-sample errors (:mod:`skgru._intervals`, the user guide)
    of forecasts up to ``max(horizon_, fh of fit, 12)`` steps; the steps of a
    request beyond those are calibrated on longer forecasts (once, then kept).

    Parameters
    ----------
    window_length : int or None, default=None
        Past time points each window sees. None chooses
        ``min(48, shortest series // 4)`` (at least 1): four seasons of monthly
        data where the series is long enough; raised toward a longer trained
        horizon ``h``, up to ``min(h, 48, shortest - 2 * h)``, so a window sees
        as far back as the network forecasts ahead where the series allows.
    window_fractions : sequence of float in (0, 1], default=(1.0, 0.5)
        One network is trained per entry, on windows of
        ``round(window_length_ * fraction)`` time points (at least 2, or 1 for
        a window of 1; fractions that give the same length train one network),
        and the forecast is the mean of theirs; ``max_epochs`` is split evenly between
        them (rounded up), so the default's two networks, the second on the
        last half of each window, cost about what one did. A long window sees
        more of the pattern, a short one follows recent changes and trains on
        more windows of a short series, as N-BEATS ensembles over lookback
        lengths (Oreshkin et al., 2020, Section 3.4). It took the geometric
        mean of MASE relative to AutoETS from 0.963 to 0.883 on the benchmark
        basket and from 1.226 to 1.166 on 16 other series, in 0.78 times the
        fit time (``benchmarks/bench_forecast.py``; user guide). ``(1.0,)``:
        one network, the previous model.
    horizon : int or None, default=None
        Steps the network outputs at once (the trained horizon); longer horizons
        are forecast recursively. None takes the largest step of ``fh`` passed to
        ``fit`` (``window_length`` when no ``fh`` is passed), capped so that the
        shortest series still gives a window and the longest at least as many
        windows as steps. An int is used as given; every series then needs at
        least ``window_length + horizon + differencing`` time points.
    normalization : {"local", "instance", "local+instance", "mean", "last", \
"standard"}, default="local"
        How each window is scaled. All but ``"standard"`` take forecasts
        relative to the window's mean (its last value for ``"last"``, and for a
        nonseasonal series, see ``sp``) and divide
        by a typical one-step change: the series' (``"mean"``, ``"last"``), the
        window's own (``"instance"``, after RevIN, Kim et al., ICLR 2022: swings
        that grow with the level keep their shape) or the geometric mean of the
        two (``"local"``). ``"local+instance"`` splits the ensemble: even
        members see ``"local"`` windows, odd ones ``"instance"`` windows, and
        the forecast is the mean of the two halves' (at the same cost; a single
        member, ``ensemble_size=1``, is ``"local"``). ``"standard"``
        standardizes by the series' mean and standard deviation, for stationary
        series (with ``detrend=False``). See the user guide.
    sp : int or None, default=None
        Seasonal periodicity of ``y`` (sktime's name: 12 for monthly data with a
        yearly season, 1 for none). It sets what forecasts are relative to: the
        windows of a nonseasonal series (``sp=1``, with ``differencing=0``) are
        taken relative to their last value, where the series' level is, and
        those of a seasonal series (any ``sp > 1``) relative to their mean, as
        one point of a season is no level; ``"standard"`` and ``"last"``
        normalizations keep their own. None reads it off the frequency of the
        time index (of the first series of a panel that has one): yearly 1,
        quarterly 4, monthly 12, weekly 52, daily 7, business-daily 5, hourly
        24; an index without such a frequency (an integer index, ``"2D"``,
        minutes) counts as seasonal. A monthly series without a season gets 12
        from its index: pass ``sp=1``. The last-value anchor took lynx's MASE
        from 1.000 to 0.520 and the geometric mean of MASE relative to AutoETS
        from 0.883 to 0.838 on the benchmark basket, from 1.166 to 1.148 on 16
        fresh series and from 1.298 to 1.119 on 32 short ones
        (``benchmarks/bench_forecast.py``, each case's ``sp`` passed; user guide,
        "Level, trend and scale").
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
    ensemble_size : int, default=3
        Independent networks trained side by side as one module (three cost
        about 1.8 times one default fit on a CPU,
        ``benchmarks/bench_ensemble_cost.py``) and averaged, as N-BEATS' seed
        ensembles (Oreshkin et al., 2020).
    max_epochs : int, default=100
        Number of epochs, split evenly between the networks of
        ``window_fractions`` (50 each by default); with the cosine schedule the
        learning rate decays to zero over each network's epochs.
    windows_per_epoch : "auto", int or None, default="auto"
        Windows drawn per epoch, so the cost of a fit does not grow with the
        series. "auto": an eighth of the training windows within [256, 512] (8-16
        steps of ``batch_size=32``). None: one pass over all windows.
    batch_size : int, default=32
        Windows per gradient step (capped at the number of windows).
    learning_rate : float, default=0.005
        Step size of the optimizer (its peak with the cosine schedule).
    lr_schedule : {"cosine", "constant"}, default="cosine"
        ``"cosine"`` anneals the learning rate to zero over ``max_epochs`` (one
        step per batch; over the shorter training of an ``update``); a fit that
        runs its schedule to the end with a settled
        training loss counts as converged. ``"constant"`` keeps it fixed.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        ``"sgd"`` uses momentum 0.9.
    weight_decay : float, default=0.0
        L2 penalty (decoupled for ``"adamw"``).
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        Training loss on the normalized horizon.
    clip_grad_norm : float or None, default=1.0
        Clip the gradient norm of each ensemble member (of the network when
        ``ensemble_size=1``) to this value; None does not clip.
    early_stopping : bool, default=False
        Validate on the last windows of each series in time (no training window
        reaches into that period), stop by ``n_iter_no_change`` and ``tol`` on
        their R^2, keep the best weights; intervals then need no second fit.
    validation_fraction : float, default=0.1
        Share of the windows held out when ``early_stopping`` is True.
    n_iter_no_change : int, default=10
        Stop once more than this many epochs in a row did not improve by ``tol``
        (the validation R^2 with ``early_stopping``, else the training loss,
        watched only with ``lr_schedule="constant"``).
    tol : float, default=1e-4
        Minimum improvement that counts, with ``MLPRegressor``'s meaning.
    device : str or torch.device, default="auto"
        ``"auto"`` (CUDA when available, else CPU), or a torch device string.
    random_state : int, RandomState instance, Generator or None, default=None
        Seeds local generators for the weight initialization, batch order,
        validation split and dropout of the model and of the interval
        calibration network (when one is fitted); global RNGs are never
        touched. The same value gives identical forecasts.
    verbose : int, default=0
        Print one progress line per epoch when positive.

    Attributes
    ----------
    trainers_ : list of Trainer
        The fitted networks (``trainers_[k].network``) with their optimizer
        states, one per window length of ``window_lengths_``.
    trainer_ : Trainer
        ``trainers_[0]``, the network of the longest window; ``loss_curve_``,
        ``n_iter_`` and the other training attributes below are its.
    device_ : torch.device
        The device the networks live on.
    sp_ : int or None
        The seasonal periodicity used: ``sp``, or the one read off the index
        (None where it has no frequency that names one).
    window_length_ : int
        The window length chosen (``window_length``, or the automatic one) that
        ``window_fractions`` scales.
    window_lengths_ : tuple of int
        The window length of each network, longest first (the order of
        ``trainers_``).
    horizon_ : int
        The trained horizon (steps output at once).
    n_windows_ : int
        Number of training windows of the longest-window network over all
        series (of the last training: the fit, or an update with
        ``update_params=True``).
    loss_curve_ : list of float
        Training loss (normalized targets) after each epoch.
    validation_scores_ : list of float
        Validation R^2 after each epoch when ``early_stopping`` is True, else
        empty.
    best_loss_ : float
        Lowest training loss reached.
    best_validation_score_ : float or None
        Best validation R^2 of the last fit or update when ``early_stopping``
        is True, else None.
    n_iter_ : int
        Number of epochs run (including those of updates).
    calibration_ : str
        Source of the interval errors: ``"validation"`` (with ``early_stopping``),
        ``"out-of-sample"`` (a held-out calibration fit) or ``"in-sample"``
        (too short for either: likely too narrow). Computed at first access.
    interval_scale_ : pandas.DataFrame
        Typical error per horizon step (rows) and column of ``y``, in units of
        the recent volatility (RMS one-step change over the last window).

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
        "window_fractions": ["array-like"],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "normalization": [StrOptions(set(NORMALIZATIONS))],
        "sp": [_POSITIVE, None],
        "detrend": ["boolean"],
        "differencing": [Interval(Integral, 0, 2, closed="both")],
        "windows_per_epoch": [StrOptions({"auto"}), _POSITIVE, None],
        "lr_schedule": [StrOptions({"constant", "cosine"})],
    }

    def __init__(
        self,
        window_length=None,
        window_fractions=(1.0, 0.5),
        horizon=None,
        normalization="local",
        sp=None,
        detrend=True,
        differencing=0,
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        ensemble_size=3,
        max_epochs=100,
        windows_per_epoch="auto",
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
        self.window_fractions = window_fractions
        self.horizon = horizon
        self.normalization = normalization
        self.sp = sp
        self.detrend = detrend
        self.differencing = differencing
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.ensemble_size = ensemble_size
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

    # --- fitted views of the (lazy) interval calibration ----------------------------
    @property
    def calibration_(self):
        """Source of the interval errors (computed at first access)."""
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

    def _get_fitted_params(self):
        """The public attributes ending in ``_``, sktime's default, but the
        interval calibration only once an interval was asked for: reading it
        trains its network, which ``get_fitted_params`` must not pay for."""
        skip = () if self._calibration.model is not None else _LAZY_ATTRIBUTES
        names = [n for n in dir(self) if n.endswith("_") and not n.startswith("_")]
        return {n[:-1]: getattr(self, n) for n in names if n not in skip}

    # --- sktime API -----------------------------------------------------------------
    def _fit(self, y, X, fh):
        """Fit the network to ``y`` (a DataFrame, row MultiIndex for panels).

        ``X`` has the index of ``y`` or is None; ``fh`` (or None) sets the trained
        horizon when ``horizon`` is None. Returns self.
        """
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        if isinstance(self.sp, (bool, np.bool_)):  # an Integral to sklearn
            raise ValueError(
                f"GRUForecaster: sp must be an int >= 1 or None (the seasonal "
                f"periodicity, as in sktime); got {self.sp!r}."
            )
        self._seeds = dict(
            zip(_STREAMS, spawn_seeds(check_seed(self.random_state), 4), strict=True)
        )
        self._fit_device(keep_trainer=False)
        self._y_columns = y.columns
        self._x_columns = None if X is None else X.columns
        self._multiindex_names = (
            list(y.index.names) if isinstance(y.index, pd.MultiIndex) else None
        )
        self._history = join_series(split_series(y), X)
        self._keys = list(self._history)
        self._ends = {key: part.index[-1] for key, part in self._history.items()}
        check_times(self._history, self.cutoff)
        self.sp_ = None if self.sp is None else int(self.sp)
        if self.sp_ is None:
            self.sp_ = seasonal_period(*(s.index for s in self._history.values()))
        ys, Xs = series_arrays(self._history.values())
        requested = None if fh is None else int(np.max(fh.to_relative(self.cutoff)))
        self.window_length_, self.horizon_ = window_and_horizon(
            [len(y) for y in ys],
            window_length=self.window_length,
            horizon=self.horizon,
            requested=requested,
            differencing=self.differencing,
        )
        self.window_lengths_ = member_windows(
            self.window_length_, self._window_fractions()
        )
        self._space_ = self._space(ys, Xs)
        self.trainers_, self.n_windows_, self._validation_start = self._train(
            self._space_,
            ys,
            Xs,
            self._seeds["weights"],
            self._seeds["training"],
            verbose=self.verbose,
        )
        self._warn_if_not_converged()
        # intervals are calibrated when first asked for (see _calibrate), on
        # forecasts from enough origins to estimate tails even when fh=[1]
        n_cal = max(self.horizon_, requested or 1, MIN_CALIBRATION_STEPS)
        self._calibration = LazyCalibration(n_cal)
        return self

    def _predict(self, fh, X):
        """Point forecasts (a DataFrame in the index layout of ``y``) at ``fh``.

        ``fh`` counts from each series' own last time point; ``X`` covers every
        step up to the end of ``fh`` (needed exactly when X was passed to fit).
        """
        index, steps, values, _ = self._forecast_frame(fh, X)
        flat = np.concatenate([values[i, s - 1] for i, s in enumerate(steps)], axis=0)
        return pd.DataFrame(flat, index=index, columns=self._y_columns)

    def _predict_quantiles(self, fh, X, alpha):
        """Quantiles at levels ``alpha`` (in (0, 1)); ``fh``, ``X`` as for predict.

        The interval model is calibrated at the first call and then kept; the
        steps of a call beyond it come from a longer calibration, also kept
        (:meth:`skgru._intervals.LazyCalibration.models_for`).

        Returns
        -------
        quantiles : pandas.DataFrame
            Columns ``(variable, alpha)``; rows as for :meth:`predict`.
        """
        index, steps, values, local = self._forecast_frame(fh, X)
        quantiles = self._calibration.quantile_forecasts(
            self, values, steps, local, alpha
        )
        columns = pd.MultiIndex.from_product([self._y_columns, list(alpha)])
        flat = quantiles.transpose(0, 2, 1).reshape(len(index), -1)
        return pd.DataFrame(flat, index=index, columns=columns)

    def _predict_var(self, fh, X=None, cov=False):
        """Variance of the forecast errors at ``fh``; ``fh``, ``X`` as for predict.

        The variance of the calibration errors whose quantiles give
        :meth:`predict_interval` (sktime's default would back a variance out of
        the 50% interval as if the errors were normal). ``predict_proba`` is
        sktime's normal distribution with this variance: it matches the
        errors' spread, not their shape, so where they have heavier tails than
        a normal its 95% interval is narrower (and its 50% interval wider) than
        :meth:`predict_interval`'s; use that, or ``predict_quantiles``, for
        intervals.
        ``cov=True`` gives the same marginal variances, as sktime's default does:
        the covariance between steps is not modelled.

        Returns
        -------
        pred_var : pandas.DataFrame
            Columns as ``y``'s; rows as for :meth:`predict`.
        """
        index, steps, _, local = self._forecast_frame(fh, X)
        variances = self._calibration.variances(self, steps, local)
        return pd.DataFrame(variances, index=index, columns=self._y_columns)

    def _update_predict_single(self, y, fh, X=None, update_params=True):
        """:meth:`update` with ``y`` and ``X``, then :meth:`predict` at ``fh``.

        sktime's default passes the inner data (a DataFrame for a Series ``y``)
        to the public ``update``, which would then take the DataFrame for the
        type (and name) of every later forecast; the type and name of the
        ``y`` the user passed are kept, as sktime's own refitting ``update``
        keeps them.
        """
        # copies: the public update resets the converter store in place
        names = ("_y_mtype_last_seen", "_y_metadata", "_converter_store_y")
        seen = {n: copy.copy(getattr(self, n)) for n in names if hasattr(self, n)}
        self.update(y=y, X=X, update_params=update_params)
        for name, value in seen.items():
            setattr(self, name, value)
        return self.predict(fh=fh, X=X)

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
            seen so far for a tenth of each network's epochs (of its share of
            ``max_epochs``; at least one epoch; see ``UPDATE_EPOCHS_DIVISOR``),
            every network of ``window_fractions``, with the learning rate
            schedule of a fit;
            the scaling statistics stay as fitted, and so does the interval
            calibration if intervals were asked for before (it is made at the
            first request, from the data and network of that time). When False,
            only the context used for forecasting grows.

        Returns
        -------
        self : GRUForecaster
        """
        X = checked_x(X, self._x_columns, "update")
        new = join_series(split_series(y), X)
        known_gaps = gap_counts(self._history)  # warned about before
        extend_history(self._history, new)
        # each series is forecast from the end of its latest data, also when
        # that data ends before its history's end (sktime then moves the cutoff
        # back); the other series keep their own ends
        self._ends.update({key: part.index[-1] for key, part in new.items()})
        check_times(self._history, self.cutoff, known_gaps)
        if update_params:
            ys, Xs = series_arrays(self._history.values())
            # a new independent stream for each continuation
            seed = spawn_seeds(self._seeds["training"], self.trainer_.n_iter + 1)[-1]
            _, self.n_windows_, self._validation_start = self._train(
                self._space_,
                ys,
                Xs,
                None,
                seed,
                trainers=self.trainers_,
                epochs=max(1, self._epochs_each() // UPDATE_EPOCHS_DIVISOR),
            )
        return self

    def __setstate__(self, state):
        """Also load a forecaster pickled before ``window_fractions`` or ``sp``."""
        if "window_fractions" not in state:  # fitted or not: the one-window model
            state = {**state, "window_fractions": (1.0,)}
        if "sp" not in state:  # windows relative to their mean, as before sp
            state = {**state, "sp": None}
            if "window_length_" in state:
                state["sp_"] = None
        if "trainer_" in state and "trainers_" not in state:
            state = dict(state)
            state["trainers_"] = [state.pop("trainer_")]
            state["window_lengths_"] = (state["window_length_"],)
            state["_space_"] = WindowMean([state["_space_"]])
        super().__setstate__(state)

    # --- data handling -----------------------------------------------------------
    @property
    def trainer_(self):
        """``trainers_[0]``: the network of the longest window."""
        try:
            return self.trainers_[0]
        except AttributeError:
            raise AttributeError("trainer_ exists after fit") from None

    def _window_fractions(self):
        """``window_fractions`` as a tuple of floats, checked."""
        fractions = tuple(np.ravel(np.asarray(self.window_fractions, dtype=object)))
        if not fractions or not all(
            isinstance(f, Real) and not isinstance(f, bool) and 0.0 < f <= 1.0
            for f in fractions
        ):
            raise ValueError(
                "GRUForecaster: window_fractions must be a non-empty sequence of "
                f"numbers in (0, 1]; got {self.window_fractions!r}."
            )
        return tuple(float(f) for f in fractions)

    def _epochs_each(self):
        """Epochs of each network: ``max_epochs`` split evenly, rounded up."""
        return -(-int(self.max_epochs) // len(self.window_lengths_))

    def _space(self, ys, Xs):
        """The model spaces (window geometry, per-series scaling) of the series."""
        normalization = self.normalization
        if self.ensemble_size == 1:  # one member can not be split: the first
            normalization = normalization.split("+")[0]
        return WindowMean.fit(
            ys,
            Xs,
            detrend=bool(self.detrend),
            window_lengths=self.window_lengths_,
            horizon=self.horizon_,
            differencing=self.differencing,
            normalization=normalization,
            # a level is where a nonseasonal series ended; a difference is not
            anchor="last" if self.sp_ == 1 and not self.differencing else "mean",
        )

    # --- training ---------------------------------------------------------------
    def _train(
        self, space, ys, Xs, weight_seed, seed, trainers=None, verbose=0, epochs=None
    ):
        """Train a fresh network per member of ``space`` (or continue ``trainers``).

        ``space`` is a :class:`WindowMean`. ``weight_seed`` draws the initial
        weights, ``seed`` the batch order and dropout (the first network takes
        them as they are, network ``k`` their ``k``-th spawned seed);
        ``epochs`` defaults to :meth:`_epochs_each`. Returns the trainers, the
        longest window's number of windows, and (with ``early_stopping``) the
        first target of each series that no network trained on.
        """
        n = len(space.spaces)
        seeds = [seed, *spawn_seeds(seed, n)[1:]]
        weight_seeds = [weight_seed] * n
        if weight_seed is not None:
            weight_seeds = [weight_seed, *spawn_seeds(weight_seed, n)[1:]]
        trainers = [None] * n if trainers is None else trainers
        fitted, n_windows, first_target = [], None, None
        for k, (member, trainer, w_seed, b_seed) in enumerate(
            zip(space.spaces, trainers, weight_seeds, seeds, strict=True)
        ):
            if verbose > 0 and n > 1:
                print(
                    f"GRUForecaster: network {k + 1} of {n} "
                    f"(window_length={member.window_length})"
                )
            trainer, count, first = self._train_one(
                member, ys, Xs, w_seed, b_seed, trainer, verbose, epochs
            )
            fitted.append(trainer)
            n_windows = count if n_windows is None else n_windows
            if first is not None:
                # the validation period is the latest start of any network's
                first_target = {
                    i: max(t, (first_target or {}).get(i, t)) for i, t in first.items()
                }
        return fitted, n_windows, first_target

    def _train_one(self, space, ys, Xs, weight_seed, seed, trainer, verbose, epochs):
        """Train one network in the ``ModelSpace`` ``space`` (see :meth:`_train`)."""
        past, extra, target, ids, ends = space.windows(ys, Xs)
        per_epoch = resolve_windows_per_epoch(self.windows_per_epoch, len(target))
        train = val = first_target = None
        if self.early_stopping:
            train, val, first_target = temporal_split(
                ids,
                ends,
                self.horizon_,
                self.validation_fraction,
                per_epoch,
            )
            if len(train) == 0:
                raise ValueError(
                    "early_stopping leaves no window before the validation period "
                    f"to train on (validation_fraction={self.validation_fraction})."
                )
        if trainer is None:
            n_x = 0 if Xs is None else Xs[0].shape[1]
            groups = len(space.groups)
            trainer = self._new_trainer(
                make_generator(weight_seed, self.device_),
                self.device_,
                n_features=past.shape[2],
                n_outputs=target.shape[1] // groups,
                n_extra=self.horizon_ * n_x,
                extra_steps=self.horizon_ if n_x else 0,
                input_groups=groups,
                group_features=ys[0].shape[1] if groups > 1 else 0,
            )
        fit_arrays(
            trainer,
            (past,) if extra is None else (past, extra),
            target,
            train=train,
            validation=val,
            epochs=self._epochs_each() if epochs is None else epochs,
            generator=make_generator(seed, self.device_),
            verbose=verbose,
            samples_per_epoch=per_epoch,
            lr_schedule=self.lr_schedule,
            **self._fit_kwargs(),
        )
        trainer.network.eval()
        return trainer, len(target), first_target

    # --- forecasting -------------------------------------------------------------
    def _forecast_frame(self, fh, X):
        """Forecasts of every series for steps 1..max step, with the output index.

        Also returns each series' recent volatility (the unit of the intervals).
        """
        X = checked_x(X, self._x_columns, "predict")
        xs = None if X is None else split_series(X)
        series = []
        for key in self._keys:
            part, end = self._history[key], self._ends[key]
            # searchsorted, not `index <= end`: comparing a BDay PeriodIndex
            # repeats pandas' deprecation warning on every predict
            series.append(part.head(int(part.index.searchsorted(end, side="right"))))
        steps, index_parts = series_steps(self._keys, series, self.cutoff, fh)
        n_steps = int(max(step.max() for step in steps))
        x_futures = []
        for i, (key, s) in enumerate(zip(self._keys, series, strict=True)):
            if xs is not None and key not in xs:
                raise ValueError(f"X passed to predict has no rows for series {key}.")
            if xs is not None:
                cutoff = series_cutoff(s.index, self.cutoff, key, s.freq)
                future = future_exog(xs[key], key, cutoff, fh, n_steps)
                x_futures.append(self._space_.future_x(i, future))
        ids = np.arange(len(series))
        origins = np.array([len(s) for s in series])
        ys, Xs = series_arrays(series)
        ctx, x_ctx = self._space_.contexts(ys, Xs, origins, ids)
        x_future = np.stack(x_futures) if x_futures else None
        predictors = [numpy_predictor(trainer) for trainer in self.trainers_]
        values = self._space_.roll_out(
            predictors, ctx, x_ctx, x_future, origins, ids, n_steps
        )
        local = self._space_.local_scale(ctx, ids)
        time_name = self._history[self._keys[0]].index.name
        index = forecast_index(index_parts, self._multiindex_names, time_name)
        return index, steps, values, local

    # --- intervals -----------------------------------------------------------------
    def _calibrate(self, n_cal):
        """Where the interval errors come from, and the interval model."""
        ys, Xs = series_arrays([self._history[key] for key in self._keys])
        seeds = self._seeds["calibration weights"], self._seeds["calibration training"]

        def refit(short_ys, short_Xs, scale_ys, scale_Xs):
            space = self._space(scale_ys, scale_Xs)
            trainers, _, _ = self._train(space, short_ys, short_Xs, *seeds)
            return space, [numpy_predictor(trainer) for trainer in trainers]

        return calibrate(
            self._space_,
            [numpy_predictor(trainer) for trainer in self.trainers_],
            ys,
            Xs,
            n_cal,
            refit=refit,
            n_windows=self.n_windows_,
            validation_start=self._validation_start,
        )

    # --- tuning -----------------------------------------------------------------------
    #: ``GRUForecaster.search_space(sp=None)``: the default search space, a dict.
    search_space = staticmethod(default_search_space)

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
                "sp": 1,
                "hidden_size": 4,
                "max_epochs": 2,
                "windows_per_epoch": 16,
                "batch_size": 16,
                "random_state": 0,
            },
            {
                "window_length": 2,
                "window_fractions": (1.0,),
                "horizon": 2,
                "normalization": "standard",
                "differencing": 1,
                "hidden_size": 4,
                "ensemble_size": 1,
                "max_epochs": 3,
                "windows_per_epoch": 16,
                "lr_schedule": "constant",
                "learning_rate": 0.01,
                "early_stopping": True,
                "validation_fraction": 0.25,
                "random_state": 1,
            },
        ]
