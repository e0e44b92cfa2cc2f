"""pandas panels <-> per-series arrays (the forecaster's data handling).

A panel or hierarchy (a row MultiIndex whose last level is time) is split into one
:class:`Series` per key: the raw values of ``y`` and ``X`` as float arrays in time
order, with the series' own time index for the output.
"""

import warnings

import numpy as np
import pandas as pd

from skgru._warnings import user_stacklevel

__all__ = [
    "Series",
    "check_times",
    "checked_x",
    "extend_history",
    "forecast_index",
    "future_exog",
    "gap_counts",
    "join_series",
    "seasonal_period",
    "series_arrays",
    "series_cutoff",
    "split_series",
    "warn_gaps",
    "x_mismatch_message",
]


def _as_key(key):
    return key if isinstance(key, tuple) else (key,)


def _name(key):
    """How a message names a series: ``"series ('a',)"``, or ``"y"`` alone."""
    return f"series {key}" if key else "y"


def split_series(data):
    """``{key: frame with a plain time index}``, in order of first appearance."""
    if not isinstance(data.index, pd.MultiIndex):
        return {(): data}
    levels = list(range(data.index.nlevels - 1))
    # a scalar level for one key level: pandas warns on a length-1 list
    by = levels[0] if len(levels) == 1 else levels
    return {
        _as_key(key): frame.droplevel(levels)
        for key, frame in data.groupby(level=by, sort=False)
    }


def _with_freq(index):
    """``index`` with its frequency inferred where a ``DatetimeIndex`` lacks one.

    ``df.set_index(["id", "date"])`` and sktime's ``Aggregator`` give time levels
    without ``freq``; forecast times are ``cutoff + step * freq``, so the
    frequency is read off the time points (None where they are irregular or
    fewer than three, which :func:`series_cutoff` then reports).
    """
    if isinstance(index, pd.DatetimeIndex) and index.freq is None:
        return pd.DatetimeIndex(index, freq="infer")
    return index


#: Seasonal period of a time index's frequency, by the frequency's code with its
#: anchor and its start/end mark removed (``"QS-OCT"`` -> ``"Q"``); the common
#: choices of R's ``frequency()`` and of statsmodels' ``freq_to_period``. Codes
#: are case-sensitive: ``"ms"`` is milliseconds, ``"MS"`` month starts.
SEASONAL_PERIODS = {
    "Y": 1,
    "A": 1,
    "BY": 1,
    "BA": 1,
    "Q": 4,
    "BQ": 4,
    "M": 12,
    "BM": 12,
    "W": 52,
    "D": 7,
    "B": 5,
    "H": 24,
    "h": 24,
}


def seasonal_period(*indexes):
    """Seasonal period implied by the frequency of the first time index that has one.

    The indexes are a panel's series' (one for a single series); a series whose
    frequency cannot be inferred (a gap) does not decide for the others.

    Yearly 1, quarterly 4, monthly 12, weekly 52, daily 7, business-daily 5,
    hourly 24; None for an index without a frequency (an integer index,
    irregular times), for multiples (``"2M"``) and for other frequencies.

    Examples
    --------
    >>> import pandas as pd
    >>> seasonal_period(pd.period_range("2000-01", periods=3, freq="M"))
    12
    >>> seasonal_period(pd.date_range("2000", periods=3, freq="QS-OCT"))
    4
    >>> seasonal_period(pd.RangeIndex(3)) is None
    True
    >>> seasonal_period(pd.date_range("2000", periods=3, freq="ms")) is None
    True
    >>> gap = pd.DatetimeIndex(["2000-01-01", "2001-01-01", "2003-01-01"])
    >>> seasonal_period(gap, pd.date_range("2000", periods=4, freq="YS"))
    1
    """
    for index in indexes:
        freq = getattr(_with_freq(index), "freq", None)
        if freq is not None:
            return _period_of(freq)
    return None


