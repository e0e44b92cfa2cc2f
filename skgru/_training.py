"""The one training loop: tensors in, trained network out.

It knows nothing of sklearn or sktime.

Data stays on the device for the whole fit; each epoch draws one ``randperm`` from a
local generator and slices batches from it, with no ``DataLoader`` and no per-sample
Python loop. The loss is reduced on the device and read back once per epoch.
"""

import collections
import copy
import time
import warnings

import numpy as np
import torch
from torch.nn import functional as F

from skgru._network import GRUNetwork
from skgru._stopping import NoImprovement
from skgru._warnings import user_stacklevel

__all__ = [
    "OPTIMIZERS",
    "LOSSES",
    "Trainer",
    "build_network",
    "fit_arrays",
    "make_generator",
    "resolve_device",
    "to_tensor",
]

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
}

LOSSES = {
    "squared_error": lambda pred, target: F.mse_loss(pred, target, reduction="none"),
    "absolute_error": lambda pred, target: F.l1_loss(pred, target, reduction="none"),
    "huber": lambda pred, target: F.huber_loss(pred, target, reduction="none"),
}


#: Rows per prediction call (CPU, CUDA); fixed so results are batch-invariant.
PREDICT_CHUNK = (256, 4096)
#: Smaller padded shapes for a short call or last chunk; each is used only once
#: checked to give bit-identical rows to a full chunk on this device and network.
PREDICT_SMALL_CHUNKS = (16, 64)
_small_chunks_checked = {}


def _pad_rows(x, n_rows):
    padding = x.new_zeros((n_rows - x.shape[0], *x.shape[1:]))
    return torch.cat([x, padding])


#: A completed cosine schedule whose last training loss is below this share of its
#: first epoch's counts as converged (:meth:`Trainer._settled`).
SETTLED_LOSS = 0.01


def build_network(generator, device, **sizes):
    """A :class:`GRUNetwork` on ``device``, initialized from ``generator`` alone.

    The module is built on the meta device first, so constructing it draws nothing
    from torch's global RNG.
    """
    with torch.device("meta"):
        network = GRUNetwork(**sizes)
    network.to_empty(device=device)
    network.reset_parameters(generator)
    return network


def resolve_device(device):
    """Turn ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:1"``... into an available device.

    Raises
    ------
    ValueError
        If the string names no torch device, or a CUDA/MPS device that this machine
        does not have.
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or a torch device string such as "
            f"'cuda:0'; got {device!r}."
        ) from exc
    problem = unavailable_device(resolved)
    if problem:
        raise ValueError(f"device={device!r} {problem}")
    return resolved


def unavailable_device(device):
    """Why ``device`` (a :class:`torch.device`) cannot run here, or None if it can.

    Returns
    -------
    reason : str or None
        The end of an error message ("asks for CUDA, but ..."), None for a CPU,
        an existing CUDA device or an available MPS device.
    """
    if device.type == "cuda":
        if not torch.cuda.is_available():
            return (
                "asks for CUDA, but no CUDA device is available here; use "
                "device='auto' or 'cpu'."
            )
        if device.index is not None and device.index >= torch.cuda.device_count():
            return (
                f"names CUDA device {device.index}, but only "
                f"{torch.cuda.device_count()} are available."
            )
    elif device.type == "mps":
        if not torch.backends.mps.is_available():
            return "asks for MPS, which is not available."
    elif device.type != "cpu":
        return "must be 'auto', 'cpu', 'cuda' or 'mps' (optionally with an index)."
    return None


def make_generator(seed, device):
    """A local ``torch.Generator`` on ``device``; torch's global RNG is untouched."""
    generator = torch.Generator(device=device)
    generator.manual_seed(int(seed) % (2**63))
    return generator


def to_tensor(array, device):
    """A float32 tensor on ``device`` (no copy on CPU when already float32)."""
    array = np.asarray(array, dtype=np.float32)
    if not array.flags.writeable:  # torch cannot wrap read-only memory (memmaps)
        array = array.copy()
    return torch.as_tensor(array, device=device)


