"""Search spaces: unit-hypercube positions <-> parameter dicts.

:class:`ParamSpace` accepts exactly what
:class:`~sklearn.model_selection.RandomizedSearchCV` accepts as ``param_distributions``
and maps every point of ``[0, 1]^n_dims`` to one
candidate parameter dict, so an optimizer that speaks the unit hypercube (such as
:class:`~skgru.woa.WhaleOptimizer`) can search it.
"""

import numbers
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.stats import rv_discrete

from skgru._random import check_seed

__all__ = ["ParamSpace"]

# u is clipped into [_EPS, 1 - _EPS] before a ppf, so that the ppf of a distribution
# with unbounded support stays finite and the ends of a bounded support (which may be
# invalid parameter values, e.g. 0 for ``uniform(0, 1)``) are never returned.
_EPS = 1e-6

# Number of draws that stand in for the quantile function of an object that only has
# ``rvs`` (no ``ppf``).
_N_EMPIRICAL = 128

_EXPECTED = (
    "param_distributions must be a dict, or a non-empty list of dicts, mapping "
    "parameter names (str) to non-empty lists of values or to distributions (objects "
    "with a `ppf` or `rvs` method, such as scipy.stats.loguniform(1e-3, 1e2))"
)


def _same(a, b):
    """Whether two candidate values are the same (identity, then a scalar ``==``).

    numpy scalars count as their Python values (``np.float64(1.0)`` is ``1.0``,
    ``np.int64(5)`` is ``5``: lists from ``np.logspace`` or ``np.arange``); other
    types must match, since ``1`` and ``1.0`` can mean different things to an
    estimator (a count and a fraction in ``max_features``).
    """
    if a is b:
        return True
    a = a.item() if isinstance(a, np.generic) else a
    b = b.item() if isinstance(b, np.generic) else b
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # arrays, objects with odd __eq__
        return False


def _canonical_indices(values):
    """Index of the first value equal to each value (duplicates share a key)."""
    canon = []
    for i, value in enumerate(values):
        for j in range(i):
            if canon[j] == j and _same(values[j], value):
                canon.append(j)
                break
        else:
            canon.append(i)
    return np.asarray(canon, dtype=np.intp)


class _ListDim:
    """A finite list of values, picked by index: ``i = floor(u * n)``."""

    def __init__(self, values):
        self.values = values
        self.canon = _canonical_indices(values)

    def decode(self, u):
        n = len(self.values)
        idx = np.minimum((u * n).astype(np.intp), n - 1)
        return [self.values[i] for i in idx], [int(c) for c in self.canon[idx]]

    def encode(self, value):
        for i, candidate in enumerate(self.values):
            if _same(candidate, value):
                return (i + 0.5) / len(self.values)
        raise ValueError(f"{value!r} is not one of {self.values!r}")


class _DistDim:
    """A distribution with a ``ppf``: ``value = ppf(clip(u, eps, 1 - eps))``."""

    def __init__(self, dist, name):
        self.dist = dist
        # frozen (randint(1, 5)) or not (rv_discrete(values=...) is an instance)
        self.discrete = isinstance(dist, rv_discrete) or isinstance(
            getattr(dist, "dist", None), rv_discrete
        )
        try:
            probe = np.asarray(
                dist.ppf(np.array([_EPS, 0.5, 1.0 - _EPS])), dtype=float
            ).reshape(-1)
        except Exception as exc:
            raise TypeError(
                f"The distribution for parameter {name!r} in param_distributions has "
                f"a `ppf` method that failed on an array of quantiles ({exc!r}); "
                f"{_EXPECTED}."
            ) from exc
        if probe.shape != (3,) or not np.all(np.isfinite(probe)):
            raise ValueError(
                f"The distribution for parameter {name!r} in param_distributions "
                f"returned {probe!r} as its quantiles at {_EPS}, 0.5 and 1 - {_EPS}; "
                "they must be three finite numbers."
            )

    def decode(self, u):
        q = np.asarray(
            self.dist.ppf(np.clip(u, _EPS, 1.0 - _EPS)), dtype=float
        ).reshape(-1)
        if self.discrete:  # ints on an integer support, as rvs() gives them
            values = [int(v) if v == round(v) else np.float64(v) for v in q]
        else:
            values = [np.float64(v) for v in q]
        return values, values

    def encode(self, value):
        try:
            if self.discrete:
                value = float(value)
                hi = float(self.dist.cdf(value))
                lo = float(self.dist.cdf(np.nextafter(value, -np.inf)))
                if not hi > lo:  # outside the support
                    raise ValueError
                u = (lo + hi) / 2.0
            else:
                value = float(value)
                lo, hi = self.dist.support()
                if not lo <= value <= hi:
                    raise ValueError
                u = float(self.dist.cdf(value))
        except Exception:
            raise ValueError(
                f"{value!r} is not in the support of the distribution"
            ) from None
        return float(np.clip(u, _EPS, 1.0 - _EPS))


