"""pandas panels <-> per-series arrays (the forecaster's data handling).

A panel or hierarchy (a row MultiIndex whose last level is time) is split into one
:class:`Series` per key: the raw values of ``y`` and ``X`` as float arrays in time
order, with the series' own time index for the output.
"""

import numpy as np
import pandas as pd

__all__ = ["Series", "join_series", "split_series"]


def _as_key(key):
    return key if isinstance(key, tuple) else (key,)


def split_series(data):
    """``{key: frame with a plain time index}``, in order of first appearance."""
    if not isinstance(data.index, pd.MultiIndex):
        return {(): data}
    levels = list(range(data.index.nlevels - 1))
    return {
        _as_key(key): frame.droplevel(levels)
        for key, frame in data.groupby(level=levels, sort=False)
    }


class Series:
    """Raw values of one series in model order, with its time index."""

    def __init__(self, index, y, X=None):
        self.index = index
        self.y = np.asarray(y, dtype=np.float64).reshape(len(index), -1)
        self.X = None if X is None else np.asarray(X, dtype=np.float64)

    def head(self, n):
        """The first ``n`` time points."""
        return Series(
            self.index[:n], self.y[:n], None if self.X is None else self.X[:n]
        )

    def extended(self, new):
        """This series with the time points of ``new`` added (``new`` wins ties)."""
        keep = ~self.index.isin(new.index)
        index = self.index[keep].append(new.index)
        order = np.argsort(index, kind="stable")
        y = np.concatenate([self.y[keep], new.y])[order]
        X = None if self.X is None else np.concatenate([self.X[keep], new.X])[order]
        return Series(index[order], y, X)

    def __len__(self):
        return len(self.y)


def join_series(ys, X):
    """Pair each series of ``y`` with its rows of ``X``."""
    xs = None if X is None else split_series(X)
    joined = {}
    for key, frame in ys.items():
        x_frame = None
        if xs is not None:
            if key not in xs:
                raise ValueError(f"X has no rows for the series {key} of y.")
            x_frame = xs[key].reindex(frame.index)
            if x_frame.isna().to_numpy().any():
                raise ValueError(
                    "X must have a value at every time point of y; series "
                    f"{key} has missing or NaN values in X."
                )
        joined[key] = Series(frame.index, frame, x_frame)
    return joined
