"""Whale Optimization Algorithm (Mirjalili & Lewis, 2016) as one vectorized engine.

The whole population is one ``(n_agents, n_dims)`` array updated per iteration.
:class:`WhaleOptimizer` speaks ask/tell over the unit hypercube, so the same engine
serves :func:`whale_minimize`, :class:`~skgru.WhaleSearchCV` and
:class:`~skgru.ForecastingWhaleSearchCV`.

WOA's moves are all relative to the leader and are pulled toward the coordinate
origin (the encircling step compares a whale with ``C * leader``, a point on the
line from the origin to the leader), so internally whales live in coordinates
centred on each range, ``z = 2 * u - 1`` in ``[-1, 1]``: the origin is the middle
of the space, never a corner of it. :func:`whale_minimize` maps ``z`` straight to
``x = mid + half_width * z``, so floating-point resolution near the middle of the
box is as fine as in the author's code, which works on ``x`` itself.

**Variants.** The paper's text and the author's public MATLAB code (``WOA.m``)
differ, and both move every whale by a distance measured from the coordinate
origin: the encircling step uses ``|C * ref - X|``, and near convergence
(``X`` close to the leader ``ref``) that is ``|C - 1| * |ref|``, a step
proportional to the leader's distance *from the origin*. With the optimum at the
origin this is a step proportional to the error, which is how WOA reaches 1e-70
on the sphere; with the optimum elsewhere the steps stay about as large as the
optimum's distance from the origin. The ``variant`` parameter offers:

``"mixed"`` (the default of :func:`whale_minimize` and :class:`WhaleOptimizer`)
    ``WOA.m``'s draws and moves, with the encircling distance written as
    ``|C * (ref - o) - (X - o)|`` around an anchor ``o``. While ``a >= 1`` (the
    first half of the run, where WOA explores) every whale has ``o = 0``, the
    middle of the box, exactly as in ``WOA.m``. Once ``a < 1`` the first
    ``round(0.7 * n_agents)`` whales (``MIDDLE_SHARE``) keep that anchor, and
    for the others ``o`` is, per dimension, the coordinate of a randomly drawn
    whale, so their steps follow the population's spread wherever the optimum
    is (those moves commute with translations). All whales move synchronously.
    Anchoring every whale away from the middle removed WOA's convergence with
    the bias (Table 4 on at most 4 of 13 functions), anchoring from the start
    left runs stuck on F9 and F11. 30-D sphere, bounds [-100, 100], 30 whales,
    500 iterations, median of 10 seeds: 0.08 with the optimum at 25 (``"matlab"``
    75, ``"paper"`` 430), 1e-71 with it in the middle (``"matlab"`` 3e-77).
    Offsets of mixed sign and size per coordinate stay hard for every variant
    (a whale moves all its coordinates in the same direction): random offsets
    in [-80, 80] give about 840 (``"matlab"`` 2900, ``"paper"`` 410).
``"matlab"``
    A faithful port of ``WOA.m``: one scalar ``A = 2*a*r1 - a`` and ``C = 2*r2``
    per whale; with ``p < 0.5`` and ``|A| >= 1`` every dimension copies from its
    own randomly drawn whale; the spiral's ``l`` is drawn from ``[a2, 1]`` with
    ``a2`` falling from -1 to -2. ``WOA.m`` updates whales one after another in
    place, so a random whale drawn from the earlier part of the population has
    already moved; the vectorized step reproduces that exactly (a fixed point
    over the chains of such references, solved with whole-array passes).
``"paper"``
    The equations of the paper's text: ``A`` and ``C`` are per-dimension random
    vectors, ``|A| < 1`` is decided per dimension, a random whale is one whole
    whale, and ``l`` is uniform in ``[-1, 1]``.

All share the MATLAB loop: clip to the bounds (or bounce back inside them, see
``boundary``), evaluate, update the leader, set
``a = 2 - t*2/max_iter`` (and ``a2 = -1 - t/max_iter``), move; ``max_iter *
n_agents`` evaluations in all.

Against Table 4 of the paper (F1-F13, 30 dimensions, 30 whales, 500 iterations,
mean of 10 seeds; ``python benchmarks/bench_woa.py``), ``"mixed"`` and
``"matlab"`` land at or below the table on the same 11 of 13 functions (far
below on F1, F2, F6 and F8-F13) but, like the author's code itself and its
line-by-line Python port in EvoloPy, miss F3 (about 4e4 against 5.4e-7) and F4
(about 30 to 45 against 0.07). ``"paper"`` comes much closer on F3 (about 0.09)
and F4 (about 0.7) but misses the table on six functions: F1 (3e-22 against
1.4e-30), F2, F3, F9 (about 140 against 0), F11 and F12. No variant reproduces
the whole table. For the hyper-parameter searches (a few dimensions, about 10
whales x 10 iterations) ``"paper"`` does best; see ``SEARCH_VARIANT``.
"""

