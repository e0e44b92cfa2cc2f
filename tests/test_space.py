"""Tests of ParamSpace: unit-hypercube positions <-> parameter dicts."""

import copy
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import expon, loguniform, norm, poisson, randint, rv_discrete, uniform
from sklearn.linear_model import Lasso, Ridge
from sklearn.tree import DecisionTreeRegressor

from skgru.space import ParamSpace


class RvsOnly:
    """A distribution with only ``rvs``, as RandomizedSearchCV allows."""

    def rvs(self, random_state=None):
        rng = np.random.default_rng(random_state.randint(2**31))
        return float(rng.choice([0.5, 1.5, 2.5]))


def mixed_space():
    """One dimension of every kind, with unhashable and estimator values."""
    return {
        "alpha": loguniform(1e-3, 1e2),
        "l1": uniform(0.2, 0.5),
        "depth": randint(1, 10),
        "count": poisson(3),
        "shift": norm(0, 1),
        "scale": expon(scale=10),
        "kernel": ["rbf", "linear", None],
        "model": [Ridge(), Lasso()],
        "layers": [(8,), (16, 8), [4, 4]],
        "options": [{"a": 1}, {"a": 2}],
        "rate": np.array([0.1, 0.2, 0.3]),
        "steps": range(3, 6),
        "empirical": RvsOnly(),
    }


def conditional_space():
    return [
        {"kernel": ["linear"], "C": loguniform(1e-2, 1e2)},
        {"kernel": ["rbf", "poly"], "C": [1, 10], "gamma": uniform(0.01, 1.0)},
        {"max_depth": randint(2, 5)},
    ]


def assert_params_close(got, expected):
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=1e-9), key
        else:
            assert got[key] == value, key


def in_domain(value, dist):
    """Whether a decoded value can come from the space's entry ``dist``."""
    if isinstance(dist, RvsOnly):
        return value in (0.5, 1.5, 2.5)
    if hasattr(dist, "ppf"):
        lo, hi = dist.support()
        ok = bool(lo <= value <= hi) and np.isfinite(value)
        if dist.dist.name in ("randint", "poisson"):
            ok = ok and type(value) is int
        return ok
    return any(value is v for v in dist)


def test_dimensions_and_sorted_keys():
    space = ParamSpace(mixed_space(), random_state=0)
    assert space.n_dims == len(mixed_space())
    assert space.n_branches == 1
    params = space.decode(np.full(space.n_dims, 0.5))
    assert list(params) == sorted(mixed_space())
    assert "ParamSpace(n_dims=13" in repr(space)

    cond = ParamSpace(conditional_space())
    assert cond.n_branches == 3
    assert cond.n_dims == 1 + 2 + 3 + 1
    assert cond.param_names == [
        ["C", "kernel"],
        ["C", "gamma", "kernel"],
        ["max_depth"],
    ]


def test_list_index_mapping():
    space = ParamSpace({"x": ["a", "b", "c"]})
    got = [space.decode([u])["x"] for u in (0.0, 0.3, 1 / 3, 0.5, 0.66, 0.7, 1.0)]
    assert got == ["a", "a", "b", "b", "b", "c", "c"]
    # coordinates outside the cube are clipped
    assert space.decode([-3.0])["x"] == "a"
    assert space.decode([7.0])["x"] == "c"


def test_distribution_mapping_by_ppf():
    space = ParamSpace({"alpha": loguniform(1e-4, 1e4), "n": randint(1, 5)})
    params = space.decode([0.5, 0.5])
    assert params["alpha"] == pytest.approx(1.0)
    assert isinstance(params["alpha"], float)
    assert params["n"] == 2 and type(params["n"]) is int
    # the ends of the cube stay strictly inside a bounded support ...
    low, high = space.decode([0.0, 0.0]), space.decode([1.0, 1.0])
    assert 1e-4 < low["alpha"] < 1.001e-4 and 0.999e4 < high["alpha"] < 1e4
    assert (low["n"], high["n"]) == (1, 4)
    # ... and finite for an unbounded one
    ends = ParamSpace({"z": norm(0, 1)}).decode_batch([[0.0], [1.0]])
    assert -6 < ends[0]["z"] < -4 and 4 < ends[1]["z"] < 6


