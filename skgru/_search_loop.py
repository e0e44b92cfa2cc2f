"""The one whale-search loop, shared by both tuners.

:func:`run_whale_search` is the ask -> decode -> score -> tell loop, free of any
front-end's result format: :class:`~skgru.WhaleSearchCV` drives it from
scikit-learn's ``BaseSearchCV`` and :class:`~skgru.ForecastingWhaleSearchCV` from
sktime's tuner base. ``SEARCH_PARAMETER_CONSTRAINTS`` declares, once, the WOA
parameters both tuners share, so both reject bad values with sklearn's messages.
"""

import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import FitFailedWarning
from sklearn.utils._param_validation import Interval, StrOptions

from skgru._random import check_generator
from skgru._stopping import NoImprovement
from skgru._warnings import user_stacklevel
from skgru._woa_checks import BOUNDARIES, INITS
from skgru.space import ParamSpace, _same
from skgru.woa import (
    SEARCH_BOUNDARY,
    SEARCH_INIT,
    SEARCH_VARIANT,
    VARIANTS,
    WhaleOptimizer,
)

__all__ = [
    "SEARCH_PARAMETER_CONSTRAINTS",
    "WhaleSearchResult",
    "initial_candidate",
    "run_whale_search",
]

#: The WOA parameters of both tuners, in sklearn's declarative style.
SEARCH_PARAMETER_CONSTRAINTS = {
    "param_distributions": [dict, list],
    "n_agents": [Interval(numbers.Integral, 1, None, closed="left")],
    "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
    "b": [Interval(numbers.Real, None, None, closed="neither")],
    "variant": [StrOptions(set(VARIANTS))],
    "init": [StrOptions(set(INITS))],
    "boundary": [StrOptions(set(BOUNDARIES))],
    "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "tol": [Interval(numbers.Real, 0, None, closed="left")],
    "random_state": ["random_state", np.random.Generator],
}


def initial_candidate(space, estimator_params):
    """The estimator's own values of the parameters that ``space`` searches.

    Parameters
    ----------
    space : ParamSpace
    estimator_params : dict
        ``estimator.get_params()`` (deep, so ``step__name`` keys resolve).

    Returns
    -------
    params : dict or None
        ``{name: value}`` for every name of each dict of the space (a list of
        dicts) whose names are all parameters of the estimator; None when no
        dict is (the estimator then cannot be scored as given). A pipeline
        whose step one dict swaps for another estimator with other parameters
        is scored on the names of the dict it matches.
    """
    matched = [
        branch
        for branch in space.param_names
        if all(name in estimator_params for name in branch)
    ]
    if not matched:
        return None
    names = sorted({name for branch in matched for name in branch})
    return {name: estimator_params[name] for name in names}


def _initial_key(space, params):
    """The cache key of ``params``: the space's own key when it can represent them
    exactly (so a whale landing there is not scored again), else a key of its own.

    ``params`` holds the estimator's values of every searched name; in a list of
    dicts a branch's candidate that matches them on the branch's names builds
    the same estimator (the other names keep the estimator's values), so it
    shares the key.
    """
    if not set(params) <= {name for names in space.param_names for name in names}:
        return ("initial",)  # a name the space does not search: its own key
    for branch, names in enumerate(space.param_names):
        own = {name: params[name] for name in names if name in params}
        if len(own) != len(names):
            continue
        try:
            position = space.encode(own, branch=branch)
        except (ValueError, TypeError, KeyError):
            continue
        (decoded,), (key,) = space.decode_batch(position[np.newaxis], return_keys=True)
        if all(_same(decoded[name], own[name]) for name in own):
            return key
    return ("initial",)


@dataclass
class WhaleSearchResult:
    """State and outcome of :func:`run_whale_search`.

    The same object is passed to the ``callback`` after each iteration, filled in so
    far, and returned at the end.

    Attributes
    ----------
    best_params : dict or None
        Best candidate so far (None while no candidate has a non-NaN score).
    best_score : float
        Its score (greater is better); NaN while no candidate has a non-NaN score.
    best_score_history : list of float
        Best score after each iteration.
    n_new_candidates : list of int
        Number of new (never seen before) candidates scored in each iteration.
    n_iter : int
        Number of iterations run.
    n_evaluations : int
        Number of distinct candidates scored.
    stop_reason : str or None
        ``"max_iter"``, ``"n_iter_no_change"``, ``"callback"`` or
        ``"exhausted"`` (every candidate of a space of lists only has been
        scored) once stopped.

    Examples
    --------
    >>> from skgru._search_loop import run_whale_search
    >>> result = run_whale_search(
    ...     {"x": [1, 2, 3]},
    ...     lambda batch: [-abs(p["x"] - 2) for p in batch],
    ...     n_agents=2, max_iter=3, random_state=0,
    ... )
    >>> result.best_params, result.n_iter, result.stop_reason  # all 3 scored
    ({'x': 2}, 2, 'exhausted')
    >>> result.n_new_candidates  # never the same candidate twice in a grid
    [2, 1]
    """

    best_params: dict | None = None
    best_score: float = np.nan
    best_score_history: list = field(default_factory=list)
    n_new_candidates: list = field(default_factory=list)
    n_iter: int = 0
    n_evaluations: int = 0
    stop_reason: str | None = None