import inspect

import numpy as np
from scipy.optimize import OptimizeResult

from skgru._random import check_generator
from skgru._stopping import NoImprovement
from skgru._woa_checks import (
    _check_boundary,
    _check_bounds,
    _check_init,
    _check_int,
    _check_real,
    _latin_hypercube,
    _read_one,
    _read_values,
)
from skgru._woa_steps import _matlab_step, _mixed_step, _paper_step

__all__ = ["WhaleOptimizer", "whale_minimize"]

VARIANTS = ("mixed", "matlab", "paper")
DEFAULT_VARIANT = "mixed"
#: Share of the whales whose ``"mixed"`` moves are anchored at the middle of the box
#: (the rest are anchored at population coordinates); see the module docstring.
MIDDLE_SHARE = 0.7
#: Default of the hyper-parameter searches (WhaleSearchCV, ForecastingWhaleSearchCV,
#: run_whale_search): few dimensions, budgets of ~10 agents x 10 iterations and
#: optima away from the centre of the space, where "paper" does best. Sphere,
#: Rastrigin and sum |u - c| in 2, 3 and 5 dimensions of the unit cube with a random
#: optimum c in [0.05, 0.95], 10 agents x 10 iterations, 40 seeds: "paper" has the
#: lowest median and 90th percentile in all nine cases (3-D sphere median 8.5e-4
#: against 5.7e-3 "mixed" and 8.4e-3 "matlab"; the "Search budgets" table of
#: benchmarks/bench_woa.py); "matlab" also stalled on a 1-D ridge-alpha search in
#: tests/test_search.py.
SEARCH_VARIANT = "paper"
#: First population of the hyper-parameter searches. A Latin hypercube
#: (init="latinhypercube") gives a lower median best value than independent draws
#: at their budgets on the sphere, Rastrigin and L1 distance (32 of 36 cases of the
#: "First population" table of benchmarks/bench_woa.py) and in CV on the SVR of
#: benchmarks/bench_search.py (--problems svr --seeds 40 [--init latinhypercube]:
#: median best CV R^2 0.4833 against 0.4808, but holdout R^2 0.4644 against 0.4682),
#: and on the main example's GRU forecasting search (seeds 0-2) it reached CV sMAPE
#: 0.0627 / 0.0628 / 0.0616 and holdout MASE 0.633 / 0.820 / 0.610 against
#: 0.0606 / 0.0612 / 0.0630 and 0.502 / 0.564 / 0.540 with random draws: the
#: searches keep the paper's random draws.
SEARCH_INIT = "random"
#: Boundary rule of the hyper-parameter searches. WOA's moves overshoot the box
#: often (the spiral reaches e times a whale's distance to the leader), and
#: clipping puts the candidate on the end of a range: 11 of the 20 candidates of
#: benchmarks/bench_search.py's SVR search with seed 0 had a parameter at an end
#: (C = 1000, epsilon = 0.01). Bouncing back (boundary="bounce") optimizes the CV
#: score better: SVR (--problems svr --seeds 40) median best CV R^2 0.4838
#: against 0.4808 (random search 0.4823; whale wins 23 of 40 seeds against 16),
#: with init="latinhypercube" 28 wins of 40 (median 0.4819, holdout 0.4691
#: against random search's 0.4653); gradient boosting (--problems hgb --seeds 12)
#: 0.8918 against 0.8913 (random 0.8910). But on the main example's GRU search
#: (seeds 0-2) its CV winners (CV sMAPE 0.0620 / 0.0591 / 0.0620 against
#: 0.0606 / 0.0612 / 0.0630) scored holdout MASE 0.803 / 1.364 / 0.540 against
#: 0.502 / 0.564 / 0.540 (a 12-month window, dropout 0.09-0.21; clipping reached
#: dropout 3e-7, in effect the default's 0, at the end of its range), so the
#: searches keep WOA.m's clipping.
SEARCH_BOUNDARY = "clip"


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
    variant : {"mixed", "matlab", "paper"}, default="mixed"
        ``"matlab"`` follows the author's public MATLAB code (one scalar ``A`` and
        ``C`` per whale, a random whale drawn per dimension, ``l`` drawn from
        ``[a2, 1]``, whales updated in order, in place); ``"paper"`` follows the
        equations of the paper's text with per-dimension random vectors ``A`` and
        ``C``; ``"mixed"`` is ``"matlab"`` (synchronous) with, once ``a < 1``, the
        encircling distance of 30% of the whales measured from population
        coordinates instead of the middle of the box, so that optima away from
        the middle are reached as well. See the
        module docstring for how they compare with the paper's Table 4 and on
        off-centre optima.
    init : {"random", "latinhypercube"}, default="random"
        How the first population is drawn: independent uniform positions (the
        paper's and ``WOA.m``'s ``rand``), or a Latin hypercube (McKay, Beckman &
        Conover, 1979), which puts exactly one whale in each of ``n_agents``
        equal slices of every range, as the ``init`` of
        :func:`scipy.optimize.differential_evolution` does. It covers the space
        more evenly when there are few whales.
    boundary : {"clip", "bounce"}, default="clip"
        Where a coordinate that a move takes out of the box goes: ``"clip"``
        puts it on the bound it crossed, as ``WOA.m`` does; ``"bounce"`` puts it
        uniformly at random between the whale's previous coordinate and that
        bound (the bounce-back rule of differential evolution; Price, Storn &
        Lampinen, 2005), so overshooting whales do not pile up on the edges of
        the box (see ``skgru.woa.SEARCH_BOUNDARY`` for what it changed in
        the searches).
    random_state : int, RandomState or Generator, default=None
        Seed of the local random generator; all random draws happen here.

    Attributes
    ----------
    n_iter_ : int
        Number of populations told so far.
    best_position_ : ndarray of shape (n_dims,)
        Best position seen, in the unit hypercube (a fresh copy on every access).
    best_value_ : float
        Objective value at ``best_position_`` (``inf`` until a finite or
        ``-inf`` value has been told).
    history_ : list of float
        Best value after each iteration.

    Notes
    -----
    One iteration is one :meth:`ask` (the population to evaluate, already clipped
    to the bounds) and one :meth:`tell` (its values). ``tell`` updates the leader
    and then moves the whales, so after ``max_iter`` tells (``done``) the
    optimizer has spent exactly ``max_iter * n_agents`` evaluations, as the
    MATLAB code does.

    Examples
    --------
    >>> import numpy as np
    >>> from skgru.woa import WhaleOptimizer
    >>> opt = WhaleOptimizer(2, n_agents=10, max_iter=50, random_state=0)
    >>> while not opt.done:
    ...     u = opt.ask()
    ...     opt.tell(np.sum((u - 0.3) ** 2, axis=1))
    >>> bool(opt.best_value_ < 1e-3)
    True
    """

    def __init__(
        self,
        n_dims,
        *,
        n_agents=30,
        max_iter=500,
        b=1.0,
        variant=DEFAULT_VARIANT,
        init="random",
        boundary="clip",
        random_state=None,
    ):
        # ints (numpy ints too), never silently truncated floats such as 2.7
        self.n_dims = _check_int("n_dims", n_dims, 1)
        self.n_agents = _check_int("n_agents", n_agents, 1)
        self.max_iter = _check_int("max_iter", max_iter, 1)
        self.b = _check_real("b", b)
        if not isinstance(variant, str) or variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}.")
        self.variant = variant
        self.init = _check_init(init)
        self.boundary = _check_boundary(boundary)
        self._rng = check_generator(random_state)
        # centred coordinates: z in [-1, 1], z = 0 is the middle of every range
        if self.init == "random":
            unit = self._rng.uniform(0.0, 1.0, (self.n_agents, self.n_dims))
        else:
            unit = _latin_hypercube(self._rng, self.n_agents, self.n_dims)
        self._positions = 2.0 * unit - 1.0
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
        """Return the population to evaluate next.

        Returns
        -------
        ndarray of shape (n_agents, n_dims)
            Positions in the unit hypercube ``[0, 1]``; a fresh array.
        """
        return (self._positions + 1.0) / 2.0

    def relocate(self, index, position):
        """Move whale ``index`` to ``position`` (unit hypercube) before it is told.

        For a search that found the whale's point already evaluated (a discrete
        space): the point it is told about is then the new one.
        """
        position = np.asarray(position, dtype=float).reshape(-1)
        self._positions[index, : len(position)] = 2.0 * position - 1.0

    def tell(self, values):
        """Report the objective values of the last asked population and move the whales.

        Parameters
        ----------
        values : array-like of shape (n_agents,)
            Objective values to minimize; NaN counts as ``+inf`` (a failed point).

        Raises
        ------
        ValueError
            If ``values`` does not hold one value per agent.
        RuntimeError
            If the optimizer is ``done`` (``max_iter`` populations were told):
            its step size ``a`` would go below zero.
        """
        if self.done:
            raise RuntimeError(
                f"tell after max_iter={self.max_iter} populations were told: the "
                "optimizer is done (see WhaleOptimizer.done)."
            )
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
        # WOA.m: a=2-t*((2)/Max_iter); a2=-1+t*((-1)/Max_iter), t counted from 0
        a = 2.0 - t * (2.0 / self.max_iter)
        if self.variant == "paper":
            new = _paper_step(
                self._positions, self._leader, self.b, *self._draw_paper(a)
            )
        elif self.variant == "mixed":
            a2 = -1.0 + t * (-1.0 / self.max_iter)
            new = _mixed_step(
                self._positions, self._leader, self.b, *self._draw_mixed(a, a2)
            )
        else:
            a2 = -1.0 + t * (-1.0 / self.max_iter)
            new = _matlab_step(
                self._positions, self._leader, self.b, *self._draw_matlab(a, a2)
            )
        if self.boundary == "bounce":
            self._bounce(new)
        np.maximum(new, -1.0, out=new)  # np.clip, without its Python overhead
        np.minimum(new, 1.0, out=new)
        self._positions = new

    def _bounce(self, new):
        """Move the coordinates of ``new`` outside [-1, 1] back inside, in place.

        Each lands uniformly between the whale's current coordinate (inside the
        box) and the bound it crossed; one random number per such coordinate.
        """
        outside = np.abs(new) > 1.0
        if not outside.any():
            return
        old, bound = self._positions[outside], np.sign(new[outside])
        new[outside] = old + self._rng.random(old.size) * (bound - old)

    def _draw_paper(self, a):
        """Random draws of one ``"paper"`` step: ``A, C, p, l, k``."""
        rng, (n, d) = self._rng, self._positions.shape
        r1, r2 = rng.random((2, n, d))
        r3, r4 = rng.random((2, n, 1))
        A = 2.0 * a * r1 - a  # per-dimension vectors, Eqs. (2.3) and (2.4)
        C = 2.0 * r2
        p = r3
        l = 2.0 * r4 - 1.0  # noqa: E741 (the paper's name), uniform in [-1, 1]
        k = rng.integers(n, size=n)  # one random whale per whale
        return A, C, p, l, k

    def _draw_matlab(self, a, a2):
        """Random draws of one ``"matlab"`` step: ``A, C, p, l, k``."""
        rng, (n, d) = self._rng, self._positions.shape
        r1, r2, r3, r4 = rng.random((4, n, 1))
        A = 2.0 * a * r1 - a  # A=2*a*r1-a, one per whale
        C = 2.0 * r2  # C=2*r2
        l = (a2 - 1.0) * r3 + 1.0  # noqa: E741  l=(a2-1)*rand+1
        p = r4
        k = rng.integers(n, size=(n, d))  # a random whale per dimension
        return A, C, p, l, k

    def _draw_mixed(self, a, a2):
        """Random draws of one ``"mixed"`` step: ``A, C, p, l, k, n_middle, anchor``.

        ``A, C, p, l`` as in ``WOA.m``. While ``a >= 1`` (the first half) every
        whale is anchored at the middle (``n_middle = n``) and ``k`` holds the
        random whales of the exploration branch; after that ``|A| <= a < 1``
        never explores, ``k`` is None and ``anchor`` holds, per dimension, the
        random whale whose coordinate anchors each whale from ``n_middle`` on.
        """
        rng, (n, d) = self._rng, self._positions.shape
        n_middle = n if a >= 1.0 else _n_middle(n)
        rows = n if a >= 1.0 else n - n_middle
        # one call for all draws (Generator.integers costs more than the step):
        # 4 uniforms per whale, then whale indices floor(n * U), uniform in 0..n-1
        u = rng.random(4 * n + rows * d)
        r1, r2, r3, r4 = u[: 4 * n].reshape(4, n, 1)
        A = 2.0 * a * r1 - a
        C = 2.0 * r2
        l = (a2 - 1.0) * r3 + 1.0  # noqa: E741
        p = r4
        index = (u[4 * n :] * n).astype(np.intp).reshape(rows, d)
        k, anchor = (index, index[:0]) if a >= 1.0 else (None, index)
        return A, C, p, l, k, n_middle, anchor


def _n_middle(n_agents):
    """How many whales (the first ones) ``"mixed"`` anchors at the middle once
    ``a < 1`` (all of them before)."""
    return max(1, round(MIDDLE_SHARE * n_agents))


# --------------------------------------------------------------------------------
# whale_minimize: scipy-style front-end


def _takes_one_argument(function):
    """Whether ``function(intermediate_result)`` binds (builtins: assumed)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # builtins without a signature: let them run
        return True
    try:
        signature.bind(None)
    except TypeError:
        return False
    return True


