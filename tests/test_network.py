"""GRUNetwork on its own: shapes, sizes as numpy integers, bad input messages."""

import numpy as np
import pytest
import torch

from skgru._network import GRUNetwork


def network(**sizes):
    kwargs = dict(
        n_features=3,
        n_outputs=2,
        hidden_size=5,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
    )
    return GRUNetwork(**{**kwargs, **sizes})


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
