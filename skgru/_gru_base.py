"""The private base of both GRU front-ends: what they share around the engine.

:class:`GRUBase` holds the parameter constraints both front-ends declare, turns their
parameters into the arguments of the network and the training loop (the one place
where estimator parameters reach the engine, so numpy scalars become Python numbers
here), builds the trainer, warns when training did not converge, exposes the fitted
history as attributes and pickles a fitted model so that it loads on a machine
without the device it was trained on.

It knows nothing of sklearn's or sktime's base classes; each front-end mixes it in.
"""

import copy
import inspect
import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, Options, StrOptions

from skgru._training import (
    LOSSES,
    OPTIMIZERS,
    Trainer,
    build_network,
    resolve_device,
    unavailable_device,
)
from skgru._warnings import user_stacklevel

__all__ = ["GRU_PARAMETER_CONSTRAINTS", "GRUBase", "TorchStatePickleMixin"]

#: Parameter constraints shared by both GRU front-ends (sklearn's declarative style).
GRU_PARAMETER_CONSTRAINTS = {
    "hidden_size": [Interval(Integral, 1, None, closed="left")],
    "num_layers": [Interval(Integral, 1, None, closed="left")],
    "bidirectional": ["boolean"],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "ensemble_size": [Interval(Integral, 1, None, closed="left")],
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
    "random_state": ["random_state", np.random.Generator],
    "verbose": ["verbose"],
}

#: The network parameters that fix the shapes of its weights: changing one of them
#: needs a new network (a warm start cannot continue the old one).
ARCHITECTURE = ("hidden_size", "num_layers", "bidirectional", "ensemble_size")


def _same_value(value, default):
    """Whether a parameter holds its default (numpy scalars compare by value)."""
    try:
        if isinstance(default, tuple) and not isinstance(value, str):
            value = tuple(np.ravel(np.asarray(value, dtype=object)))
        return bool(value is default or value == default)
    except (TypeError, ValueError):
        return False


class TorchStatePickleMixin:
    """Pickle fitted trainers on the CPU and reload them where they can run.

    A model fitted on CUDA unpickles on a machine without a GPU: the trainers
    (``trainer_``, or the list ``trainers_``) are always stored on the CPU and
    moved back to ``device_`` when that device exists.
    """

    def __getstate__(self):
        parent = getattr(super(), "__getstate__", None)
        state = parent() if parent is not None else self.__dict__.copy()
        trainers = {name: state[name] for name in _TRAINERS if state.get(name)}
        if any(t.device.type != "cpu" for t in _flat_trainers(trainers)):
            state = dict(state)
            for name, value in copy.deepcopy(trainers).items():  # one memo
                for trainer in _flat_trainers({name: value}):
                    trainer.to("cpu")
                state[name] = value
        return state

    def __setstate__(self, state):
        parent = getattr(super(), "__setstate__", None)
        if parent is not None:
            parent(state)
        else:
            self.__dict__.update(state)
        trainers = {n: self.__dict__[n] for n in _TRAINERS if self.__dict__.get(n)}
        device = self.__dict__.get("device_")
        if not trainers or device is None:
            return
        if unavailable_device(device):  # no GPU, fewer GPUs, no MPS
            device = torch.device("cpu")
        self.device_ = device
        for trainer in _flat_trainers(trainers):
            trainer.to(device)


#: Attributes that hold a fitted Trainer (``trainer_``) or a list of them.
_TRAINERS = ("trainer_", "trainers_")


def _flat_trainers(trainers):
    """The Trainers of ``{name: Trainer or list of Trainer}``, one list."""
    flat = []
    for value in trainers.values():
        flat.extend(value if isinstance(value, list) else [value])
    return flat


