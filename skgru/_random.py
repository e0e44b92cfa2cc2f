"""The one ``random_state`` helper of the package (numpy only).

Every public class takes sklearn's ``random_state`` (None, an int, a
``numpy.random.RandomState`` or a ``numpy.random.Generator``). This module turns it
into a seed or a ``numpy.random.Generator`` in one way:

- ``None`` means fresh OS entropy; numpy's global generator is never touched.
- an int (numpy integers too) is used as the seed.
- a ``RandomState`` or ``Generator`` is drawn from once, so successive calls with the
  same instance give different streams (sklearn's meaning).

Independent streams of one fit (training, calibration, ...) come from
``numpy.random.SeedSequence.spawn`` rather than offsets added to a seed.
"""

import numbers

import numpy as np

__all__ = ["check_seed", "check_generator", "spawn_seeds"]

_SEED_BITS = 63


def check_seed(random_state):
    """A non-negative seed below ``2**63`` from a ``random_state``.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator

    Returns
    -------
    seed : int

    Raises
    ------
    ValueError
        If ``random_state`` is none of the above (a bool or float, for example)
        or a negative int.
    """
    if random_state is None:
        # uint64 >> int raises on numpy < 2 (no safe casting): shift a Python int.
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0]) >> 1
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, (bool, np.bool_)
    ):
        if random_state < 0:  # as sklearn's check_random_state
            raise ValueError(
                f"random_state must be a non-negative int; got {random_state!r}."
            )
        return int(random_state) % (2**_SEED_BITS)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(np.iinfo(np.int64).max))
    raise ValueError(
        "random_state must be None, an int, a numpy RandomState or Generator; got "
        f"{random_state!r}."
    )


def check_generator(random_state):
    """A ``numpy.random.Generator`` from a ``random_state``.

    A ``Generator`` is returned as it is (the caller's stream goes on); None gives
    a fresh one from OS entropy. An int ``n`` and ``RandomState(n)`` give the same
    stream, as in sklearn: the generator is seeded by one draw from
    ``RandomState(n)``.

    Raises
    ------
    ValueError
        If ``random_state`` is not a valid ``random_state``.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng()
    if not isinstance(random_state, np.random.RandomState):
        random_state = np.random.RandomState(check_seed(random_state) % 2**32)
    return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))


def spawn_seeds(seed, n):
    """``n`` independent seeds derived from ``seed`` (``SeedSequence.spawn``).

    The streams of one fit (weights, batch order, a calibration network) each take
    one; their order is fixed, so the same ``seed`` gives the same streams.
    """
    children = np.random.SeedSequence(int(seed)).spawn(n)
    return [int(child.generate_state(1, np.uint64)[0]) >> 1 for child in children]