#: Random draws tried (decoded at once) for a whale whose candidate was scored:
#: with one unscored point of 100 left, the chance to miss it is 37%; of 5, 2e-10.
MAX_REDRAWS = 100


def _relocate_repeats(optimizer, space, rng, candidates, keys, taken):
    """Send whales whose candidate is in ``taken`` (scored before, or the
    estimator as given) or another whale's of this population to a random point
    with a new candidate, in place.

    Only in a space of lists only (a grid), which scikit-learn's
    ``RandomizedSearchCV`` samples without replacement: many positions decode to
    one candidate there, the whales gather on the leader's, and scoring it again
    would waste that whale's evaluation. This keeps each whale's evaluation on a
    new candidate while any is left (``MAX_REDRAWS`` draws each). A space
    with distributions is sampled with replacement by random search, and keeps
    WOA's moves as they are (its repeats are whales clipped to the same ends).
    """
    if space.n_dims == 0 or space.n_candidates is None:
        return
    taken = set(taken)
    for i, key in enumerate(keys):
        if key in taken:
            positions = rng.uniform(0.0, 1.0, (MAX_REDRAWS, space.n_dims))
            drawn, drawn_keys = space.decode_batch(positions, return_keys=True)
            for position, params, drawn_key in zip(
                positions, drawn, drawn_keys, strict=True
            ):
                if drawn_key not in taken:
                    optimizer.relocate(i, position)
                    candidates[i], keys[i] = params, drawn_key
                    break
        taken.add(keys[i])


def _warn_if_every_draw_failed(drawn_scores, initial_score, category):
    """Warn when every candidate drawn from the space failed (NaN) in the first
    iteration but the estimator as given did not: the search would return the
    estimator untuned, and the space or the fit is very likely misconfigured (a
    float range for an integer parameter, for example)."""
    if (
        drawn_scores.size
        and np.isnan(drawn_scores).all()
        and not np.isnan(initial_score)
    ):
        warnings.warn(
            f"Every one of the {drawn_scores.size} candidates drawn from "
            "param_distributions in the first iteration failed; only the "
            "estimator as given was scored. param_distributions (the type or "
            "range of a value) or the estimator is very likely misconfigured; "
            "set error_score='raise' to see the first error with its traceback.",
            category,
            stacklevel=user_stacklevel(),
        )


