"""Tests of the WOA engine: fidelity to the paper and the author's code, the
scipy-style front-end ``whale_minimize``, and the benchmark functions."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, OptimizeResult

from skgru._random import check_generator
from skgru._test_functions import FUNCTIONS, PAPER_TABLE4, get_function
from skgru.woa import (
    DEFAULT_VARIANT,
    SEARCH_VARIANT,
    VARIANTS,
    WhaleOptimizer,
    _matlab_step,
    _mixed_step,
    _n_middle,
    whale_minimize,
)

TABLE_SEEDS = range(3)  # the benchmark uses 10; 3 keeps this file fast


def _mean_best(name, variant, seeds=TABLE_SEEDS, max_iter=500):
    values = []
    for seed in seeds:
        f = get_function(name, random_state=1000 + seed)
        res = whale_minimize(
            lambda x, f=f: f(x.T),
            f.bounds,
            n_agents=30,
            max_iter=max_iter,
            variant=variant,
            random_state=seed,
            vectorized=True,
        )
        values.append(res.fun)
    return float(np.mean(values))


def _reaches_table(name, value):
    """At or below Table 4, with an order of magnitude (or 2 std) to spare."""
    mean, std = PAPER_TABLE4[name]
    return value <= (max(10 * mean, mean + 2 * std) if mean != 0 else 1e-8)


# ---------------------------------------------------------------- Table 4


# Where the author's own code (and our "matlab" port of it) does not reach Table 4:
# F3 and F4 land orders of magnitude above it. Ranges seen over many seeds.
MATLAB_MISSES = {"F3": (5e3, 2e5), "F4": (5.0, 95.0)}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_matlab_variant_lands_where_table4_or_the_authors_code_does(name):
    value = _mean_best(name, "matlab")
    if name in MATLAB_MISSES:
        low, high = MATLAB_MISSES[name]
        assert low <= value <= high, value
    else:
        assert _reaches_table(name, value), (value, PAPER_TABLE4[name])


@pytest.mark.parametrize("name", FUNCTIONS)
def test_mixed_variant_keeps_table4_where_matlab_reaches_it(name):
    value = _mean_best(name, "mixed")
    if name in MATLAB_MISSES:  # the moves are WOA.m's: the same misses
        low, high = MATLAB_MISSES[name]
        assert low <= value <= high, value
    else:
        assert _reaches_table(name, value), (value, PAPER_TABLE4[name])


@pytest.mark.parametrize("name", ["F3", "F4", "F5", "F6", "F8", "F13"])
def test_paper_variant_reaches_table4_or_comes_close(name):
    value = _mean_best(name, "paper")
    if name == "F3":  # much closer than the code's ~4e4, still above 5e-7
        assert value < 10.0, value
    elif name == "F4":  # 0.07 in the table; about 1 here, ~50 with the code
        assert value < 5.0, value
    else:
        assert _reaches_table(name, value), (value, PAPER_TABLE4[name])


def test_default_variant_is_documented():
    assert DEFAULT_VARIANT in VARIANTS
    assert DEFAULT_VARIANT == "mixed"
    assert f'default="{DEFAULT_VARIANT}"' in WhaleOptimizer.__doc__
    assert f'default="{DEFAULT_VARIANT}"' in whale_minimize.__doc__
    assert SEARCH_VARIANT == "paper"


# ---------------------------------------------------------------- fidelity


def _woa_m_loop(X, leader, b, A, C, p, l, k):  # noqa: E741
    """Literal port of the update loop of WOA.m (in place, whale by whale)."""
    P = X.copy()
    n, d = P.shape
    for i in range(n):
        for j in range(d):
            if p[i, 0] < 0.5:
                if abs(A[i, 0]) >= 1:
                    X_rand = P[k[i, j], :].copy()
                    D_X_rand = abs(C[i, 0] * X_rand[j] - P[i, j])
                    P[i, j] = X_rand[j] - A[i, 0] * D_X_rand
                else:
                    D_Leader = abs(C[i, 0] * leader[j] - P[i, j])
                    P[i, j] = leader[j] - A[i, 0] * D_Leader
            else:
                distance2Leader = abs(leader[j] - P[i, j])
                P[i, j] = (
                    distance2Leader * np.exp(b * l[i, 0]) * np.cos(l[i, 0] * 2 * np.pi)
                    + leader[j]
                )
    return P


def test_matlab_step_equals_the_in_place_loop_of_woa_m():
    rng = np.random.default_rng(0)
    for _ in range(100):
        n, d = int(rng.integers(1, 25)), int(rng.integers(1, 8))
        X = rng.uniform(-1, 1, (n, d))
        leader = rng.uniform(-1, 1, d)
        a = rng.uniform(0, 2)
        A = 2 * a * rng.random((n, 1)) - a
        C = 2 * rng.random((n, 1))
        l = rng.uniform(-2, 1, (n, 1))  # noqa: E741
        p = rng.random((n, 1))
        k = rng.integers(n, size=(n, d))
        expected = _woa_m_loop(X, leader, 1.0, A, C, p, l, k)
        np.testing.assert_array_equal(
            _matlab_step(X, leader, 1.0, A, C, p, l, k), expected
        )


class _Recorder(WhaleOptimizer):
    def _draw_matlab(self, a, a2):
        self.schedule.append((a, a2))
        draws = super()._draw_matlab(a, a2)
        self.draws.append(draws)
        return draws

    def _draw_mixed(self, a, a2):
        self.schedule.append((a, a2))
        draws = super()._draw_mixed(a, a2)
        self.draws.append(draws[:5])
        n_middle, anchor = draws[5:]
        # WOA.m's moves while a >= 1, 30% population-anchored whales after
        assert n_middle == (self.n_agents if a >= 1 else _n_middle(self.n_agents))
        assert anchor.shape == (self.n_agents - n_middle, self.n_dims)
        return draws

    def _draw_paper(self, a):
        self.schedule.append((a, None))
        draws = super()._draw_paper(a)
        self.draws.append(draws)
        return draws


@pytest.mark.parametrize("variant", VARIANTS)
def test_schedule_and_draws_follow_the_matlab_loop(variant):
    max_iter, n, d = 8, 5, 3
    opt = _Recorder(d, n_agents=n, max_iter=max_iter, variant=variant, random_state=0)
    opt.schedule, opt.draws = [], []
    while not opt.done:
        opt.tell(np.sum(opt.ask() ** 2, axis=1))
    a = [s[0] for s in opt.schedule]
    np.testing.assert_allclose(a, 2 - np.arange(max_iter) * 2 / max_iter)
    if variant != "paper":
        a2 = [s[1] for s in opt.schedule]
        np.testing.assert_allclose(a2, -1 - np.arange(max_iter) / max_iter)
    for t, (A, C, p, l, k) in enumerate(opt.draws):  # noqa: E741
        assert np.all(np.abs(A) <= a[t]) and np.all((C >= 0) & (C <= 2))
        assert p.shape == l.shape == (n, 1)
        if variant != "paper":  # scalar A, C per whale; random whale per dim
            assert A.shape == C.shape == (n, 1)
            if variant == "mixed" and a[t] < 1:  # no exploration: k not drawn
                assert k is None
            else:
                assert k.shape == (n, d)
            assert np.all((l >= -1 - t / max_iter) & (l <= 1))
        else:  # per-dimension vectors; one whole random whale per whale
            assert A.shape == C.shape == (n, d) and k.shape == (n,)
            assert np.all((l >= -1) & (l <= 1))
    assert opt.n_iter_ == max_iter and len(opt.history_) == max_iter


@pytest.mark.parametrize("variant", VARIANTS)
def test_population_stays_in_unit_cube_and_history_is_monotone(variant):
    opt = WhaleOptimizer(4, n_agents=7, max_iter=30, variant=variant, random_state=1)
    while not opt.done:
        u = opt.ask()
        assert u.shape == (7, 4) and u.min() >= 0 and u.max() <= 1
        opt.tell(np.sum((u - 0.9) ** 2, axis=1))
    assert np.all(np.diff(opt.history_) <= 0)
    assert 0 <= opt.best_position_.min() and opt.best_position_.max() <= 1


def test_leader_is_a_copy():
    opt = WhaleOptimizer(3, n_agents=6, max_iter=10, random_state=0)
    u = opt.ask()
    values = np.arange(6.0)
    opt.tell(values)  # the whales move now
    np.testing.assert_array_equal(opt.best_position_, u[0])
    assert not np.array_equal(opt.ask(), u)
    best = opt.best_position_
    best[:] = -5.0  # mutating what we got changes nothing inside
    np.testing.assert_array_equal(opt.best_position_, u[0])
    for _ in range(4):  # worse and failed values never replace the leader
        opt.tell(np.full(6, np.nan))
        opt.tell(np.full(6, 100.0))
    np.testing.assert_array_equal(opt.best_position_, u[0])
    assert opt.best_value_ == 0.0


def test_tell_after_done_is_refused():
    optimizer = WhaleOptimizer(2, n_agents=3, max_iter=2, random_state=0)
    for _ in range(2):
        optimizer.ask()
        optimizer.tell([1.0, 2.0, 3.0])
    assert optimizer.done
    with pytest.raises(RuntimeError, match="tell after max_iter=2 populations"):
        optimizer.tell([1.0, 2.0, 3.0])
    assert optimizer.n_iter_ == 2


def test_tell_rejects_wrong_number_of_values():
    opt = WhaleOptimizer(2, n_agents=4, max_iter=3)
    with pytest.raises(ValueError, match="tell expects 4 values"):
        opt.tell(np.zeros(3))


# ---------------------------------------------------------------- shifted optima


@pytest.mark.parametrize("variant", VARIANTS)
def test_shifted_optimum_off_the_centre_is_found(variant):
    target = np.array([3.0, -4.0, 6.0, -2.0, 7.5])
    for seed in range(3):
        res = whale_minimize(
            lambda x: np.sum((x - target) ** 2),
            [(-10, 10)] * 5,
            max_iter=200,
            variant=variant,
            random_state=seed,
        )
        assert res.fun < 0.2 and np.max(np.abs(res.x - target)) < 0.4, res


def _mixed_loop(X, leader, b, A, C, p, l, k, n_middle, anchor):  # noqa: E741
    """Literal (synchronous) loop of the "mixed" move, whale by whale, dim by dim."""
    n, d = X.shape
    P = X.copy()
    for i in range(n):
        for j in range(d):
            o = 0.0 if i < n_middle else X[anchor[i - n_middle, j], j]
            if p[i, 0] < 0.5:
                ref = X[k[i, j], j] if abs(A[i, 0]) >= 1 else leader[j]
                P[i, j] = ref - A[i, 0] * abs(C[i, 0] * (ref - o) - (X[i, j] - o))
            else:
                P[i, j] = (
                    abs(leader[j] - X[i, j])
                    * np.exp(b * l[i, 0])
                    * np.cos(2 * np.pi * l[i, 0])
                    + leader[j]
                )
    return P


def _random_draws(rng, n, d, a):
    A = 2 * a * rng.random((n, 1)) - a
    C = 2 * rng.random((n, 1))
    l = rng.uniform(-2, 1, (n, 1))  # noqa: E741
    p = rng.random((n, 1))
    k = rng.integers(n, size=(n, d))
    return A, C, p, l, k


def test_mixed_step_equals_its_literal_loop():
    rng = np.random.default_rng(1)
    for _ in range(100):
        n, d = int(rng.integers(1, 25)), int(rng.integers(1, 8))
        X, leader = rng.uniform(-1, 1, (n, d)), rng.uniform(-1, 1, d)
        draws = _random_draws(rng, n, d, rng.uniform(0, 2))
        n_middle = int(rng.integers(0, n + 1))
        anchor = rng.integers(n, size=(n - n_middle, d))
        np.testing.assert_allclose(
            _mixed_step(X, leader, 1.0, *draws, n_middle, anchor),
            _mixed_loop(X, leader, 1.0, *draws, n_middle, anchor),
            rtol=0,
            atol=1e-15,
        )
        A, C, p, l, k = draws  # noqa: E741
        if np.all(np.abs(A) < 1):  # no exploration: k is not needed (a < 1)
            np.testing.assert_array_equal(
                _mixed_step(X, leader, 1.0, A, C, p, l, None, n_middle, anchor),
                _mixed_step(X, leader, 1.0, *draws, n_middle, anchor),
            )


def test_mixed_anchors_about_70_percent_of_whales_in_the_middle():
    assert [_n_middle(n) for n in (1, 2, 3, 10, 30)] == [1, 1, 2, 7, 21]


@settings(max_examples=30, deadline=None)
@given(
    shift=st.lists(st.floats(-0.9, 0.9), min_size=3, max_size=3),
    seed=st.integers(0, 2**31 - 1),
    a=st.floats(0.0, 2.0),
)
def test_population_anchored_moves_commute_with_translation(shift, seed, a):
    # whales anchored at population coordinates: moving the population, the
    # leader and (so) the optimum by s moves every new position by s; WOA.m's
    # moves, anchored at the origin, do not commute
    rng = np.random.default_rng(seed)
    n, d = 12, 3
    s = np.array(shift)
    X, leader = rng.uniform(-0.05, 0.05, (n, d)), rng.uniform(-0.05, 0.05, d)
    draws = _random_draws(rng, n, d, a)
    anchor = rng.integers(n, size=(n, d))
    moved = _mixed_step(X + s, leader + s, 1.0, *draws, 0, anchor)
    np.testing.assert_allclose(
        moved, _mixed_step(X, leader, 1.0, *draws, 0, anchor) + s, atol=1e-12
    )


def test_middle_anchored_moves_do_not_commute_with_translation():
    rng = np.random.default_rng(0)
    n, d, s = 12, 3, np.array([0.5, -0.3, 0.4])
    X, leader = rng.uniform(-0.05, 0.05, (n, d)), rng.uniform(-0.05, 0.05, d)
    draws = _random_draws(rng, n, d, 0.8)
    anchor = rng.integers(n, size=(0, d))
    for step, extra in [(_matlab_step, ()), (_mixed_step, (n, anchor))]:
        gap = step(X + s, leader + s, 1.0, *draws, *extra) - s
        gap -= step(X, leader, 1.0, *draws, *extra)
        assert np.max(np.abs(gap)) > 0.1  # steps scale with the distance to 0


def _sphere_ends(optimum, variant, seeds=range(3)):
    """Best values of 10-D sphere runs in [-100, 100] (30 whales x 200 iterations)."""
    return [
        whale_minimize(
            lambda x: np.sum((x.T - optimum) ** 2, axis=1),
            [(-100, 100)] * 10,
            n_agents=30,
            max_iter=200,
            variant=variant,
            vectorized=True,
            random_state=seed,
        ).fun
        for seed in seeds
    ]


@pytest.mark.parametrize("shift", [-60.0, -25.0, 25.0, 60.0, 90.0])
def test_default_variant_finds_an_optimum_away_from_the_middle(shift):
    # the optimum moved off the middle: the default ("mixed") ends near it
    # wherever it is; WOA.m's moves ("matlab") keep steps as large as the shift
    ends = _sphere_ends(np.full(10, shift), DEFAULT_VARIANT)
    assert max(ends) < 0.05, ends
    if abs(shift) <= 60:
        biased = _sphere_ends(np.full(10, shift), "matlab")
        assert min(biased) > 1.0, biased


def test_shifted_sphere_of_issue_11_ends_below_5():
    # 30-D sphere with the optimum at 25, bounds [-100, 100], 30 whales, 500
    # iterations (the benchmark uses 10 seeds: median 0.08 against 75 for WOA.m)
    f = get_function("F1", shift=25.0)
    ends = {
        variant: [
            whale_minimize(
                lambda x: f(x.T),
                f.bounds,
                variant=variant,
                vectorized=True,
                random_state=seed,
            ).fun
            for seed in range(3)
        ]
        for variant in (DEFAULT_VARIANT, "matlab")
    }
    assert np.median(ends[DEFAULT_VARIANT]) < 5.0 and max(ends[DEFAULT_VARIANT]) < 1
    assert min(ends["matlab"]) > 5.0, ends


def test_default_variant_beats_matlab_on_random_offsets():
    # offsets of mixed signs and sizes per coordinate are harder for every
    # variant (WOA moves all coordinates of a whale in the same direction);
    # "mixed" still ends closer than WOA.m's moves ("paper" is better still)
    optimum = np.random.default_rng(7).uniform(-80, 80, 10)
    mixed = np.median(_sphere_ends(optimum, DEFAULT_VARIANT, range(5)))
    matlab = np.median(_sphere_ends(optimum, "matlab", range(5)))
    assert mixed < matlab / 2, (mixed, matlab)


@pytest.mark.parametrize("variant", VARIANTS)
def test_optimum_in_asymmetric_box_is_found(variant):
    # the middle of [0, 10] is 5, not 0: the origin of the box must not attract
    res = whale_minimize(
        lambda x: np.sum((x - 7.0) ** 2),
        [(0, 10)] * 5,
        max_iter=200,
        variant=variant,
        random_state=0,
    )
    assert res.fun < 0.05
    np.testing.assert_allclose(res.x, 7.0, atol=0.2)


@pytest.mark.parametrize("variant", VARIANTS)
def test_shifted_benchmark_beats_random_search_by_far(variant):
    shift = np.random.default_rng(0).uniform(-20, 20, 30)
    f = get_function("F1").shifted(shift)
    np.testing.assert_allclose(f.minimizer, shift)
    res = whale_minimize(
        lambda x: f(x.T), f.bounds, vectorized=True, variant=variant, random_state=0
    )
    random_search = f(np.random.default_rng(0).uniform(-100, 100, (15000, 30))).min()
    assert res.fun < random_search / 50, (res.fun, random_search)


# ---------------------------------------------------------------- front-end


def test_result_fields_and_counts():
    res = whale_minimize(
        lambda x: np.sum(x**2),
        [(-1, 2), (-3, 1)],
        n_agents=7,
        max_iter=11,
        random_state=0,
    )
    assert isinstance(res, OptimizeResult)
    assert res.nit == 11 and res.nfev == 77 and res.success and res.status == 0
    assert res.fun_history.shape == (11,) and res.fun_history[-1] == res.fun
    assert np.all(np.diff(res.fun_history) <= 0)
    assert res.population.shape == (7, 2) and res.population_energies.shape == (7,)
    assert res.fun == pytest.approx(np.sum(res.x**2))
    assert "Maximum number of iterations" in res.message


@pytest.mark.parametrize("variant", VARIANTS)
def test_same_seed_same_result_other_seed_other_result(variant):
    def run(seed):
        return whale_minimize(
            lambda x: np.sum(np.cos(3 * x) + x**2),
            [(-4, 4)] * 3,
            max_iter=40,
            variant=variant,
            random_state=seed,
        )

    r1, r2, r3 = run(3), run(3), run(4)
    np.testing.assert_array_equal(r1.x, r2.x)
    np.testing.assert_array_equal(r1.fun_history, r2.fun_history)
    assert not np.array_equal(r1.population, r3.population)
    # a Generator or RandomState is accepted as well and used as given
    r4 = run(np.random.default_rng(3))
    r5 = run(np.random.RandomState(3))
    assert np.isfinite(r4.fun) and np.isfinite(r5.fun)


@pytest.mark.parametrize("variant", VARIANTS)
def test_vectorized_and_per_point_give_identical_runs(variant):
    f = get_function("F10")

    def vec(x, scale):
        assert x.shape[0] == 30  # (dim, S)
        return scale * f(x.T)

    def point(x, scale):
        assert x.shape == (30,)
        return vec(x[:, None], scale)[0]

    kw = dict(n_agents=12, max_iter=30, variant=variant, random_state=5, args=(2.0,))
    r_vec = whale_minimize(vec, f.bounds, vectorized=True, **kw)
    r_pt = whale_minimize(point, f.bounds, **kw)
    np.testing.assert_array_equal(r_vec.x, r_pt.x)
    np.testing.assert_array_equal(r_vec.fun_history, r_pt.fun_history)
    assert r_vec.nfev == r_pt.nfev == 360


def test_bounds_mapping_follows_the_unit_cube_and_bounds_object():
    low, high = np.array([-1.0, 0.0, 10.0]), np.array([3.0, 1e-3, 20.0])
    seen = []

    def fun(x):
        seen.append(x.copy())
        return float(np.sum(x))

    res = whale_minimize(
        fun, list(zip(low, high, strict=True)), n_agents=5, max_iter=3, random_state=2
    )
    opt = WhaleOptimizer(3, n_agents=5, max_iter=3, random_state=2)
    np.testing.assert_allclose(np.array(seen[:5]), low + opt.ask() * (high - low))
    pts = np.array(seen)
    assert np.all(pts >= low) and np.all(pts <= high)
    assert np.all(res.x >= low) and np.all(res.x <= high)
    res_b = whale_minimize(
        fun, Bounds(low, high), n_agents=5, max_iter=3, random_state=2
    )
    np.testing.assert_array_equal(res.x, res_b.x)
    res_arr = whale_minimize(
        fun, np.c_[low, high], n_agents=5, max_iter=3, random_state=2
    )
    np.testing.assert_array_equal(res.x, res_arr.x)


def test_centred_coordinates_keep_precision_near_the_middle():
    # F1's Table 4 value (1e-30) needs resolution far below 1e-16 * range near 0
    assert _mean_best("F1", DEFAULT_VARIANT, seeds=[0]) < 1e-40


@pytest.mark.parametrize("how", ["raise", True, np.True_, 1])
def test_callback_stops_the_run(how):
    calls = []

    def callback(intermediate_result):
        calls.append(intermediate_result)
        if intermediate_result.nit == 4:
            if how == "raise":
                raise StopIteration
            return how  # any true value, as in scipy
        return None

    res = whale_minimize(
        lambda x: np.sum(x**2),
        [(-1, 1)] * 2,
        n_agents=6,
        max_iter=50,
        callback=callback,
        random_state=0,
    )
    assert res.nit == 4 and res.nfev == 24 and len(calls) == 4
    assert not res.success and res.status == 2 and "callback" in res.message
    last = calls[-1]
    assert isinstance(last, OptimizeResult)
    assert last.fun == res.fun and last.nfev == 24
    np.testing.assert_array_equal(last.x, res.x)
    assert [c.nit for c in calls] == [1, 2, 3, 4]


def test_equal_bounds_fix_a_coordinate_as_in_scipy():
    res = whale_minimize(
        lambda x: np.sum(x**2),
        [(2.0, 2.0), (-1, 1)],
        n_agents=6,
        max_iter=30,
        random_state=0,
    )
    assert res.x[0] == 2.0 and abs(res.x[1]) < 1e-3
    assert (res.population[:, 0] == 2.0).all()


@pytest.mark.parametrize("value", [None, "1.5", {"f": 1.0}])
def test_fun_returning_a_non_number_is_a_type_error(value):
    with pytest.raises(TypeError, match="fun must return real numbers"):
        whale_minimize(lambda x: value, [(-1, 1)], n_agents=3, max_iter=2)


def test_callback_returning_false_does_not_stop():
    res = whale_minimize(
        lambda x: np.sum(x**2),
        [(-1, 1)],
        n_agents=3,
        max_iter=5,
        callback=lambda intermediate_result: False,
    )
    assert res.nit == 5 and res.success


def test_a_two_argument_callback_is_refused_up_front():
    def old_style(xk, convergence):
        return False

    def keyword_only(*, intermediate_result):
        return False

    for callback in (old_style, keyword_only):
        with pytest.raises(TypeError, match=r"one positional argument.*xk"):
            whale_minimize(lambda x: np.sum(x**2), [(-1, 1)], callback=callback)
    # one required argument, optional extras, or *args: accepted
    for callback in (
        lambda result, extra=None: False,
        lambda *results: False,
        lambda result: False,
    ):
        res = whale_minimize(
            lambda x: np.sum(x**2),
            [(-1, 1)],
            n_agents=3,
            max_iter=2,
            callback=callback,
        )
        assert res.nit == 2


def test_n_iter_no_change_stops_a_flat_run():
    res = whale_minimize(
        lambda x: 1.0, [(-1, 1)] * 2, n_agents=4, max_iter=100, n_iter_no_change=5
    )
    assert res.nit == 7 and res.nfev == 28  # 1 improving + 6 (> 5) stale iterations
    assert res.success and res.status == 1 and "n_iter_no_change=5" in res.message


def test_tol_counts_small_improvements_as_none():
    kw = dict(n_agents=10, max_iter=300, n_iter_no_change=10, random_state=0)
    strict = whale_minimize(lambda x: np.sum(x**2), [(-5, 5)] * 2, **kw)
    loose = whale_minimize(lambda x: np.sum(x**2), [(-5, 5)] * 2, tol=1e-3, **kw)
    assert loose.nit < strict.nit <= 300


def test_args_are_passed_and_a_non_tuple_is_wrapped():
    res = whale_minimize(
        lambda x, c: np.sum((x - c) ** 2),
        [(-2, 2)],
        args=0.5,
        max_iter=60,
        random_state=0,
    )
    assert abs(res.x[0] - 0.5) < 1e-3


def test_nan_counts_as_failed_point():
    def fun(x):
        return np.nan if x[0] > 0 else float(np.sum((x + 0.5) ** 2))

    res = whale_minimize(fun, [(-1, 1)] * 2, max_iter=50, random_state=0)
    assert np.isfinite(res.fun) and res.x[0] <= 0 and res.success
    all_nan = whale_minimize(lambda x: np.nan, [(-1, 1)], n_agents=3, max_iter=4)
    assert not all_nan.success and all_nan.status == 3 and all_nan.fun == np.inf
    np.testing.assert_array_equal(all_nan.x, [0.0])  # the middle of the box


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "bounds, error, match",
    [
        ([(1.0, 0.5)], ValueError, r"low <= high.*dimension 0.*\(1\.0, 0\.5\)"),
        ([(0, 1), (2.0, -2.0)], ValueError, r"low <= high.*dimension 1"),
        ([(0, np.inf)], ValueError, r"bounds must be finite.*dimension 0"),
        ([(np.nan, 1)], ValueError, "bounds must be finite"),
        ([(0, 1), (None, 1)], ValueError, r"finite.*dimension 1.*\(None, 1\)"),
        ([1, 2, 3], ValueError, r"\(low, high\) pairs.*shape \(n_dims, 2\)"),
        ([(0, 1, 2)], ValueError, r"\(low, high\) pairs.*got shape \(1, 3\)"),
        ([], ValueError, r"\(low, high\) pairs"),
        ([(0, 1), (2,)], ValueError, r"\(low, high\) pairs"),
        ([("a", "b")], ValueError, r"\(low, high\) pairs"),
        ("0, 1", TypeError, r"\(low, high\) pairs"),
        (None, TypeError, r"\(low, high\) pairs"),
        (Bounds(np.zeros((2, 2)), np.ones((2, 2))), ValueError, "must be 1-D"),
        (Bounds([0, 2], [1, 1]), ValueError, r"low <= high.*dimension 1"),
    ],
)
def test_bad_bounds_are_rejected(bounds, error, match):
    with pytest.raises(error, match=match):
        whale_minimize(lambda x: 0.0, bounds)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_agents=0), ValueError, r"n_agents must be an int >= 1"),
        (dict(n_agents=2.5), TypeError, r"n_agents must be an int"),
        (dict(n_agents=2.7), TypeError, r"n_agents must be an int >= 1, got 2\.7"),
        (dict(n_agents=np.float64(3.0)), TypeError, r"n_agents must be an int"),
        (dict(max_iter=10.5), TypeError, r"max_iter must be an int >= 1, got 10\.5"),
        (dict(max_iter=0), ValueError, r"max_iter must be an int >= 1"),
        (dict(max_iter=True), TypeError, r"max_iter must be an int"),
        (dict(b=np.nan), ValueError, r"b must be a finite number"),
        (dict(b="1"), TypeError, r"b must be a real number"),
        (dict(tol=-1e-3), ValueError, r"tol must be a finite number >= 0"),
        (dict(n_iter_no_change=0), ValueError, r"n_iter_no_change must be an int"),
        (dict(variant="Paper"), ValueError, r"variant must be one of"),
        (dict(init="lhs"), ValueError, r"init must be one of \('random', 'latin"),
        (dict(boundary="reflect"), ValueError, r"boundary must be one of \('clip', "),
        (dict(vectorized="yes"), TypeError, r"vectorized must be True or False"),
        (dict(callback=3), TypeError, r"callback must be callable or None"),
        (dict(random_state="x"), ValueError, r"random_state must be None, an int"),
        (dict(random_state=1.5), ValueError, r"random_state must be None, an int"),
        (dict(random_state=-1), ValueError, r"must be a non-negative int; got -1"),
    ],
)
def test_bad_options_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        whale_minimize(lambda x: 0.0, [(0, 1)], **kwargs)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_agents=2.7), TypeError, r"n_agents must be an int >= 1, got 2\.7"),
        (dict(n_agents=0), ValueError, r"n_agents must be an int >= 1"),
        (dict(max_iter=3.2), TypeError, r"max_iter must be an int >= 1, got 3\.2"),
        (dict(max_iter=np.float32(4)), TypeError, r"max_iter must be an int"),
        (dict(b=np.inf), ValueError, r"b must be a finite number"),
        (dict(b="1"), TypeError, r"b must be a real number"),
        (dict(variant="centred"), ValueError, r"variant must be one of"),
        (dict(variant=["paper"]), ValueError, r"variant must be one of"),
        (dict(init=None), ValueError, r"init must be one of"),
        (dict(boundary="Bounce"), ValueError, r"boundary must be one of"),
    ],
)
def test_whale_optimizer_rejects_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        WhaleOptimizer(2, **kwargs)
    with pytest.raises(TypeError, match=r"n_dims must be an int >= 1, got 2\.5"):
        WhaleOptimizer(2.5)


@settings(max_examples=40, deadline=None)
@given(
    n_agents=st.integers(1, 40),
    n_dims=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_latin_hypercube_puts_one_whale_in_every_slice_of_every_range(
    n_agents, n_dims, seed
):
    opt = WhaleOptimizer(
        n_dims, n_agents=n_agents, init="latinhypercube", random_state=seed
    )
    slices = np.floor(opt.ask() * n_agents)
    for column in slices.T:
        np.testing.assert_array_equal(np.sort(column), np.arange(n_agents))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", range(5))
def test_bounce_puts_overshooting_coordinates_between_old_position_and_bound(
    variant, seed
):
    # both optimizers draw the same move; "clip" puts a coordinate that left the
    # box on the bound, "bounce" between the whale's old coordinate and the bound
    kwargs = dict(n_agents=20, max_iter=4, variant=variant, random_state=seed)
    clip = WhaleOptimizer(5, boundary="clip", **kwargs)
    bounce = WhaleOptimizer(5, boundary="bounce", **kwargs)
    old = clip.ask()
    np.testing.assert_array_equal(old, bounce.ask())
    values = np.sum((old - 0.9) ** 2, axis=1)  # optimum near the upper end
    clip.tell(values)
    bounce.tell(values)
    clipped, bounced = clip.ask(), bounce.ask()
    left = (clipped == 0.0) | (clipped == 1.0)
    assert left.any()  # the first move overshoots: the test has something to check
    np.testing.assert_array_equal(bounced[~left], clipped[~left])
    low = np.minimum(old[left], clipped[left])
    high = np.maximum(old[left], clipped[left])
    assert np.all((low <= bounced[left]) & (bounced[left] <= high))
    assert not np.isin(bounced[left], [0.0, 1.0]).any()  # never on the bound


def test_bounce_never_puts_a_whale_on_the_bounds_over_a_run():
    runs = {}
    for boundary in ("clip", "bounce"):
        opt = WhaleOptimizer(
            3, n_agents=10, max_iter=30, boundary=boundary, random_state=0
        )
        on_bound = 0
        while not opt.done:
            u = opt.ask()
            on_bound += int(np.isin(u, [0.0, 1.0]).sum())
            opt.tell(np.sum(np.abs(u - 0.97), axis=1))
        runs[boundary] = on_bound, opt.best_value_
    assert runs["bounce"][0] == 0 and runs["clip"][0] > 50
    assert runs["bounce"][1] < 0.05  # and it still reaches an optimum near the edge


def test_whale_minimize_passes_boundary_on():
    # the optimum sits near the upper bound: clipped whales land on 5.0,
    # bounced ones never; "clip" is the default
    def points(**kwargs):
        seen = []

        def fun(x):
            seen.append(x.copy())
            return float(np.sum((x - 4.9) ** 2))

        res = whale_minimize(
            fun, [(-5, 5)] * 2, n_agents=10, max_iter=50, random_state=0, **kwargs
        )
        return np.array(seen), res

    default, _ = points()
    clipped, _ = points(boundary="clip")
    bounced, res = points(boundary="bounce")
    np.testing.assert_array_equal(default, clipped)
    assert np.isin(clipped, [-5.0, 5.0]).sum() > 10
    assert not np.isin(bounced, [-5.0, 5.0]).any()
    assert res.fun < 1e-6


def test_random_init_keeps_the_draws_of_earlier_releases():
    # the same seed gives the same first population as before ``init`` existed
    expected = check_generator(7).uniform(-1.0, 1.0, (6, 3))
    np.testing.assert_array_equal(
        WhaleOptimizer(3, n_agents=6, random_state=7).ask(), (expected + 1.0) / 2.0
    )


def test_latin_hypercube_init_reaches_the_optimum_in_whale_minimize():
    res = whale_minimize(
        lambda x: float(np.sum((x - 1.0) ** 2)),
        [(-5, 5)] * 3,
        max_iter=200,
        init="latinhypercube",
        random_state=0,
    )
    assert res.fun < 1e-6


def test_numpy_scalars_are_accepted():
    opt = WhaleOptimizer(
        np.int64(2),
        n_agents=np.int32(5),
        max_iter=np.uint8(3),
        b=np.float32(0.5),
        random_state=0,
    )
    assert (opt.n_dims, opt.n_agents, opt.max_iter, opt.b) == (2, 5, 3, 0.5)
    assert all(type(v) is int for v in (opt.n_dims, opt.n_agents, opt.max_iter))
    res = whale_minimize(
        lambda x: np.sum(x**2),
        [(-1, 1)] * 2,
        n_agents=np.int64(4),
        max_iter=np.int16(3),
        b=np.float64(1.5),
        tol=np.float32(0.0),
        n_iter_no_change=np.int64(10),
        random_state=np.int64(0),
    )
    assert res.nfev == 12


def test_non_callable_fun_is_rejected():
    with pytest.raises(TypeError, match="fun must be callable, got list"):
        whale_minimize([1, 2], [(0, 1)])


@pytest.mark.parametrize(
    "fun, vectorized, error, match",
    [
        (lambda x: x, False, ValueError, r"one number per point.*vectorized=True"),
        (lambda x: "bad", False, TypeError, r"fun must return real numbers"),
        (lambda x: 1 + 2j, False, TypeError, r"fun must return real numbers"),
        (lambda x: np.zeros(3), True, ValueError, r"vectorized=True.*S=5 values"),
        (lambda x: np.zeros((5, 2)), True, ValueError, r"vectorized=True"),
        (lambda x: 0.0, True, ValueError, r"vectorized=True.*shape \(\)"),
    ],
)
def test_fun_returning_the_wrong_thing_is_reported(fun, vectorized, error, match):
    with pytest.raises(error, match=match):
        whale_minimize(fun, [(0, 1)] * 2, n_agents=5, vectorized=vectorized)


def test_vectorized_accepts_column_shaped_output():
    res = whale_minimize(
        lambda x: np.sum(x**2, axis=0)[:, None],
        [(-1, 1)] * 2,
        n_agents=5,
        max_iter=5,
        vectorized=True,
        random_state=0,
    )
    assert res.nfev == 25 and np.isfinite(res.fun)


# ---------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lows=st.lists(
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=4,
    ),
    widths=st.lists(st.floats(1e-6, 1e6), min_size=4, max_size=4),
    n_agents=st.integers(1, 8),
    max_iter=st.integers(1, 12),
    variant=st.sampled_from(VARIANTS),
    seed=st.integers(0, 2**31 - 1),
)
def test_result_is_within_bounds_and_counts_add_up(
    lows, widths, n_agents, max_iter, variant, seed
):
    low = np.array(lows)
    high = low + np.array(widths[: low.size])
    evaluated = []

    def fun(x):
        assert np.all(x >= low) and np.all(x <= high)
        value = float(np.sum(np.sin(x) + ((x - low) / (high - low)) ** 2))
        evaluated.append(value)
        return value

    res = whale_minimize(
        fun,
        list(zip(low, high, strict=True)),
        n_agents=n_agents,
        max_iter=max_iter,
        variant=variant,
        random_state=seed,
    )
    assert np.all(res.x >= low) and np.all(res.x <= high)
    assert res.nit == max_iter and res.nfev == res.nit * n_agents == len(evaluated)
    assert res.fun == min(evaluated)
    assert res.fun_history.shape == (res.nit,)
    assert np.all(np.diff(res.fun_history) <= 0)


# ---------------------------------------------------------------- test functions


@pytest.mark.parametrize("name", FUNCTIONS)
def test_benchmark_functions_have_their_optimum_where_documented(name):
    f = get_function(name, random_state=0)
    assert f.dim == 30 and f.lb < f.ub and len(f.bounds) == 30
    at_opt = f(f.minimizer)
    noise = 1.0 if name == "F7" else 0.0
    assert f.f_opt - 1e-6 <= at_opt <= f.f_opt + noise + 1e-9 * max(1, abs(f.f_opt))
    pts = np.random.default_rng(1).uniform(f.lb, f.ub, (20, f.dim))
    values = f(pts)
    assert values.shape == (20,) and np.all(values >= f.f_opt - 1e-6)
    # one point in gives a float out, and the same value as in a population
    if name != "F7":
        assert f(pts[3]) == pytest.approx(values[3], rel=1e-12)
    shifted = f.shifted(0.25)
    assert shifted(shifted.minimizer) == pytest.approx(
        at_opt, abs=1.0 if noise else 1e-9
    )


def test_f3_f6_f7_f12_follow_the_matlab_code_literally():
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 30)
    dim = 30
    # F3: for i=1:dim, o=o+sum(x(1:i))^2
    assert get_function("F3")(x) == pytest.approx(
        sum(np.sum(x[: i + 1]) ** 2 for i in range(dim))
    )
    # F6: sum(abs((x+.5)).^2), no floor
    assert get_function("F6")(x) == pytest.approx(np.sum(np.abs(x + 0.5) ** 2))
    # F7: sum([1:dim].*(x.^4))+rand, rand from the function's own seeded generator
    quartic = np.sum(np.arange(1, dim + 1) * x**4)
    f7a, f7b = get_function("F7", random_state=3), get_function("F7", random_state=3)
    values = [f7a(x) for _ in range(50)]
    assert values == [f7b(x) for _ in range(50)]
    assert all(quartic <= v < quartic + 1 for v in values)
    # F12 with y = 1 + (x+1)/4 and Ufun(x, 10, 100, 4)
    y = 1 + (x + 1) / 4
    u = 100 * (x - 10) ** 4 * (x > 10) + 100 * (-x - 10) ** 4 * (x < -10)
    expected = (np.pi / dim) * (
        10 * np.sin(np.pi * y[0]) ** 2
        + np.sum((y[:-1] - 1) ** 2 * (1 + 10 * np.sin(np.pi * y[1:]) ** 2))
        + (y[-1] - 1) ** 2
    ) + np.sum(u)
    assert get_function("F12")(x) == pytest.approx(expected)


def test_get_function_rejects_unknown_name():
    with pytest.raises(ValueError, match="name must be one of"):
        get_function("F99")
