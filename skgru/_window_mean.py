"""Forecasts averaged over networks that read windows of different lengths.

GRUForecaster trains one network per window length (``window_fractions``); the
networks share the series' scaling, the trained horizon and the differencing, and
differ only in how far back each window reaches. N-BEATS ensembles networks
over several lookback lengths for the same reason (Oreshkin et al., ICLR 2020,
Section 3.4): a short window follows recent changes of level and season, a
long one sees more of the pattern, and their errors partly cancel.
"""

import numpy as np

from skgru._forecasting import ModelSpace
from skgru._intervals import in_sample_errors

__all__ = ["WindowMean", "member_windows"]


def member_windows(window_length, fractions):
    """Window length of each network, longest first, each length once.

    ``round(window_length * fraction)`` (Python's ``round``: halves to even),
    at least 2 time points (1 where ``window_length`` is 1), at most
    ``window_length``; fractions that give the same length give one network.

    Examples
    --------
    >>> member_windows(36, (1.0, 0.5))
    (36, 18)
    >>> member_windows(3, (0.5, 1.0))
    (3, 2)
    >>> member_windows(2, (1.0, 0.5))
    (2,)
    """
    floor = min(2, int(window_length))
    lengths = {
        max(floor, min(int(window_length), round(window_length * f))) for f in fractions
    }
    return tuple(sorted(lengths, reverse=True))


class WindowMean:
    """Model spaces of several window lengths, forecast as the mean of their networks.

    It offers the parts of :class:`~skgru._forecasting.ModelSpace` that the
    roll-out and the interval calibration use; ``predict`` arguments are lists,
    one network per member space. Contexts are cut for the longest window; each
    member reads their last ``window_length`` points. Interval units
    (:meth:`local_scale`) are the longest window's.

    Parameters
    ----------
    spaces : sequence of ModelSpace
        The first has the longest window; all share scalings, horizon,
        differencing, normalization and anchor.
    """

    def __init__(self, spaces):
        self.spaces = tuple(spaces)
        first = self.spaces[0]
        self.window_length = first.window_length
        self.horizon = first.horizon
        self.differencing = first.differencing
        self.groups = first.groups

    @classmethod
    def fit(cls, ys, Xs=None, *, window_lengths, **geometry):
        """Member spaces of ``window_lengths`` (longest first) over one scaling.

        ``geometry`` is as for :meth:`ModelSpace.fit` without ``window_length``.
        """
        first = ModelSpace.fit(ys, Xs, window_length=window_lengths[0], **geometry)
        rest = [
            ModelSpace(
                first.scalings,
                window_length=window,
                horizon=first.horizon,
                differencing=first.differencing,
                normalization=first.normalization,
                anchor=first.anchor,
            )
            for window in window_lengths[1:]
        ]
        return cls([first, *rest])

    def standard_x(self, i, values):
        """Standardized exogenous values of series ``i`` (shared scaling)."""
        return self.spaces[0].standard_x(i, values)

    def future_x(self, i, values):
        """As :meth:`ModelSpace.future_x` (shared scaling and horizon)."""
        return self.spaces[0].future_x(i, values)

    def local_scale(self, contexts, ids):
        """As :meth:`ModelSpace.local_scale`, over the longest window."""
        return self.spaces[0].local_scale(contexts, ids)

    def contexts(self, ys, Xs, origins, ids):
        """As :meth:`ModelSpace.contexts`, cut for the longest window."""
        return self.spaces[0].contexts(ys, Xs, origins, ids)

    def roll_out(
        self, predicts, contexts, x_contexts, x_futures, origins, ids, n_steps
    ):
        """Mean of the members' roll-outs (see :meth:`ModelSpace.roll_out`).

        ``predicts`` holds one network per member space; ``contexts`` and
        ``x_contexts`` are those of the longest window, shorter members read
        their last time points.

        Returns
        -------
        forecasts : ndarray of shape (n, n_steps, n_y)
        """
        d = self.differencing
        forecasts = []
        for space, predict in zip(self.spaces, predicts, strict=True):
            window = space.window_length
            ctx = contexts[:, contexts.shape[1] - window - d :]
            x_ctx = None if x_contexts is None else x_contexts[:, -window:]
            forecasts.append(
                space.roll_out(predict, ctx, x_ctx, x_futures, origins, ids, n_steps)
            )
        return np.mean(forecasts, axis=0)

    def in_sample_errors(self, predicts, ys, Xs):
        """Errors of the longest-window network on its own training windows.

        In units of :meth:`local_scale`, ``{step: list of ndarray (n_y,)}``; the
        intervals' last resort where no out-of-sample error can be had.
        """
        space, predict = self.spaces[0], predicts[0]
        past, extra, target, ids, _ = space.windows(ys, Xs)
        output = predict(past, extra)
        return in_sample_errors(space, past, target, output, ids, ys[0].shape[1])