def test_randint_covers_every_value_evenly():
    space = ParamSpace({"n": randint(3, 8)})
    u = (np.arange(1000) + 0.5) / 1000
    values = [p["n"] for p in space.decode_batch(u[:, None])]
    counts = np.bincount(values)[3:]
    assert counts.tolist() == [200] * 5


def test_custom_discrete_distribution_gives_its_values():
    # rv_discrete(values=...) is an instance, not a frozen distribution; its
    # values come out as RandomizedSearchCV's rvs() gives them: ints stay ints
    depth = rv_discrete(values=([2, 3, 4], [0.3, 0.4, 0.3]))
    values = [
        p["d"] for p in ParamSpace({"d": depth}).decode_batch([[0.1], [0.5], [0.9]])
    ]
    assert values == [2, 3, 4] and all(type(v) is int for v in values)
    assert ParamSpace({"d": depth}).decode(
        ParamSpace({"d": depth}).encode({"d": 4})
    ) == {"d": 4}
    # a non-integer support is not rounded to ints
    share = rv_discrete(values=([0.1, 0.9], [0.5, 0.5]))
    space = ParamSpace({"s": share})
    assert [p["s"] for p in space.decode_batch([[0.2], [0.8]])] == [0.1, 0.9]
    assert space.decode(space.encode({"s": 0.9})) == {"s": 0.9}
    with pytest.raises(ValueError, match="cannot be encoded"):
        space.encode({"s": 0.5})


def test_conditional_space_picks_a_dict():
    space = ParamSpace(conditional_space())
    p0 = space.decode([0.1, 0.5, 0.0, 0.5, 0.5, 0.5, 0.5])
    p1 = space.decode([0.5, 0.5, 0.0, 0.9, 0.5, 0.9, 0.5])
    p2 = space.decode([0.9, 0.5, 0.0, 0.5, 0.5, 0.5, 0.9])
    assert set(p0) == {"C", "kernel"} and p0["kernel"] == "linear"
    assert set(p1) == {"C", "gamma", "kernel"} and p1["kernel"] == "poly"
    assert p1["C"] == 10
    assert p2 == {"max_depth": 4}


def test_keys_identify_candidates_and_duplicates():
    space = ParamSpace({"x": [1, 1, 2], "est": [Ridge(), Ridge()]})
    assert space.param_names == [["est", "x"]]  # dimensions in sorted name order
    params, keys = space.decode_batch(
        [[0.1, 0.1], [0.1, 0.5], [0.1, 0.9], [0.9, 0.1]], return_keys=True
    )
    # equal values share a key; two distinct (unequal) estimator objects do not
    assert keys[0] == keys[1] != keys[2]
    assert keys[0] != keys[3]
    assert len({hash(k) for k in keys}) >= 3
    assert params[0]["est"] is params[1]["est"]


def test_values_are_the_users_objects():
    dist = mixed_space()
    space = ParamSpace(dist, random_state=0)
    params = space.decode(np.full(space.n_dims, 0.9))
    assert params["model"] is dist["model"][1]
    assert params["options"] is dist["options"][1]
    assert params["layers"] is dist["layers"][2]


def snapshot(space_def):
    """Identity and content of everything in a space definition."""
    dicts = space_def if isinstance(space_def, list) else [space_def]
    return [
        (
            id(d),
            [
                (
                    key,
                    id(value),
                    [id(v) for v in value] if isinstance(value, list) else None,
                    repr(value) if isinstance(value, list) else None,
                    copy.deepcopy(getattr(value, "args", None)),
                    copy.deepcopy(getattr(value, "kwds", None)),
                )
                for key, value in d.items()
            ],
        )
        for d in dicts
    ]


def test_user_objects_never_mutated():
    dist = mixed_space()
    estimators = list(dist["model"])
    before = snapshot(dist)
    conditional = conditional_space()
    conditional_before = snapshot(conditional)
    for space_def in (dist, conditional):
        space = ParamSpace(space_def, random_state=0)
        params = space.decode_batch(np.random.default_rng(0).random((20, space.n_dims)))
        params[0]["injected"] = 1  # the caller owns the returned dicts
        space.encode({k: v for k, v in params[1].items()})
        space.decode_batch(np.random.default_rng(1).random((5, space.n_dims)))
    assert snapshot(dist) == before
    assert snapshot(conditional) == conditional_before
    assert all(a is b for a, b in zip(dist["model"], estimators, strict=True))
    assert not hasattr(dist["model"][0], "coef_")
    assert "injected" not in dist