def _period_of(freq):
    """:func:`seasonal_period` of one pandas offset."""
    if getattr(freq, "n", 1) != 1:
        return None
    code = freq.name.split("-")[0]
    if len(code) > 1 and code[0].isupper() and code[-1] in "SE":
        code = code[:-1]  # "MS", "ME", "QS", "YE", "BQS": start or end of period
    return SEASONAL_PERIODS.get(code)


class Series:
    """Raw values of one series in model order, with its time index.

    ``freq`` is the index's frequency, else the one given (a panel's, for a
    series whose own gaps hide it; see :func:`join_series`).
    """

    def __init__(self, index, y, X=None, freq=None):
        self.index = _with_freq(index)
        own = getattr(self.index, "freq", None)
        self.freq = freq if own is None else own
        self.y = np.asarray(y, dtype=np.float64).reshape(len(index), -1)
        self.X = None if X is None else np.asarray(X, dtype=np.float64)

    def head(self, n):
        """The first ``n`` time points."""
        return Series(
            self.index[:n],
            self.y[:n],
            None if self.X is None else self.X[:n],
            freq=self.freq,
        )

    def extended(self, new):
        """This series with the time points of ``new`` added (``new`` wins ties)."""
        keep = ~self.index.isin(new.index)
        index = self.index[keep].append(new.index)
        order = np.argsort(index, kind="stable")
        y = np.concatenate([self.y[keep], new.y])[order]
        X = None if self.X is None else np.concatenate([self.X[keep], new.X])[order]
        freq = new.freq if self.freq is None else self.freq
        return Series(index[order], y, X, freq=freq)

    def __len__(self):
        return len(self.y)


def join_series(ys, X):
    """Pair each series of ``y`` with its rows of ``X``."""
    xs = None if X is None else split_series(X)
    joined = {}
    for key, frame in ys.items():
        if not np.isfinite(frame.to_numpy(dtype=float)).all():
            raise ValueError(
                f"y must be finite; {_name(key)} has infinite values. Replace them "
                "(for example with NaN and sktime's Imputer) before fitting."
            )
        x_frame = None
        if xs is not None:
            if key not in xs:
                raise ValueError(f"X has no rows for {_name(key)} of y.")
            x_frame = xs[key].reindex(frame.index)
            if x_frame.isna().to_numpy().any():
                raise ValueError(
                    "X must have a value at every time point of y; "
                    f"{_name(key)} has missing or NaN values in X."
                )
            if not np.isfinite(x_frame.to_numpy(dtype=float)).all():
                raise ValueError(
                    f"X must be finite; {_name(key)} has infinite values in X."
                )
        joined[key] = Series(frame.index, frame, x_frame)
    _share_freq(joined.values())
    return joined


def _on_grid(index, freq):
    """Whether every time point of a ``DatetimeIndex`` is a step of ``freq`` from
    its first, which is itself on ``freq``'s grid."""
    grid = pd.date_range(index[0], index[-1], freq=freq)
    return len(grid) > 0 and grid[0] == index[0] and bool(index.isin(grid).all())


def _share_freq(series):
    """Give a ``DatetimeIndex`` series without a frequency the panel's.

    Where one series of a panel has a gap, pandas infers no frequency from its
    time points; the other series' frequency, when every point of it lies on
    that frequency's grid, still gives its forecast times and counts its gaps.
    Versions of pandas differ in whether the panel's time level keeps a
    frequency (which sktime's cutoff then carries), so this makes the outcome
    the same on all of them: a warning about the gap, not an error.
    """
    series = list(series)
    shared = next(
        (
            s.freq
            for s in series
            if isinstance(s.index, pd.DatetimeIndex) and s.freq is not None
        ),
        None,
    )
    if shared is None:
        return
    for s in series:
        if (
            s.freq is None
            and isinstance(s.index, pd.DatetimeIndex)
            and len(s.index)
            and _on_grid(s.index, shared)
        ):
            s.freq = shared


