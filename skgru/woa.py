"""Whale Optimization Algorithm (Mirjalili & Lewis, 2016) as one vectorized engine.

The whole population is one ``(n_agents, n_dims)`` array updated per iteration.
:class:`WhaleOptimizer` speaks ask/tell over the unit hypercube, so the same engine
serves :func:`whale_minimize`, :class:`~skgru.WhaleSearchCV` and
:class:`~skgru.ForecastingWhaleSearchCV`.

WOA's moves are all relative to the leader and are pulled toward the coordinate
origin, so internally whales live in coordinates centred on each range,
``z = 2 * u - 1`` in ``[-1, 1]``: the origin is the middle of the space, never a
corner of it.
"""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["WhaleOptimizer"]

VARIANTS = ("paper", "matlab")


class WhaleOptimizer:
    """Ask/tell Whale Optimization Algorithm over the unit hypercube (minimization).

    Parameters
    ----------
    n_dims : int
        Number of dimensions of the search space.
    n_agents : int, default=30
        Number of whales (population size).
    max_iter : int, default=500
        Number of iterations; ``a`` falls linearly from 2 to 0 over them.
    b : float, default=1.0
        Shape constant of the logarithmic spiral.
    variant : {"paper", "matlab"}, default="paper"
        ``"paper"`` follows the equations of the paper with per-dimension random
        vectors ``A`` and ``C``; ``"matlab"`` follows the author's public MATLAB code
        (one scalar ``A`` and ``C`` per whale, a random whale drawn per dimension,
        ``l`` drawn from ``[a2, 1]``).
    random_state : int, RandomState or Generator, default=None
        Seed of the local random generator; all random draws happen here.

    Attributes
    ----------
    n_iter_ : int
        Number of populations told so far.
    best_position_ : ndarray of shape (n_dims,)
        Best position seen, in the unit hypercube.
    best_value_ : float
        Objective value at ``best_position_``.
    history_ : list of float
        Best value after each iteration.
    """

    def __init__(
        self,
        n_dims,
        *,
        n_agents=30,
        max_iter=500,
        b=1.0,
        variant="paper",
        random_state=None,
    ):
        if int(n_dims) < 1:
            raise ValueError(f"n_dims must be a positive integer, got {n_dims!r}.")
        if int(n_agents) < 1:
            raise ValueError(f"n_agents must be a positive integer, got {n_agents!r}.")
        if int(max_iter) < 1:
            raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}.")
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}.")
        self.n_dims = int(n_dims)
        self.n_agents = int(n_agents)
        self.max_iter = int(max_iter)
        self.b = float(b)
        self.variant = variant
        self._rng = _as_generator(random_state)
        self._positions = self._rng.uniform(-1.0, 1.0, (self.n_agents, self.n_dims))
        self._leader = np.zeros(self.n_dims)
        self.best_value_ = np.inf
        self.n_iter_ = 0
        self.history_ = []

    @property
    def best_position_(self):
        return (self._leader + 1.0) / 2.0

    @property
    def done(self):
        """Whether ``max_iter`` populations have been told."""
        return self.n_iter_ >= self.max_iter

    def ask(self):
        """Return the population to evaluate next, shape ``(n_agents, n_dims)`` in [0, 1]."""
        return (self._positions + 1.0) / 2.0

    def tell(self, values):
        """Report the objective values of the last asked population and move the whales.

        Parameters
        ----------
        values : array-like of shape (n_agents,)
            Objective values to minimize; NaN counts as ``+inf`` (a failed point).
        """
        values = np.asarray(values, dtype=float).reshape(-1)
        if values.shape != (self.n_agents,):
            raise ValueError(
                f"tell expects {self.n_agents} values, one per agent, got shape "
                f"{values.shape}."
            )
        values = np.where(np.isnan(values), np.inf, values)
        best = int(np.argmin(values))
        if values[best] < self.best_value_:
            self.best_value_ = float(values[best])
            self._leader = self._positions[best].copy()  # a copy, never a view
        self.history_.append(self.best_value_)
        self._move(self.n_iter_)
        self.n_iter_ += 1

    def _move(self, t):
        a = 2.0 - t * (2.0 / self.max_iter)
        if self.variant == "paper":
            new = self._move_paper(a)
        else:
            a2 = -1.0 + t * (-1.0 / self.max_iter)
            new = self._move_matlab(a, a2)
        np.clip(new, -1.0, 1.0, out=new)
        self._positions = new

    def _move_paper(self, a):
        rng, X, leader = self._rng, self._positions, self._leader
        n, d = X.shape
        A = 2.0 * a * rng.random((n, d)) - a
        C = 2.0 * rng.random((n, d))
        p = rng.random((n, 1))
        l = rng.uniform(-1.0, 1.0, (n, 1))  # noqa: E741 (the paper's name)
        random_whales = X[rng.integers(n, size=n)]
        reference = np.where(np.abs(A) < 1.0, leader, random_whales)
        encircle = reference - A * np.abs(C * reference - X)
        spiral = np.abs(leader - X) * np.exp(self.b * l) * np.cos(2 * np.pi * l) + leader
        return np.where(p < 0.5, encircle, spiral)

    def _move_matlab(self, a, a2):
        rng, X, leader = self._rng, self._positions, self._leader
        n, d = X.shape
        A = 2.0 * a * rng.random((n, 1)) - a
        C = 2.0 * rng.random((n, 1))
        p = rng.random((n, 1))
        l = (a2 - 1.0) * rng.random((n, 1)) + 1.0  # noqa: E741
        k = rng.integers(n, size=(n, d))
        random_whales = X[k, np.arange(d)]
        reference = np.where(np.abs(A) < 1.0, leader, random_whales)
        encircle = reference - A * np.abs(C * reference - X)
        spiral = np.abs(leader - X) * np.exp(self.b * l) * np.cos(2 * np.pi * l) + leader
        new = np.where(p < 0.5, encircle, spiral)
        if getattr(self, "_sequential", True):
            explore = (p < 0.5) & (np.abs(A) >= 1.0)
            dep = explore & (k < np.arange(n)[:, None])
            if dep.any():
                rows, cols = np.nonzero(dep)
                kk = k[rows, cols]
                Ad, Cd, Xd = A[rows, 0], C[rows, 0], X[rows, cols]
                for _ in range(n):
                    ref = new[kk, cols]
                    upd = ref - Ad * np.abs(Cd * ref - Xd)
                    if np.array_equal(upd, new[rows, cols]):
                        break
                    new[rows, cols] = upd
        return new


def _as_generator(random_state):
    """Turn an int, ``RandomState``, ``Generator`` or None into a numpy ``Generator``."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)
