"""Benchmark functions F1-F13 of the Whale Optimization Algorithm paper.

The functions are written exactly as the author's public MATLAB code defines them
(``Get_Functions_details.m`` in https://github.com/alimirjalili/WOA), with the same
bounds and dimension, but vectorized over a population: each takes ``x`` of shape
``(S, dim)`` and returns ``S`` values. Where the code departs from the formulas
printed in the paper, the code wins, because Table 4 of the paper was produced with
it:

- ``F6`` is ``sum(abs(x + 0.5) ** 2)``, without the ``floor`` of the paper's step
  function; its minimum is 0 at ``x = -0.5``.
- ``F7`` adds one uniform ``[0, 1)`` draw per point (MATLAB's ``rand``); here the
  draw comes from the function's own seeded generator.

:meth:`BenchmarkFunction.shifted` moves a function's optimum off its usual place
(mostly the origin), which tests that an optimizer does not merely profit from
WOA's pull toward the centre of the search space.

This module is used by the tests and benchmarks; it is not public API.
"""

from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["FUNCTIONS", "PAPER_TABLE4", "BenchmarkFunction", "get_function"]


def _as_population(x):
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (S, dim), got shape {x.shape}.")
    return x


def _ufun(x, a, k, m):
    # Ufun of the MATLAB code: k*((x-a).^m).*(x>a) + k*((-x-a).^m).*(x<(-a))
    return k * ((x - a) ** m) * (x > a) + k * ((-x - a) ** m) * (x < -a)


# ndarray methods (x.sum) rather than np.sum: the same reductions, less call
# overhead when a per-point optimizer calls these 15000 times per run


def f1(x, rng=None):
    """Sphere: ``sum(x.^2)``."""
    return (x**2).sum(axis=1)


def f2(x, rng=None):
    """Schwefel 2.22: ``sum(abs(x)) + prod(abs(x))``."""
    ax = np.abs(x)
    return ax.sum(axis=1) + ax.prod(axis=1)


def f3(x, rng=None):
    """Schwefel 1.2: ``sum over i of sum(x(1:i))^2``."""
    return (x.cumsum(axis=1) ** 2).sum(axis=1)


def f4(x, rng=None):
    """Schwefel 2.21: ``max(abs(x))``."""
    return np.abs(x).max(axis=1)


def f5(x, rng=None):
    """Rosenbrock: ``sum(100*(x(2:dim)-x(1:dim-1).^2).^2 + (x(1:dim-1)-1).^2)``."""
    return np.sum(
        100.0 * (x[:, 1:] - x[:, :-1] ** 2) ** 2 + (x[:, :-1] - 1.0) ** 2, axis=1
    )


def f6(x, rng=None):
    """Shifted sphere as coded (no ``floor``): ``sum(abs(x+.5).^2)``."""
    return (np.abs(x + 0.5) ** 2).sum(axis=1)


def f7(x, rng=None):
    """Quartic with noise: ``sum((1:dim).*(x.^4)) + rand``."""
    i = np.arange(1, x.shape[1] + 1)
    rng = np.random.default_rng() if rng is None else rng
    noise = rng.random(x.shape[0])
    return np.sum(i * x**4, axis=1) + noise


def f8(x, rng=None):
    """Schwefel 2.26: ``sum(-x.*sin(sqrt(abs(x))))``."""
    return (-x * np.sin(np.sqrt(np.abs(x)))).sum(axis=1)


def f9(x, rng=None):
    """Rastrigin: ``sum(x.^2 - 10*cos(2*pi.*x)) + 10*dim``."""
    return (x**2 - 10.0 * np.cos(2 * np.pi * x)).sum(axis=1) + 10.0 * x.shape[1]