class GRUBase(TorchStatePickleMixin):
    """Shared set-up of the GRU front-ends; mix in before the sklearn/sktime base.

    The front-end stores the parameters of :data:`GRU_PARAMETER_CONSTRAINTS` as
    attributes (sklearn's convention) and its fitted trainer as ``trainer_``. The
    ``_*_kwargs`` methods below spell out which parameter goes where, as Python
    numbers: ``torch.nn.GRU`` rejects ``numpy.int64`` sizes.
    """

    # --- parameters -> engine arguments ------------------------------------------
    def _network_kwargs(self):
        """Sizes of :class:`~skgru._network.GRUNetwork` from the parameters."""
        return {
            "hidden_size": int(self.hidden_size),
            "num_layers": int(self.num_layers),
            "bidirectional": bool(self.bidirectional),
            "dropout": float(self.dropout),
            "ensemble_size": int(self.ensemble_size),
        }

    def _optimizer_kwargs(self):
        """Arguments of ``Trainer.configure`` (optimizer, learning rate, loss)."""
        clip = self.clip_grad_norm
        return {
            "optimizer": str(self.optimizer),
            "learning_rate": float(self.learning_rate),
            "weight_decay": float(self.weight_decay),
            "loss": str(self.loss),
            "clip_grad_norm": None if clip is None else float(clip),
        }

    def _fit_kwargs(self):
        """Stopping and batching arguments of :meth:`Trainer.fit`."""
        patience = self.n_iter_no_change
        return {
            "batch_size": int(self.batch_size),
            "early_stopping": bool(self.early_stopping),
            "validation_fraction": float(self.validation_fraction),
            "n_iter_no_change": math.inf if np.isinf(patience) else int(patience),
            "tol": float(self.tol),
        }

    def _new_trainer(self, generator, device, *, n_features, n_outputs, **layout):
        """A :class:`~skgru._training.Trainer` around a freshly initialized network.

        Parameters
        ----------
        generator : torch.Generator
            Draws the initial weights.
        device : torch.device
        n_features : int
            Features per time step of the network's input sequence.
        n_outputs : int
            Width of the network's output (per input group).
        **layout : int
            ``n_extra``, ``extra_steps``, ``input_groups``, ``group_features``
            of :class:`~skgru._network.GRUNetwork` (each 0 or 1 by default).
        """
        network = build_network(
            generator,
            device,
            n_features=int(n_features),
            n_outputs=int(n_outputs),
            **{name: int(value) for name, value in layout.items()},
            **self._network_kwargs(),
        )
        return Trainer(network, **self._optimizer_kwargs())

    def _fit_device(self, keep_trainer):
        """Resolve ``device`` for this fit; move a kept network there.

        Every fit and ``partial_fit`` calls this, warm or cold, so a ``device`` set
        with ``set_params`` takes effect at the next fit and a device this machine
        lacks raises there. A warm start moves the network and its optimizer
        state (Adam's moments) to the new device and goes on training.

        Parameters
        ----------
        keep_trainer : bool
            Whether the fitted ``trainer_`` goes on training (a warm start or
            ``partial_fit``); when False only ``device_`` is set, for the new
            network that the caller builds.

        Returns
        -------
        device : torch.device
            The resolved device, also stored as ``device_``.

        Raises
        ------
        ValueError
            If ``device`` names no torch device or one that is not available here.
        """
        device = resolve_device(self.device)
        if keep_trainer and self.trainer_.device != device:
            self.trainer_.to(device)
        self.device_ = device
        return device

    def _architecture_changes(self):
        """``{name: (fitted, now)}`` of the architecture parameters changed since fit.

        A warm start can take a new learning rate or dropout, but not new weight
        shapes; the front-end rebuilds the network when this is non-empty.
        """
        network = self.trainer_.network
        now = self._network_kwargs()
        return {
            name: (getattr(network, name), now[name])
            for name in ARCHITECTURE
            if getattr(network, name) != now[name]
        }

    def _warn_if_not_converged(self):
        """Warn as ``MLPRegressor`` does when training stopped at ``max_epochs``.

        Not after a divergence: training stopped before ``max_epochs`` and the
        ``RuntimeWarning`` of the rollback already said why.
        """
        trainers = getattr(self, "trainers_", None) or [self.trainer_]
        if not all(t.converged or getattr(t, "diverged", False) for t in trainers):
            # the parameters set away from their defaults say which model it was
            # (one candidate among many in a search)
            defaults = inspect.signature(type(self).__init__).parameters
            changed = [
                # numpy scalars (a search's candidates) as plain numbers, 4 digits
                f"{name}={_plain(value)!r}"
                for name, value in self.get_params(deep=False).items()
                if name not in ("random_state", "verbose", "max_epochs")
                and not _same_value(value, defaults[name].default)
            ]
            warnings.warn(
                f"{type(self).__name__}"
                + (f"({', '.join(changed)})" if changed else "")
                + f": max_epochs={self.max_epochs} reached and the optimization "
                "hasn't converged yet; raise max_epochs (or learning_rate).",
                ConvergenceWarning,
                stacklevel=user_stacklevel(),
            )

    # --- fitted-state views kept in sync with the trainer -------------------------
    @property
    def loss_curve_(self):
        """Training loss after each epoch."""
        return self.trainer_.loss_curve

    @property
    def validation_scores_(self):
        """Validation R^2 after each epoch with ``early_stopping``, else empty
        (NaN at the epochs of calls without it, so one value per epoch)."""
        return self.trainer_.validation_scores

    @property
    def best_loss_(self):
        """Lowest training loss reached."""
        return self.trainer_.best_loss

    @property
    def best_validation_score_(self):
        """Best validation R^2 of the last fit if it used ``early_stopping``,
        else None."""
        trainer = self.trainer_
        # trainers pickled before ``validated`` existed validated if they scored
        validated = getattr(trainer, "validated", bool(trainer.validation_scores))
        return trainer.best_validation_score if validated else None

    @property
    def n_iter_(self):
        """Number of epochs run."""
        return self.trainer_.n_iter


def _plain(value):
    """A numpy scalar as a Python number (floats to 4 significant digits)."""
    if isinstance(value, np.generic):
        value = value.item()
    return float(f"{value:.4g}") if isinstance(value, float) else value