class _EmpiricalDim(_ListDim):
    """An object with only ``rvs``: a fixed sorted sample stands in for its ppf."""

    def __init__(self, dist, name, random_state):
        try:
            samples = [dist.rvs(random_state=random_state) for _ in range(_N_EMPIRICAL)]
        except Exception as exc:
            raise TypeError(
                f"Drawing from the distribution for parameter {name!r} in "
                f"param_distributions with rvs(random_state=...) failed ({exc!r}); "
                f"{_EXPECTED}."
            ) from exc
        try:  # sorted, so that nearby u give nearby values; else draw order
            samples = sorted(samples)
        except Exception:
            pass
        super().__init__(samples)


def _make_dim(name, value, random_state):
    if hasattr(value, "ppf"):
        return _DistDim(value, name)
    if hasattr(value, "rvs"):
        return _EmpiricalDim(value, name, random_state)
    if isinstance(value, (str, bytes, Mapping)):
        raise TypeError(
            f"Parameter {name!r} in param_distributions maps to {value!r} (of type "
            f"{type(value).__name__}); {_EXPECTED}. Wrap a single value in a list: "
            f"[{value!r}]."
        )
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise ValueError(
                f"Parameter {name!r} in param_distributions maps to an array of shape "
                f"{value.shape}; arrays of values must be one-dimensional. {_EXPECTED}."
            )
        values = list(value)
    elif isinstance(value, Sequence) or (
        hasattr(value, "__len__") and hasattr(value, "__getitem__")
    ):
        values = list(value)  # a copy: the user's list is never written to
    else:
        raise TypeError(
            f"Parameter {name!r} in param_distributions maps to {value!r} (of type "
            f"{type(value).__name__}), which is neither a list of values nor a "
            f"distribution; {_EXPECTED}."
        )
    if not values:
        raise ValueError(
            f"Parameter {name!r} in param_distributions maps to an empty list; "
            f"{_EXPECTED}."
        )
    return _ListDim(values)


