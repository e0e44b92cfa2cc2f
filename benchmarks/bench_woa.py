"""Benchmark skgru's WOA: the paper's Table 4, off-centre optima, speed vs mealpy.

Four tables, each optimizer with the same budget, ``n_agents * max_iter``
evaluations (30 * 500 = 15000 by default), on the paper's 30-dimensional
functions as the author's ``Get_Functions_details.m`` defines them:

1. Table 4: the mean best value over seeds of :func:`skgru.woa.whale_minimize`
   with each ``variant`` (``"mixed"``, the default; ``"matlab"``, the author's
   ``WOA.m``; ``"paper"``) on F1-F13, next to the paper's Table 4 mean, and, when
   it can be imported, EvoloPy's ``EvoloPy.optimizers.WOA.WOA`` (a line-by-line
   Python port of ``WOA.m``; ``--no-evolopy`` skips it, it is slow).
2. Off-centre optima: the sphere with its optimum at 0 (the middle of the box),
   moved to 25 in every coordinate (bounds [-100, 100], as in issue 11), and
   moved per coordinate by a random offset in [-80, 80]: median, min and max
   of the best value over seeds, per variant.
3. Search budgets: 10 whales x 10 iterations in 2, 3 and 5 dimensions of the unit
   cube with a random off-centre optimum, per variant: the measurement behind
   ``skgru.woa.SEARCH_VARIANT``, the variant of the hyper-parameter searches.
   A second table compares, at the searches' budgets (5 x 4, 6 x 4 and 10 x 10)
   in 2-6 dimensions, the first population drawn at random and as a Latin
   hypercube (``init``), with random search at the same number of evaluations:
   the measurement behind ``skgru.woa.SEARCH_INIT``.
4. Speed: CPU time per run (objective included) of ours with a per-point
   objective and with ``vectorized=True`` (default variant), and of mealpy's
   ``mealpy.swarm_based.WOA.OriginalWOA`` (per-point; it has no vectorized
   mode) with ``pop_size=n_agents`` and ``epoch=max_iter - 1`` (mealpy also
   evaluates the initial population). Runs alternate between the optimizers and
   the table shows the median over ``--speed-seeds`` runs of the process's CPU
   time (``time.process_time``; both are single-threaded), since other load on
   a shared machine inflates wall-clock timings. "objective s" is the time of 15000
   per-point calls of the objective alone, so ``time - objective`` is each
   optimizer's own overhead, and "ceiling per-point" (mealpy s / objective s)
   is the speed-up an optimizer with no overhead at all would reach: the
   objective's own cost bounds a per-point speed-up. Note that mealpy's
   "original" WOA departs from the paper (greedy selection per whale, one
   random number for both ``r1`` and ``r2``, a fresh random point as the random
   whale); its mean best value is shown as well. It is a peer, not the reference.

Run from the repository root::

    python benchmarks/bench_woa.py                  # 10 seeds, 500 iterations
    python benchmarks/bench_woa.py --seeds 2 --max-iter 100 --functions F1 F3
    python benchmarks/bench_woa.py --no-evolopy --speed-seeds 3
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
from skgru.woa import DEFAULT_VARIANT, VARIANTS, whale_minimize

NOISE_SEED_OFFSET = 10_000  # F7's noise generator: seed + offset, fresh per run


def run_ours(name, seed, args, variant, vectorized):
    f = get_function(name, random_state=seed + NOISE_SEED_OFFSET)
    fun = (lambda x: f(x.T)) if vectorized else f
    start = time.process_time()
    res = whale_minimize(
        fun,
        f.bounds,
        n_agents=args.n_agents,
        max_iter=args.max_iter,
        variant=variant,
        random_state=seed,
        vectorized=vectorized,
    )
    elapsed = time.process_time() - start
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
    start = time.process_time()
    best = model.solve(problem, seed=seed)
    elapsed = time.process_time() - start
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
    start = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints every iteration
        sol = WOA(objf, f.lb, f.ub, f.dim, args.n_agents, args.max_iter)
    elapsed = time.process_time() - start
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


def table_row(cells):
    return "| " + " | ".join(cells) + " |"


def print_table(header, rows):
    print(table_row(header))
    print("|" + "---|" * len(header))
    for row in rows:
        print(table_row(row), flush=True)


def table4(args, evolopy_label, evolopy_error):
    seeds = range(args.seeds)
    header = ["function", "Table 4", *[f"ours ({v})" for v in VARIANTS]]
    if not args.no_evolopy:
        header.append(evolopy_label)
    print(
        f"## Table 4: mean best value over {args.seeds} seeds "
        f"({args.n_agents} agents, {args.max_iter} iterations, vectorized)\n"
    )
    print(table_row(header))
    print("|" + "---|" * len(header))
    tally = dict.fromkeys([*VARIANTS, "evolopy"], 0)
    for name in args.functions:
        means = {
            v: np.mean([run_ours(name, s, args, v, True)[0] for s in seeds])
            for v in VARIANTS
        }
        if args.no_evolopy:
            pass
        elif evolopy_error:
            means["evolopy"] = means["matlab"]
        else:
            means["evolopy"] = np.mean([run_evolopy(name, s, args)[0] for s in seeds])
        reach = reach_of_table(name)
        for key, value in means.items():
            tally[key] += bool(value <= reach)
        row = [name, fmt(PAPER_TABLE4[name][0])]
        row += [
            fmt(means[v]) + ("" if means[v] <= reach else " (miss)") for v in VARIANTS
        ]
        if "evolopy" in means:
            row.append(fmt(means["evolopy"]))
        print(table_row(row), flush=True)
    n = len(args.functions)
    print(
        "\nAt or below Table 4 (mean <= max(10 x table mean, table mean + 2 std), "
        "or <= 1e-8 where the table says 0): "
        + ", ".join(f"{v} {tally[v]}/{n}" for v in VARIANTS)
        + (f", {evolopy_label} {tally['evolopy']}/{n}" if not args.no_evolopy else "")
        + ".\n"
    )


def off_centre(args):
    seeds = range(args.seeds)
    dim = 30
    cases = [
        ("optimum at 0 (middle)", np.zeros(dim)),
        ("optimum at 25", np.full(dim, 25.0)),
        (
            "random offsets in [-80, 80]",
            np.random.default_rng(2016).uniform(-80, 80, dim),
        ),
    ]
    print(
        f"## Off-centre optima: 30-D sphere, bounds [-100, 100], {args.n_agents} "
        f"agents, {args.max_iter} iterations, {args.seeds} seeds: median (min - max)"
        " of the best value\n"
    )
    rows = []
    for label, optimum in cases:

        def sphere(x, optimum=optimum):
            return np.sum((x.T - optimum) ** 2, axis=1)

        row = [label]
        for v in VARIANTS:
            ends = [
                whale_minimize(
                    sphere,
                    [(-100, 100)] * dim,
                    n_agents=args.n_agents,
                    max_iter=args.max_iter,
                    variant=v,
                    vectorized=True,
                    random_state=s,
                ).fun
                for s in seeds
            ]
            row.append(f"{fmt(np.median(ends))} ({fmt(min(ends))} - {fmt(max(ends))})")
        rows.append(row)
    print_table(["sphere", *VARIANTS], rows)
    print()


def search_budgets(args):
    """The budgets of the hyper-parameter searches: which variant for them."""
    from skgru.woa import WhaleOptimizer

    def sphere(u, c):
        return np.sum((u - c) ** 2, axis=1)

    def rastrigin(u, c):
        z = 4 * (u - c)
        return np.sum(z**2 - np.cos(2 * np.pi * z) + 1, axis=1)

    def absolute(u, c):
        return np.sum(np.abs(u - c), axis=1)

    runs = 4 * args.seeds
    print(
        "## Search budgets: 10 agents x 10 iterations on the unit cube, optimum c "
        f"uniform in [0.05, 0.95]^dims, {runs} runs: median / 90th percentile of "
        "the best value (what SEARCH_VARIANT is chosen on)\n"
    )
    rows = []
    for label, f in [
        ("sphere", sphere),
        ("rastrigin", rastrigin),
        ("L1 distance", absolute),
    ]:
        for dims in (2, 3, 5):
            row = [label, str(dims)]
            for v in VARIANTS:
                ends = []
                for s in range(runs):
                    c = np.random.default_rng(1000 + s).uniform(0.05, 0.95, dims)
                    opt = WhaleOptimizer(
                        dims, n_agents=10, max_iter=10, variant=v, random_state=s
                    )
                    while not opt.done:
                        opt.tell(f(opt.ask(), c))
                    ends.append(opt.best_value_)
                row.append(f"{np.median(ends):.2e} / {np.quantile(ends, 0.9):.2e}")
            rows.append(row)
    print_table(["function", "dims", *VARIANTS], rows)
    print()
    search_inits(4 * args.seeds * 5, [sphere, rastrigin, absolute])


def search_inits(runs, functions):
    """Random against Latin hypercube first populations at search budgets."""
    from skgru.woa import SEARCH_VARIANT, WhaleOptimizer

    print(
        f"## First population at search budgets (variant {SEARCH_VARIANT!r}), "
        f"{runs} runs: median best value (share of runs better than random search "
        "with the same number of evaluations)\n"
    )
    rows, better = [], 0
    for n_agents, max_iter in [(5, 4), (6, 4), (10, 10)]:
        for f in functions:
            for dims in (2, 3, 4, 6):
                ends = {"random": [], "latinhypercube": [], "random search": []}
                for s in range(runs):
                    c = np.random.default_rng(1000 + s).uniform(0.05, 0.95, dims)
                    for init in ("random", "latinhypercube"):
                        opt = WhaleOptimizer(
                            dims,
                            n_agents=n_agents,
                            max_iter=max_iter,
                            variant=SEARCH_VARIANT,
                            init=init,
                            random_state=s,
                        )
                        while not opt.done:
                            opt.tell(f(opt.ask(), c))
                        ends[init].append(opt.best_value_)
                    draws = np.random.default_rng(5000 + s).uniform(
                        size=(n_agents * max_iter, dims)
                    )
                    ends["random search"].append(f(draws, c).min())
                search = np.asarray(ends["random search"])
                cells = [f"{np.median(search):.2e}"]
                for init in ("random", "latinhypercube"):
                    values = np.asarray(ends[init])
                    cells.append(
                        f"{np.median(values):.2e} ({np.mean(values < search):.2f})"
                    )
                better += np.median(ends["latinhypercube"]) < np.median(ends["random"])
                rows.append([f"{n_agents} x {max_iter}", f.__name__, str(dims), *cells])
    print_table(
        ["budget", "function", "dims", "random search", "init random", "init LHS"],
        rows,
    )
    print(f"\nLatin hypercube median lower in {better} of {len(rows)} rows.\n")


def objective_time(name, args):
    f = get_function(name, random_state=NOISE_SEED_OFFSET)
    x = np.random.default_rng(0).uniform(f.lb, f.ub, (args.n_agents, f.dim))
    start = time.process_time()
    for _ in range(args.max_iter):
        for row in x:
            f(row)
    return time.process_time() - start


def speed(args):
    seeds = range(args.speed_seeds)
    print(
        f"## Speed: median CPU seconds per run over {args.speed_seeds} runs (same "
        f"budget, {args.n_agents * args.max_iter} evaluations, objective included); "
        f"ours = default variant ({DEFAULT_VARIANT!r}); speed-up = mealpy s / ours s\n"
    )
    header = [
        "function",
        "objective s",
        "ours per-point s",
        "ours vectorized s",
        "mealpy s",
        "mealpy mean best",
        "speed-up per-point",
        "speed-up vectorized",
        "ceiling per-point",
        "overhead / eval ours, mealpy",
    ]
    rows = []
    ratios, ceilings = [], []
    for name in args.functions:
        point, vec, meal, meal_best, obj = [], [], [], [], []
        for s in seeds:  # alternate, so that load spikes hit all of them
            obj.append(objective_time(name, args))
            point.append(run_ours(name, s, args, DEFAULT_VARIANT, False)[1])
            vec.append(run_ours(name, s, args, DEFAULT_VARIANT, True)[1])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                best, elapsed = run_mealpy(name, s, args)
            meal.append(elapsed)
            meal_best.append(best)
        t_obj, t_pt, t_vec, t_meal = map(np.median, (obj, point, vec, meal))
        evals = args.n_agents * args.max_iter
        ratios.append((t_meal / t_pt, t_meal / t_vec))
        ceilings.append(t_meal / t_obj)
        rows.append(
            [
                name,
                f"{t_obj:.3f}",
                f"{t_pt:.3f}",
                f"{t_vec:.3f}",
                f"{t_meal:.3f}",
                fmt(np.mean(meal_best)),
                f"{t_meal / t_pt:.1f}x",
                f"{t_meal / t_vec:.1f}x",
                f"{t_meal / t_obj:.1f}x",
                f"{(t_pt - t_obj) / evals * 1e6:.1f} us, "
                f"{(t_meal - t_obj) / evals * 1e6:.1f} us",
            ]
        )
    print_table(header, rows)
    per_point, vectorized = np.array(ratios).T
    print(
        f"\nMedian speed-up over functions: {np.median(per_point):.1f}x per-point, "
        f"{np.median(vectorized):.1f}x vectorized. A per-point run cannot beat "
        "the ceiling (mealpy s / objective s: ours with no overhead at all); "
        f"median ceiling {np.median(ceilings):.1f}x, so ours reaches "
        f"{np.median(per_point / np.array(ceilings)):.0%} of it.\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="runs per function")
    parser.add_argument("--max-iter", type=int, default=500, help="iterations")
    parser.add_argument("--n-agents", type=int, default=30, help="population size")
    parser.add_argument(
        "--functions", nargs="+", default=list(FUNCTIONS), choices=FUNCTIONS
    )
    parser.add_argument(
        "--speed-seeds", type=int, default=3, help="timed runs per function"
    )
    parser.add_argument("--no-mealpy", action="store_true", help="skip the speed table")
    parser.add_argument("--no-evolopy", action="store_true", help="skip EvoloPy")
    parser.add_argument(
        "--only",
        choices=["table4", "off-centre", "search", "speed"],
        nargs="+",
        default=["table4", "off-centre", "search", "speed"],
        help="which tables to print",
    )
    args = parser.parse_args(argv)

    use_mealpy = not args.no_mealpy
    if use_mealpy:
        try:
            import mealpy  # noqa: F401
        except Exception as exc:  # noqa: BLE001
            print(f"mealpy could not be imported ({exc}); no speed table.\n")
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
        f"({args.n_agents * args.max_iter} evaluations per run). Default variant: "
        f"{DEFAULT_VARIANT!r}. Python {platform.python_version()}, "
        f"NumPy {np.__version__}.\n"
    )
    if "table4" in args.only:
        table4(args, evolopy_label, evolopy_error)
    if "off-centre" in args.only:
        off_centre(args)
    if "search" in args.only:
        search_budgets(args)
    if "speed" in args.only and use_mealpy:
        speed(args)


if __name__ == "__main__":
    main()
