"""Point skgru's warnings at the user's line, not at skgru's or sktime's code."""

import concurrent.futures
import importlib.util
import multiprocessing
import os
import sys
import threading

#: Packages a user's call runs through before it reaches a warning: skgru itself
#: and the frameworks that call it (sktime's ``fit`` calls ``_fit``, sklearn's and
#: sktime's searches call ``fit``).
_THROUGH = ("skgru", "sktime", "skbase", "sklearn", "joblib")


def _package_dirs(names=_THROUGH):
    dirs = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            dirs.extend(
                os.path.join(os.path.realpath(path), "")
                for path in spec.submodule_search_locations
            )
    return tuple(dirs)


_DIRS = _package_dirs()

#: Where a worker's stack begins (joblib's loky, multiprocessing and threading
#: backends, Python's pools, dask's and Ray's workers): a frame there means no
#: line of the user's code called this one. Found without importing dask or ray.
_WORKER_FILES = (
    tuple(
        os.path.join(os.path.realpath(os.path.dirname(module.__file__)), "")
        for module in (multiprocessing, concurrent.futures)
    )
    + (os.path.realpath(threading.__file__),)
    + _package_dirs(("dask", "distributed", "ray"))
)


def user_stacklevel():
    """``stacklevel`` for a ``warnings.warn`` in the calling function.

    Counts the frames from that function out to the first one outside skgru,
    sktime, scikit-learn and joblib (as pandas' ``find_stack_level`` does), so the
    warning names the user's line whatever the depth of the call, e.g.
    ``forecaster.fit(...)`` in a script, or ``search.fit(...)`` for a candidate
    fitted inside a search.

    In a worker of a parallel search (``n_jobs``) no user's line is on the
    stack: the first frame outside is the worker machinery of
    ``multiprocessing``, ``concurrent.futures``, ``threading``, dask or Ray,
    and the warning names the calling function's own line (1), as
    scikit-learn's estimators' warnings do there.

    Returns
    -------
    int
        At least 1 (the calling function itself, when it has no caller outside).
    """
    frame = sys._getframe(1)  # the function that calls warnings.warn
    level = 1
    while frame.f_back is not None and os.path.realpath(
        frame.f_code.co_filename
    ).startswith(_DIRS):
        frame = frame.f_back
        level += 1
    if os.path.realpath(frame.f_code.co_filename).startswith(_WORKER_FILES):
        return 1
    return level
