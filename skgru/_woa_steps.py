"""The WOA update rules, each moving the whole population in one step (numpy only).

:class:`skgru.woa.WhaleOptimizer` draws the random numbers and picks the rule of its
``variant``; each function here is the deterministic move given those draws, so
tests can compare it with a literal loop over the whales.
"""

import numpy as np


def _paper_step(X, leader, b, A, C, p, l, k):  # noqa: E741
    """One move of the paper's equations (2.1)-(2.8), whole population at once."""
    random_whales = X[k]
    reference = np.where(np.abs(A) < 1.0, leader, random_whales)
    encircle = reference - A * np.abs(C * reference - X)
    spiral = np.abs(leader - X) * np.exp(b * l) * np.cos(2 * np.pi * l) + leader
    return np.where(p < 0.5, encircle, spiral)


def _matlab_step(X, leader, b, A, C, p, l, k):  # noqa: E741
    """One move of ``WOA.m``, whole population at once.

    ``WOA.m`` moves whale ``i`` dimension by dimension, in place, before whale
    ``i + 1``; in its exploration branch ``X_rand(j)`` is read from whale
    ``k = k[i, j]``, which has already moved when ``k < i``. Those references form
    chains pointing to lower indices only, so the in-place result is the unique
    fixed point of ``new = step(where(k < i, new[k], X[k]))``: starting from the
    synchronous step, each whole-array pass fixes one more link of every chain,
    and the loop stops as soon as a pass changes nothing (chains are short, a
    few passes in the first half of a run and none after it).
    """
    n, d = X.shape
    lead = p < 0.5
    explore = lead & (np.abs(A) >= 1.0)  # (n, 1); never once a < 1
    exploring = bool(explore.any())
    if exploring:
        source = k * d + np.arange(d)  # flat index of X_rand(j) = X[k[i, j], j]
        reference = np.where(explore, X.reshape(-1).take(source), leader)
    else:
        reference = leader
    encircle = reference - A * np.abs(C * reference - X)
    spiral = np.abs(leader - X) * np.exp(b * l) * np.cos(2 * np.pi * l) + leader
    new = np.ascontiguousarray(np.where(lead, encircle, spiral))
    if not exploring:
        return new
    # entries that read a whale already moved in this step (k < i), flat indices
    chained = np.flatnonzero(explore & (k < np.arange(n)[:, None]))
    if chained.size:
        src = source.reshape(-1).take(chained)
        rows = chained // d
        A_, C_ = A.reshape(-1).take(rows), C.reshape(-1).take(rows)
        X_ = X.reshape(-1).take(chained)
        flat = new.reshape(-1)  # a view: writes go to new
        current = flat.take(chained)
        for _ in range(n):
            ref = flat.take(src)
            moved = ref - A_ * np.abs(C_ * ref - X_)
            if not (moved != current).any():
                break
            flat.put(chained, moved)
            current = moved
    return new


def _mixed_step(X, leader, b, A, C, p, l, k, n_middle, anchor):  # noqa: E741
    """One ``"mixed"`` move, whole population at once (synchronous).

    ``WOA.m``'s encircling distance ``|C * ref - X|`` is ``|C * (ref - o) - (X - o)|``
    with the anchor ``o`` at the coordinate origin (the middle of the box). Here the
    first ``n_middle`` whales keep that anchor; whale ``i >= n_middle`` uses
    ``o[j] = X[anchor[i - n_middle, j], j]``, a coordinate of a random whale, so its
    step sizes follow the population's spread and not the leader's distance from
    the middle. Everything else is ``WOA.m``'s step, without the in-place chains.
    """
    n, d = X.shape
    lead = p < 0.5
    explore = None if k is None else lead & (np.abs(A) >= 1.0)
    cols = np.arange(d)
    m = slice(n_middle, None)
    if explore is not None and explore.any():
        reference = np.where(explore, X.reshape(-1).take(k * d + cols), leader)
        reference_m = reference[m]
    else:
        reference = reference_m = leader  # broadcasts over the whales
    # both branches are reference + scale * |C * reference - X|: the spiral is
    # C = 1, reference = leader, scale = exp(b*l) * cos(2*pi*l); encircling is
    # scale = -A. One pass over the (n, d) arrays, in place.
    C = np.where(lead, C, 1.0)
    distance = C * reference
    distance -= X
    if n_middle < n:
        o = X.reshape(-1).take(anchor * d + cols)  # (n - n_middle, d)
        o *= lead[m]  # spiral rows: no anchor, the plain distance to the leader
        distance[m] = C[m] * (reference_m - o) - (X[m] - o)
    np.abs(distance, out=distance)
    distance *= np.where(lead, -A, np.exp(b * l) * np.cos(2 * np.pi * l))
    distance += reference
    return distance
