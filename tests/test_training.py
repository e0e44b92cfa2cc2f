"""The training loop on its own: tensors in, no estimator, sklearn or sktime."""

import numpy as np
import torch

from skgru._forecasting import ModelSpace, temporal_split
from skgru._training import Trainer, build_network, make_generator


def _trainer(seed=0):
    network = build_network(
        make_generator(seed, "cpu"),
        torch.device("cpu"),
        hidden_size=4,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        n_features=1,
        n_outputs=1,
    )
    return Trainer(network, learning_rate=0.01)


def _data(n):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 5, 1, generator=g)
    return (x,), x[:, -1], torch.ones(n)


def test_samples_per_epoch_bounds_the_steps_whatever_the_data_size():
    calls = {}
    for n in (10, 1000):
        trainer = _trainer()
        steps = []
        trainer.optimizer.step = lambda *a, _s=steps, _f=trainer.optimizer.step: (
            _s.append(1),
            _f(*a),
        )
        inputs, target, weight = _data(n)
        trainer.fit(
            inputs,
            target,
            weight,
            epochs=2,
            batch_size=8,
            generator=make_generator(0, "cpu"),
            samples_per_epoch=64,
        )
        calls[n] = len(steps)
    assert calls[10] == calls[1000] == 2 * 8


def test_cosine_schedule_restores_the_learning_rate_and_counts_as_converged():
    trainer = _trainer()
    inputs, target, weight = _data(64)
    trainer.fit(
        inputs,
        target,
        weight,
        epochs=40,
        batch_size=16,
        generator=make_generator(0, "cpu"),
        lr_schedule="cosine",
        n_iter_no_change=10,
        tol=0.0,
    )
    assert trainer.n_iter == 40 and trainer.converged
    assert trainer.optimizer.param_groups[0]["lr"] == 0.01
    short = _trainer()
    short.fit(
        inputs,
        target,
        weight,
        epochs=2,
        batch_size=16,
        generator=make_generator(0, "cpu"),
        lr_schedule="cosine",
    )
    assert not short.converged  # the loss was still falling fast


def test_explicit_validation_data_replaces_the_random_split():
    trainer = _trainer()
    inputs, target, weight = _data(40)
    val = ((inputs[0][:8],), target[:8], weight[:8])
    trainer.fit(
        inputs,
        target,
        weight,
        epochs=3,
        batch_size=8,
        generator=make_generator(0, "cpu"),
        early_stopping=True,
        validation_data=val,
    )
    assert len(trainer.validation_scores) == 3
    assert trainer.validation_scores[-1] <= 1.0


def test_temporal_split_keeps_the_validation_period_out_of_training():
    ys = [np.arange(50.0)[:, None], np.arange(30.0)[:, None]]
    space = ModelSpace.fit(ys, window_length=6, horizon=4)
    _, _, _, ids, ends = space.windows(ys)
    train, val, first = temporal_split(ids, ends, 4, 0.2)
    for i in (0, 1):
        train_i, val_i = train[ids[train] == i], val[ids[val] == i]
        assert len(train_i) and len(val_i)
        # every training target ends before the first validation target
        assert ends[train_i].max() <= first[i]
        assert (ends[val_i] - 4).min() == first[i]
        assert ends[val_i].max() == len(ys[i])
    capped = temporal_split(ids, ends, 4, 0.5, max_validation=5)[1]
    assert len(capped) == 5


def test_a_cosine_schedule_fitting_its_windows_all_but_exactly_has_settled():
    trainer = _trainer()
    # shaped like a short series' default fit (USAccDeaths, 48 points: 1.42 ->
    # 0.0019): 1.42 -> 0.0011 over 100 epochs, still falling by 84% over the last
    # quarter, but below 1% of the first epoch's loss: more epochs would only fit
    # the same windows closer
    trainer.loss_curve = list(1.42 * 0.93 ** np.arange(100))
    assert trainer._settled(100, n_iter_no_change=10)
    # a fall as steep that ends well above 1% of the first loss stopped short
    short = list(np.r_[np.full(75, 1.0), np.linspace(1.0, 0.3, 25)])
    trainer.loss_curve = short
    assert not trainer._settled(100, n_iter_no_change=10)
    # after a warm start the first epoch of this call is the reference
    trainer.loss_curve = [100.0] * 10 + short
    assert not trainer._settled(100, n_iter_no_change=10)
    # fewer epochs than the patience never settle
    trainer.loss_curve = list(1.42 * 0.5 ** np.arange(8))
    assert not trainer._settled(8, n_iter_no_change=10)
