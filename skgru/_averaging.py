"""MeanForecaster: the mean of a few forecasters' point forecasts and quantiles.

:class:`~skgru.ForecastingWhaleSearchCV` returns one (``average_with="untuned"``):
the mean of the selected candidate and the forecaster as given. sktime's
``EnsembleForecaster`` averages point forecasts only; this one averages the
quantiles too (quantile averaging, "Vincentization": Ratcliff, 1979; Lichtendahl,
Grushka-Cockayne & Winkler, 2013), so the tuned forecaster keeps its intervals.
"""

from functools import reduce
from operator import add

from sktime.base import _HeterogenousMetaEstimator
from sktime.forecasting.base import BaseForecaster

__all__ = ["MeanForecaster"]

#: Capabilities the mean has only when every member has them.
_ALL_TAGS = (
    "capability:pred_int",
    "capability:multivariate",
    "capability:insample",
    "capability:pred_int:insample",
    "capability:missing_values",
    "capability:unequal_length",
    "capability:categorical_in_X",
    "capability:non_contiguous_X",
)
#: Capabilities the mean has when any member has them (X goes to every member;
#: one that ignores X ignores it).
_ANY_TAGS = ("capability:exogenous", "requires-fh-in-fit")


class MeanForecaster(_HeterogenousMetaEstimator, BaseForecaster):
    """The equally weighted mean of several forecasters.

    Each member is cloned and fitted on the same data; the point forecast is the
    mean of the members' point forecasts, and each quantile forecast (so each
    interval bound) is the mean of the members' quantiles at the same level, so
    the averaged interval's width is the mean of the members' widths. Its
    coverage is measured, not guaranteed (the tuner's refit on the main example
    covered 100% of a 36-month holdout at 90%).

    It is what :class:`~skgru.ForecastingWhaleSearchCV` returns as
    ``best_forecaster_`` by default (``average_with="untuned"``). As sktime's
    composites, it exposes its members' parameters as ``<name>__<parameter>``
    (``get_params``, ``set_params``) and their fitted values in
    ``get_fitted_params``.

    Parameters
    ----------
    forecasters : list of (str, sktime forecaster)
        Named members, at least one; the names must be distinct. Probabilistic
        forecasts need every member to have them (``capability:pred_int``).

    Attributes
    ----------
    forecasters_ : list of (str, sktime forecaster)
        The fitted clones, in the order given.

    Raises
    ------
    ValueError
        From the constructor, if ``forecasters`` is empty or not a list of
        distinct ``(name, forecaster)`` pairs.

    See Also
    --------
    sktime.forecasting.compose.EnsembleForecaster : Point forecasts only, with
        weights and other aggregations.

    References
    ----------
    Lichtendahl, K. C., Grushka-Cockayne, Y. and Winkler, R. L. (2013). Is it
    better to average probabilities or quantiles? *Management Science* 59(7),
    1594-1611.

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from skgru import MeanForecaster
    >>> mean = MeanForecaster(
    ...     [("last", NaiveForecaster()), ("drift", NaiveForecaster("drift"))]
    ... )
    >>> mean.fit(load_airline(), fh=[1, 2]).predict().round(1).tolist()
    [433.1, 434.2]
    """

    _tags = {
        "authors": ["skgru developers"],
        "maintainers": ["skgru developers"],
        "object_type": "forecaster",
        "y_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "X_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "capability:pred_int": True,
        "capability:multivariate": True,
        "capability:exogenous": True,
        "capability:unequal_length": True,
        "requires-fh-in-fit": False,
        "fit_is_empty": False,
    }
    _config = {"remember_data": False}
    # sktime's meta-estimator protocol: nested get_params/set_params by member
    # name ("selected__window_length") and the members' fitted parameters
    _steps_attr = "forecasters"
    _steps_fitted_attr = "forecasters_"

    def __init__(self, forecasters):
        self.forecasters = forecasters
        super().__init__()
        # BaseForecaster only creates these when remember_data is on at
        # construction; set_config can switch it on later.
        self._y = getattr(self, "_y", None)
        self._X = getattr(self, "_X", None)
        names = [pair[0] for pair in forecasters] if _is_pairs(forecasters) else None
        if not names or len(set(names)) != len(names):
            raise ValueError(
                "forecasters must be a non-empty list of (name, forecaster) pairs "
                f"with distinct names, got {forecasters!r}."
            )
        # a member's name is its parameters' prefix ("selected__window_length")
        clashing = [name for name in names if name == "forecasters" or "__" in name]
        if clashing:
            raise ValueError(
                "forecasters' names must not be 'forecasters' or contain '__' "
                f"(they prefix the members' parameters), got {clashing!r}."
            )
        members = [forecaster for _, forecaster in forecasters]
        tags = {tag: all(f.get_tag(tag, False) for f in members) for tag in _ALL_TAGS}
        tags.update({t: any(f.get_tag(t, False) for f in members) for t in _ANY_TAGS})
        self.set_tags(**tags)

    def set_params(self, **params):
        """Set the parameters of the mean or of its members; reset it.

        ``forecasters``, a member by its name, or a member's parameter as
        ``<name>__<parameter>``. As every sktime object, the mean is then reset
        (unfitted, its constructor's checks and capability tags run again);
        sktime's composite protocol alone skips that when only members change.

        Parameters
        ----------
        **params : dict
            Parameter names and values.

        Returns
        -------
        self : MeanForecaster

        Raises
        ------
        ValueError
            If the new members are not distinct ``(name, forecaster)`` pairs.
        """
        super().set_params(**params)
        if params:
            self.reset()
        return self

    def _fit(self, y, X, fh):
        self.forecasters_ = [
            (name, forecaster.clone().fit(y=y, X=X, fh=fh))
            for name, forecaster in self.forecasters
        ]
        return self

    def _predict(self, fh, X):
        return _mean([f.predict(fh=fh, X=X) for _, f in self.forecasters_])

    def _predict_quantiles(self, fh, X, alpha):
        return _mean(
            [f.predict_quantiles(fh=fh, X=X, alpha=alpha) for _, f in self.forecasters_]
        )

    def _predict_var(self, fh, X=None, cov=False):
        """Variance whose standard deviation is the mean of the members'.

        Averaging the quantiles of forecasts of one location-scale family
        averages their scales, so this is the variance that belongs to
        :meth:`predict_quantiles` (sktime's default would back a variance out
        of the averaged 50% interval as if the errors were normal, narrower
        than every member's where their errors have heavy tails).
        ``cov=True`` gives the same marginal variances, as sktime's default
        does.
        """
        deviations = [f.predict_var(fh=fh, X=X) ** 0.5 for _, f in self.forecasters_]
        return _mean(deviations) ** 2

    def _update(self, y, X=None, update_params=True):
        for _, forecaster in self.forecasters_:
            forecaster.update(y=y, X=X, update_params=update_params)
        return self

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
            Two naive forecasters; a naive and a trend forecaster.
        """
        from sktime.forecasting.naive import NaiveForecaster
        from sktime.forecasting.trend import TrendForecaster

        return [
            {
                "forecasters": [
                    ("last", NaiveForecaster()),
                    ("mean", NaiveForecaster(strategy="mean")),
                ]
            },
            {
                "forecasters": [
                    ("naive", NaiveForecaster()),
                    ("trend", TrendForecaster()),
                ]
            },
        ]


def _is_pairs(forecasters):
    return (
        isinstance(forecasters, list)
        and len(forecasters) > 0
        and all(
            isinstance(pair, tuple)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and isinstance(pair[1], BaseForecaster)
            for pair in forecasters
        )
    )


def _mean(frames):
    """Elementwise mean of forecasts with the same index and columns."""
    return reduce(add, frames) / len(frames)