def test_rvs_only_distribution_is_deterministic_given_random_state():
    a = ParamSpace({"e": RvsOnly()}, random_state=3)
    b = ParamSpace({"e": RvsOnly()}, random_state=3)
    u = np.linspace(0, 1, 25)[:, None]
    assert a.decode_batch(u) == b.decode_batch(u)
    values = [p["e"] for p in a.decode_batch(u)]
    assert values == sorted(values) and set(values) <= {0.5, 1.5, 2.5}


def test_encode_round_trip_and_errors():
    space = ParamSpace(conditional_space())
    params = {"kernel": "poly", "C": 10, "gamma": 0.3}
    assert_params_close(space.decode(space.encode(params)), params)
    assert space.decode(space.encode({"max_depth": 3})) == {"max_depth": 3}
    with pytest.raises(ValueError, match="cannot be encoded"):
        space.encode({"kernel": "sigmoid", "C": 1})
    with pytest.raises(ValueError, match="cannot be encoded"):
        space.encode({"max_depth": 7})
    with pytest.raises(ValueError, match="cannot be encoded"):
        space.encode({"unknown": 1})
    with pytest.raises(ValueError, match="branch"):
        space.encode({"max_depth": 3}, branch=5)
    with pytest.raises(TypeError, match="dict"):
        space.encode([("max_depth", 3)])
    with pytest.raises(ValueError, match="cannot be encoded"):
        ParamSpace({"a": loguniform(1, 10)}).encode({"a": 20.0})


def test_bad_positions():
    space = ParamSpace({"x": [1, 2], "y": [3, 4]})
    with pytest.raises(ValueError, match="shape"):
        space.decode([0.5])
    with pytest.raises(ValueError, match="shape"):
        space.decode([[0.5, 0.5]])
    with pytest.raises(ValueError, match="shape"):
        space.decode_batch([0.5, 0.5])
    with pytest.raises(ValueError, match="finite"):
        space.decode([np.nan, 0.5])


class NanPpf:
    def ppf(self, q):
        return np.full_like(np.asarray(q, dtype=float), np.nan)


class BrokenPpf:
    def ppf(self, q):
        raise RuntimeError("no quantiles here")


class BrokenRvs:
    def rvs(self, random_state=None):
        raise RuntimeError("no draws here")


@pytest.mark.parametrize("empty", [{}, [{}], [{}, {}]])
def test_a_space_without_parameters_has_one_candidate(empty):
    # as RandomizedSearchCV: the estimator as given is fitted once
    space = ParamSpace(empty)
    assert space.n_dims == 0
    params, keys = space.decode_batch(np.empty((3, 0)), return_keys=True)
    assert params == [{}, {}, {}] and len(set(keys)) == 1


@pytest.mark.parametrize(
    "param_distributions, error, match",
    [
        (1.0, TypeError, "param_distributions is 1.0"),
        ("alpha", TypeError, "param_distributions is 'alpha'"),
        ([], ValueError, "empty list"),
        ([1, 2], TypeError, r"param_distributions\[0\] is 1"),
        ([{"a": [1]}, "b"], TypeError, r"param_distributions\[1\]"),
        ({1: [1, 2]}, TypeError, "key 1 .*must be str"),
        ({"a": 1.0}, TypeError, "neither a list of values nor a distribution"),
        ({"a": None}, TypeError, "neither a list of values nor a distribution"),
        ({"a": {1, 2}}, TypeError, "neither a list of values nor a distribution"),
        ({"a": "rbf"}, TypeError, r"Wrap a single value in a list: \['rbf'\]"),
        ({"a": {"b": 1}}, TypeError, "of type dict"),
        ({"a": []}, ValueError, "'a' .*empty list"),
        ([{"a": [1]}, {"b": ()}], ValueError, "'b' .*empty list"),
        ({"a": np.ones((2, 2))}, ValueError, "one-dimensional"),
        ({"a": NanPpf()}, ValueError, "finite"),
        ({"a": BrokenPpf()}, TypeError, "ppf"),
        ({"a": BrokenRvs()}, TypeError, "rvs"),
    ],
)
def test_bad_spaces_name_param_distributions(param_distributions, error, match):
    with pytest.raises(error, match=match) as excinfo:
        ParamSpace(param_distributions)
    assert "param_distributions" in str(excinfo.value)


