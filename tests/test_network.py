"""GRUNetwork on its own: shapes, sizes as numpy integers, bad input messages,
and the ensemble's members kept independent through training."""

import numpy as np
import pytest
import torch

from skgru._network import GRUNetwork
from skgru._training import Trainer, build_network

SIZES = dict(
    n_features=3,
    n_outputs=2,
    hidden_size=5,
    num_layers=1,
    bidirectional=False,
    dropout=0.0,
)


SIZES_STEP_UNITS = 16  # GRUNetwork's default extra_hidden_size


def network(**sizes):
    return GRUNetwork(**{**SIZES, **sizes})


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_output_shape_and_head_width(bidirectional, num_layers):
    net = network(num_layers=num_layers, bidirectional=bidirectional, n_extra=4)
    x, extra = torch.zeros(7, 11, 3), torch.zeros(7, 4)
    assert net(x, extra).shape == (7, 2)
    directions = 2 if bidirectional else 1
    assert net.head.in_features == 5 * directions + 4
    assert len(net.layers) == num_layers


def test_numpy_integer_sizes_become_python_ints():
    net = network(hidden_size=np.int64(4), num_layers=np.int32(2), n_extra=np.int64(1))
    assert (net.hidden_size, net.num_layers, net.n_extra) == (4, 2, 1)
    assert type(net.hidden_size) is int
    assert [layer.hidden_size for layer in net.layers] == [4, 4]


def test_reset_parameters_draws_from_the_generator_only():
    a, b = network(), network()
    state = torch.get_rng_state()
    a.reset_parameters(torch.Generator().manual_seed(3))
    b.reset_parameters(torch.Generator().manual_seed(3))
    assert torch.equal(state, torch.get_rng_state())
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


def test_dropout_uses_the_given_generator_in_training_only():
    net = network(num_layers=2, dropout=0.5)
    x = torch.randn(4, 6, 3, generator=torch.Generator().manual_seed(0))
    net.train()
    first = net(x, generator=torch.Generator().manual_seed(1))
    again = net(x, generator=torch.Generator().manual_seed(1))
    assert torch.equal(first, again)
    net.eval()
    assert torch.equal(net(x), net(x))


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"hidden_size": 0}, "hidden_size must be an integer >= 1; got 0"),
        ({"hidden_size": 3.0}, "hidden_size must be an integer"),
        ({"num_layers": True}, "num_layers must be an integer"),
        ({"n_features": -1}, "n_features must be an integer >= 1"),
        ({"n_extra": -1}, "n_extra must be an integer >= 0"),
        ({"dropout": 1.0}, r"dropout must be in \[0, 1\)"),
        ({"ensemble_size": 0}, "ensemble_size must be an integer >= 1; got 0"),
    ],
)
def test_bad_sizes_are_rejected(sizes, message):
    with pytest.raises(ValueError, match=message):
        network(**sizes)


def test_bad_inputs_name_the_expected_shape():
    net = network()
    with pytest.raises(
        ValueError, match=r"x of shape \(batch, time, 3\); got \(4, 6\)"
    ):
        net(torch.zeros(4, 6))
    with pytest.raises(ValueError, match=r"got \(4, 6, 2\)"):
        net(torch.zeros(4, 6, 2))
    with pytest.raises(ValueError, match="n_extra=0; extra must be None"):
        net(torch.zeros(4, 6, 3), torch.zeros(4, 1))
    with_extra = network(n_extra=2)
    with pytest.raises(ValueError, match=r"extra must have shape \(4, 2\); got None"):
        with_extra(torch.zeros(4, 6, 3))
    with pytest.raises(ValueError, match=r"got \(4, 3\)"):
        with_extra(torch.zeros(4, 6, 3), torch.zeros(4, 3))


