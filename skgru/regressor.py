"""GRURegressor: sklearn validation and tags around the shared GRU training engine."""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skgru._gru_base import GRU_PARAMETER_CONSTRAINTS, GRUBase
from skgru._random import check_seed
from skgru._sequences import (
    as_sequences,
    channel_statistics,
    check_layout,
    first_differences,
    per_sequence_standardization,
    weighted_standardization,
)
from skgru._training import make_generator, to_tensor
from skgru._warnings import user_stacklevel

# from skgru._gru_base.
__all__ = ["GRURegressor"]

NORMALIZATIONS = ("sequence", "global", "none")

#: ``X`` keeps float32 or becomes float64 until it is standardized: a float32 cast
#: first would round away the variation under a large offset (``X + 1e7``).
FLOAT_DTYPES = (np.float64, np.float32)

#: Standard deviation up to which a feature in standardized units (the steps,
#: levels and log scales of standardized channels) counts as constant: sequences
#: standardized in float32 leave levels that spread by about 1e-8.
STANDARDIZED_ATOL = 1e-6


class GRURegressor(GRUBase, RegressorMixin, BaseEstimator):
    """Gated recurrent unit (GRU) network regressor trained with PyTorch.

    A GRU reads each sample's sequence; a linear head maps its final hidden state to
    the targets. The inputs are standardized inside (see ``normalization``) and so
    are the targets, which are mapped back at predict time, so the defaults learn on
    unscaled data, with or without a ``StandardScaler`` in front.

    Parameters
    ----------
    normalization : {"sequence", "global", "none"}, default="sequence"
        How the sequences are scaled before the GRU reads them.

        - ``"none"``: as given.
        - ``"global"``: each feature channel standardized by its mean and scale over
          the training samples and time steps.
        - ``"sequence"``: the ``"global"`` channels; next to them their
          step-to-step changes (first differences, standardized the same way) and
          each sample's channels standardized by that sequence's own mean and
          scale over time (its shape). The removed per-sequence means and log
          scales go to the head as extra inputs, so nothing is lost: the network
          sees both the levels (for targets driven by them) and the shapes and
          slopes (for targets driven by the form of a curve, such as spectra).
          The differences keep slopes readable when a ``StandardScaler`` in front
          has scaled every time step separately (Tecator's RMSE in a pipeline:
          7.2 without them, 1.4 with them; ``benchmarks/bench_tser.py``).
    hidden_size : int, default=32
        Hidden units of each GRU layer (per direction).
    num_layers : int, default=1
        Number of stacked GRU layers.
    bidirectional : bool, default=False
        Whether each layer also reads the sequence backwards.
    dropout : float, default=0.0
        Dropout probability between stacked layers and before the head.
    ensemble_size : int, default=3
        Independent networks (own initial weights and dropout masks, the same
        batches) trained side by side as one module; ``predict`` averages them.
        Steadies a fit that depends on its random initialization. On a CPU three
        members cost about 2.3 times one network at the default
        ``hidden_size=32`` (1.3 at 8, 3.1 at 64, where separate fits would be no
        dearer: the module's products grow with the square of its width;
        ``benchmarks/bench_ensemble_cost.py``); early
        stopping watches the averaged network. On sktime's Tecator data set single
        networks' test RMSE spread widely from seed to seed (1.4 to 3.7, measured
        before the first differences were added; ``benchmarks/bench_tser.py``).
    max_epochs : int, default=300
        Maximum number of passes over the training data (``max_iter`` of
        ``MLPRegressor``).
    batch_size : int, default=64
        Samples per gradient step (capped at the number of samples).
    learning_rate : float, default=0.01
        Step size of the optimizer.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        ``"sgd"`` uses momentum 0.9.
    weight_decay : float, default=0.0
        L2 penalty (decoupled for ``"adamw"``).
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        Training loss, computed on the standardized targets.
    clip_grad_norm : float or None, default=None
        Clip the gradient norm of each ensemble member (of the network when
        ``ensemble_size=1``) to this value; None does not clip.
    early_stopping : bool, default=True
        Hold out a random ``validation_fraction`` of the training data, stop when
        its R^2 score has not improved by at least ``tol`` for more than
        ``n_iter_no_change`` epochs, and keep the weights of the best epoch
        (unlike ``MLPRegressor``, on by default: small noisy data sets overfit
        without it). Needs at least two samples.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping`` is True.
    n_iter_no_change : int or np.inf, default=50
        Epochs without improvement (of the training loss, or of the validation
        score with ``early_stopping``) by at least ``tol`` before training stops.
        Larger than ``MLPRegressor``'s 10: on a small data set an epoch is only a
        few gradient steps, and a GRU's validation score can stay flat for tens of
        epochs before it learns the shape of the sequences (measured on sktime's
        Tecator, see ``benchmarks/bench_tser.py``).
    tol : float, default=1e-4
        Minimum improvement that counts, with ``MLPRegressor``'s meaning.
    warm_start : bool, default=False
        When True, ``fit`` continues training the previous network instead of
        starting anew. It takes changed optimizer, stopping and dropout settings;
        when ``hidden_size``, ``num_layers``, ``bidirectional``,
        ``ensemble_size`` or ``normalization`` changed, the old weights do not
        fit, so ``fit`` (and
        ``partial_fit``) warn with a ``UserWarning`` and train a new network from
        scratch. A continued network keeps the standardization of ``X`` and
        ``y`` of the fit that built it (``input_mean_``, ``y_mean_``,
        ``y_scale_``...), the scale its weights were trained in.
    device : str or torch.device, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, or a torch
        device string such as ``"cuda:1"``. Read at every ``fit`` and
        ``partial_fit``: a warm start moves the network to a device set since;
        a device this machine lacks raises ``ValueError``.
    random_state : int, RandomState instance, Generator or None, default=None
        Seeds a local ``torch.Generator`` that drives the weight initialization, the
        validation split, batch order and dropout. Global RNGs are never touched.
    verbose : int, default=0
        Print one progress line per epoch when positive.

    Attributes
    ----------
    trainer_ : Trainer
        The fitted network (``trainer_.network``) with its optimizer state.
    input_mean_, input_scale_ : ndarray of shape (`n_channels_`,)
        Mean and scale of each feature channel over the training samples and time
        steps (not with ``normalization="none"``).
    device_ : torch.device
        The device the network lives on.
    n_channels_ : int
        Features per time step seen at fit (1 for 2D ``X``).
    n_features_in_ : int
        Number of columns of ``X`` seen at fit (time steps; the second axis).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    loss_curve_ : list of float
        Training loss (standardized targets) after each epoch.
    validation_scores_ : list of float
        Validation R^2 after each epoch when ``early_stopping`` is True, else empty;
        once an epoch was validated, one value per epoch of ``loss_curve_`` (NaN
        for the epochs of ``partial_fit`` or of a warm start without early
        stopping). Where the validation targets are constant (one validation sample, for
        example), R^2 is undefined and the score is 1 minus the mean squared
        error of the standardized targets.
    best_loss_ : float
        Lowest training loss reached.
    best_validation_score_ : float or None
        Best validation R^2 of the last ``fit`` (each call validates on its own
        split) when ``early_stopping`` is True, else None.
    n_iter_ : int
        Number of epochs run.
    n_outputs_ : int
        Number of outputs (columns of ``y``; 1 for 1D ``y``).
    y_mean_, y_scale_ : ndarray of shape (`n_outputs_`,)
        Mean and scale of each output over the training samples (weighted by
        ``sample_weight``); the network is trained on ``(y - y_mean_) / y_scale_``.

    See Also
    --------
    GRUForecaster : The same network as an sktime forecaster.
    sklearn.neural_network.MLPRegressor : Whose stopping rules this follows.

    Examples
    --------
    >>> import numpy as np
    >>> from skgru import GRURegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 12))   # 200 univariate sequences of 12 steps
    >>> y = X[:, -3:].sum(axis=1)
    >>> model = GRURegressor(hidden_size=16, max_epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape
    (3,)
    >>> model.score(X, y) > 0.9
    True
    """

    _parameter_constraints: dict = {
        **GRU_PARAMETER_CONSTRAINTS,
        "normalization": [StrOptions(set(NORMALIZATIONS))],
    }

    def __init__(
        self,
        normalization="sequence",
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        ensemble_size=3,
        max_epochs=300,
        batch_size=64,
        learning_rate=0.01,
        optimizer="adam",
        weight_decay=0.0,
        loss="squared_error",
        clip_grad_norm=None,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=50,
        tol=1e-4,
        warm_start=False,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.normalization = normalization
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.ensemble_size = ensemble_size
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
        self.warm_start = warm_start
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_features)
            2D: one univariate sequence per row; 3D: PyTorch's ``batch_first`` layout.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss (and in the validation score).

        Returns
        -------
        self : GRURegressor
            The fitted estimator.
        """
        incremental = self.warm_start and hasattr(self, "trainer_")
        return self._fit(X, y, sample_weight, incremental, epochs=int(self.max_epochs))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch, starting from the current weights if fitted.

        ``early_stopping`` does not apply to ``partial_fit``. Calls after the
        first keep its standardization of ``X`` and ``y`` (``input_mean_``,
        ``y_mean_``, ``y_scale_``...): the network's weights are in that scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : GRURegressor
            The updated estimator.
        """
        incremental = hasattr(self, "trainer_")
        return self._fit(X, y, sample_weight, incremental, epochs=1, partial=True)

    def _check_fitted_layout(self, X):
        """Refuse an ``X`` whose time steps or channels differ from the fit's.

        Before scikit-learn's ``validate_data``, whose message calls the time
        steps "features" (kept for a 2D ``X``, where scikit-learn's checks
        match it, with what it means), and before the channel check, which
        would count the channels of a 2D ``X`` as 1 on "its third axis".

        Raises
        ------
        ValueError
            If ``X`` is not 2D or 3D, has another number of time steps (second
            axis) than at fit, or is 2D where the fit's ``X`` had several
            channels.
        """
        check_layout(X)
        shape = getattr(X, "shape", ())  # arrays, tensors; lists get sklearn's check
        name = type(self).__name__
        if len(shape) == 2 and self.n_channels_ != 1:
            raise ValueError(
                f"X is 2D (one univariate sequence per row), but {name} was "
                f"fitted on 3D X with {self.n_channels_} features per time step; "
                f"pass X of shape (n_samples, {self.n_features_in_}, "
                f"{self.n_channels_})."
            )
        n_steps = self.n_features_in_
        if len(shape) == 2 and shape[1] != n_steps:
            # scikit-learn's wording (its checks match it), then what it means
            raise ValueError(
                f"X has {shape[1]} features, but {name} is expecting {n_steps} "
                "features as input: a 2D X holds one univariate sequence per row, "
                f"so these are sequences of {shape[1]} time steps where the fit's "
                f"had {n_steps}."
            )
        if len(shape) == 3 and shape[1] != n_steps:
            raise ValueError(
                f"X has sequences of {shape[1]} time steps (its second axis), but "
                f"{name} was fitted on sequences of {n_steps} time steps."
            )

    def predict(self, X):
        """Predict the targets of sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        self._check_fitted_layout(X)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype=FLOAT_DTYPES)
        inputs = self._network_inputs(as_sequences(X, self.n_channels_))
        scaled = self.trainer_.predict(inputs).cpu().numpy().astype(np.float64)
        prediction = scaled * self.y_scale_ + self.y_mean_
        return prediction.ravel() if self._y_1d else prediction

    # --- inputs ---------------------------------------------------------------------
    def _fit_input_scaling(self, sequences, sample_weight):
        """Fit the statistics that :meth:`_network_inputs` applies (cold start only)."""
        for name in _INPUT_STATISTICS:  # none of an earlier fit's may stay
            self.__dict__.pop(name, None)
        self._normalization = self.normalization
        if self.normalization == "none":
            return
        self.input_mean_, self.input_scale_ = channel_statistics(
            sequences, sample_weight
        )
        if self.normalization == "sequence":
            # steps, levels and log scales of standardized channels: a spread
            # below STANDARDIZED_ATOL is rounding (sequences that arrive
            # standardized have levels of 1e-17), not worth scaling up
            self._step_mean, self._step_scale = channel_statistics(
                first_differences(self._standardized_channels(sequences)),
                sample_weight,
                atol=STANDARDIZED_ATOL,
            )
            _, extra = self._sequence_features(sequences)
            self._extra_mean, self._extra_scale = weighted_standardization(
                extra, sample_weight, atol=STANDARDIZED_ATOL
            )

    def _standardized_channels(self, sequences):
        """Each channel standardized by its training mean and scale, in float64."""
        channels = np.subtract(sequences, self.input_mean_, dtype=np.float64)
        channels /= self.input_scale_
        return channels

    def _sequence_features(self, sequences):
        """The sequence inputs (float32) and the per-sequence levels and log scales.

        The inputs are the standardized channels, their standardized steps and the
        channels' shapes side by side; everything is computed in float64 and
        rounded to float32 once, at the end.
        """
        channels = self._standardized_channels(sequences)
        shape, level, log_scale = per_sequence_standardization(channels)
        steps = first_differences(channels)
        steps -= self._step_mean
        steps /= self._step_scale
        inputs = np.concatenate([channels, steps, shape], axis=2, dtype=np.float32)
        return inputs, np.concatenate([level, log_scale], axis=1)

    def _network_inputs(self, sequences):
        """The network's inputs for ``sequences``, as tensors on ``device_``.

        ``"none"``: the sequences as given. ``"global"``: each channel standardized
        by its training mean and scale. ``"sequence"``: those channels, their
        standardized first differences and each sequence's own standardized
        channels side by side, with the removed per-sequence levels and log scales
        (standardized) as extra head inputs.
        """
        device = self.device_
        if self._normalization == "none":
            return (to_tensor(sequences, device),)
        if self._normalization == "global":
            return (to_tensor(self._standardized_channels(sequences), device),)
        inputs, extra = self._sequence_features(sequences)
        extra = (extra - self._extra_mean) / self._extra_scale
        return (to_tensor(inputs, device), to_tensor(extra, device))

    def _network_sizes(self):
        """``n_features`` and ``n_extra`` of the network for the fitted channels."""
        if self._normalization == "sequence":
            return {"n_features": 3 * self.n_channels_, "n_extra": 2 * self.n_channels_}
        return {"n_features": self.n_channels_, "n_extra": 0}

    # --- training -------------------------------------------------------------------
    def _fit(self, X, y, sample_weight, incremental, epochs, partial=False):
        """Train (``fit``, ``partial_fit``); a call that raises leaves the
        estimator as it was before it (fitted or not), so a new network that
        never trained cannot pass as fitted."""
        previous = self.__dict__.copy()
        try:
            return self._train(X, y, sample_weight, incremental, epochs, partial)
        except Exception:
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise

    def _train(self, X, y, sample_weight, incremental, epochs, partial):
        if incremental:
            changes = self._architecture_changes()
            if self.normalization != self._normalization:
                changes["normalization"] = (self._normalization, self.normalization)
            if changes:
                described = ", ".join(
                    f"{name} {old!r} -> {new!r}" for name, (old, new) in changes.items()
                )
                warnings.warn(
                    f"GRURegressor: {described} changed since the last fit; the "
                    "network cannot keep its weights and is rebuilt and trained from "
                    "scratch.",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
                incremental = False
        if incremental:
            self._check_fitted_layout(X)
        else:
            check_layout(X)
        X, y = validate_data(
            self,
            X,
            y,
            reset=not incremental,
            allow_nd=True,
            dtype=FLOAT_DTYPES,
            multi_output=True,
            y_numeric=True,
        )
        sample_weight = _check_weights(sample_weight, X)
        # A zero weight means "absent": leaving such rows out keeps them out of the
        # validation split and the batches too, so the fit equals one without them.
        kept = sample_weight > 0
        if not kept.all():
            X, y, sample_weight = X[kept], y[kept], sample_weight[kept]
        y_1d = y.ndim == 1
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        sequences = as_sequences(X, self.n_channels_ if incremental else None)
        if incremental:
            # y of shape (n,) and (n, 1) are both one output; predict keeps the
            # shape of the first fit's y.
            if y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {_outputs(y.shape[1])}, but the estimator was fitted "
                    f"with {_outputs(self.n_outputs_)}; a warm start or partial_fit "
                    "needs the same number of outputs."
                )
            self._fit_device(keep_trainer=True)
            self.trainer_.network.dropout = float(self.dropout)
        else:
            self._fit_device(keep_trainer=False)
            self.n_channels_ = sequences.shape[2]
            self.n_outputs_ = y.shape[1]
            self._y_1d = y_1d
            self.y_mean_, self.y_scale_ = weighted_standardization(y, sample_weight)
            self._fit_input_scaling(sequences, sample_weight)
            self._seed = check_seed(self.random_state)
            self.trainer_ = self._new_trainer(
                make_generator(self._seed, self.device_),
                self.device_,
                n_outputs=self.n_outputs_,
                **self._network_sizes(),
            )
        self.trainer_.configure(**self._optimizer_kwargs())
        # A fresh stream per call keeps repeated warm starts reproducible.
        generator = make_generator(self._seed + self.trainer_.n_iter + 1, self.device_)
        device = self.device_
        fit_kwargs = self._fit_kwargs()
        fit_kwargs["early_stopping"] = fit_kwargs["early_stopping"] and not partial
        inputs = self._network_inputs(sequences)
        del X, sequences  # training needs only the float32 tensors
        self.trainer_.fit(
            inputs,
            to_tensor((y - self.y_mean_) / self.y_scale_, device),
            to_tensor(sample_weight, device),
            epochs=epochs,
            generator=generator,
            verbose=int(self.verbose),
            **fit_kwargs,
        )
        if not partial:
            self._warn_if_not_converged()
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        return tags


#: What ``_fit_input_scaling`` sets, depending on ``normalization``.
_INPUT_STATISTICS = (
    "input_mean_",
    "input_scale_",
    "_step_mean",
    "_step_scale",
    "_extra_mean",
    "_extra_scale",
)


def _outputs(n):
    """``"1 output"``, ``"2 outputs"``."""
    return f"{n} output" + ("" if n == 1 else "s")


def _check_weights(sample_weight, X):
    """``sample_weight`` as float64 relative to its largest weight, refused when
    negative or all zero.

    Only ratios of weights matter to the loss, the validation score and the
    standardization; relative to the largest, weights as small as ``1e-50``
    survive the cast to float32 for training.

    scikit-learn's ``_check_sample_weight`` refuses all-zero weights only from
    version 1.9; checking here gives every supported version the same message
    (before 1.9, fitting went on with no samples and failed in a reshape).

    Raises
    ------
    ValueError
        If a weight is negative, or no weight is positive.
    """
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if not np.any(sample_weight):
        # scikit-learn 1.9's own message, word for word
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return sample_weight / sample_weight.max()