def extend_history(history, new):
    """Append each series of ``new`` to its series in ``history``, in place.

    Raises
    ------
    ValueError
        If ``new`` holds a series that ``history`` does not know.
    """
    unknown = [key for key in new if key not in history]
    if unknown:
        raise ValueError(
            f"update got series {unknown[:3]} that were not seen in fit; the "
            "forecaster knows only the series it was fitted on."
        )
    for key, part in new.items():
        history[key] = history[key].extended(part)


def n_missing_points(index, freq=None):
    """How many time points a regular ``index`` lacks between its ends.

    Counts the gaps of a ``PeriodIndex``, an integer index and a
    ``DatetimeIndex`` with a frequency (its own or ``freq``); a
    ``DatetimeIndex`` with neither has no count (it gets its own error from
    :func:`series_cutoff`).
    """
    if len(index) < 2:
        return 0
    if isinstance(index, pd.PeriodIndex):  # in periods of ``freq``, also "15min"
        return (index[-1] - index[0]).n // index.freq.n + 1 - len(index)
    if pd.api.types.is_integer_dtype(index.dtype):
        return int(index[-1] - index[0]) + 1 - len(index)
    own = getattr(index, "freq", None)
    freq = freq if own is None else own
    if isinstance(index, pd.DatetimeIndex) and freq is not None:
        return len(pd.date_range(index[0], index[-1], freq=freq)) - len(index)
    return 0


def gap_counts(history):
    """``{key: missing time points}`` of each series (:func:`n_missing_points`)."""
    return {key: n_missing_points(s.index, s.freq) for key, s in history.items()}


