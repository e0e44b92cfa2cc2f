"""Benchmark skgru's WOA against the paper's Table 4, mealpy and EvoloPy.

For each of the paper's functions F1-F13 (30 dimensions, as the author's
``Get_Functions_details.m`` defines them) and each seed, every optimizer gets the
same budget, ``n_agents * max_iter`` evaluations (30 * 500 = 15000 by default):

- ours (paper), ours (matlab): :func:`skgru.woa.whale_minimize` with each
  ``variant``;
- mealpy: ``mealpy.swarm_based.WOA.OriginalWOA`` with ``pop_size=n_agents`` and
  ``epoch=max_iter - 1`` (mealpy also evaluates the initial population). Note that
  mealpy's "original" WOA departs from the paper: greedy selection keeps each
  whale's better position, one random number serves as both ``r1`` and ``r2``, and
  the random whale is a fresh random point, not a member of the population. It is
  a peer, not the reference;
- EvoloPy: ``EvoloPy.optimizers.WOA.WOA``, a line-by-line Python port of the
  author's ``WOA.m``. If it cannot be imported, that column is our
  ``variant="matlab"`` instead, and the output says so.

The table shows the mean best value over seeds per function, the paper's Table 4
mean, and the mean wall time per run of ours with a per-point objective (the
default variant), ours with ``vectorized=True`` and mealpy (per-point; it has no
vectorized mode). Times are for the whole run, objective included.

Run from the repository root::

    python benchmarks/bench_woa.py                  # 10 seeds, 500 iterations
    python benchmarks/bench_woa.py --seeds 2 --max-iter 100 --functions F1 F3
    python benchmarks/bench_woa.py --no-evolopy     # skip the slow pure-Python port
"""

import argparse
import contextlib
import io
import platform
import random
import time
import warnings

import numpy as np

from skgru._test_functions import FUNCTIONS, PAPER_TABLE4, get_function
from skgru.woa import DEFAULT_VARIANT, whale_minimize

NOISE_SEED_OFFSET = 10_000  # F7's noise generator: seed + offset, fresh per run


def run_ours(name, seed, args, variant, vectorized):
    f = get_function(name, random_state=seed + NOISE_SEED_OFFSET)
    fun = (lambda x: f(x.T)) if vectorized else f
    start = time.perf_counter()
    res = whale_minimize(
        fun,
        f.bounds,
        n_agents=args.n_agents,
        max_iter=args.max_iter,
        variant=variant,
        random_state=seed,
        vectorized=vectorized,
    )
    elapsed = time.perf_counter() - start
    assert res.nfev == args.n_agents * args.max_iter
    return res.fun, elapsed


def run_mealpy(name, seed, args):
    from mealpy import FloatVar
    from mealpy.swarm_based.WOA import OriginalWOA

    f = get_function(name, random_state=seed + NOISE_SEED_OFFSET)
    problem = {
        "obj_func": f,
        "bounds": FloatVar(lb=(f.lb,) * f.dim, ub=(f.ub,) * f.dim),
        "minmax": "min",
        "log_to": None,
    }
    # mealpy evaluates the initial population, then pop_size per epoch
    model = OriginalWOA(epoch=args.max_iter - 1, pop_size=args.n_agents)
    start = time.perf_counter()
    best = model.solve(problem, seed=seed)
    elapsed = time.perf_counter() - start
    return float(best.target.fitness), elapsed


def run_evolopy(name, seed, args):
    from EvoloPy.optimizers.WOA import WOA

    f = get_function(name, random_state=seed + NOISE_SEED_OFFSET)

    def objf(x):
        return f(x)

    objf.__name__ = name
    # EvoloPy draws from the global generators; seeding them is its only interface
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints every iteration
        sol = WOA(objf, f.lb, f.ub, f.dim, args.n_agents, args.max_iter)
    elapsed = time.perf_counter() - start
    return float(sol.best), elapsed


def evolopy_available():
    try:
        from EvoloPy.optimizers.WOA import WOA  # noqa: F401
    except Exception as exc:  # noqa: BLE001 (any import failure)
        return f"{type(exc).__name__}: {exc}"
    return None


def reach_of_table(name):
    """Largest mean that counts as reaching Table 4: an order of magnitude (or two
    standard deviations) above the table's mean, 1e-8 where the table says 0."""
    mean, std = PAPER_TABLE4[name]
    return max(10 * mean, mean + 2 * std) if mean != 0 else 1e-8