class Trainer:
    """A network, its optimizer and its training history.

    Parameters
    ----------
    network : torch.nn.Module
        Called as ``network(*inputs, generator=generator)``.
    optimizer : {"adam", "adamw", "sgd"}
    learning_rate : float
    weight_decay : float
    loss : {"squared_error", "absolute_error", "huber"}
    clip_grad_norm : float or None
        Maximum gradient norm (of each member of an ensemble network); None
        does not clip.
    """

    def __init__(
        self,
        network,
        *,
        optimizer="adam",
        learning_rate=1e-3,
        weight_decay=0.0,
        loss="squared_error",
        clip_grad_norm=None,
    ):
        self.network = network
        self.optimizer = None
        self.configure(
            optimizer=optimizer,
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            loss=loss,
            clip_grad_norm=clip_grad_norm,
        )
        self.loss_curve = []
        self.validation_scores = []  # empty, or one score (or NaN) per epoch
        self.validated = False  # whether the last call to fit validated
        # the stop rule watches the validation score with early stopping, else the
        # training loss; both bests are kept for the fitted views
        self.loss_rule = NoImprovement(maximize=False)
        self.score_rule = NoImprovement(maximize=True)
        self.n_iter = 0
        self.converged = False
        self.diverged = False

    def configure(
        self, *, optimizer, learning_rate, weight_decay, loss, clip_grad_norm
    ):
        """Set the training options; a new optimizer kind starts a fresh optimizer.

        The same kind keeps its state (Adam's moments) and takes the new learning
        rate and weight decay, so a warm start honours changed parameters.
        """
        kind = OPTIMIZERS[optimizer]
        if not isinstance(self.optimizer, kind):
            kwargs = {"momentum": 0.9} if optimizer == "sgd" else {}
            self.optimizer = kind(self.network.parameters(), lr=learning_rate, **kwargs)
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate
            group["weight_decay"] = weight_decay
        self.loss = loss
        self.learning_rate = learning_rate
        self.clip_grad_norm = clip_grad_norm

    @property
    def best_loss(self):
        """Lowest training loss so far (inf before the first epoch)."""
        return self.loss_rule.best

    @property
    def best_validation_score(self):
        """Highest validation R^2 so far (-inf without early stopping)."""
        return self.score_rule.best

    @property
    def device(self):
        return next(self.network.parameters()).device

    def to(self, device):
        """Move the network and the optimizer's state to ``device``, in place."""
        self.network.to(device)
        for state in self.optimizer.state.values():
            for key, value in state.items():
                # Adam keeps its step counter on the CPU; only move the moments.
                if torch.is_tensor(value) and value.dim() > 0:
                    state[key] = value.to(device)
        return self

    def fit(
        self,
        inputs,
        target,
        weight,
        *,
        epochs,
        batch_size,
        generator,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        verbose=0,
        validation_data=None,
        samples_per_epoch=None,
        lr_schedule="constant",
    ):
        """Train for up to ``epochs`` epochs, with MLPRegressor's stopping rules.

        Parameters
        ----------
        inputs : tuple of tensors
            Each of shape (n_samples, ...), on the network's device.
        target : tensor of shape (n_samples, n_outputs)
        weight : tensor of shape (n_samples,)
        epochs : int
        batch_size : int
        generator : torch.Generator
            Drives the validation split, the batch order and dropout.
        early_stopping : bool
            Hold out ``validation_fraction`` of the samples, stop when their R^2
            has not improved by ``tol`` for more than ``n_iter_no_change`` epochs
            (:class:`skgru._stopping.NoImprovement`), and end
            with the best weights. Otherwise the training loss is watched.
        verbose : int
            Print one line per epoch when positive.
        validation_data : tuple or None
            ``(inputs, target, weight)`` of a validation set chosen by the caller
            (for example the last windows in time); with ``early_stopping`` it
            replaces the random split.
        samples_per_epoch : int or None
            Samples drawn per epoch: a random subset of a larger set, shuffled
            passes in a row over a smaller one, so the cost of an epoch does not
            depend on the number of samples; None makes one pass over them.
        lr_schedule : {"constant", "cosine"}
            ``"cosine"`` anneals the learning rate from its value to zero over
            the ``epochs`` of this call (one step per batch) and runs to its end
            unless ``early_stopping`` stops it; the trainer then counts as
            converged when the training loss settled (see :meth:`_settled`).
        """
        n_samples = target.shape[0]
        train_index = None
        if early_stopping and validation_data is not None:
            val_inputs, val_target, val_weight = validation_data
        elif early_stopping:
            n_val = int(np.ceil(validation_fraction * n_samples))
            if n_val < 1 or n_samples - n_val < 1:
                raise ValueError(
                    f"early_stopping needs at least one training and one validation "
                    f"sample; {n_samples} sample{'s' * (n_samples != 1)} with "
                    f"validation_fraction="
                    f"{validation_fraction} leave none for one of them."
                )
            order = torch.randperm(n_samples, generator=generator, device=target.device)
            val_index, train_index = order[:n_val], order[n_val:]
            val_inputs = tuple(x[val_index] for x in inputs)
            val_target, val_weight = target[val_index], weight[val_index]
            inputs = tuple(x[train_index] for x in inputs)
            target, weight = target[train_index], weight[train_index]
            if not bool(weight.sum() > 0) or not bool(val_weight.sum() > 0):
                raise ValueError(
                    "The sample weights of the training or validation split are all "
                    "zero; use more samples with non-zero weight or another "
                    "random_state."
                )
        n_train = target.shape[0]
        n_epoch = n_train if samples_per_epoch is None else samples_per_epoch
        batch_size = max(1, min(batch_size, n_epoch))
        steps_per_epoch = -(-n_epoch // batch_size)
        total_steps, step = epochs * steps_per_epoch, 0
        # Equal weights (no sample_weight): the plain mean is the same loss with
        # a third of the per-batch operations.
        uniform = bool((weight == weight[0]).all() & (weight[0] > 0))
        elementwise_loss = LOSSES[self.loss]
        network, optimizer = self.network, self.optimizer
        # an ensemble network outputs one prediction per member in training mode;
        # each member is fitted to the target on its own
        members = getattr(network, "n_members", 1)
        # members of input groups (GRUNetwork) each fit their group's block of
        # the target
        groups = getattr(network, "member_groups", [0] * members)
        width = target.shape[1] // (max(groups) + 1)
        member_columns = torch.cat(
            [g * width + torch.arange(width, device=target.device) for g in groups]
        )
        member_rows = network.member_of_rows(target.device) if members > 1 else None
        # Weights at the start of the last two epochs: the end of an epoch is only
        # vouched for by the next epoch's loss, so a divergence rolls back two.
        checkpoints = collections.deque([self._snapshot()], maxlen=2)
        best_weights = None
        self.converged = False
        self.diverged = False
        if early_stopping:
            # each call validates on its own split (a warm start draws a new
            # one): earlier calls' scores are not comparable, and their best
            # must not stop this call or keep it from restoring its best epoch
            self.score_rule = NoImprovement(maximize=True)
        self.validated = bool(early_stopping)  # the best score is this call's
        if early_stopping and len(self.validation_scores) < self.n_iter:
            # earlier epochs ran without validation: NaN keeps one score per epoch
            self.validation_scores += [np.nan] * (
                self.n_iter - len(self.validation_scores)
            )
        first_score, best_epoch = len(self.validation_scores), None
        for _ in range(epochs):
            started = time.perf_counter()
            network.train()
            order = torch.randperm(n_train, generator=generator, device=target.device)
            while len(order) < n_epoch:  # fewer samples: shuffled passes in a row
                more = torch.randperm(n_train, generator=generator, device=order.device)
                order = torch.cat([order, more])
            if n_epoch < len(order):
                order = order[:n_epoch]
            total = torch.zeros((), device=target.device)
            for start in range(0, n_epoch, batch_size):
                index = order[start : start + batch_size]
                if lr_schedule == "cosine":
                    factor = 0.5 * (1 + np.cos(np.pi * step / total_steps))
                    for group in optimizer.param_groups:
                        group["lr"] = self.learning_rate * factor
                    step += 1
                prediction = network(*(x[index] for x in inputs), generator=generator)
                batch_target = target[index]
                if members > 1:
                    batch_target = batch_target[:, member_columns]
                if uniform:
                    loss = elementwise_loss(prediction, batch_target).mean()
                    weight_sum = index.shape[0]
                else:
                    batch_weight = weight[index]
                    per_sample = elementwise_loss(prediction, batch_target).mean(1)
                    weight_sum = batch_weight.sum()
                    loss = (per_sample * batch_weight).sum() / weight_sum.clamp_min(
                        1e-12
                    )
                optimizer.zero_grad(set_to_none=True)
                # the loss averages the members: scaled back, each member's
                # gradient is the one it would get alone, and so is its clipping
                (loss * members).backward()
                if members > 1:
                    network.mask_gradients()
                if self.clip_grad_norm is not None and members > 1:
                    network.clip_member_gradients(self.clip_grad_norm, member_rows)
                elif self.clip_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(
                        network.parameters(), self.clip_grad_norm
                    )
                optimizer.step()
                total += loss.detach() * weight_sum
            if uniform:
                epoch_loss = float(total / n_epoch)
            else:
                seen = weight if n_epoch == n_train else weight[order]
                epoch_loss = float(total / seen.sum())
            if not np.isfinite(epoch_loss):
                self._diverged(checkpoints, epoch_loss)
                kept = self.validation_scores[first_score:]
                if best_epoch is not None and best_epoch > self.n_iter:
                    # the rollback dropped the best epoch: its weights and its
                    # score go, the restored epoch's stand
                    best_weights = None
                    self.score_rule.best = kept[-1] if kept else np.nan
                elif early_stopping and not kept:  # no score on this split
                    self.score_rule.best = np.nan
                break
            checkpoints.append(self._snapshot())
            self.n_iter += 1
            self.loss_curve.append(epoch_loss)
            if early_stopping:
                score = self.r2_score(val_inputs, val_target, val_weight)
                self.validation_scores.append(score)
                if score > self.score_rule.best:
                    best_weights = copy.deepcopy(network.state_dict())
                    best_epoch = self.n_iter
                watched = self.score_rule
                watched.update(score, tol=tol)
                self.loss_rule.best = min(self.loss_rule.best, epoch_loss)
            else:
                if self.validation_scores:  # aligned with loss_curve
                    self.validation_scores.append(np.nan)
                watched = self.loss_rule
                watched.update(epoch_loss, tol=tol)
            if verbose > 0:
                self._report(started, early_stopping)
            # a cosine schedule is the budget: sampled training losses are too
            # noisy to stop on, only a validation score stops it early
            scheduled = lr_schedule == "cosine" and not early_stopping
            if watched.should_stop(n_iter_no_change) and not scheduled:
                self.converged = True
                break
        else:
            if lr_schedule == "cosine":
                self.converged = self._settled(epochs, n_iter_no_change)
        if lr_schedule != "constant":
            for group in optimizer.param_groups:
                group["lr"] = self.learning_rate
        if best_weights is not None:
            network.load_state_dict(best_weights)
        return self

    def _settled(self, epochs, n_iter_no_change):
        """Whether a completed cosine schedule left the training loss settled.

        The learning rate ends at zero, so more epochs would not move the weights;
        the fit still stopped short when it ran fewer epochs than the stop rule's
        patience (``n_iter_no_change``), or when the loss fell by more than a
        quarter over the last quarter of the schedule while still above
        ``SETTLED_LOSS`` of the first epoch's. Below that share the network fits
        its training windows all but exactly (a short or noiseless series): the
        loss keeps falling in relative terms, but more epochs would only fit the
        same windows closer, so they are not what the fit lacks.
        """
        if epochs <= n_iter_no_change:
            return False
        q = max(1, epochs // 4)
        curve = self.loss_curve[-(q + 1) :]
        if len(curve) < q + 1 or not curve[0] > 0:
            return False
        if curve[-1] < SETTLED_LOSS * self.loss_curve[-epochs]:
            return True
        return (curve[0] - curve[-1]) / curve[0] < 0.25

    def predict(self, inputs):
        """Network outputs for ``inputs`` (a tuple of tensors), in inference mode.

        Every chunk has one of a few fixed shapes (the last one is zero-padded), so
        a sample's prediction does not depend on which other samples share its
        call: matrix kernels pick their summation order by shape. A short call pads
        to a small shape only where that shape was checked to give the same rows.
        """
        self.network.eval()
        n_samples = inputs[0].shape[0]
        chunk = PREDICT_CHUNK[self.device.type == "cuda"]
        outputs = []
        with torch.inference_mode():
            small = self._small_chunks(inputs, chunk)
            for start in range(0, n_samples, chunk):
                batch = [x[start : start + chunk] for x in inputs]
                n_rows = batch[0].shape[0]
                if n_rows < chunk:
                    rows = next((r for r in small if r >= n_rows), chunk)
                    batch = [_pad_rows(x, rows) for x in batch]
                outputs.append(self.network(*batch)[:n_rows])
        return torch.cat(outputs)

    def _small_chunks(self, inputs, chunk):
        """Those of ``PREDICT_SMALL_CHUNKS`` whose rows equal a full chunk's here.

        Kernel choice depends on shapes and the machine, not on the weights, so the
        answer is cached per device and architecture for this process (never
        pickled: another machine checks again).
        """
        key = (
            str(self.device),
            tuple((name, *p.shape) for name, p in self.network.named_parameters()),
            tuple((*x.shape[1:], x.dtype) for x in inputs),
        )
        if key not in _small_chunks_checked:
            generator = torch.Generator(device=self.device).manual_seed(0)
            probe = [
                torch.randn(
                    (chunk, *x.shape[1:]),
                    generator=generator,
                    device=self.device,
                    dtype=x.dtype,
                )
                for x in inputs
            ]
            full = self.network(*probe)
            verified = []
            for rows in PREDICT_SMALL_CHUNKS:
                # a kernel may round a row differently by its position in the
                # batch, so rows are checked at several offsets too
                offsets = [o for o in (0, 1, 3, 5, 7, 11) if o + rows <= chunk]
                if rows >= chunk or not all(
                    torch.equal(
                        self.network(*(x[o : o + rows] for x in probe)),
                        full[o : o + rows],
                    )
                    for o in offsets
                ):
                    break
                verified.append(rows)
            _small_chunks_checked[key] = tuple(verified)
        return _small_chunks_checked[key]

    def r2_score(self, inputs, target, weight):
        """Weighted R^2 of the network on ``inputs``, averaged over outputs.

        A column that is constant over these rows has no spread to compare
        with; its residual is measured against the unit variance of the
        standardized target instead (``1 - mean squared error``), so early
        stopping still sees the network approach the constant (with sklearn's
        convention, 0 for any imperfect fit, the first epoch's weights would be
        kept).
        """
        prediction = self.predict(inputs)
        weight = weight[:, None]
        mean = (weight * target).sum(0) / weight.sum()
        residual = (weight * (target - prediction) ** 2).sum(0)
        spread = (weight * (target - mean) ** 2).sum(0)
        spread = torch.where(spread > 0, spread, weight.sum())
        return float((1 - residual / spread).mean())

    def _snapshot(self):
        return copy.deepcopy(self.network.state_dict())

    def _diverged(self, checkpoints, epoch_loss):
        """Roll back to weights a finite loss vouched for, or fail if there are none."""
        failed_epoch = self.n_iter + 1
        if len(checkpoints) == 2:  # the last finite epoch's end is suspect too
            self.n_iter -= 1
            self.loss_curve.pop()
            del self.validation_scores[self.n_iter :]
            self.loss_rule.best = min(self.loss_curve, default=np.inf)
        self.network.load_state_dict(checkpoints[0])
        self.optimizer.state.clear()
        if not self.loss_curve:
            raise FloatingPointError(
                f"The training loss became {epoch_loss} at epoch {failed_epoch}: "
                f"training diverged. Lower learning_rate (now {self.learning_rate}), "
                "set clip_grad_norm, or scale the inputs."
            )
        warnings.warn(
            f"The training loss became {epoch_loss} at epoch {failed_epoch}; the "
            f"weights of epoch {self.n_iter} were restored and training stopped. "
            f"Lower learning_rate (now {self.learning_rate}) or set clip_grad_norm.",
            RuntimeWarning,
            stacklevel=user_stacklevel(),
        )
        self.diverged = True  # warned here: not a ConvergenceWarning's case

    def _report(self, started, early_stopping):
        line = f"Epoch {self.n_iter}: loss = {self.loss_curve[-1]:.6f}"
        if early_stopping:
            line += f", validation score = {self.validation_scores[-1]:.6f}"
        print(f"{line} ({time.perf_counter() - started:.2f} s)", flush=True)


def numpy_predictor(trainer):
    """``predict(past, extra) -> ndarray``: the trainer's network on numpy arrays.

    The numpy engines (``skgru._forecasting``, ``skgru._intervals``) call it
    with ``past`` of shape (n, window, n_features) and ``extra`` of shape
    (n, n_extra) or None; it returns float64 outputs of shape (n, n_outputs).
    """
    device = trainer.device

    def predict(past, extra):
        inputs = (to_tensor(past, device),)
        if extra is not None:
            inputs += (to_tensor(extra, device),)
        return trainer.predict(inputs).cpu().numpy().astype(np.float64)

    return predict


def fit_arrays(trainer, inputs, target, *, train=None, validation=None, **options):
    """Fit ``trainer`` on numpy arrays, optionally on a split the caller chose.

    Parameters
    ----------
    trainer : Trainer
    inputs : tuple of ndarray
        Network inputs, each of shape (n_samples, ...).
    target : ndarray of shape (n_samples, n_outputs)
    train, validation : ndarray of int or None
        Sample indices of the training and validation sets (for example a
        temporal split); None trains on every sample.
    **options
        Passed to :meth:`Trainer.fit` (``epochs``, ``batch_size``, ...).
    """
    device = trainer.device
    validation_data = None
    if validation is not None:
        validation_data = (
            tuple(to_tensor(x[validation], device) for x in inputs),
            to_tensor(target[validation], device),
            to_tensor(np.ones(len(validation)), device),
        )
    if train is not None:
        inputs, target = tuple(x[train] for x in inputs), target[train]
    return trainer.fit(
        tuple(to_tensor(x, device) for x in inputs),
        to_tensor(target, device),
        to_tensor(np.ones(len(target)), device),
        validation_data=validation_data,
        **options,
    )