class ParamSpace:
    """Map positions in the unit hypercube to parameter dicts, and back.

    Each parameter is one dimension: a list of values is indexed by
    ``floor(u * len(values))``; a distribution with a ``ppf`` (any frozen
    ``scipy.stats`` distribution) gives ``ppf(u)`` with ``u`` clipped into
    ``[1e-6, 1 - 1e-6]``, so unbounded distributions stay finite; discrete
    distributions give ``int`` values, as their ``rvs`` does. An object with only an
    ``rvs`` method is represented by a sorted sample of 128 draws, indexed like a list.
    A list of dicts is a conditional space: one extra leading dimension picks the dict,
    and every dict has dimensions of its own.

    The user's dicts, lists and distributions are never modified.

    Parameters
    ----------
    param_distributions : dict or list of dicts
        What :class:`~sklearn.model_selection.RandomizedSearchCV` takes: parameter
        names (``str``) mapped to non-empty lists of values or to distributions.
    random_state : int, RandomState instance, Generator or None, default=None
        Used only to draw the samples that stand in for distributions without a
        ``ppf``; decoding itself is deterministic.

    Attributes
    ----------
    n_dims : int
        Number of dimensions of the unit hypercube.
    n_branches : int
        Number of dicts (1 for a plain dict).
    param_names : list of list of str
        The sorted parameter names of each dict.

    Raises
    ------
    TypeError
        If ``param_distributions`` is not a dict or a list of dicts, a key is not a
        ``str``, or a value is neither a list nor a distribution.
    ValueError
        If ``param_distributions`` is an empty list (``{}`` and ``[{}]`` are a
        space of one candidate, ``n_dims`` 0) or a parameter has an empty list
        of values.

    See Also
    --------
    skgru._search_loop.run_whale_search : The search loop that drives a ``ParamSpace``.

    Examples
    --------
    >>> from scipy.stats import loguniform, randint
    >>> from skgru.space import ParamSpace
    >>> space = ParamSpace(
    ...     {"alpha": loguniform(1e-3, 1e3), "solver": ["svd", "cholesky"]}
    ... )
    >>> space.n_dims
    2
    >>> params = space.decode([0.5, 0.9])
    >>> round(float(params["alpha"]), 6), params["solver"]
    (1.0, 'cholesky')
    >>> ParamSpace({"max_depth": randint(1, 10)}).decode([0.0])
    {'max_depth': 1}
    >>> tree_space = ParamSpace([{"max_depth": [2, 4]}, {"min_samples_leaf": [1, 5]}])
    >>> tree_space.n_dims, tree_space.decode([0.9, 0.1, 0.9])
    (3, {'min_samples_leaf': 5})
    """

    def __init__(self, param_distributions, *, random_state=None):
        if isinstance(param_distributions, Mapping):
            dicts = [param_distributions]
        elif isinstance(param_distributions, (list, tuple)):
            dicts = list(param_distributions)
            if not dicts:
                raise ValueError(f"param_distributions is an empty list; {_EXPECTED}.")
        else:
            raise TypeError(
                f"param_distributions is {param_distributions!r} (of type "
                f"{type(param_distributions).__name__}); {_EXPECTED}."
            )
        rng = None
        self.param_names = []
        self._dims = []
        for i, dist in enumerate(dicts):
            if not isinstance(dist, Mapping):
                raise TypeError(
                    f"param_distributions[{i}] is {dist!r} (of type "
                    f"{type(dist).__name__}), not a dict; {_EXPECTED}."
                )
            for key in dist:
                if not isinstance(key, str):
                    raise TypeError(
                        f"param_distributions has the key {key!r} (of type "
                        f"{type(key).__name__}); parameter names must be str. "
                        f"{_EXPECTED}."
                    )
            names = sorted(dist)
            dims = []
            for name in names:
                value = dist[name]
                if rng is None and not hasattr(value, "ppf") and hasattr(value, "rvs"):
                    # sklearn hands rvs a RandomState; user distributions may
                    # rely on its API (randint), so do the same.
                    rng = (
                        random_state
                        if isinstance(random_state, np.random.RandomState)
                        else np.random.RandomState(check_seed(random_state) % 2**32)
                    )
                dims.append(_make_dim(name, value, rng))
            self.param_names.append(names)
            self._dims.append(dims)
        if not any(self.param_names):
            # {} or [{}, {}]: one candidate, the estimator as given (n_dims 0)
            self.param_names, self._dims = [[]], [[]]
        self.n_branches = len(self._dims)
        self._offsets = []
        offset = 1 if self.n_branches > 1 else 0
        for dims in self._dims:
            self._offsets.append(offset)
            offset += len(dims)
        self.n_dims = offset

    def __repr__(self):
        return f"ParamSpace(n_dims={self.n_dims}, param_names={self.param_names!r})"

    @property
    def n_candidates(self):
        """Number of distinct candidates, or None if a parameter has a distribution.

        Each branch of a list of dicts counts on its own; equal values in a list
        count once. An object with only ``rvs`` counts as the list of values
        sampled from it once (the space's stand-in for it).

        Examples
        --------
        >>> from scipy.stats import uniform
        >>> from skgru.space import ParamSpace
        >>> ParamSpace([{"a": [1, 2, 2], "b": [0, 1]}, {"c": [3]}]).n_candidates
        5
        >>> ParamSpace({"a": [1, 2], "b": uniform()}).n_candidates is None
        True
        """
        total = 0
        for dims in self._dims:
            count = 1
            for dim in dims:
                if not isinstance(dim, _ListDim):
                    return None
                count *= len(set(dim.canon.tolist()))
            total += count
        return total

    def _check_positions(self, positions):
        positions = np.asarray(positions, dtype=float)
        if positions.ndim != 2 or positions.shape[1] != self.n_dims:
            raise ValueError(
                f"positions must have shape (n_points, {self.n_dims}), got "
                f"{positions.shape}."
            )
        if not np.all(np.isfinite(positions)):
            raise ValueError("positions must be finite.")
        return np.clip(positions, 0.0, 1.0)

    def decode_batch(self, positions, *, return_keys=False):
        """Decode several positions at once.

        Parameters
        ----------
        positions : array-like of shape (n_points, n_dims)
            Points of the unit hypercube; coordinates outside ``[0, 1]`` are clipped.
        return_keys : bool, default=False
            Also return one hashable key per point. Two points get the same key
            exactly when they decode to the same candidate (list values are keyed by
            index, so unhashable values such as estimators are fine).

        Returns
        -------
        params : list of dict
            One parameter dict per point, keys in sorted order.
        keys : list of tuple
            Only if ``return_keys``: the hashable key of each candidate.

        Examples
        --------
        >>> from skgru.space import ParamSpace
        >>> space = ParamSpace({"fit_intercept": [True, False]})
        >>> space.decode_batch([[0.1], [0.2], [0.7]], return_keys=True)
        ([{'fit_intercept': True}, {'fit_intercept': True}, \
{'fit_intercept': False}], [(0, (0,)), (0, (0,)), (0, (1,))])
        """
        U = self._check_positions(positions)
        n = U.shape[0]
        if self.n_branches > 1:
            branches = np.minimum(
                (U[:, 0] * self.n_branches).astype(np.intp), self.n_branches - 1
            )
        else:
            branches = np.zeros(n, dtype=np.intp)
        params = [None] * n
        keys = [None] * n
        for b, (names, dims, offset) in enumerate(
            zip(self.param_names, self._dims, self._offsets, strict=True)
        ):
            rows = np.flatnonzero(branches == b)
            if rows.size == 0:
                continue
            columns = [dim.decode(U[rows, offset + j]) for j, dim in enumerate(dims)]
            for r, row in enumerate(rows):
                params[row] = {
                    name: values[r]
                    for name, (values, _) in zip(names, columns, strict=True)
                }
                keys[row] = (b, tuple(k[r] for _, k in columns))
        if return_keys:
            return params, keys
        return params

    def decode(self, position):
        """Decode one position into a parameter dict.

        Parameters
        ----------
        position : array-like of shape (n_dims,)
            A point of the unit hypercube; coordinates outside ``[0, 1]`` are clipped.

        Returns
        -------
        params : dict
            The candidate parameters, keys in sorted order.

        Examples
        --------
        >>> from scipy.stats import uniform
        >>> from skgru.space import ParamSpace
        >>> params = ParamSpace({"l1_ratio": uniform(0, 1)}).decode([0.25])
        >>> list(params), float(params["l1_ratio"])
        (['l1_ratio'], 0.25)
        """
        position = np.asarray(position, dtype=float)
        if position.ndim != 1:
            raise ValueError(
                f"position must have shape ({self.n_dims},), got {position.shape}."
            )
        return self.decode_batch(position[np.newaxis, :])[0]

    def encode(self, params, *, branch=None):
        """Return a position that decodes to ``params``.

        List values are encoded at the middle of their cell and distribution values
        through their ``cdf``; dimensions of the other dicts of a conditional space
        are set to 0.5. Values of distributions without a ``ppf`` must be one of the
        stored draws.

        Parameters
        ----------
        params : dict
            A candidate, with exactly the parameter names of one dict of the space.
        branch : int, default=None
            Index of the dict of a conditional space that ``params`` comes from; by
            default the first dict that can represent ``params``.

        Returns
        -------
        position : ndarray of shape (n_dims,)
            A point of the unit hypercube.

        Raises
        ------
        ValueError
            If no dict of the space can represent ``params``.

        Examples
        --------
        >>> from skgru.space import ParamSpace
        >>> space = ParamSpace({"alpha": [0.1, 1.0, 10.0]})
        >>> space.encode({"alpha": 10.0})
        array([0.83333333])
        >>> space.decode(space.encode({"alpha": 10.0}))
        {'alpha': 10.0}
        """
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a dict, got {type(params).__name__}.")
        candidates = range(self.n_branches) if branch is None else [branch]
        errors = []
        for b in candidates:
            if not (isinstance(b, numbers.Integral) and 0 <= b < self.n_branches):
                raise ValueError(
                    f"branch must be an int in [0, {self.n_branches}), got {b!r}."
                )
            names = self.param_names[b]
            if sorted(params) != names:
                errors.append(f"dict {b} has the parameters {names}")
                continue
            position = np.full(self.n_dims, 0.5)
            if self.n_branches > 1:
                position[0] = (b + 0.5) / self.n_branches
            try:
                for j, (name, dim) in enumerate(zip(names, self._dims[b], strict=True)):
                    position[self._offsets[b] + j] = dim.encode(params[name])
            except ValueError as exc:
                errors.append(f"dict {b}: parameter {name!r}: {exc}")
                continue
            return position
        raise ValueError(
            f"{params!r} cannot be encoded in this space: " + "; ".join(errors) + "."
        )