def test_error_message_states_the_expected_form():
    with pytest.raises(TypeError) as excinfo:
        ParamSpace({"a": 3})
    message = str(excinfo.value)
    assert re.search(r"dict, or a non-empty list of dicts", message)
    assert "ppf" in message and "rvs" in message


# --- properties -----------------------------------------------------------------

MIXED = mixed_space()
MIXED_SPACE = ParamSpace(MIXED, random_state=0)
CONDITIONAL = conditional_space()
CONDITIONAL_SPACE = ParamSpace(CONDITIONAL)


def unit_points(n_dims):
    # includes the exact corners 0.0 and 1.0 that WOA's clipping produces
    element = st.one_of(
        st.sampled_from([0.0, 1.0, 0.5]),
        st.floats(0.0, 1.0, allow_nan=False),
    )
    return arrays(np.float64, (n_dims,), elements=element)


@settings(max_examples=150, deadline=None)
@given(unit_points(MIXED_SPACE.n_dims))
def test_decode_stays_in_lists_and_supports(u):
    params = MIXED_SPACE.decode(u)
    assert set(params) == set(MIXED)
    for name, value in params.items():
        dist = MIXED[name]
        if isinstance(dist, (np.ndarray, range)):
            assert value in list(dist)
        else:
            assert in_domain(value, dist), (name, value)


@settings(max_examples=150, deadline=None)
@given(unit_points(CONDITIONAL_SPACE.n_dims))
def test_conditional_decode_matches_one_dict(u):
    params = CONDITIONAL_SPACE.decode(u)
    matching = [d for d in CONDITIONAL if set(d) == set(params)]
    assert len(matching) == 1
    for name, value in params.items():
        dist = matching[0][name]
        if hasattr(dist, "ppf"):
            assert in_domain(value, dist)
        else:
            assert value in dist


@settings(max_examples=100, deadline=None)
@given(
    st.integers(-50, 50),
    st.integers(1, 40),
    arrays(np.float64, (8,), elements=st.floats(0.0, 1.0)),
)
def test_randint_gives_ints_in_range(low, width, u):
    space = ParamSpace({"n": randint(low, low + width)})
    for params in space.decode_batch(u[:, None]):
        assert type(params["n"]) is int
        assert low <= params["n"] < low + width


@settings(max_examples=150, deadline=None)
@given(
    arrays(
        np.float64,
        (4, MIXED_SPACE.n_dims),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    )
)
def test_decode_never_raises_and_keys_match_params(U):
    params, keys = MIXED_SPACE.decode_batch(U, return_keys=True)
    clipped, clipped_keys = MIXED_SPACE.decode_batch(np.clip(U, 0, 1), return_keys=True)
    assert keys == clipped_keys
    for i in range(len(keys)):
        for j in range(len(keys)):
            same_key = keys[i] == keys[j]
            same_params = all(
                params[i][k] is params[j][k] or params[i][k] == params[j][k]
                for k in params[i]
                if not isinstance(params[i][k], np.ndarray)
            )
            assert same_key == same_params


@settings(max_examples=100, deadline=None)
@given(unit_points(CONDITIONAL_SPACE.n_dims))
def test_encode_inverts_decode(u):
    params = CONDITIONAL_SPACE.decode(u)
    again = CONDITIONAL_SPACE.decode(CONDITIONAL_SPACE.encode(params))
    assert_params_close(again, params)


def test_lists_of_estimators_and_tree_params():
    space = ParamSpace(
        {"est": [DecisionTreeRegressor(max_depth=2), Ridge()], "x": (1, 2)}
    )
    params, keys = space.decode_batch([[0.0, 0.0], [1.0, 1.0]], return_keys=True)
    assert isinstance(params[0]["est"], DecisionTreeRegressor)
    assert isinstance(params[1]["est"], Ridge)
    assert keys == [(0, (0, 0)), (0, (1, 1))]