def whale_minimize(
    fun,
    bounds,
    *,
    args=(),
    n_agents=30,
    max_iter=500,
    b=1.0,
    variant=DEFAULT_VARIANT,
    init="random",
    boundary="clip",
    random_state=None,
    vectorized=False,
    callback=None,
    tol=0.0,
    n_iter_no_change=None,
):
    """Minimize a function over a box with the Whale Optimization Algorithm.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` with ``x`` of shape ``(n_dims,)``; with
        ``vectorized=True``, ``fun(x, *args)`` gets the whole population as ``x``
        of shape ``(n_dims, S)`` and returns ``S`` values, as in
        :func:`scipy.optimize.differential_evolution`. NaN counts as ``+inf`` (a
        failed point); ``-inf`` is accepted as a value.
    bounds : sequence of (low, high) pairs or scipy.optimize.Bounds
        Finite box, ``low <= high`` in every dimension (``low == high`` fixes that
        coordinate, as in scipy). Its length is the number of
        dimensions.
    args : tuple, default=()
        Extra positional arguments of ``fun``.
    n_agents : int, default=30
        Number of whales (population size).
    max_iter : int, default=500
        Number of iterations; ``a`` falls linearly from 2 to 0 over them, so it
        also sets the schedule. ``fun`` is called on ``max_iter * n_agents``
        points unless the run stops early.
    b : float, default=1.0
        Shape constant of the logarithmic spiral.
    variant : {"mixed", "matlab", "paper"}, default="mixed"
        Which variant of the algorithm to run; see :class:`WhaleOptimizer`.
        ``"matlab"`` is the author's ``WOA.m``.
    init : {"random", "latinhypercube"}, default="random"
        How the first population is drawn (see :class:`WhaleOptimizer`):
        independent uniform points, as the paper and ``WOA.m`` do, or a Latin
        hypercube, as scipy's ``differential_evolution`` does by default.
    boundary : {"clip", "bounce"}, default="clip"
        Where a coordinate that a move takes out of the bounds goes: onto the
        bound (``WOA.m``), or uniformly between the whale's previous coordinate
        and the bound (see :class:`WhaleOptimizer`).
    random_state : int, RandomState, Generator or None, default=None
        Seed of the run; the same seed gives the same result.
    vectorized : bool, default=False
        Call ``fun`` once per iteration with the whole population.
    callback : callable, default=None
        ``callback(intermediate_result)`` after each iteration, with an
        :class:`~scipy.optimize.OptimizeResult` holding ``x``, ``fun``, ``nit``,
        ``nfev``, ``population`` and ``population_energies`` (scipy's newer
        convention). Raising ``StopIteration`` or returning a true value
        (``True``, ``np.True_``, 1) stops the run (``success`` is then
        ``False``, as in scipy). It always gets that one argument: scipy's older
        ``callback(xk, convergence)`` form is not supported.
    tol : float, default=0.0
        Improvement of the best value that counts, with ``n_iter_no_change``;
        zero counts any strict improvement. Without ``n_iter_no_change`` it does
        nothing (``differential_evolution``'s ``tol``, a tolerance on the spread
        of the population's values, stops a run on its own).
    n_iter_no_change : int or None, default=None
        Stop once more than this many consecutive iterations did not lower the
        best value by at least ``tol`` (``MLPRegressor``'s rule, see
        :mod:`skgru._stopping`). ``None`` runs all ``max_iter`` iterations, as
        the original algorithm does.

    Returns
    -------
    res : scipy.optimize.OptimizeResult
        ``x`` (best point, within the bounds), ``fun`` (its value), ``nit``
        (iterations run), ``nfev`` (``nit * n_agents``), ``success``, ``status``
        (0: ``max_iter`` reached, 1: no improvement for more than
        ``n_iter_no_change`` iterations, 2: stopped by ``callback``, 3: no finite
        value found; ``success`` is True for 0 and 1: WOA's budget is
        ``max_iter`` iterations, so reaching it is the normal end, where
        ``differential_evolution``, which stops on convergence, reports it as a
        failure),
        ``message``, ``fun_history`` (best value after each iteration, shape
        ``(nit,)``), ``population`` and ``population_energies`` (the last
        evaluated population and its values).

    Raises
    ------
    TypeError
        If ``fun`` or ``callback`` is not callable, ``callback`` cannot be
        called with one positional argument, a number (``n_agents``,
        ``max_iter``, ``b``...) has the wrong type, or ``fun`` returns
        something that is not a number.
    ValueError
        If ``bounds`` is malformed (wrong shape, non-finite, ``low > high``), a
        number is out of range, ``variant``, ``init`` or ``boundary`` is not one
        of its options, ``random_state`` cannot seed a generator (a string, a
        float or a negative int, as in scikit-learn), or ``fun`` returns the
        wrong number of values.

    See Also
    --------
    WhaleOptimizer : the ask/tell engine underneath.
    scipy.optimize.differential_evolution : the same conventions for ``fun``,
        ``bounds``, ``args``, ``vectorized``, ``init`` and a one-argument
        ``callback``.

    Notes
    -----
    Whales move in coordinates centred on each range, ``z`` in ``[-1, 1]``, and
    ``fun`` sees ``x = mid + half_width * z``: WOA's pull toward the origin is a
    pull toward the middle of the box, and with bounds symmetric about 0,
    ``variant="matlab"`` is exactly the author's MATLAB code. The default
    ``"mixed"`` anchors 30% of the whales' moves in the second half of the run
    at population coordinates instead, so optima far from the middle are
    reached as well (see :mod:`skgru.woa`).

    Examples
    --------
    >>> import numpy as np
    >>> from skgru.woa import whale_minimize
    >>> res = whale_minimize(lambda x: np.sum((x - 1.0) ** 2), [(-5, 5)] * 3,
    ...                      max_iter=200, random_state=0)
    >>> bool(res.fun < 1e-3), res.nfev
    (True, 6000)
    """
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {type(fun).__name__}.")
    if callback is not None and not callable(callback):
        raise TypeError(
            f"callback must be callable or None, got {type(callback).__name__}."
        )
    if callback is not None and not _takes_one_argument(callback):
        raise TypeError(
            "callback must take one positional argument, "
            "callback(intermediate_result) (an OptimizeResult with x and fun); "
            "scipy's older callback(xk, convergence) form is not supported."
        )
    if not isinstance(args, tuple):
        args = (args,)
    low, high = _check_bounds(bounds)
    n_agents = _check_int("n_agents", n_agents, 1)
    max_iter = _check_int("max_iter", max_iter, 1)
    b = _check_real("b", b)
    tol = _check_real("tol", tol, minimum=0.0)
    if n_iter_no_change is not None:
        n_iter_no_change = _check_int("n_iter_no_change", n_iter_no_change, 1)
    if not isinstance(vectorized, bool | np.bool_):
        raise TypeError(f"vectorized must be True or False, got {vectorized!r}.")
    if not isinstance(variant, str) or variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}.")
    init = _check_init(init)
    boundary = _check_boundary(boundary)

    opt = WhaleOptimizer(
        low.size,
        n_agents=n_agents,
        max_iter=max_iter,
        b=b,
        variant=variant,
        init=init,
        boundary=boundary,
        random_state=random_state,
    )
    mid = low / 2.0 + high / 2.0  # halves first: no overflow for huge boxes
    half = high / 2.0 - low / 2.0

    def to_x(z):
        x = half * z
        x += mid
        np.maximum(x, low, out=x)  # np.clip(mid + half * z, low, high), faster
        np.minimum(x, high, out=x)
        return x

    status, nfev = 0, 0
    stop_rule = NoImprovement(maximize=False)
    while not opt.done:
        population = to_x(opt._positions)
        if vectorized:
            raw = fun(population.T, *args)
            energies = _read_values(raw, n_agents, vectorized=True)
        else:
            energies = np.empty(n_agents)
            for i, x in enumerate(population):  # the per-point hot loop
                value = fun(x, *args)
                energies[i] = value if type(value) is float else _read_one(value)
        opt.tell(energies)
        nfev += n_agents

        if callback is not None:
            intermediate = OptimizeResult(
                x=to_x(opt._leader),
                fun=opt.best_value_,
                nit=opt.n_iter_,
                nfev=nfev,
                population=population,
                population_energies=energies,
            )
            try:
                stop = callback(intermediate)
            except StopIteration:
                stop = True
            if stop is not None and bool(stop):  # scipy: a true value stops
                status = 2
                break

        stop_rule.update(opt.best_value_, tol=tol)
        if stop_rule.should_stop(n_iter_no_change):
            status = 1
            break

    if not opt.best_value_ < np.inf:
        status = 3
    messages = {
        0: "Maximum number of iterations reached.",
        1: f"The best value did not improve by at least tol={tol} for more than "
        f"n_iter_no_change={n_iter_no_change} iterations.",
        2: "`callback` requested a stop.",
        3: "fun returned no finite value (NaN counts as +inf).",
    }
    return OptimizeResult(
        x=to_x(opt._leader),
        fun=opt.best_value_,
        nit=opt.n_iter_,
        nfev=nfev,
        success=status in (0, 1),
        status=status,
        message=messages[status],
        fun_history=np.asarray(opt.history_, dtype=float),
        population=population,
        population_energies=energies,
    )