def f10(x, rng=None):
    """Ackley: ``-20*exp(-.2*sqrt(sum(x.^2)/dim))-exp(sum(cos(2*pi.*x))/dim)+20+e``."""
    dim = x.shape[1]
    return (
        -20.0 * np.exp(-0.2 * np.sqrt(np.sum(x**2, axis=1) / dim))
        - np.exp(np.sum(np.cos(2 * np.pi * x), axis=1) / dim)
        + 20.0
        + np.e
    )


def f11(x, rng=None):
    """Griewank: ``sum(x.^2)/4000 - prod(cos(x./sqrt(1:dim))) + 1``."""
    i = np.arange(1, x.shape[1] + 1)
    return np.sum(x**2, axis=1) / 4000.0 - np.prod(np.cos(x / np.sqrt(i)), axis=1) + 1.0


def f12(x, rng=None):
    """Penalized 1 as in the MATLAB code (``y = 1 + (x+1)/4``, ``Ufun(x,10,100,4)``)."""
    dim = x.shape[1]
    return (np.pi / dim) * (
        10.0 * np.sin(np.pi * (1.0 + (x[:, 0] + 1.0) / 4.0)) ** 2
        + np.sum(
            ((x[:, :-1] + 1.0) / 4.0) ** 2
            * (1.0 + 10.0 * np.sin(np.pi * (1.0 + (x[:, 1:] + 1.0) / 4.0)) ** 2),
            axis=1,
        )
        + ((x[:, -1] + 1.0) / 4.0) ** 2
    ) + np.sum(_ufun(x, 10.0, 100.0, 4), axis=1)


def f13(x, rng=None):
    """Penalized 2, as in the MATLAB code (``Ufun(x,5,100,4)``)."""
    return 0.1 * (
        np.sin(3 * np.pi * x[:, 0]) ** 2
        + np.sum(
            (x[:, :-1] - 1.0) ** 2 * (1.0 + np.sin(3 * np.pi * x[:, 1:]) ** 2), axis=1
        )
        + (x[:, -1] - 1.0) ** 2 * (1.0 + np.sin(2 * np.pi * x[:, -1]) ** 2)
    ) + np.sum(_ufun(x, 5.0, 100.0, 4), axis=1)


@dataclass(frozen=True)
class BenchmarkFunction:
    """One benchmark function with its box, dimension and known optimum.

    Call it with ``x`` of shape ``(S, dim)`` to get ``S`` values, or with one point
    of shape ``(dim,)`` to get a float.

    Parameters
    ----------
    name : str
        ``"F1"`` ... ``"F13"``.
    func : callable
        ``func(x, rng)`` with ``x`` of shape ``(S, dim)``, returning ``S`` values.
    lb, ub : float
        Lower and upper bound of every coordinate.
    dim : int
        Number of dimensions.
    x_opt : float or ndarray
        A minimizer (before any shift).
    f_opt : float
        The minimum value (``F7``: without its noise).
    shift : ndarray of shape (dim,), default=zeros
        The function is evaluated at ``x - shift``, so its minimizer is
        ``x_opt + shift``.
    random_state : int or None, default=None
        Seed of the generator that draws ``F7``'s noise.
    """

    name: str
    func: object
    lb: float
    ub: float
    dim: int
    x_opt: object
    f_opt: float
    shift: np.ndarray = None
    random_state: object = None
    _rng: np.random.Generator = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        shift = np.zeros(self.dim) if self.shift is None else self.shift
        shift = np.broadcast_to(np.asarray(shift, dtype=float), (self.dim,)).copy()
        object.__setattr__(self, "shift", shift)
        object.__setattr__(self, "_rng", np.random.default_rng(self.random_state))
        object.__setattr__(self, "_shifted", bool(np.any(shift != 0)))

    @property
    def bounds(self):
        """``[(lb, ub)] * dim``, the form :func:`~skgru.woa.whale_minimize` takes."""
        return [(self.lb, self.ub)] * self.dim

    @property
    def minimizer(self):
        """The minimizer after the shift, shape ``(dim,)``."""
        return np.broadcast_to(self.x_opt, (self.dim,)) + self.shift

    def __call__(self, x):
        # one point at a time is the common call of a per-point optimizer (and of
        # mealpy): keep the harness cheap so timings measure the optimizer
        if type(x) is not np.ndarray or x.dtype != np.float64:
            x = np.asarray(x, dtype=float)
        if x.ndim == 1:
            z = (x - self.shift) if self._shifted else x
            return float(self.func(z[None, :], self._rng)[0])
        x = _as_population(x)
        return self.func((x - self.shift) if self._shifted else x, self._rng)

    def shifted(self, shift):
        """Return a copy whose optimum is moved by ``shift`` (scalar or ``(dim,)``)."""
        return replace(self, shift=self.shift + np.asarray(shift, dtype=float))

    def with_seed(self, random_state):
        """Return a copy whose noise (``F7``) is drawn from a fresh seeded generator."""
        return replace(self, random_state=random_state)


