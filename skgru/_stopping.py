"""The one stop rule of the package: scikit-learn's ``n_iter_no_change`` and ``tol``.

The training loop (epochs), the whale search loop (iterations) and
``whale_minimize`` (iterations) all stop with this rule, which is
``MLPRegressor``'s (``sklearn/neural_network/_multilayer_perceptron.py``,
``_update_no_improvement_count``): an iteration improves when its value beats
the best value seen so far by at least ``tol``; the run stops once more than
``n_iter_no_change`` iterations in a row did not improve. Only where ``tol`` is
zero does this rule differ from MLPRegressor's: a value equal to the best is no
improvement, so a flat objective stops.
"""

import numpy as np

__all__ = ["NoImprovement"]


class NoImprovement:
    """Count the iterations since the watched value last improved by ``tol``.

    Parameters
    ----------
    maximize : bool
        True when higher values are better (a score), False for a loss.

    Attributes
    ----------
    best : float
        Best value seen so far (``-inf`` for a score, ``inf`` for a loss, before
        the first finite value). NaN values are never best.
    count : int
        Iterations in a row without an improvement of at least ``tol``.

    Examples
    --------
    >>> rule = NoImprovement(maximize=False)
    >>> [rule.update(loss, tol=0.1) for loss in (1.0, 0.95, 0.8)]
    [True, False, True]
    >>> rule.count, rule.should_stop(n_iter_no_change=0)
    (0, False)
    """

    def __init__(self, *, maximize):
        self.maximize = bool(maximize)
        self.best = -np.inf if self.maximize else np.inf
        self.count = 0

    def update(self, value, *, tol):
        """Record one iteration's value; return whether it improved.

        Parameters
        ----------
        value : float
            The iteration's score or loss (NaN never improves).
        tol : float
            Smallest change of the best value that counts as an improvement
            (absolute, in the units of ``value``); zero counts any strict gain.

        Returns
        -------
        improved : bool
        """
        gain = value - self.best if self.maximize else self.best - value
        improved = bool(gain > 0 and gain >= tol)
        if gain > 0:
            self.best = float(value)
        self.count = 0 if improved else self.count + 1
        return improved

    def should_stop(self, n_iter_no_change):
        """Whether more than ``n_iter_no_change`` iterations did not improve.

        Parameters
        ----------
        n_iter_no_change : int or None
            Iterations without improvement that are tolerated; None never stops.

        Returns
        -------
        stop : bool
        """
        return n_iter_no_change is not None and self.count > n_iter_no_change
