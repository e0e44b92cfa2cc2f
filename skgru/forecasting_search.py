"""ForecastingWhaleSearchCV: whale-optimization tuning on sktime's tuner base.

sktime's tuner base averages a candidate's fold scores without its failed folds, so
a candidate that fails on most folds can win on the one it survives; this module
scores candidates itself (sktime's ``evaluate`` per candidate, in parallel through
sktime's ``parallelize``), so a candidate that fails on any fold scores
``error_score``, and reports the spread of the fold scores.
"""

import contextlib
import numbers
import os
import threading
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from sktime.exceptions import FitFailedWarning
from sktime.exceptions import NotFittedError as SktimeNotFittedError
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.model_selection._base import BaseGridSearch
from sktime.utils.parallel import parallelize
from sktime.utils.validation.forecasting import check_scoring

from skgru._averaging import MeanForecaster
from skgru._search_loop import (
    SEARCH_PARAMETER_CONSTRAINTS,
    initial_candidate,
    run_whale_search,
)
from skgru._warnings import user_stacklevel
from skgru.space import ParamSpace
from skgru.woa import SEARCH_BOUNDARY, SEARCH_INIT, SEARCH_VARIANT

__all__ = ["ForecastingWhaleSearchCV"]

#: The WOA parameters both tuners share, how a near tie is broken, how many to keep.
_CONSTRAINTS = {
    **SEARCH_PARAMETER_CONSTRAINTS,
    "tie_break": [StrOptions({"untuned"}), None],
    "average_with": [StrOptions({"untuned"}), None],
    "return_n_best_forecasters": [
        Interval(numbers.Integral, 1, None, closed="left"),
        Options(numbers.Integral, {-1}),
    ],
}


class _AllFitsFailedError(SktimeNotFittedError, NotFittedError):
    """Every candidate failed: catchable as sktime's and as scikit-learn's error."""


def _select(results, name, lower_is_better, tie_break):
    """Row of ``results`` to refit: the best mean score, or row 0 on a near tie.

    With ``tie_break="untuned"`` the forecaster as given (row 0, scored first by
    the search) wins when its mean is within one standard error of the best
    mean: the best row's fold standard deviation over the square root of its
    number of folds (Breiman's one-standard-error rule).
    """
    means = results[f"mean_{name}"].to_numpy(dtype=float)
    sign = 1.0 if lower_is_better else -1.0  # sign * score: lower is better
    best = int(np.nanargmin(sign * means))
    if tie_break is None or best == 0 or np.isnan(means[0]):
        return best
    n_folds = results.filter(regex=rf"^split\d+_{name}$").shape[1]
    error = results.loc[best, f"std_{name}"] / np.sqrt(max(n_folds, 1))
    return 0 if sign * (means[0] - means[best]) <= error else best


def _use_filters(filters):
    """Make ``filters`` (a copy of a ``warnings.filters``) the active filters.

    The caller's filters, also in a worker process (as scikit-learn's
    ``Parallel`` does), so "ignore" or "error" set around ``fit`` holds for the
    fits of every backend. Rebuilt through the public API, which keeps the
    interpreter's warning caches in step.
    """
    warnings.resetwarnings()
    for action, message, category, module, lineno in filters:
        warnings.filterwarnings(  # patterns are compiled, or str in the defaults
            action,
            message=getattr(message, "pattern", message or ""),
            category=category,
            module=getattr(module, "pattern", module or ""),
            lineno=lineno,
            append=True,
        )


#: How sktime's ``evaluate`` starts its warning for each failed fold.
_SKTIME_FOLD_FAILED = "In evaluate, fitting of forecaster"


