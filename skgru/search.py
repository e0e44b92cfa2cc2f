"""WhaleSearchCV: whale-optimization search on scikit-learn's ``BaseSearchCV``.

The search loop itself is :func:`skgru._search_loop.run_whale_search`, shared with
the sktime tuner.
"""

import re
import warnings
from collections.abc import Iterator
from copy import deepcopy

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils import get_tags

from skgru._random import check_generator
from skgru._search_loop import (
    SEARCH_PARAMETER_CONSTRAINTS,
    initial_candidate,
    run_whale_search,
)
from skgru._warnings import user_stacklevel
from skgru.space import ParamSpace
from skgru.woa import SEARCH_BOUNDARY, SEARCH_INIT, SEARCH_VARIANT

__all__ = ["WhaleSearchCV"]


_ALL_FAILED = re.compile(r"All the \d+ fits failed")
# scikit-learn's _store repeats this for the whole cv_results_ at every call of
# evaluate_candidates, so once per WOA iteration after the first failure
_NON_FINITE = r"One or more of the (test|train) scores are non-finite"


class _FrozenSplits:
    """A splitter that splits once and replays those splits on every later call.

    Each WOA iteration calls ``evaluate_candidates``, which splits again; replaying
    the first splits compares every candidate on the same folds, even for a
    shuffling splitter without an integer ``random_state``.
    """

    def __init__(self, cv):
        self.cv = cv
        self._splits = None

    def split(self, X, y=None, **params):
        if self._splits is None:
            self._splits = list(self.cv.split(X, y, **params))
        return iter(self._splits)

    def get_n_splits(self, X=None, y=None, **params):
        return self.cv.get_n_splits(X, y, **params)

    @property
    def n_splits(self):
        """Number of splits, once split (``n_splits_`` is set only after the
        search on scikit-learn < 1.9)."""
        return len(self._splits)