_SPECS = {
    # name: (func, lb, ub, dim, x_opt, f_opt), as in Get_Functions_details.m
    "F1": (f1, -100.0, 100.0, 30, 0.0, 0.0),
    "F2": (f2, -10.0, 10.0, 30, 0.0, 0.0),
    "F3": (f3, -100.0, 100.0, 30, 0.0, 0.0),
    "F4": (f4, -100.0, 100.0, 30, 0.0, 0.0),
    "F5": (f5, -30.0, 30.0, 30, 1.0, 0.0),
    "F6": (f6, -100.0, 100.0, 30, -0.5, 0.0),
    "F7": (f7, -1.28, 1.28, 30, 0.0, 0.0),
    "F8": (f8, -500.0, 500.0, 30, 420.968746, -418.98288727 * 30),
    "F9": (f9, -5.12, 5.12, 30, 0.0, 0.0),
    "F10": (f10, -32.0, 32.0, 30, 0.0, 0.0),
    "F11": (f11, -600.0, 600.0, 30, 0.0, 0.0),
    "F12": (f12, -50.0, 50.0, 30, -1.0, 0.0),
    "F13": (f13, -50.0, 50.0, 30, 1.0, 0.0),
}

FUNCTIONS = tuple(_SPECS)
"""Names of the benchmark functions, ``("F1", ..., "F13")``."""

PAPER_TABLE4 = {
    # WOA's (mean, std) over 30 runs in Table 4 of Mirjalili & Lewis (2016):
    # 30 dimensions, 30 search agents, 500 iterations.
    "F1": (1.41e-30, 4.91e-30),
    "F2": (1.06e-21, 2.39e-21),
    "F3": (5.39e-07, 2.93e-06),
    "F4": (0.072581, 0.39747),
    "F5": (27.86558, 0.763626),
    "F6": (3.116266, 0.532429),
    "F7": (0.001425, 0.001149),
    "F8": (-5080.76, 695.7968),
    "F9": (0.0, 0.0),
    "F10": (7.4043, 9.897572),
    "F11": (0.000289, 0.001586),
    "F12": (0.339676, 0.214864),
    "F13": (1.889015, 0.266088),
}


def get_function(name, *, shift=None, random_state=None):
    """Return benchmark function ``name`` (``"F1"`` ... ``"F13"``).

    Parameters
    ----------
    name : str
        Function name as in ``Get_Functions_details.m``.
    shift : float or array-like of shape (dim,), default=None
        Move the optimum by this much (see :meth:`BenchmarkFunction.shifted`).
    random_state : int or None, default=None
        Seed of ``F7``'s noise.

    Returns
    -------
    BenchmarkFunction
    """
    if name not in _SPECS:
        raise ValueError(f"name must be one of {FUNCTIONS}, got {name!r}.")
    func, lb, ub, dim, x_opt, f_opt = _SPECS[name]
    return BenchmarkFunction(
        name, func, lb, ub, dim, x_opt, f_opt, shift=shift, random_state=random_state
    )