def _fit_and_score(params, meta):
    """Cross-validate one candidate: fold scores, their mean and spread, timings.

    Runs in a worker (module level, so it pickles). A fold failed when sktime's
    ``evaluate`` gives it no cutoff or no score; the candidate's mean is then
    ``error_score`` (NaN by default), not the mean over the folds it survived, and
    ``"failed"`` is True: the search ranks it after every candidate that scored
    on all folds, whatever ``error_score`` is (a numeric ``error_score`` such as 0
    would otherwise be the best possible error). Such a candidate gives one
    ``FitFailedWarning`` that names it, its failed folds and the exception
    (sktime's ``evaluate`` warns once per fold, without the exception).
    """
    name = meta["scoring_name"]
    error_score = meta["error_score"]
    # A thread of the caller's process (joblib's threading backend, dask's
    # threaded scheduler) shares its warning state: catch_warnings there would
    # race with the other threads, as it swaps process-wide state, so its
    # warnings go to the caller directly. Another process, or the caller's own
    # thread, records them for the caller.
    pid, thread = meta["caller"]
    shared = pid == os.getpid() and thread != threading.get_ident()
    recording = contextlib.nullcontext([])
    if not shared:
        recording = warnings.catch_warnings(record=True)
    with recording as caught:
        if not shared:
            _use_filters(meta["warning_filters"])
        folds = _evaluate(params, meta, error_score)
        scores = folds[name].to_numpy(dtype=float)
        crashed = folds["cutoff"].isna().to_numpy()
        failed_folds = crashed | np.isnan(scores)
        failed = bool(failed_folds.any())
        failure = None
        if failed:
            failure = _failure_message(params, meta, crashed, failed_folds)
            if shared:
                warnings.warn(failure, FitFailedWarning, stacklevel=user_stacklevel())
    # shown by the caller's process (see ``_run_search``), each message once;
    # sktime's warning of each failed fold gives way to the candidate's own
    shown = [
        (w.category, str(w.message))
        for w in caught
        if not (
            issubclass(w.category, FitFailedWarning)
            and _SKTIME_FOLD_FAILED in str(w.message)
        )
    ]
    if failure is not None and not shared:
        shown.append((FitFailedWarning, failure))
    # with error_score="raise" a failure has raised: only a metric's NaN is left
    fallback = np.nan if isinstance(error_score, str) else float(error_score)
    mean = fallback if failed else scores.mean()
    row = {f"mean_{name}": mean, f"std_{name}": scores.std(), "failed": failed}
    row.update({f"split{i}_{name}": score for i, score in enumerate(scores)})
    row["mean_fit_time"] = float(folds["fit_time"].mean())
    # "pred_time", or "pred_quantiles_time" etc. for a probabilistic metric
    pred_time = [c for c in folds if c.startswith("pred") and c.endswith("_time")]
    row["mean_pred_time"] = float(folds[pred_time].sum(axis=1).mean())
    row["params"] = params
    row["warnings"] = list(dict.fromkeys(shown))
    return row


def _failure_message(params, meta, crashed, failed_folds):
    """The one ``FitFailedWarning`` text of a candidate with failed folds.

    sktime's ``evaluate`` drops a fold's exception, so a candidate whose fit or
    prediction raised is evaluated again with ``error_score="raise"``, which
    stops at the first failed fold: the folds before it and the failed fit
    itself run again (an invalid parameter or a too-long window fails at the
    start of the first fold, the usual case, at almost no cost).
    """
    error_score = meta["error_score"]
    n_failed, n_folds = int(failed_folds.sum()), len(failed_folds)
    if not crashed.any():  # with error_score="raise" too: a NaN does not raise
        what = f"scored NaN on {n_failed} of {n_folds} folds"
        hint = ""
    else:
        cause = ""
        try:
            _evaluate(params, meta, "raise")
        except Exception as exc:
            cause = f" ({type(exc).__name__}: {exc})"
        what = f"failed on {n_failed} of {n_folds} folds{cause}"
        hint = " Set error_score='raise' to raise the error."
    return (
        f"Candidate {params} {what}; it scores error_score={error_score!r} and "
        f"ranks last.{hint}"
    )


def _evaluate(params, meta, error_score):
    """sktime's ``evaluate`` of a fresh clone with ``params`` on the search's folds."""
    return evaluate(
        meta["forecaster"].clone().set_params(**params),
        cv=meta["cv"],
        y=meta["y"],
        X=meta["X"],
        strategy=meta["strategy"],
        scoring=meta["scoring"],
        error_score=error_score,
    )