class WhaleSearchCV(BaseSearchCV):
    """Hyperparameter search by the Whale Optimization Algorithm (WOA).

    A drop-in alternative to :class:`~sklearn.model_selection.RandomizedSearchCV`:
    it takes the same ``param_distributions`` and everything
    :class:`~sklearn.model_selection._search.BaseSearchCV` offers (scoring, refit,
    ``cv`` with groups, ``n_jobs``, metadata routing, callbacks, ``cv_results_``), but
    instead of sampling candidates independently, a population of ``n_agents`` whales
    moves through the space for ``max_iter`` iterations (Mirjalili & Lewis, 2016),
    encircling and spiralling towards the best candidate found so far.

    Each parameter is one dimension of the unit hypercube: lists are indexed, scipy
    distributions are mapped through their ``ppf`` (see
    :class:`~skgru.space.ParamSpace`); a list of dicts is a conditional space with one
    extra dimension picking the dict.
    Each iteration evaluates all of its new candidates x folds in one parallel call, so
    ``n_jobs`` (or a joblib backend such as dask) spreads the whole population;
    candidates that decode to an already evaluated setting are not fitted again.
    Settings are the same when their values are equal and of the same type: ``1``
    and ``1.0`` differ (for ``max_features`` they mean one feature and all of
    them), so an estimator as given with ``alpha=1.0`` is a candidate of its own
    next to a listed ``1``.

    Parameters
    ----------
    estimator : estimator object
        The estimator to tune; it is cloned for every fit. Either it provides a
        ``score`` method or ``scoring`` must be passed.
    param_distributions : dict or list of dicts
        Parameter names (``str``) mapped to non-empty lists of values or to
        distributions with a ``ppf`` (or ``rvs``) method, such as
        ``scipy.stats.loguniform(1e-3, 1e2)`` or ``scipy.stats.randint(1, 10)``.
        A list of dicts is searched as a conditional space.
    n_agents : int, default=10
        Number of whales, i.e. candidates proposed per iteration.
    max_iter : int, default=10
        Maximum number of WOA iterations; at most ``n_agents * max_iter``
        candidates of the whales are evaluated, plus the estimator as given
        (see Notes). Together with ``n_agents`` it replaces
        ``RandomizedSearchCV``'s ``n_iter``. A space of lists only stops
        early once every combination has been scored (``n_iter_`` says how
        many iterations ran).
    b : float, default=1.0
        Shape constant of WOA's logarithmic spiral.
    variant : {"paper", "matlab", "mixed"}, default="paper"
        WOA update rule: the equations of the paper or the author's MATLAB code
        (see :class:`~skgru.woa.WhaleOptimizer`), or ``"mixed"``, the MATLAB moves
        with part of the late steps measured from population coordinates, which
        removes the pull toward the middle of the ranges on long runs.
        ``"paper"`` does better on short, low-dimensional searches with
        off-centre optima.
    init : {"random", "latinhypercube"}, default="random"
        How the whales' first positions are drawn: independently (the paper's
        draws) or as a Latin hypercube, one whale in each of ``n_agents`` equal
        slices of every range (scipy ``differential_evolution``'s default). The
        Latin hypercube measured better in CV on an SVR search (not on its
        holdout) and worse on the main example's GRU forecasting search (see
        ``skgru.woa.SEARCH_INIT``).
    boundary : {"clip", "bounce"}, default="clip"
        Where a whale goes when a move takes it past the end of a range: onto
        the end (``"clip"``, ``WOA.m``), or uniformly between its previous
        position and that end (``"bounce"``, differential evolution's
        bounce-back rule). Clipping puts many candidates on the ends of the
        ranges, which suits a space whose end is a natural value (dropout 0);
        bouncing keeps them inside and reached better CV scores on an SVR and a
        gradient-boosting search, but not better holdout scores on the main
        example's GRU search (see ``skgru.woa.SEARCH_BOUNDARY``).
    n_iter_no_change : int or None, default=None
        Stop the search once more than this many iterations in a row did not
        improve the best mean test score by at least ``tol`` (``MLPRegressor``'s
        rule). None runs all ``max_iter`` iterations.
    tol : float, default=0.0
        Minimum improvement of the best score that counts, with
        ``n_iter_no_change``.
    scoring : str, callable, list, tuple, dict or None, default=None
        Strategy to evaluate the candidates on the test folds, as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`. With several metrics,
        WOA optimizes the metric named by ``refit``; if ``refit`` is a callable or
        False, it optimizes the first metric (the first key of a dict, the first
        name of a list, the first key returned by a callable).
    n_jobs : int or None, default=None
        Number of jobs to run in parallel; ``-1`` uses all processors. Every random
        draw of the search happens in the main process, so the candidates do not
        depend on it. The scores of a PyTorch estimator can differ in the last
        digits between ``n_jobs`` values, because joblib's workers run torch with
        fewer threads than the main process and a different thread count changes
        the order of floating-point sums; two candidates that close could then
        swap ranks. For bit-identical results whatever ``n_jobs``, run every fit
        on one thread: ``torch.set_num_threads(1)`` in the main process and the
        search inside
        ``joblib.parallel_config(backend="loky", inner_max_num_threads=1)``.
    refit : bool, str or callable, default=True
        Refit an estimator with the best parameters on the whole dataset, as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`. For multiple metrics,
        the name of the metric to select (and optimize) the best candidate with.
    cv : int, cross-validation generator or iterable, default=None
        Cross-validation splitting strategy (5-fold by default), as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`. The data are split once
        per fit and every iteration reuses those splits, so all candidates are
        compared on the same folds.
    verbose : int, default=0
        Verbosity: >0 prints one line per iteration and sklearn's fit messages.
    pre_dispatch : int or str, default="2*n_jobs"
        Number of jobs dispatched during parallel execution.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed of the optimizer's random draws, all made in the main process. Pass an
        int for reproducible output across multiple function calls.
    error_score : "raise" or numeric, default=np.nan
        Score of a fit that fails. With a number, the search goes on and the
        optimizer sees that score (NaN counts as the worst). If every fit of the
        first iteration fails, the search stops with a ``ValueError`` that says so.
    return_train_score : bool, default=False
        Whether ``cv_results_`` includes training scores.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One entry per evaluated candidate, in evaluation order, with the same keys as
        ``RandomizedSearchCV.cv_results_``.
    best_estimator_ : estimator
        Estimator refitted with the best parameters; only if ``refit`` is not False.
    best_score_ : float
        Mean cross-validated score of the best candidate (not available if ``refit``
        is a callable).
    best_params_ : dict
        Parameters of the best candidate.
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    scorer_ : function or dict
        Scorer function(s) used on the test folds.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds used to refit the best estimator; only if ``refit`` is not False.
    multimetric_ : bool
        Whether several metrics were used.
    n_iter_ : int
        Number of WOA iterations run (less than ``max_iter`` after early stopping,
        a callback's stop request, or once every candidate of a space of lists
        only was scored).
    n_evaluations_ : int
        Number of distinct candidates evaluated (each with ``n_splits_`` fits).
    best_score_history_ : list of float
        Best mean test score (of the optimized metric) after each iteration; see
        :func:`skgru.plotting.plot_convergence`.
    n_features_in_ : int
        Number of features seen during fit; only if ``best_estimator_`` has it.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only if ``best_estimator_`` has it.
    classes_ : ndarray of shape (n_classes,)
        Class labels; only for a refitted classifier.

    See Also
    --------
    sklearn.model_selection.RandomizedSearchCV : Independent random candidates.
    skgru.space.ParamSpace : How ``param_distributions`` maps to the unit hypercube.
    skgru._search_loop.run_whale_search : The search loop, shared with the sktime
        tuner.
    skgru.plotting.plot_convergence : Plot ``best_score_history_``.

    Notes
    -----
    The estimator as given is scored too: the first iteration evaluates its own
    values of the searched parameters (``estimator.get_params()``) next to the
    whales' candidates, like scipy's ``x0``, so ``best_params_`` is never worse in
    cross-validation than the untuned estimator. That candidate is the first row of
    ``cv_results_``; it may lie outside ``param_distributions`` (a value not in a
    list) and it does not steer the whales. It is one extra evaluation (when it
    is not one of the whales' candidates). With a list of dicts it is scored on
    the names of every dict whose names are all its parameters (a pipeline whose
    step another dict swaps for a different estimator still is); when no dict's
    names all are (a searched name it does not have), it is not scored.

    Candidates are evaluated iteration by iteration, so sklearn's "All the N fits
    failed" error would stop the search as soon as one iteration's new candidates
    all fail. ``WhaleSearchCV`` raises it only when every fit of the first iteration
    fails; later, such a batch gets ``error_score`` for the optimizer, a
    ``FitFailedWarning`` with the failures, and the search goes on. Those candidates
    are counted in ``n_evaluations_`` but do not appear in ``cv_results_`` (sklearn
    records no results for a batch whose fits all failed).

    A callback (see :mod:`sklearn.callback`) whose ``on_fit_task_end`` returns True
    at the end of an iteration task (``task_name="woa-iteration"``) stops the search
    after that iteration; the best candidate found so far is then refitted.

    References
    ----------
    S. Mirjalili and A. Lewis, "The Whale Optimization Algorithm", Advances in
    Engineering Software 95 (2016) 51-67.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from skgru.search import WhaleSearchCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> search = WhaleSearchCV(
    ...     Ridge(), {"alpha": loguniform(1e-4, 1e2)},
    ...     n_agents=5, max_iter=5, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> search.n_iter_, search.n_evaluations_ <= 25
    (5, True)
    >>> bool(1e-4 < search.best_params_["alpha"] < 1.0)
    True
    >>> float(round(search.best_score_, 2))
    0.49
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        **SEARCH_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_agents=10,
        max_iter=10,
        b=1.0,
        variant=SEARCH_VARIANT,
        init=SEARCH_INIT,
        boundary=SEARCH_BOUNDARY,
        n_iter_no_change=None,
        tol=0.0,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
    ):
        self.param_distributions = param_distributions
        self.n_agents = n_agents
        self.max_iter = max_iter
        self.b = b
        self.variant = variant
        self.init = init
        self.boundary = boundary
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # y goes to the estimator unchanged, so the targets it accepts are the
        # estimator's (e.g. multi-output for Ridge).
        tags.target_tags = deepcopy(get_tags(self.estimator).target_tags)
        return tags

    def fit(self, X, y=None, **params):
        """Run the search with all sets of parameters WOA proposes.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data, passed to the estimator unchanged.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target, if the estimator needs one.
        **params : dict
            Fit parameters of the estimator (and, with metadata routing, of the
            scorer and the splitter), as for ``RandomizedSearchCV.fit``.

        Returns
        -------
        self : WhaleSearchCV
        """
        # sklearn's parameter messages first (estimator=None, for example), then
        # ours: scikit-learn < 1.9 neither calls _check_input_parameters nor keeps
        # its checked splitter, which WOA needs to replay the same folds each
        # iteration.
        self._validate_params()
        self._check_input_parameters(X, y, None)
        self._search_y = y
        cv = self.cv
        if isinstance(cv, Iterator):
            # a generator of splits can be read once; scikit-learn < 1.9 reads
            # self.cv twice (its fit and our _run_search), so both see one list
            self.cv = list(cv)
        try:
            return super().fit(X, y, **params)
        finally:
            del self._search_y
            self.cv = cv

    def _check_input_parameters(self, X, y, split_params):
        # Called by BaseSearchCV.fit before any fit: fail once, plainly, instead of
        # once per candidate and fold.
        if y is None and get_tags(self.estimator).target_tags.required:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is "
                f"None: {type(self.estimator).__name__} needs a target."
            )

    def _score_key(self, results):
        """The ``cv_results_`` key of the metric WOA optimizes."""
        if isinstance(self.refit, str) and f"mean_test_{self.refit}" in results:
            return f"mean_test_{self.refit}"
        if "mean_test_score" in results:
            return "mean_test_score"
        return next(key for key in results if key.startswith("mean_test_"))

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        """Run WOA: ask -> decode -> evaluate_candidates -> tell, per iteration."""
        rng = check_generator(self.random_state)
        space = ParamSpace(self.param_distributions, random_state=rng)
        if callback_ctx is not None:
            search_ctx = callback_ctx.subcontext(
                task_name="search", max_subtasks=self.max_iter
            ).call_on_fit_task_begin(estimator=self)
        state = {"ctx": None, "n_recorded": 0, "iteration": 0, "non_finite": False}
        cv = getattr(self, "_checked_cv_orig", None)
        if cv is None:
            cv = check_cv(self.cv, self._search_y, classifier=is_classifier(self))
        cv = _FrozenSplits(cv)

        def score_batch(candidates):
            n = len(candidates)
            if callback_ctx is not None:
                state["ctx"] = search_ctx.subcontext(
                    task_name="woa-iteration",
                    max_subtasks=n * self.n_splits_,
                    sequential_subtasks=False,
                ).call_on_fit_task_begin(estimator=self)
            # callbacks exist from scikit-learn 1.9 on; before, no context is passed
            context = {} if state["ctx"] is None else {"callback_ctx": state["ctx"]}
            try:
                with warnings.catch_warnings():
                    if state["non_finite"]:  # said once, with the first failure
                        warnings.filterwarnings("ignore", _NON_FINITE, UserWarning)
                    results = evaluate_candidates(candidates, cv=cv, **context)
            except ValueError as exc:
                if not _ALL_FAILED.search(str(exc)):
                    raise
                if state["n_recorded"] == 0:
                    raise ValueError(
                        f"{type(self).__name__}: every candidate failed. All the "
                        f"{n * cv.n_splits} fits of the {n} candidates of the "
                        "first iteration raised an error, so the search stops. The "
                        "estimator, its fit parameters or param_distributions are "
                        "very likely misconfigured; set error_score='raise' to see "
                        f"the first error with its traceback.\n{exc}"
                    ) from exc
                warnings.warn(
                    f"All the {n * cv.n_splits} fits of the {n} new candidates "
                    f"of WOA iteration {state['iteration'] + 1} failed; the search "
                    f"goes on with error_score={self.error_score} for them (they are "
                    f"not recorded in cv_results_).\n{exc}",
                    FitFailedWarning,
                    stacklevel=user_stacklevel(),
                )
                return np.full(n, float(self.error_score))
            state["n_recorded"] += n
            scores = np.asarray(results[self._score_key(results)], dtype=float)
            state["non_finite"] = state["non_finite"] or not np.isfinite(scores).all()
            return scores[-n:]

        def end_iteration(result):
            state["iteration"] = result.n_iter
            ctx, state["ctx"] = state["ctx"], None
            if self.verbose > 0:
                print(
                    f"[{type(self).__name__}] iteration {result.n_iter}/"
                    f"{self.max_iter}: {result.n_new_candidates[-1]} new candidates, "
                    f"best score {result.best_score:.6g}"
                )
            if callback_ctx is None:
                return False
            if ctx is None:  # no new candidate: an iteration without fits
                ctx = search_ctx.subcontext(
                    task_name="woa-iteration", max_subtasks=0
                ).call_on_fit_task_begin(estimator=self)
            return ctx.call_on_fit_task_end(estimator=self)

        result = run_whale_search(
            space,
            score_batch,
            n_agents=self.n_agents,
            max_iter=self.max_iter,
            b=self.b,
            variant=self.variant,
            init=self.init,
            boundary=self.boundary,
            random_state=rng,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            callback=end_iteration,
            initial_params=initial_candidate(space, self.estimator.get_params()),
        )
        self.n_iter_ = result.n_iter
        self.n_evaluations_ = result.n_evaluations
        self.best_score_history_ = list(result.best_score_history)
        if callback_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)
