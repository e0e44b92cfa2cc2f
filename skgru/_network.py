"""The one network both GRU front-ends train: a GRU encoder and a linear head, as
one network or as an ensemble of independent members."""

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
    extra_steps : int, default=0
        With a positive value the extra input is ``extra_steps`` blocks of
        ``n_extra / extra_steps`` features, one per output step (the future
        covariates of each step of a horizon), and the output ``extra_steps``
        blocks of ``n_outputs / extra_steps``. One small ReLU network, shared
        by the steps, maps each step's features to an addition to that step's
        outputs, so a covariate acts on its own step nonlinearly (demand is
        U-shaped in temperature) with the same function at every step, next to
        the head's linear use of the whole extra input. 0: the head alone.
    extra_hidden_size : int, default=16
        ReLU units (per member) of that per-step network.
    input_groups : int, default=1
        Members read different views of the input and predict different
        targets: the first ``input_groups * group_features`` input features are
        ``input_groups`` blocks, member ``m`` reads block ``m % input_groups``
        (and the features after the blocks, shared by all) and is trained on
        block ``m % input_groups`` of a target of ``input_groups * n_outputs``
        columns. In evaluation mode the output is the members' mean per group,
        ``input_groups * n_outputs`` columns. Needs ``ensemble_size >=
        input_groups``. Used for members trained on differently normalized
        windows of the same series.
    group_features : int, default=0
        Width of one input block (with ``input_groups > 1``).
    ensemble_size : int, default=1
        Independent networks of ``hidden_size`` units trained side by side in one
        module: their GRU weights and heads are block-diagonal (no member reads
        another's hidden state), each member gets its own loss on the target
        (:attr:`n_members` outputs in training mode) and their outputs are
        averaged in evaluation mode. One wide module runs faster on a CPU than
        the members one after another; it is the seed ensemble of N-BEATS
        (Oreshkin et al., 2020, Section 3.4) at a fraction of its cost.
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
        ensemble_size=1,
        extra_steps=0,
        extra_hidden_size=16,
        input_groups=1,
        group_features=0,
    ):
        super().__init__()
        members = _count("ensemble_size", ensemble_size, minimum=1)
        groups = _count("input_groups", input_groups, minimum=1)
        group_features = _count("group_features", group_features, minimum=0)
        if groups > 1 and (
            members < groups
            or groups * group_features > n_features
            or not group_features
        ):
            raise ValueError(
                f"GRUNetwork: input_groups={groups} needs ensemble_size >= "
                f"{groups} (got {members}) and input blocks of group_features > 0 "
                f"that fit in n_features={n_features} (got {group_features})."
            )
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
        extra_steps = _count("extra_steps", extra_steps, minimum=0)
        if extra_steps and (n_extra % extra_steps or n_outputs % extra_steps):
            raise ValueError(
                f"GRUNetwork: extra_steps={extra_steps} must divide n_extra "
                f"({n_extra}) and n_outputs ({n_outputs})."
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"GRUNetwork: dropout must be in [0, 1); got {dropout!r}.")
        directions = 2 if bidirectional else 1
        width = hidden_size * members
        # One module per layer, so dropout between layers can use our own generator.
        self.layers = nn.ModuleList(
            nn.GRU(
                n_features if i == 0 else width * directions,
                width,
                batch_first=True,
                bidirectional=bool(bidirectional),
            )
            for i in range(num_layers)
        )
        self.n_features = n_features
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bool(bidirectional)
        self.ensemble_size = members
        self.n_outputs = n_outputs
        self.input_groups = groups
        self.group_features = group_features if groups > 1 else 0
        self.head = nn.Linear(width * directions + n_extra, n_outputs * members)
        self.extra_steps = extra_steps
        self.step_net = None
        if extra_steps:
            units = _count("extra_hidden_size", extra_hidden_size, minimum=1)
            # each member's units read the step's features; its outputs read
            # only its own units (masked below)
            self.step_net = nn.Sequential(
                nn.Linear(n_extra // extra_steps, units * members),
                nn.ReLU(),
                nn.Linear(units * members, (n_outputs // extra_steps) * members),
            )
        self.dropout = float(dropout)
        self.n_extra = n_extra
        # 0/1 masks that keep the members apart (none for one member), as
        # buffers: they move with the module (.to, pickling) and stay out of
        # the state dict
        self._mask_of = {}
        for name, mask in (self._member_masks() if members > 1 else {}).items():
            buffer = "mask_" + name.replace(".", "_")
            self.register_buffer(buffer, mask, persistent=False)
            self._mask_of[name] = buffer
        # float32 whatever torch's default dtype (torch.set_default_dtype): the
        # trainers feed float32 tensors
        self.to(torch.float32)

    @property
    def _masks(self):
        """``{weight name: its 0/1 mask}`` (empty for one member)."""
        return {name: getattr(self, buffer) for name, buffer in self._mask_of.items()}

    def _member_masks(self):
        """Block-diagonal masks: a weight only links units of the same member."""
        h, k = self.hidden_size, self.ensemble_size
        width = h * k

        def member_of_unit(n_units):  # GRU rows: 3 gates of `width` units each
            return (torch.arange(n_units, device="cpu") % width) // h

        masks = {}
        g, block = self.input_groups, self.group_features
        for i, layer in enumerate(self.layers):
            for name, weight in layer.named_parameters():
                if name.startswith("bias") or (i == 0 and "ih" in name and g == 1):
                    continue  # biases are per unit; layer 0 reads the shared input
                rows = member_of_unit(weight.shape[0])
                if i == 0 and "ih" in name:
                    # input block b goes to the members of group b; the features
                    # after the blocks to every member
                    feature = torch.arange(weight.shape[1], device="cpu")
                    block_of = torch.where(
                        feature < g * block, feature // max(block, 1), -1
                    )
                    mask = (rows[:, None] % g == block_of[None, :]) | (block_of == -1)
                    masks[f"layers.{i}.{name}"] = mask.float()
                    continue
                cols = member_of_unit(weight.shape[1])  # both directions side by side
                masks[f"layers.{i}.{name}"] = (rows[:, None] == cols[None, :]).float()
        rows = torch.arange(self.head.out_features, device="cpu") // self.n_outputs
        encoded = self.head.in_features - self.n_extra
        # the extra inputs (-1) go to every member
        extra = torch.full((self.n_extra,), -1, device="cpu")
        cols = torch.cat([member_of_unit(encoded), extra])
        masks["head.weight"] = ((rows[:, None] == cols[None, :]) | (cols == -1)).float()
        if self.step_net is not None:
            out = self.step_net[2]
            rows = torch.arange(out.out_features, device="cpu") // (
                out.out_features // k
            )
            cols = torch.arange(out.in_features, device="cpu") // (out.in_features // k)
            masks["step_net.2.weight"] = (rows[:, None] == cols[None, :]).float()
        return masks

    @property
    def n_members(self):
        """Outputs per target column in training mode (``ensemble_size``)."""
        return self.ensemble_size

    @property
    def member_groups(self):
        """The input group of each member (``m % input_groups``), a list."""
        return [m % self.input_groups for m in range(self.ensemble_size)]

    def member_of_rows(self, device):
        """``{parameter name: member of each of its rows}`` (LongTensors).

        Every weight's row (and bias entry) belongs to one member: a GRU unit,
        a head output or a unit of the per-step network.
        """
        k, h = self.ensemble_size, self.hidden_size
        width = h * k
        rows = {}
        for name, parameter in self.named_parameters():
            index = torch.arange(parameter.shape[0], device=device)
            if name.startswith("layers."):
                rows[name] = (index % width) // h
            else:  # head, step_net: members' blocks one after another
                rows[name] = index // (parameter.shape[0] // k)
        return rows

    def clip_member_gradients(self, max_norm, member_of_rows):
        """Clip each member's gradient to norm ``max_norm`` on its own.

        As :func:`torch.nn.utils.clip_grad_norm_` on a standalone member, so a
        member whose targets are on a larger scale does not shrink the others'
        steps. ``member_of_rows`` is :meth:`member_of_rows`' answer.
        """
        grads = [(p.grad, member_of_rows[name]) for name, p in self.named_parameters()]
        grads = [(g, rows) for g, rows in grads if g is not None]
        if not grads:
            return
        squares = grads[0][0].new_zeros(self.ensemble_size)
        for grad, rows in grads:
            squares.index_add_(0, rows, grad.reshape(len(rows), -1).pow(2).sum(1))
        factor = (max_norm / (squares.sqrt() + 1e-6)).clamp(max=1.0)
        for grad, rows in grads:
            grad.mul_(factor[rows].reshape(-1, *[1] * (grad.dim() - 1)))

    def mask_gradients(self):
        """Zero the gradients that would connect members (call after backward).

        The masked weights start at zero and, with zero gradients, every
        optimizer here (Adam, AdamW, SGD, with or without weight decay) keeps them
        there, so the members stay independent networks.
        """
        masks = self._masks
        for name, parameter in self.named_parameters():
            mask = masks.get(name)
            if mask is not None and parameter.grad is not None:
                parameter.grad.mul_(mask)

    def reset_parameters(self, generator):
        """Initialize every weight as PyTorch does, drawing from ``generator``.

        Each member is initialized as a network of its own size would be; the
        weights between members are zero.
        """
        directions = 2 if self.bidirectional else 1
        with torch.no_grad():
            for layer in self.layers:
                bound = 1.0 / math.sqrt(self.hidden_size)
                for weight in layer.parameters():
                    weight.uniform_(-bound, bound, generator=generator)
            fan_in = self.hidden_size * directions + self.n_extra
            bound = 1.0 / math.sqrt(fan_in)
            for weight in self.head.parameters():
                weight.uniform_(-bound, bound, generator=generator)
            if self.step_net is not None:
                members = self.ensemble_size
                for linear in (self.step_net[0], self.step_net[2]):
                    fan_in = linear.in_features
                    if linear is self.step_net[2]:
                        fan_in //= members  # each output reads its member's units
                    bound = 1.0 / math.sqrt(fan_in)
                    for weight in linear.parameters():
                        weight.uniform_(-bound, bound, generator=generator)
            # the masks too: a module built on the meta device has empty buffers
            fresh = self._member_masks() if self._mask_of else {}
            masks = self._masks
            for name, parameter in self.named_parameters():
                if name in masks:
                    masks[name].copy_(fresh[name])
                    parameter.mul_(masks[name])

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
        k, n, g = self.ensemble_size, self.n_outputs, self.input_groups
        averaged = k > 1 and not self.training
        if averaged:
            # the members' mean (per group) is one linear head over all of them
            # (their weights are zero across members): averaged once per call,
            # and each output row is computed as by a single network's head
            weight = self._group_mean(self.head.weight.reshape(k, n, -1))
            bias = self._group_mean(self.head.bias.reshape(k, n))
            out = nn.functional.linear(encoding, weight.flatten(0, 1), bias.flatten())
        else:
            out = self.head(encoding)
        if self.step_net is None:
            return out
        steps, batch = self.extra_steps, extra.shape[0]
        per_step = self.step_net(extra.reshape(batch, steps, -1))
        # (batch, steps, members * outputs per step) -> the head's layout
        per_step = per_step.reshape(batch, steps, k, n // steps).transpose(1, 2)
        if averaged:
            per_step = self._group_mean(per_step.transpose(0, 1)).transpose(0, 1)
            return out + per_step.reshape(batch, g * n)
        return out + per_step.reshape(batch, k * n)

    def _group_mean(self, per_member):
        """Mean over the members of each group: (k, ...) -> (input_groups, ...)."""
        g = self.input_groups
        if g == 1:
            return per_member.mean(0, keepdim=True)
        # member m is in group m % g: a strided slice, no index tensor per call
        return torch.stack([per_member[b::g].mean(0) for b in range(g)])

    def _drop(self, x, generator):
        if not self.training or self.dropout == 0.0:
            return x
        keep = 1.0 - self.dropout
        mask = torch.empty_like(x).bernoulli_(keep, generator=generator)
        return x * mask / keep