def member(ensemble, m):
    """Member ``m`` of an ensemble network as a standalone network of its size."""
    h, k = ensemble.hidden_size, ensemble.ensemble_size
    width, n_out = h * k, ensemble.n_outputs
    alone = GRUNetwork(
        n_features=ensemble.n_features,
        n_outputs=n_out,
        hidden_size=h,
        num_layers=ensemble.num_layers,
        bidirectional=ensemble.bidirectional,
        dropout=0.0,
        n_extra=ensemble.n_extra,
        extra_steps=ensemble.extra_steps,
        extra_hidden_size=SIZES_STEP_UNITS,
    )
    directions = 2 if ensemble.bidirectional else 1
    units = torch.arange(m * h, (m + 1) * h)
    rows = torch.cat([units + g * width for g in range(3)])
    # the next layer and the head read both directions side by side
    read = torch.cat([units + d * width for d in range(directions)])
    with torch.no_grad():
        for i, (big, small) in enumerate(
            zip(ensemble.layers, alone.layers, strict=True)
        ):
            for name, weight in small.named_parameters():
                source = getattr(big, name)[rows]
                if name.startswith("weight_hh"):
                    source = source[:, units]
                elif name.startswith("weight_ih") and i > 0:
                    source = source[:, read]
                weight.copy_(source)
        extra = torch.arange(width * directions, ensemble.head.in_features)
        head_rows = torch.arange(m * n_out, (m + 1) * n_out)
        alone.head.weight.copy_(
            ensemble.head.weight[head_rows][:, torch.cat([read, extra])]
        )
        alone.head.bias.copy_(ensemble.head.bias[head_rows])
        if ensemble.step_net is not None:
            u, big, small = SIZES_STEP_UNITS, ensemble.step_net, alone.step_net
            own = torch.arange(m * u, (m + 1) * u)
            out_rows = torch.arange(
                m * small[2].out_features, (m + 1) * small[2].out_features
            )
            small[0].weight.copy_(big[0].weight[own])
            small[0].bias.copy_(big[0].bias[own])
            small[2].weight.copy_(big[2].weight[out_rows][:, own])
            small[2].bias.copy_(big[2].bias[out_rows])
    return alone


@pytest.mark.parametrize(
    ("optimizer", "weight_decay", "num_layers", "bidirectional", "extra_steps"),
    [
        ("adam", 0.0, 1, False, 0),
        ("adam", 0.0, 1, False, 2),
        ("adamw", 0.1, 2, True, 2),
        ("sgd", 0.01, 2, False, 0),
    ],
)
def test_ensemble_members_stay_independent_networks(
    optimizer, weight_decay, num_layers, bidirectional, extra_steps
):
    ensemble = build_network(
        torch.Generator().manual_seed(0),
        "cpu",
        n_features=3,
        n_outputs=2,
        hidden_size=4,
        num_layers=num_layers,
        bidirectional=bidirectional,
        dropout=0.0,
        n_extra=2,
        ensemble_size=3,
        extra_steps=extra_steps,
    )
    g = torch.Generator().manual_seed(1)
    x, extra = torch.randn(64, 5, 3, generator=g), torch.randn(64, 2, generator=g)
    target = x[:, -2:, 0] + extra
    trainer = Trainer(
        ensemble,
        optimizer=optimizer,
        learning_rate=0.01,
        weight_decay=weight_decay,
        clip_grad_norm=1.0,
    )
    trainer.fit(
        (x, extra),
        target,
        torch.ones(64),
        epochs=5,
        batch_size=16,
        generator=torch.Generator().manual_seed(2),
    )
    # the weights between members are still exactly zero
    for name, parameter in ensemble.named_parameters():
        if name in ensemble._masks:
            assert torch.all(parameter[ensemble._masks[name] == 0] == 0), name
    # each member computes what a standalone network with its weights computes,
    # and the ensemble's prediction is their mean
    ensemble.train()
    with torch.no_grad():
        per_member = ensemble(x, extra).reshape(64, 3, 2)
    alone = [member(ensemble, m).eval() for m in range(3)]
    with torch.no_grad():
        for m in range(3):
            torch.testing.assert_close(alone[m](x, extra), per_member[:, m])
        ensemble.eval()
        torch.testing.assert_close(ensemble(x, extra), per_member.mean(1))
    # the members learnt: different weights, and each fits better than at the start
    assert not torch.equal(alone[0].head.weight, alone[1].head.weight)
    assert trainer.loss_curve[-1] < trainer.loss_curve[0]


def test_the_step_network_maps_each_steps_covariates_to_its_own_outputs():
    net = build_network(
        torch.Generator().manual_seed(0), "cpu", **SIZES, n_extra=4, extra_steps=2
    )  # 2 steps of 2 covariates, 1 output per step
    with torch.no_grad():
        net.head.weight[:, -4:] = 0.0  # leave the per-step network alone
    x = torch.randn(1, 6, 3, generator=torch.Generator().manual_seed(1))
    extra = torch.zeros(9, 4)
    extra[:, 0] = torch.linspace(-4, 4, 9)  # step 1's first covariate only
    with torch.no_grad():
        out = net(x.expand(9, -1, -1), extra)
    torch.testing.assert_close(out[:, 1], out[:1, 1].expand(9))  # step 2 unmoved
    second_difference = out[2:, 0] - 2 * out[1:-1, 0] + out[:-2, 0]
    assert second_difference.abs().max() > 1e-3  # nonlinear in the covariate
    # the same function at every step
    swapped = extra[:, [2, 3, 0, 1]]
    with torch.no_grad():
        moved = net(x.expand(9, -1, -1), swapped)
    torch.testing.assert_close(moved[:, 1] - moved[:1, 1], out[:, 0] - out[:1, 0])