def run_whale_search(
    space,
    score_batch,
    *,
    n_agents=10,
    max_iter=10,
    b=1.0,
    variant=SEARCH_VARIANT,
    init=SEARCH_INIT,
    boundary=SEARCH_BOUNDARY,
    random_state=None,
    n_iter_no_change=None,
    tol=0.0,
    callback=None,
    initial_params=None,
    failure_warning=FitFailedWarning,
):
    """Search a parameter space with the Whale Optimization Algorithm.

    Each iteration asks the optimizer for its population, decodes every agent's
    position into a parameter dict, scores the candidates never seen before with
    **one** call of ``score_batch`` (so a front-end can spread all of them over its
    workers at once), and tells the optimizer the negated scores of all agents.
    Identical candidates are scored once: their score is cached by the space's key
    (list values are keyed by index, so unhashable values such as estimators are
    fine). Every random draw comes from one generator seeded by ``random_state`` in
    the calling process.

    Parameters
    ----------
    space : ParamSpace, dict or list of dicts
        The search space; a dict or list of dicts is turned into a
        :class:`~skgru.space.ParamSpace` with the same ``random_state``.
    score_batch : callable
        ``score_batch(candidates) -> scores``: takes a non-empty list of parameter
        dicts and returns one score per candidate, greater is better, NaN for a
        failed candidate.
    n_agents : int, default=10
        Number of whales (candidates per iteration, before de-duplication).
    max_iter : int, default=10
        Maximum number of iterations.
    b : float, default=1.0
        Shape constant of WOA's logarithmic spiral.
    variant : {"paper", "matlab", "mixed"}, default="paper"
        WOA update rule, see :class:`~skgru.woa.WhaleOptimizer`. ``"paper"``
        (``skgru.woa.SEARCH_VARIANT``) does better than ``"matlab"`` on short,
        low-dimensional searches with off-centre optima.
    init : {"random", "latinhypercube"}, default="random"
        First population, see :class:`~skgru.woa.WhaleOptimizer`
        (``skgru.woa.SEARCH_INIT``).
    boundary : {"clip", "bounce"}, default="clip"
        Where a whale that a move takes out of the space goes, see
        :class:`~skgru.woa.WhaleOptimizer` (``skgru.woa.SEARCH_BOUNDARY``).
    random_state : int, RandomState instance, Generator or None, default=None
        Seed of all random draws of the search.
    n_iter_no_change : int or None, default=None
        Stop once more than this many iterations in a row did not improve the
        best score by at least ``tol`` (``MLPRegressor``'s rule, see
        :mod:`skgru._stopping`). None runs all ``max_iter`` iterations.
    tol : float, default=0.0
        Minimum improvement of the best score that counts, with
        ``n_iter_no_change``; zero counts any strict improvement.
    callback : callable or None, default=None
        ``callback(result)`` is called after each iteration with the
        :class:`WhaleSearchResult` filled in so far; a true return value stops the
        search.
    initial_params : dict or None, default=None
        A candidate scored in the first batch, before any whale's (like scipy's
        ``x0``): the tuners pass the estimator's own values of the searched
        parameters, so the search never returns something worse than the model
        as given. It may lie outside the space (a value not in a list); it
        competes for ``best_params`` but does not steer the whales.
    failure_warning : type of Warning, default=sklearn's FitFailedWarning
        The category of the warning given when every candidate drawn from the
        space scored NaN in the first iteration but ``initial_params`` did not
        (the front-end's own ``FitFailedWarning``).

    Returns
    -------
    result : WhaleSearchResult
        Best candidate and score, best score per iteration, number of iterations and
        of distinct candidates scored, and why the search stopped.

    Examples
    --------
    >>> from scipy.stats import uniform
    >>> from skgru._search_loop import run_whale_search
    >>> result = run_whale_search(
    ...     {"x": uniform(-5, 10)},
    ...     lambda batch: [-(p["x"] - 1.0) ** 2 for p in batch],
    ...     n_agents=10, max_iter=30, random_state=0,
    ... )
    >>> bool(abs(result.best_params["x"] - 1.0) < 0.05)
    True
    >>> len(result.best_score_history)
    30
    """
    if n_iter_no_change is not None and int(n_iter_no_change) < 1:
        raise ValueError(
            "n_iter_no_change must be None or a positive int, got "
            f"{n_iter_no_change!r}."
        )
    rng = check_generator(random_state)
    if not isinstance(space, ParamSpace):
        space = ParamSpace(space, random_state=rng)
    optimizer = WhaleOptimizer(
        max(space.n_dims, 1),
        n_agents=n_agents,
        max_iter=max_iter,
        b=b,
        variant=variant,
        init=init,
        boundary=boundary,
        random_state=rng,
    )
    result = WhaleSearchResult()
    cache = {}
    # a space of lists only is used up once each of its candidates was scored;
    # the remaining iterations would score nothing new
    n_candidates = space.n_candidates
    stop_rule = NoImprovement(maximize=True)
    while not optimizer.done:
        # a space without parameters ({}) decodes every whale to its one
        # candidate; the optimizer still needs a dimension to move in
        positions = optimizer.ask()[:, : space.n_dims]
        candidates, keys = space.decode_batch(positions, return_keys=True)
        new = {}
        if initial_params is not None and result.n_iter == 0:
            new[_initial_key(space, initial_params)] = dict(initial_params)
        _relocate_repeats(optimizer, space, rng, candidates, keys, {*cache, *new})
        for params, key in zip(candidates, keys, strict=True):
            if key not in cache and key not in new:
                new[key] = params
        if new:
            batch = list(new.values())
            scores = np.asarray(score_batch(batch), dtype=float).reshape(-1)
            if scores.shape != (len(batch),):
                raise ValueError(
                    f"score_batch returned {scores.shape[0]} scores for "
                    f"{len(batch)} candidates; it must return one score per candidate."
                )
            for (key, params), score in zip(new.items(), scores, strict=True):
                cache[key] = score
                if not np.isnan(score) and not score <= result.best_score:
                    # `not <=` is also true while best_score is NaN
                    result.best_score, result.best_params = float(score), params
            if result.n_iter == 0 and initial_params is not None:
                _warn_if_every_draw_failed(scores[1:], scores[0], failure_warning)
        optimizer.tell(-np.array([cache[key] for key in keys]))
        result.n_iter += 1
        result.n_evaluations = len(cache)
        result.n_new_candidates.append(len(new))
        result.best_score_history.append(result.best_score)

        stop_rule.update(result.best_score, tol=tol)
        if callback is not None and callback(result):
            result.stop_reason = "callback"
            break
        if stop_rule.should_stop(n_iter_no_change):
            result.stop_reason = "n_iter_no_change"
            break
        # every scored key is one of the space's, except that of the estimator
        # as given when it lies outside the space
        scored = len(cache) - (("initial",) in cache)
        if scored == n_candidates and not optimizer.done:
            result.stop_reason = "exhausted"
            break
    else:
        result.stop_reason = "max_iter"
    return result
