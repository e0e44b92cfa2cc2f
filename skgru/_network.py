"""The one network both GRU front-ends train: a GRU encoder and a linear head."""

import math
from numbers import Integral

import torch
from torch import nn

__all__ = ["GRUNetwork"]


def _count(name, value, minimum):
    """``value`` as a Python int (``nn.GRU`` rejects numpy integers)."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(
            f"GRUNetwork: {name} must be an integer >= {minimum}; got {value!r}."
        )
    return int(value)


class GRUNetwork(nn.Module):
    """GRU encoder over a sequence, optional extra inputs, linear head.

    Parameters
    ----------
    n_features : int
        Features per time step of the input sequence.
    n_outputs : int
        Width of the output.
    hidden_size : int
        Hidden units of each GRU layer (per direction).
    num_layers : int
        Stacked GRU layers.
    bidirectional : bool
        Whether each layer also reads the sequence backwards.
    dropout : float
        Dropout between stacked layers and before the head; masks are drawn from the
        generator handed to :meth:`forward`, never from torch's global RNG.
    n_extra : int, default=0
        Width of an extra flat input joined to the encoding before the head (for
        example the known future covariates of a forecast horizon).
    """

    def __init__(
        self,
        n_features,
        n_outputs,
        hidden_size,
        num_layers,
        bidirectional,
        dropout,
        n_extra=0,
    ):
        super().__init__()
        n_features, n_outputs, hidden_size, num_layers = (
            _count(name, value, minimum=1)
            for name, value in [
                ("n_features", n_features),
                ("n_outputs", n_outputs),
                ("hidden_size", hidden_size),
                ("num_layers", num_layers),
            ]
        )
        n_extra = _count("n_extra", n_extra, minimum=0)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"GRUNetwork: dropout must be in [0, 1); got {dropout!r}.")
        directions = 2 if bidirectional else 1
        # One module per layer, so dropout between layers can use our own generator.
        self.layers = nn.ModuleList(
            nn.GRU(
                n_features if i == 0 else hidden_size * directions,
                hidden_size,
                batch_first=True,
                bidirectional=bool(bidirectional),
            )
            for i in range(num_layers)
        )
        self.n_features = n_features
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bool(bidirectional)
        self.head = nn.Linear(hidden_size * directions + n_extra, n_outputs)
        self.dropout = float(dropout)
        self.n_extra = n_extra

    def reset_parameters(self, generator):
        """Initialize every weight as PyTorch does, drawing from ``generator``."""
        with torch.no_grad():
            for layer in self.layers:
                bound = 1.0 / math.sqrt(layer.hidden_size)
                for weight in layer.parameters():
                    weight.uniform_(-bound, bound, generator=generator)
            bound = 1.0 / math.sqrt(self.head.in_features)
            for weight in self.head.parameters():
                weight.uniform_(-bound, bound, generator=generator)

    def forward(self, x, extra=None, generator=None):
        """Map ``x`` of shape (batch, time, features) to (batch, n_outputs).

        ``extra`` is a (batch, n_extra) tensor when the network was built with
        ``n_extra > 0``. ``generator`` drives dropout in training mode.

        Raises
        ------
        ValueError
            If ``x`` is not 3D with ``n_features`` on its last axis, or ``extra`` is
            missing, unexpected or of the wrong width.
        """
        if x.dim() != 3 or x.shape[2] != self.n_features:
            raise ValueError(
                f"GRUNetwork expects x of shape (batch, time, {self.n_features}); "
                f"got {tuple(x.shape)}."
            )
        if self.n_extra and (
            extra is None
            or extra.dim() != 2
            or extra.shape != (x.shape[0], self.n_extra)
        ):
            got = None if extra is None else tuple(extra.shape)
            raise ValueError(
                f"GRUNetwork was built with n_extra={self.n_extra}: extra must have "
                f"shape ({x.shape[0]}, {self.n_extra}); got {got}."
            )
        if not self.n_extra and extra is not None:
            raise ValueError("GRUNetwork was built with n_extra=0; extra must be None.")
        final = None
        for i, layer in enumerate(self.layers):
            if i > 0:
                x = self._drop(x, generator)
            x, final = layer(x)
        # The last layer's final hidden state, both directions side by side.
        encoding = final.transpose(0, 1).reshape(x.shape[0], -1)
        encoding = self._drop(encoding, generator)
        if self.n_extra:
            encoding = torch.cat([encoding, extra], dim=1)
        return self.head(encoding)

    def _drop(self, x, generator):
        if not self.training or self.dropout == 0.0:
            return x
        keep = 1.0 - self.dropout
        mask = torch.empty_like(x).bernoulli_(keep, generator=generator)
        return x * mask / keep