def fmt(value):
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return f"{value:.2e}"
    return f"{value:.4g}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="runs per function")
    parser.add_argument("--max-iter", type=int, default=500, help="iterations")
    parser.add_argument("--n-agents", type=int, default=30, help="population size")
    parser.add_argument(
        "--functions", nargs="+", default=list(FUNCTIONS), choices=FUNCTIONS
    )
    parser.add_argument("--no-mealpy", action="store_true", help="skip mealpy")
    parser.add_argument("--no-evolopy", action="store_true", help="skip EvoloPy")
    args = parser.parse_args(argv)
    seeds = range(args.seeds)

    use_mealpy = not args.no_mealpy
    if use_mealpy:
        try:
            import mealpy  # noqa: F401
        except Exception as exc:  # noqa: BLE001
            print(f"mealpy could not be imported ({exc}); its columns are n/a.\n")
            use_mealpy = False
    evolopy_error = None if args.no_evolopy else evolopy_available()
    if args.no_evolopy:
        evolopy_label = "EvoloPy (skipped)"
    elif evolopy_error:
        print(
            f"EvoloPy could not be imported ({evolopy_error}); the EvoloPy column "
            'is ours with variant="matlab" instead.\n'
        )
        evolopy_label = "EvoloPy n/a: ours (matlab)"
    else:
        evolopy_label = "EvoloPy"

    print(
        f"WOA benchmark: {len(args.functions)} functions, 30 dims, "
        f"{args.n_agents} agents, {args.max_iter} iterations "
        f"({args.n_agents * args.max_iter} evaluations per run), "
        f"{args.seeds} seeds; mean best value over seeds, mean seconds per run. "
        f"Default variant: {DEFAULT_VARIANT!r}. Python {platform.python_version()}, "
        f"NumPy {np.__version__}.\n"
    )
    header = [
        "function",
        "Table 4",
        "ours (paper)",
        "ours (matlab)",
        "mealpy",
        evolopy_label,
        "ours per-point s",
        "ours vectorized s",
        "mealpy s",
        "speed-up per-point / vectorized",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))

    tally = {"paper": 0, "matlab": 0, "mealpy": 0, "evolopy": 0}
    beats_mealpy = 0
    for name in args.functions:
        paper = [run_ours(name, s, args, "paper", True) for s in seeds]
        matlab = [run_ours(name, s, args, "matlab", True) for s in seeds]
        default_runs = paper if DEFAULT_VARIANT == "paper" else matlab
        vec_time = np.mean([t for _, t in default_runs])
        point = [run_ours(name, s, args, DEFAULT_VARIANT, False) for s in seeds]
        means = {
            "paper": np.mean([v for v, _ in paper]),
            "matlab": np.mean([v for v, _ in matlab]),
        }
        if use_mealpy:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                meal = [run_mealpy(name, s, args) for s in seeds]
            means["mealpy"] = np.mean([v for v, _ in meal])
            meal_time = np.mean([t for _, t in meal])
        if args.no_evolopy:
            pass
        elif evolopy_error:
            means["evolopy"] = means["matlab"]
        else:
            means["evolopy"] = np.mean([run_evolopy(name, s, args)[0] for s in seeds])
        point_time = np.mean([t for _, t in point])

        table_mean, table_std = PAPER_TABLE4[name]
        reach = reach_of_table(name)
        for key, value in means.items():
            tally[key] += bool(value <= reach)
        if use_mealpy:
            beats_mealpy += bool(means[DEFAULT_VARIANT] <= means["mealpy"])
        row = [
            name,
            fmt(table_mean),
            fmt(means["paper"]),
            fmt(means["matlab"]),
            fmt(means["mealpy"]) if use_mealpy else "n/a",
            fmt(means["evolopy"]) if "evolopy" in means else "n/a",
            f"{point_time:.3f}",
            f"{vec_time:.3f}",
            f"{meal_time:.3f}" if use_mealpy else "n/a",
            f"{meal_time / point_time:.1f}x / {meal_time / vec_time:.1f}x"
            if use_mealpy
            else "n/a",
        ]
        print("| " + " | ".join(row) + " |", flush=True)

    n = len(args.functions)
    print(
        "\nAt or below Table 4 (mean <= max(10 x table mean, table mean + 2 std), "
        f"or <= 1e-8 where the table says 0): ours (paper) {tally['paper']}/{n}, "
        f"ours (matlab) "
        f"{tally['matlab']}/{n}"
        + (f", mealpy {tally['mealpy']}/{n}" if use_mealpy else "")
        + (f", {evolopy_label} {tally['evolopy']}/{n}" if not args.no_evolopy else "")
        + "."
    )
    if use_mealpy:
        print(
            f"Default variant ({DEFAULT_VARIANT}) as good as or better than mealpy "
            f"on {beats_mealpy}/{n} functions. Speed-up = mealpy seconds / ours."
        )


if __name__ == "__main__":
    main()