class ForecastingWhaleSearchCV(BaseGridSearch):
    """Tune a forecaster's hyper-parameters with the Whale Optimization Algorithm.

    The sktime counterpart of :class:`~skgru.WhaleSearchCV`: a drop-in replacement
    for ``ForecastingRandomizedSearchCV`` that takes the same ``param_distributions``
    but moves a population of whales through the space instead of drawing
    candidates independently. Each iteration evaluates every new candidate with
    temporal cross-validation (sktime's ``evaluate``) in one parallel batch;
    identical candidates (equal values of the same types: ``1`` and ``1.0``
    differ) are never evaluated twice.

    Parameters
    ----------
    forecaster : sktime forecaster
        The forecaster to tune.
    cv : sktime splitter
        Temporal cross-validation, e.g. ``ExpandingWindowSplitter``.
    param_distributions : dict or list of dicts
        As for ``ForecastingRandomizedSearchCV``: lists of values or scipy.stats
        distributions; a list of dicts is a conditional space.
    n_agents : int, default=10
        Number of whales (candidates per iteration before de-duplication).
    max_iter : int, default=10
        Maximum number of WOA iterations; at most ``n_agents * max_iter``
        candidates of the whales are evaluated, plus the forecaster as given.
        Together with ``n_agents`` it replaces ``n_iter``. A space of lists
        only stops early once every combination has been scored.
    b : float, default=1.0
        Shape constant of WOA's logarithmic spiral.
    variant : {"paper", "matlab", "mixed"}, default="paper"
        WOA update rule, see :class:`~skgru.woa.WhaleOptimizer`.
    n_iter_no_change : int or None, default=None
        Stop once more than this many iterations in a row did not improve the
        best score by at least ``tol`` (``MLPRegressor``'s rule); None runs all
        ``max_iter`` iterations.
    tol : float, default=0.0
        Minimum improvement that counts, in the metric's units.
    scoring : sktime metric (BaseMetric), str, or callable, default=None
        Metric to optimize; sktime's default ``MeanAbsolutePercentageError()``
        (``symmetric=False``) if None. Its ``lower_is_better`` tag sets the
        direction.
    strategy : {"refit", "update", "no-update_params"}, default="refit"
        How each fold's forecaster sees new data, as in ``evaluate``.
    update_behaviour : {"full_refit", "inner_only", "no_update"}, default="full_refit"
        What ``update`` of the fitted tuner does.
    refit : bool, default=True
        Refit the best forecaster on all data (needed to predict).
    tune_by_instance, tune_by_variable : bool, default=False
        Tune each series / variable separately (sktime's broadcasting).
    verbose : int, default=0
        Print one line per iteration when positive.
    return_n_best_forecasters : int, default=1
        Keep n forecasters (refitted when ``refit``) in ``n_best_forecasters_``:
        ``best_forecaster_`` (not refitted twice; the mean with the forecaster
        as given under ``average_with="untuned"``), then the other candidates by
        rank, each refitted alone (the forecaster as given, when it ranks among
        them, is the mean's member, not refitted again); -1 keeps all.
    error_score : "raise" or numeric, default=np.nan
        Score given to a fold whose fit or prediction fails, and the mean score of
        a candidate with such a fold; the search goes on. Such a candidate ranks
        after every candidate scored on all folds and is never selected, also
        when a numeric ``error_score`` (such as 0 for an error metric) would be
        a better score. ``"raise"`` raises the first failure.
    backend : str, default="loky"
        Parallel backend of sktime's ``parallelize``: "None", "loky",
        "multiprocessing", "threading", "joblib", "dask", "ray". The warning
        filters in force when ``fit`` is called hold in the workers too (as
        scikit-learn's ``Parallel`` passes them on), and what the candidates
        warn reaches the calling process, so ``warnings.catch_warnings`` and
        ``pytest.warns`` around ``fit`` see it. From worker processes and with
        "None" it is shown at the line that called ``fit``, each message once
        per candidate (not once per fold); from threads of the calling process
        ("threading", dask's threaded scheduler) each warning shows as it is
        raised, since recording there would race with the other threads.
    backend_params : dict, default=None
        Passed to the backend, e.g. ``{"n_jobs": 2}``.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed of every random draw of the search (all drawn in the main process).
    tie_break : {"untuned", None}, default=None
        None selects the best mean score, as sktime's tuners do. ``"untuned"``:
        when the forecaster as given (the first row of ``cv_results_``) scores
        within one standard error of the best candidate, it is selected and
        refitted instead (Breiman's one-standard-error rule). Measured on real
        series (``benchmarks/bench_tuned_holdout.py``,
        ``bench_tuned_forecast.py``, results in ``benchmarks/README.md``) it
        helped on mdeaths and on
        the nested airline origins and hurt on a10; on the main example it
        would return the untuned forecaster, which the search's winner beats
        on the holdout, so it is not the default. The standard error is
        unpaired: the population standard deviation (``std_test_*``, ddof 0) of
        the best candidate's fold scores over the square root of the number of
        folds. It does not apply when the forecaster as given could not be scored
        (a searched name it does not have; with a list of dicts, one in every
        dict). Either way ``cv_results_`` ranks by mean score and
        ``best_score_history_`` and the ``verbose`` lines follow the best mean;
        ``best_index_``, ``best_params_`` and ``best_score_`` describe the
        selected row, and ``best_forecaster_`` is its refit (or that refit's
        mean with the forecaster as given, see ``average_with``).
    init : {"random", "latinhypercube"}, default="random"
        How the whales' first positions are drawn, as in
        :class:`~skgru.WhaleSearchCV`.
    boundary : {"clip", "bounce"}, default="clip"
        Where a whale goes when a move takes it past the end of a range, as in
        :class:`~skgru.WhaleSearchCV`.
    average_with : {"untuned", None}, default="untuned"
        ``"untuned"``: when the selected candidate is not the forecaster as given,
        ``best_forecaster_`` is the mean of the two, each refitted: a
        ``skgru._averaging.MeanForecaster`` whose point forecast is the mean of their
        point forecasts and whose quantiles (and interval bounds) are the means of their
        quantiles. A few folds pick the winner partly by luck; the mean's absolute error
        is never above the average of the two forecasters' errors (the triangle
        inequality), and below it where their errors differ in sign (forecast
        combination). Measured on the holdouts of 8 real series, two searches each
        (``benchmarks/bench_selection.py``, which refits every candidate of each
        search): at least as good as the untuned forecaster on 6 of 8, worse by more
        than its seed-to-seed spread on 1 (qauselec, by 0.002), geometric mean MASE
        1.191 against 1.347 untuned and 1.246 for the selected candidate alone (two
        seeds of the untuned forecaster averaged, as many networks without a search:
        1.333). The pair's own cross-validation score is not computed: ``best_score_``
        and ``best_params_`` are the selected candidate's. None refits the selected
        candidate alone, as sktime's tuners do. The forecaster as given must have been
        scored (row 0 of ``cv_results_``, without a failed fold).

    Attributes
    ----------
    best_forecaster_ : sktime forecaster
        The selected forecaster, refitted on all data when ``refit``; with
        ``average_with="untuned"`` and a selected candidate other than the
        forecaster as given, a :class:`~skgru.MeanForecaster` of the two (see
        ``average_with``), whose members are named ``"untuned"`` and
        ``"selected"``: ``dict(best_forecaster_.forecasters_)["selected"]`` is
        the fitted selected candidate, ``get_params()`` lists
        ``"selected__hidden_size"`` and so on, and the tuner's
        ``get_fitted_params()`` the members' fitted values
        (``"selected__window_length"``...).
    best_params_ : dict
        The selected candidate's parameters (not the mean's). They include
        the parameters the tuner fixed for every candidate: an open ``horizon``
        of a forecaster that has one (``"horizon"``, or ``"<step>__horizon"`` in
        a pipeline) set to the largest step of the ``fh`` given to ``fit`` (of
        the splitter's ``fh`` when ``fit`` has none).
    best_score_ : float
        The selected candidate's mean cross-validated score, in the metric's
        units.
    best_index_ : int
        The selected candidate's row in ``cv_results_`` (see ``tie_break``).
    cv_results_ : pd.DataFrame
        One row per distinct candidate of every iteration; the first is the
        forecaster as given (also when its values are not among the listed
        ones) unless it lacks a searched parameter. ``params`` include the
        fixed ``horizon``, as ``best_params_``.
    n_best_forecasters_, n_best_scores_ : list
        ``best_forecaster_``, then the next best by rank, as ``(rank,
        forecaster)`` pairs (the rank as a string, as in sktime) and mean scores
        (the first: the selected candidate's rank and score).
    best_score_history_ : list of float
        Best score after each iteration, in the metric's units.
    n_iter_ : int
        Number of WOA iterations run (less than ``max_iter`` after early
        stopping or once every candidate of a space of lists only was scored).
    n_evaluations_ : int
        Number of distinct candidates evaluated.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        From ``fit``, for an invalid WOA parameter, ``tie_break``,
        ``average_with`` or
        ``return_n_best_forecasters`` (a ``ValueError``).
    sktime.exceptions.NotFittedError
        From ``fit``, when every candidate failed, as sktime's tuners raise it
        (also an instance of ``sklearn.exceptions.NotFittedError``); set
        ``error_score="raise"`` to see the exceptions.

    See Also
    --------
    WhaleSearchCV : The same search for scikit-learn estimators.

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from sktime.split import ExpandingWindowSplitter
    >>> from skgru import ForecastingWhaleSearchCV
    >>> y = load_airline()
    >>> tuner = ForecastingWhaleSearchCV(
    ...     NaiveForecaster(strategy="mean"),
    ...     cv=ExpandingWindowSplitter(initial_window=96, step_length=12, fh=[1, 2, 3]),
    ...     param_distributions={"window_length": list(range(2, 37))},
    ...     n_agents=4,
    ...     max_iter=3,
    ...     random_state=0,
    ... )
    >>> tuner.fit(y, fh=[1, 2, 3])
    ForecastingWhaleSearchCV(...)
    >>> tuner.predict().shape
    (3,)
    >>> tuner.n_iter_
    3
    """

    _tags = {
        "authors": ["skgru developers"],
        "maintainers": ["skgru developers"],
        "python_dependencies": ["torch"],
        "capability:random_state": True,
    }
    # The tuner keeps no data of its own: update goes to best_forecaster_. Set
    # explicitly, so sktime's FutureWarning about this config's default stays quiet.
    _config = {"remember_data": False}

    def __init__(
        self,
        forecaster,
        cv,
        param_distributions,
        n_agents=10,
        max_iter=10,
        b=1.0,
        variant=SEARCH_VARIANT,
        n_iter_no_change=None,
        tol=0.0,
        scoring=None,
        strategy="refit",
        update_behaviour="full_refit",
        refit=True,
        tune_by_instance=False,
        tune_by_variable=False,
        verbose=0,
        return_n_best_forecasters=1,
        error_score=np.nan,
        backend="loky",
        backend_params=None,
        random_state=None,
        tie_break=None,
        init=SEARCH_INIT,
        boundary=SEARCH_BOUNDARY,
        average_with="untuned",
    ):
        self.param_distributions = param_distributions
        self.n_agents = n_agents
        self.max_iter = max_iter
        self.b = b
        self.variant = variant
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.tie_break = tie_break
        self.init = init
        self.boundary = boundary
        self.average_with = average_with
        super().__init__(
            forecaster=forecaster,
            cv=cv,
            scoring=scoring,
            strategy=strategy,
            update_behaviour=update_behaviour,
            refit=refit,
            tune_by_instance=tune_by_instance,
            tune_by_variable=tune_by_variable,
            verbose=verbose,
            return_n_best_forecasters=return_n_best_forecasters,
            error_score=error_score,
            backend=backend,
            backend_params=backend_params,
        )
        # BaseForecaster only creates these when remember_data is on at
        # construction; set_config can switch it on later.
        self._y = getattr(self, "_y", None)
        self._X = getattr(self, "_X", None)

    def _fit(self, y, X, fh):
        """Search, select (see ``tie_break``), refit; sktime's ``BaseGridSearch`` flow.

        Parameters
        ----------
        y : time series in sktime's formats
            Target series.
        X : time series in sktime's formats or None
            Exogenous series.
        fh : ForecastingHorizon or None
            Horizon of the refitted forecaster.

        Returns
        -------
        self : ForecastingWhaleSearchCV
        """
        validate_parameter_constraints(
            _CONSTRAINTS,
            {name: getattr(self, name) for name in _CONSTRAINTS},
            caller_name=type(self).__name__,
        )
        scoring = check_scoring(self.scoring, obj=self)
        name = f"test_{scoring.name}"
        lower_is_better = scoring.get_tag("lower_is_better")
        self._search_data = (y, X, fh)
        try:
            results = pd.DataFrame(self._run_search(None))
        finally:
            del self._search_data
        # as scikit-learn: integer ranks, ties share the best one (method "min");
        # failed candidates (a fold without a score) all rank after every scored
        # one, also when a numeric error_score would rank them higher
        failed = results.pop("failed").to_numpy(dtype=bool)
        scored = results[f"mean_{name}"].mask(failed)
        results[f"rank_{name}"] = scored.rank(
            ascending=lower_is_better, method="min", na_option="bottom"
        ).astype(np.int32)
        self.cv_results_ = results
        if failed.all():
            raise _AllFitsFailedError(
                "All fits of the forecaster failed; set error_score='raise' to see "
                f"the exceptions. Failed forecaster: {self.forecaster}"
            )
        tie_break = self.tie_break if self._as_given_scored else None
        self.best_index_ = _select(
            results.assign(**{f"mean_{name}": scored}), name, lower_is_better, tie_break
        )
        self.best_score_ = results.loc[self.best_index_, f"mean_{name}"]
        self.best_params_ = results.loc[self.best_index_, "params"]
        averaged = (
            self.average_with == "untuned"
            and self._as_given_scored
            and self.best_index_ != 0
            and not failed[0]
        )
        self.best_forecaster_ = self._refitted(
            self.best_params_, y, X, fh, results.loc[0, "params"] if averaged else None
        )
        # the selected forecaster first, then the others by rank
        by_rank = results.sort_values(f"rank_{name}", kind="stable").index
        order = [self.best_index_, *(i for i in by_rank if i != self.best_index_)]
        n_best = self.return_n_best_forecasters
        n_best = len(order) if n_best == -1 else min(n_best, len(order))
        # refits already made: the selected one and, inside the mean, row 0's
        refitted = {self.best_index_: self.best_forecaster_}
        mean = self.best_forecaster_
        members = getattr(mean, "forecasters_", None) if self.refit else None
        # a list of (name, forecaster) unless sktime vectorized the mean (it then
        # keeps a DataFrame of per-column means under the same name)
        if averaged and isinstance(members, list):
            refitted[0] = dict(members)["untuned"]
        self.n_best_forecasters_, self.n_best_scores_ = [], []
        for i in order[:n_best]:
            if i in refitted:
                forecaster = refitted[i]
            else:
                forecaster = self._refitted(results.loc[i, "params"], y, X, fh)
            rank = str(int(results.loc[i, f"rank_{name}"]))
            self.n_best_forecasters_.append((rank, forecaster))
            self.n_best_scores_.append(results.loc[i, f"mean_{name}"])
        return self

    def _refitted(self, params, y, X, fh, untuned_params=None):
        """A clone of ``forecaster`` with ``params``, fitted on all data (``refit``).

        With ``untuned_params`` (row 0's, see ``average_with``), the mean of that
        clone and one with ``untuned_params``.
        """
        forecaster = self.forecaster.clone().set_params(**params)
        if untuned_params is not None:
            untuned = self.forecaster.clone().set_params(**untuned_params)
            forecaster = MeanForecaster(
                [("untuned", untuned), ("selected", forecaster)]
            )
        if self.refit:
            forecaster.fit(y=y, X=X, fh=fh)
        return forecaster

    def _fixed_params(self, space):
        """``{name: largest step of fit's fh}`` for each ``horizon`` left None.

        A forecaster whose trained horizon follows the ``fh`` of ``fit`` (such as
        ``GRUForecaster(horizon=None)``) would be cross-validated with the
        splitter's horizon but refitted with the user's. The tuner fixes it to the
        horizon of the user's ``fh``, the one the refit forecasts, so that
        cross-validation scores the model that is returned, trained as the
        untuned forecaster would be (on the splitter's folds, scored at the
        splitter's steps). Without a relative ``fh`` at fit, the splitter's.
        """
        searched = {name for names in space.param_names for name in names}
        open_horizons = [
            name
            for name, value in self.forecaster.get_params(deep=True).items()
            if (name == "horizon" or name.endswith("__horizon"))
            and value is None
            and name not in searched
        ]
        fh = self._search_data[2]
        if fh is None:
            fh = self.cv.get_fh()
        elif not fh.is_relative:
            fh = fh.to_relative(self.cutoff)
        if not open_horizons or not fh.is_relative:
            return {}
        steps = int(np.max(fh.to_pandas()))
        return {name: steps for name in open_horizons}

    def _run_search(self, evaluate_candidates):
        """Run WOA over ``param_distributions``; return the rows of every iteration.

        Candidates are scored by this module's ``_fit_and_score`` (not sktime's
        ``evaluate_candidates``, which averages over the folds that did not fail),
        in one parallel batch per iteration; the rows of all iterations are
        returned together.
        """
        scoring = check_scoring(self.scoring, obj=self)
        name = f"test_{scoring.name}"
        # WOA maximizes the score it is told; flip metrics where lower is better.
        sign = -1.0 if scoring.get_tag("lower_is_better") else 1.0
        y, X, _ = self._search_data
        meta = {
            "forecaster": self.forecaster,
            "y": y,
            "X": X,
            "cv": self.cv,
            "strategy": self.strategy,
            "scoring": scoring,
            "error_score": self.error_score,
            "scoring_name": name,
            "warning_filters": list(warnings.filters),
            "caller": (os.getpid(), threading.get_ident()),
        }
        space = ParamSpace(self.param_distributions, random_state=self.random_state)
        fixed = self._fixed_params(space)
        initial = initial_candidate(space, self.forecaster.get_params())
        # row 0 of the results is the forecaster as given only when it was scored
        self._as_given_scored = initial is not None
        rows = []

        def score_batch(candidates):
            batch = parallelize(
                fun=_fit_and_score,
                iter=[{**params, **fixed} for params in candidates],
                meta=meta,
                backend=self.backend,
                backend_params=self.backend_params or {},
            )
            for row in batch:
                # at the caller's ``fit`` line, not at a worker's frame; the
                # filters in force decide what shows
                for category, message in row.pop("warnings"):
                    level = user_stacklevel()
                    try:
                        warnings.warn(message, category, stacklevel=level)
                    except TypeError:  # a category that needs more than a message
                        message = f"{category.__name__}: {message}"
                        warnings.warn(message, UserWarning, stacklevel=level)
            rows.extend(batch)
            # a failed candidate is the worst for the whales, whatever error_score
            return [
                np.nan if row["failed"] else sign * float(row[f"mean_{name}"])
                for row in batch
            ]

        def report(result):
            if self.verbose > 0:
                print(
                    f"[{type(self).__name__}] iteration {result.n_iter}/"
                    f"{self.max_iter}: {result.n_new_candidates[-1]} new candidates, "
                    f"best {scoring.name} {sign * result.best_score:.6g}",
                    flush=True,
                )
            return False

        result = run_whale_search(
            space,
            score_batch,
            n_agents=self.n_agents,
            max_iter=self.max_iter,
            b=self.b,
            variant=self.variant,
            init=self.init,
            boundary=self.boundary,
            random_state=self.random_state,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            callback=report,
            initial_params=initial,
            failure_warning=FitFailedWarning,  # sktime's
        )
        self.n_iter_ = result.n_iter
        self.n_evaluations_ = result.n_evaluations
        self.best_score_history_ = [sign * score for score in result.best_score_history]
        return rows

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return testing parameter settings for the estimator.

        Parameters
        ----------
        parameter_set : str, default="default"
            Name of the set of test parameters to return.

        Returns
        -------
        params : list of dict
            Small, fast configurations: a naive forecaster (refitted alone,
            ``average_with=None``), a trend forecaster with
            ``update_behaviour="inner_only"``, and a tiny ``GRUForecaster``.
        """
        from scipy.stats import randint
        from sktime.forecasting.naive import NaiveForecaster
        from sktime.forecasting.trend import PolynomialTrendForecaster
        from sktime.performance_metrics.forecasting import (
            MeanAbsolutePercentageError,
        )
        from sktime.split import SingleWindowSplitter

        from skgru.forecaster import GRUForecaster

        metric = MeanAbsolutePercentageError(symmetric=True)
        return [
            {
                "forecaster": NaiveForecaster(strategy="mean"),
                "cv": SingleWindowSplitter(fh=1),
                "param_distributions": {"window_length": randint(2, 6)},
                "scoring": metric,
                "n_agents": 3,
                "max_iter": 2,
                "random_state": 0,
                "average_with": None,
            },
            {
                "forecaster": PolynomialTrendForecaster(),
                "cv": SingleWindowSplitter(fh=1),
                "param_distributions": {"degree": [1, 2]},
                "scoring": metric,
                "update_behaviour": "inner_only",
                "n_agents": 2,
                "max_iter": 2,
                "random_state": 0,
            },
            {
                "forecaster": GRUForecaster(**GRUForecaster.get_test_params()[0]),
                "cv": SingleWindowSplitter(fh=1),
                "param_distributions": {"learning_rate": [0.01, 0.02]},
                "scoring": metric,
                "update_behaviour": "no_update",
                "n_agents": 2,
                "max_iter": 1,
                "random_state": 0,
            },
        ]
