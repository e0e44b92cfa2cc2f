"""Plots of fitted skgru objects.

matplotlib is an optional extra: ``pip install ".[plot]"`` from a checkout.
"""

import numpy as np

__all__ = ["plot_convergence"]


def _import_pyplot(caller):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib, which is not installed. Install it with "
            "`pip install matplotlib` (the `plot` extra of skgru)."
        ) from exc
    return plt


def plot_convergence(search, ax=None):
    """Plot the best cross-validated score after each iteration of a whale search.

    Parameters
    ----------
    search : object
        A fitted search with a ``best_score_history_`` attribute, such as
        :class:`~skgru.WhaleSearchCV` or :class:`~skgru.ForecastingWhaleSearchCV`,
        or the result of :func:`~skgru.whale_minimize` (its ``fun_history``, the
        lowest objective value after each iteration, is drawn).
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure is created if None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes with the convergence curve.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If ``search`` has neither ``best_score_history_`` (e.g. it is not
        fitted) nor ``fun_history``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from skgru.plotting import plot_convergence
    >>> from skgru.search import WhaleSearchCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> search = WhaleSearchCV(
    ...     Ridge(), {"alpha": loguniform(1e-4, 1e2)},
    ...     n_agents=4, max_iter=4, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> ax = plot_convergence(search)
    >>> ax.get_xlabel()
    'iteration'
    """
    history = getattr(search, "best_score_history_", None)
    label, title = "best mean test score", f"{type(search).__name__} convergence"
    if history is None and isinstance(search, dict) and "fun_history" in search:
        history = search["fun_history"]
        label, title = "lowest objective value", "whale_minimize convergence"
    if history is None:
        raise ValueError(
            f"plot_convergence needs a fitted search with a best_score_history_ "
            f"attribute (such as a fitted WhaleSearchCV) or a whale_minimize "
            f"result; {type(search).__name__} has neither. Call fit first."
        )
    history = np.asarray(history, dtype=float).reshape(-1)
    plt = _import_pyplot("plot_convergence")
    if ax is None:
        _, ax = plt.subplots()
    iterations = np.arange(1, history.size + 1)
    ax.plot(iterations, history, marker="o", drawstyle="steps-post", label="best")
    ax.set_xlabel("iteration")
    ax.set_ylabel(label)
    ax.set_title(title)
    if history.size:
        ax.set_xlim(0.5, history.size + 0.5)
        ax.set_xticks(iterations[:: max(1, history.size // 10)])  # whole iterations
    return ax