def test_extra_steps_must_divide_the_extra_input_and_the_output():
    with pytest.raises(ValueError, match=r"extra_steps=3 must divide n_extra \(4\)"):
        network(n_extra=4, extra_steps=3)


def test_ensemble_of_one_is_the_plain_network():
    plain = build_network(torch.Generator().manual_seed(0), "cpu", **SIZES)
    one = build_network(
        torch.Generator().manual_seed(0), "cpu", **SIZES, ensemble_size=1
    )
    for p, q in zip(plain.parameters(), one.parameters(), strict=True):
        assert torch.equal(p, q)
    assert one._masks == {}


def test_input_groups_members_read_their_block_and_fit_their_target_block():
    # features: group 0's block (2), group 1's block (2), one shared feature;
    # members 0 and 2 are group 0, member 1 is group 1
    net = build_network(
        torch.Generator().manual_seed(0),
        "cpu",
        **{**SIZES, "n_features": 5},
        n_extra=2,
        extra_steps=2,
        ensemble_size=3,
        input_groups=2,
        group_features=2,
    )
    assert net.member_groups == [0, 1, 0]
    g = torch.Generator().manual_seed(1)
    x, extra = torch.randn(64, 6, 5, generator=g), torch.randn(64, 2, generator=g)
    # the groups' targets live on different scales
    target = torch.cat([x[:, -1, 0:2], 10 * x[:, -1, 2:4]], dim=1)
    trainer = Trainer(net, optimizer="adam", learning_rate=0.02)
    trainer.fit(
        (x, extra),
        target,
        torch.ones(64),
        epochs=30,
        batch_size=16,
        generator=torch.Generator().manual_seed(2),
    )
    net.train()
    with torch.no_grad():
        per_member = net(x, extra).reshape(64, 3, 2)
        net.eval()
        out = net(x, extra)
    assert out.shape == (64, 4)
    # evaluation: the members' mean per group, group 0 then group 1
    torch.testing.assert_close(out[:, :2], per_member[:, [0, 2]].mean(1))
    torch.testing.assert_close(out[:, 2:], per_member[:, 1])
    # each group learnt its own target block (about 1 and 10 in scale)
    for block in (slice(0, 2), slice(2, 4)):
        residual = (out[:, block] - target[:, block]).pow(2).mean()
        assert residual < 0.5 * target[:, block].pow(2).mean()
    # a group's input block reaches its members only; the shared feature all
    moved = x.clone()
    moved[:, :, 2:4] += 1.0
    with torch.no_grad():
        after = net(moved, extra)
    torch.testing.assert_close(after[:, :2], out[:, :2])
    assert not torch.allclose(after[:, 2:], out[:, 2:])
    moved = x.clone()
    moved[:, :, 4] += 1.0
    with torch.no_grad():
        after = net(moved, extra)
    assert not torch.allclose(after[:, :2], out[:, :2])
    assert not torch.allclose(after[:, 2:], out[:, 2:])


def test_input_groups_need_a_member_per_group():
    with pytest.raises(ValueError, match=r"input_groups=2 needs ensemble_size >= 2"):
        network(n_features=4, input_groups=2, group_features=2)
    with pytest.raises(ValueError, match=r"group_features > 0 that fit in n_featu"):
        network(n_features=3, ensemble_size=2, input_groups=2, group_features=2)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_each_member_trains_exactly_as_a_standalone_network(optimizer):
    # two input groups with targets a hundred times apart and a tight clipping
    # threshold: each member's steps, clipping included, are its own
    ensemble = build_network(
        torch.Generator().manual_seed(0),
        "cpu",
        **{**SIZES, "n_features": 3, "n_outputs": 1, "hidden_size": 4},
        ensemble_size=2,
        input_groups=2,
        group_features=1,
    )
    start = [member(ensemble, m) for m in range(2)]
    g = torch.Generator().manual_seed(1)
    x = torch.randn(48, 5, 3, generator=g)
    target = torch.stack([x[:, -1, 0], 100 * x[:, -1, 1]], dim=1)
    options = dict(optimizer=optimizer, learning_rate=0.01, clip_grad_norm=0.5)
    fit = dict(epochs=4, batch_size=16)
    trainer = Trainer(ensemble, **options)
    trainer.fit(
        (x,), target, torch.ones(48), generator=torch.Generator().manual_seed(2), **fit
    )
    for m, alone in enumerate(start):
        own = x.clone()
        own[:, :, 1 - m] = 0.0  # the other group's block, which m never reads
        Trainer(alone, **options).fit(
            (own,),
            target[:, m : m + 1],
            torch.ones(48),
            generator=torch.Generator().manual_seed(2),
            **fit,
        )
        trained = member(ensemble, m)
        for (name, p), q in zip(
            alone.named_parameters(), trained.parameters(), strict=True
        ):
            torch.testing.assert_close(p, q, atol=2e-6, rtol=1e-4, msg=name)