def warn_gaps(history, known=None):
    """A ``UserWarning`` naming the series whose time index has gaps.

    ``known`` (``{key: count}`` from :func:`gap_counts`) leaves out the gaps
    already warned about: a series warns again only when it has more.
    """
    known = known or {}
    gaps = gap_counts(history)
    gaps = {key: n for key, n in gaps.items() if n > known.get(key, 0)}
    if gaps:
        key, n = next(iter(gaps.items()))
        warnings.warn(
            f"{_name(key)} lacks {n} time points between its first and last"
            + (
                f" (and {len(gaps) - 1} other series have gaps)"
                if len(gaps) > 1
                else ""
            )
            + "; GRUForecaster reads consecutive values as consecutive time "
            "points, so windows across a gap mix times that are not adjacent. "
            "Fill or impute the missing time points first (sktime's Imputer).",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def series_arrays(series):
    """``(ys, Xs)``: the arrays of each :class:`Series`; ``Xs`` is None without X."""
    ys = [s.y for s in series]
    xs = [s.X for s in series]
    return ys, None if xs[0] is None else xs


def forecast_index(parts, multiindex_names, time_name):
    """Row index of a forecast from ``[(key, absolute time index), ...]``.

    A single series (``multiindex_names`` None) keeps its time index, named
    ``time_name``; a panel gets a MultiIndex of each key and its times.
    """
    if multiindex_names is None:
        index = parts[0][1]
        index.name = time_name
        return index
    tuples = [(*key, t) for key, absolute in parts for t in absolute]
    return pd.MultiIndex.from_tuples(tuples, names=multiindex_names)


def series_cutoff(time_index, cutoff, key=(), freq=None):
    """The last time point of one series, with the frequency of ``cutoff`` (else
    the series' own, else ``freq``: the panel's, see :class:`Series`).

    Raises
    ------
    ValueError
        If the series has a ``DatetimeIndex`` and neither has a frequency.
    """
    last = time_index[[-1]]
    if isinstance(last, pd.DatetimeIndex):
        for known in (cutoff.freq, time_index.freq):
            if known is not None:
                freq = known
                break
        if freq is None:
            raise ValueError(
                f"the time index of {_name(key)} has no frequency, and pandas "
                "cannot infer one from its time points (they are irregular, or "
                "fewer than three); forecast times need one. Resample y to a "
                "regular frequency, or pass a PeriodIndex or a DatetimeIndex "
                "with freq set."
            )
        last = pd.DatetimeIndex(last, freq=freq)
    return last


def _fh_with_freq(fh, cutoff):
    """``fh`` with the frequency of ``cutoff`` where it has none (a time level
    without ``freq`` leaves sktime's ``fh`` without one)."""
    from sktime.forecasting.base import ForecastingHorizon

    if fh.freq is not None or not isinstance(cutoff, pd.DatetimeIndex):
        return fh
    return ForecastingHorizon(fh.to_pandas(), is_relative=fh.is_relative, freq=cutoff)


def series_steps(keys, series, cutoff, fh):
    """The steps of ``fh`` after each series' own end, and their time index.

    Returns a list of int arrays (one per series) and a list of ``(key,
    absolute index)`` pairs for :func:`forecast_index`.

    Raises
    ------
    NotImplementedError
        If a step is not after the end of its series (in-sample prediction).
    """
    steps, index_parts = [], []
    for key, s in zip(keys, series, strict=True):
        end = series_cutoff(s.index, cutoff, key, s.freq)
        fh = _fh_with_freq(fh, end)
        step = np.asarray(fh.to_relative(end), dtype=int)
        if step.min() < 1:
            raise NotImplementedError(
                "GRUForecaster can not perform in-sample prediction; fh must be "
                "after the end of every series."
            )
        steps.append(step)
        index_parts.append((key, fh.to_absolute_index(end)))
    return steps, index_parts


def future_exog(frame, key, cutoff, fh, n_steps):
    """Raw exogenous values (n_steps, n_x) of steps 1..n_steps after ``cutoff``.

    sktime may pass X at the fh points only: steps in between take the nearest
    known value, since the network needs every step up to the horizon.

    Raises
    ------
    ValueError
        If ``frame`` misses a time point of ``fh``; the message names them.
    """
    from sktime.forecasting.base import ForecastingHorizon

    fh = _fh_with_freq(fh, cutoff)
    times = ForecastingHorizon(
        np.arange(1, n_steps + 1), is_relative=True, freq=cutoff
    ).to_absolute_index(cutoff)
    future = frame.reindex(times)
    wanted = fh.to_absolute_index(cutoff)
    missing = future.loc[wanted].isna().to_numpy().any(axis=1)
    if missing.any():
        raise ValueError(
            "X passed to predict must hold the exogenous values of every time "
            f"point of fh; for {_name(key)} it misses them at "
            f"{list(wanted[missing])[:10]}."
        )
    values = future.ffill().bfill().to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError(f"X must be finite; for {_name(key)} it has infinite values.")
    return values


def checked_x(X, columns, method):
    """``X`` with the columns of ``fit`` (``columns``, None without X) in order.

    Raises
    ------
    ValueError
        If ``X`` is passed to ``method`` but was not to ``fit`` or the other way
        round, or lacks a column.
    """
    if (X is None) != (columns is None):
        raise ValueError(x_mismatch_message(method, X is None))
    if X is None:
        return None
    missing = [name for name in columns if name not in X.columns]
    if missing:
        raise ValueError(
            f"X passed to {method} lacks the columns {missing} of the X passed to "
            f"fit; it must hold the same columns ({list(columns)})."
        )
    return X[columns]


def check_times(history, cutoff, known_gaps=None):
    """Refuse a series whose forecast times have no frequency (a ``ValueError``
    from :func:`series_cutoff`) and warn about gaps other than ``known_gaps``
    (:func:`warn_gaps`)."""
    for key, part in history.items():
        series_cutoff(part.index, cutoff, key, part.freq)
    warn_gaps(history, known_gaps)


def x_mismatch_message(method, x_missing):
    """Why ``method`` (predict, update) refuses X, or its absence."""
    if x_missing:
        return (
            f"X was passed to fit, so {method} needs X as well: the network "
            "uses the exogenous values over the forecast horizon."
        )
    return (
        f"X was passed to {method} but not to fit; refit with X to use exogenous data."
    )
