"""GRURegressor: sklearn validation and tags around the shared GRU training engine."""

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skgru._random import check_seed
from skgru._sequences import as_sequences, weighted_standardization
from skgru._training import (
    FIT_PARAMETERS,
    LOSSES,
    OPTIMIZER_PARAMETERS,
    OPTIMIZERS,
    TorchStatePickleMixin,
    make_generator,
    new_trainer,
    options,
    resolve_device,
    to_tensor,
)

__all__ = ["GRURegressor"]

#: Parameter constraints shared by both GRU front-ends (sklearn's declarative style).
GRU_PARAMETER_CONSTRAINTS = {
    "hidden_size": [Interval(Integral, 1, None, closed="left")],
    "num_layers": [Interval(Integral, 1, None, closed="left")],
    "bidirectional": ["boolean"],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "max_epochs": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "optimizer": [StrOptions(set(OPTIMIZERS))],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "loss": [StrOptions(set(LOSSES))],
    "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "tol": [Interval(Real, 0, None, closed="left")],
    "warm_start": ["boolean"],
    "device": [str, torch.device],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


class GRURegressor(TorchStatePickleMixin, RegressorMixin, BaseEstimator):
    """Gated recurrent unit (GRU) network regressor trained with PyTorch.

    A GRU reads each sample's sequence; a linear head maps its final hidden state to
    the targets. The targets are standardized inside for training and mapped back at
    predict time, so the defaults learn on unscaled targets. Scale the inputs (for
    example with a ``StandardScaler`` in a ``Pipeline``), as for any neural network.

    Parameters
    ----------
    hidden_size : int, default=32
        Hidden units of each GRU layer (per direction).
    num_layers : int, default=1
        Number of stacked GRU layers.
    bidirectional : bool, default=False
        Whether each layer also reads the sequence backwards.
    dropout : float, default=0.0
        Dropout probability between stacked layers and before the head.
    max_epochs : int, default=200
        Maximum number of passes over the training data (``max_iter`` of
        ``MLPRegressor``).
    batch_size : int, default=64
        Samples per gradient step (capped at the number of samples).
    learning_rate : float, default=0.005
        Step size of the optimizer.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        ``"sgd"`` uses momentum 0.9.
    weight_decay : float, default=0.0
        L2 penalty (decoupled for ``"adamw"``).
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        Training loss, computed on the standardized targets.
    clip_grad_norm : float or None, default=None
        Clip the global gradient norm to this value; None does not clip.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its R^2
        score has not improved by at least ``tol`` for ``n_iter_no_change``
        epochs, and keep the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping`` is True.
    n_iter_no_change : int, default=10
        Epochs without improvement (of the training loss, or of the validation
        score with ``early_stopping``) by at least ``tol`` before training stops.
    tol : float, default=1e-4
        Minimum improvement that counts, with ``MLPRegressor``'s meaning.
    warm_start : bool, default=False
        When True, ``fit`` continues training the previous network instead of
        starting anew.
    device : str or torch.device, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, or a torch
        device string such as ``"cuda:1"``.
    random_state : int, RandomState instance or None, default=None
        Seeds a local ``torch.Generator`` that drives the weight initialization, the
        validation split, batch order and dropout. Global RNGs are never touched.
    verbose : int, default=0
        Print one progress line per epoch when positive.

    Attributes
    ----------
    trainer_ : Trainer
        The fitted network (``trainer_.network``) with its optimizer state.
    device_ : torch.device
        The device the network lives on.
    n_features_in_ : int
        Number of columns of ``X`` seen at fit (time steps; the second axis).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    loss_curve_ : list of float
        Training loss (standardized targets) after each epoch.
    validation_scores_ : list of float
        Validation R^2 after each epoch when ``early_stopping`` is True, else empty.
    best_loss_ : float
        Lowest training loss reached.
    best_validation_score_ : float or None
        Best validation R^2 when ``early_stopping`` is True, else None.
    n_iter_ : int
        Number of epochs run.

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

    _parameter_constraints: dict = GRU_PARAMETER_CONSTRAINTS

    def __init__(
        self,
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        max_epochs=200,
        batch_size=64,
        learning_rate=0.005,
        optimizer="adam",
        weight_decay=0.0,
        loss="squared_error",
        clip_grad_norm=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        device="auto",
        random_state=None,
        verbose=0,
    ):
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
        return self._fit(X, y, sample_weight, incremental, epochs=self.max_epochs)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch, starting from the current weights if fitted.

        ``early_stopping`` does not apply to ``partial_fit``.

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
        X = validate_data(self, X, reset=False, allow_nd=True, dtype=np.float32)
        sequences = to_tensor(as_sequences(X, self.n_channels_), self.device_)
        scaled = self.trainer_.predict((sequences,)).cpu().numpy().astype(np.float64)
        prediction = scaled * self.y_scale_ + self.y_mean_
        return prediction.ravel() if self._y_1d else prediction

    # --- fitted-state views kept in sync with the trainer -------------------------
    @property
    def loss_curve_(self):
        return self.trainer_.loss_curve

    @property
    def validation_scores_(self):
        return self.trainer_.validation_scores

    @property
    def best_loss_(self):
        return self.trainer_.best_loss

    @property
    def best_validation_score_(self):
        scores = self.trainer_.validation_scores
        return self.trainer_.best_validation_score if scores else None

    @property
    def n_iter_(self):
        return self.trainer_.n_iter

    def _fit(self, X, y, sample_weight, incremental, epochs, partial=False):
        X, y = validate_data(
            self,
            X,
            y,
            reset=not incremental,
            allow_nd=True,
            dtype=np.float32,
            multi_output=True,
            y_numeric=True,
        )
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        y_1d = y.ndim == 1
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        sequences = as_sequences(X, self.n_channels_ if incremental else None)
        if incremental:
            if y.shape[1] != self.n_outputs_ or y_1d != self._y_1d:
                raise ValueError(
                    f"y has {y.shape[1]} outputs, but the estimator was fitted with "
                    f"{self.n_outputs_}; a warm start or partial_fit needs the same."
                )
        else:
            self.device_ = resolve_device(self.device)
            self.n_channels_ = sequences.shape[2]
            self.n_outputs_ = y.shape[1]
            self._y_1d = y_1d
            self.y_mean_, self.y_scale_ = weighted_standardization(y, sample_weight)
            self._seed = check_seed(self.random_state)
            generator = make_generator(self._seed, self.device_)
            self.trainer_ = new_trainer(
                self,
                generator,
                self.device_,
                n_features=self.n_channels_,
                n_outputs=self.n_outputs_,
            )
        self.trainer_.configure(**options(self, OPTIMIZER_PARAMETERS))
        # A fresh stream per call keeps repeated warm starts reproducible.
        generator = make_generator(self._seed + self.trainer_.n_iter + 1, self.device_)
        device = self.device_
        self.trainer_.fit(
            (to_tensor(sequences, device),),
            to_tensor((y - self.y_mean_) / self.y_scale_, device),
            to_tensor(sample_weight, device),
            epochs=epochs,
            generator=generator,
            verbose=self.verbose,
            **{
                **options(self, FIT_PARAMETERS),
                "early_stopping": self.early_stopping and not partial,
            },
        )
        if not partial and not self.trainer_.converged:
            warnings.warn(
                f"GRURegressor: max_epochs={self.max_epochs} reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        return tags
