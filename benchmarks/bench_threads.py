"""Threads and processes: does GRURegressor oversubscribe the cores?

PyTorch's CPU build runs its intra-op pool on OpenMP, whose threads busy-wait
between the many tiny parallel regions of a GRU step. When more threads than cores
are runnable (two fits at once, or other users' processes), the spinning threads eat
the time slices the working ones need. This script measures, in worker processes
started with the environment each scenario needs (OpenMP reads it once, at
start-up) and kept up between rounds:

A. ``cross_validate(GRURegressor(...), X, y, cv=4, n_jobs=...)`` (what
   ``cross_val_score`` calls; extra scorers record ``torch.get_num_threads()``,
   ``OMP_NUM_THREADS`` and the process id inside the process that ran each fold):
   n_jobs=1 and n_jobs=2 (joblib's loky backend), with torch's defaults, with
   ``OMP_WAIT_POLICY=PASSIVE``, with ``torch.set_num_threads(1)``, or with
   ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` exported by the user.
B. two processes fitting at the same time, with the default thread count, with
   ``OMP_WAIT_POLICY=PASSIVE``, and with ``torch.set_num_threads(1)``; and one
   process alone for reference.

Scenarios are interleaved (the order rotates every round) and the table shows
medians. Run from the repository root::

    python benchmarks/bench_threads.py             # full, about 10 minutes
    python benchmarks/bench_threads.py --quick     # smoke run
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

#: Environments the worker processes start in (OpenMP reads them once, at start-up).
ENVIRONMENTS = {
    "default": {},
    "passive": {"OMP_WAIT_POLICY": "PASSIVE"},
    "exported": {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"},
}
#: name -> (environment, kind, n_jobs, torch.set_num_threads or None, processes)
SCENARIOS = {
    "A1 cv n_jobs=1, torch defaults": ("default", "cv", 1, None, 1),
    "A2 cv n_jobs=1, OMP_WAIT_POLICY=PASSIVE": ("passive", "cv", 1, None, 1),
    "A3 cv n_jobs=1, torch.set_num_threads(1)": ("default", "cv", 1, 1, 1),
    "A4 cv n_jobs=2 (loky), torch defaults": ("default", "cv", 2, None, 1),
    "A5 cv n_jobs=2 (loky), OMP_WAIT_POLICY=PASSIVE": ("passive", "cv", 2, None, 1),
    "A6 cv n_jobs=2 (loky), user exported OMP_NUM_THREADS=MKL_NUM_THREADS=2": (
        "exported",
        "cv",
        2,
        None,
        1,
    ),
    "B1 1 process alone, torch defaults": ("default", "fit", 1, None, 1),
    "B2 1 process alone, torch.set_num_threads(1)": ("default", "fit", 1, 1, 1),
    "B3 2 processes at once, torch defaults": ("default", "fit", 1, None, 2),
    "B4 2 processes at once, OMP_WAIT_POLICY=PASSIVE": ("passive", "fit", 1, None, 2),
    "B5 2 processes at once, torch.set_num_threads(1)": ("default", "fit", 1, 1, 2),
}
BASELINE = {
    "A": "A4 cv n_jobs=2 (loky), torch defaults",
    "B": "B5 2 processes at once, torch.set_num_threads(1)",
}
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY", "OMP_PROC_BIND")


# --- the worker: a long-lived process that runs the scenarios it is sent ----------


def make_data(n_samples, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 32, 4)).astype(np.float32)
    y = X[:, -4:, 0].sum(axis=1) + 0.1 * rng.normal(size=n_samples)
    return X, y


def make_model(epochs):
    from skgru import GRURegressor

    return GRURegressor(
        hidden_size=32,
        batch_size=64,
        max_epochs=epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        device="cpu",
        random_state=0,
    )


def torch_threads_scorer(estimator, X, y):
    import torch

    return torch.get_num_threads()


def omp_num_threads_scorer(estimator, X, y):
    return float(os.environ.get("OMP_NUM_THREADS", "nan"))


def pid_scorer(estimator, X, y):
    return os.getpid()


def serve(sizes):
    """Answer one JSON command per stdin line with one JSON line of timings.

    The process stays up between rounds, so imports and loky's worker start-up
    (tens of seconds on a loaded machine) are paid once, outside the timings.
    """
    import warnings

    warnings.simplefilter("ignore")  # ConvergenceWarning: fixed epochs on purpose
    import torch
    from sklearn.model_selection import cross_validate

    default_threads = torch.get_num_threads()
    X, y = make_data(max(size["n_samples"] for size in sizes.values()))
    make_model(1).fit(X[:200], y[:200])  # warm-up
    print(json.dumps({"ready": default_threads}), flush=True)
    scoring = {
        "r2": "r2",
        "torch_threads": torch_threads_scorer,
        "omp_num_threads": omp_num_threads_scorer,
        "pid": pid_scorer,
    }
    for line in sys.stdin:
        kind, n_jobs, threads = json.loads(line)
        torch.set_num_threads(threads or default_threads)
        n, epochs = sizes[kind]["n_samples"], sizes[kind]["epochs"]
        if kind == "cv":
            # (Re)starts loky's workers if they idled out, outside the timing.
            cross_validate(make_model(1), X[:200], y[:200], cv=4, n_jobs=n_jobs)
            started = time.perf_counter()
            result = cross_validate(
                make_model(epochs), X[:n], y[:n], cv=4, n_jobs=n_jobs, scoring=scoring
            )
            seconds = time.perf_counter() - started
            answer = {
                "torch_threads": sorted({int(v) for v in result["test_torch_threads"]}),
                "OMP_NUM_THREADS": sorted(
                    {f"{v:g}" for v in result["test_omp_num_threads"]}
                ),
                "processes": len(set(result["test_pid"]) - {os.getpid()}),
            }
        else:
            started = time.perf_counter()
            make_model(epochs).fit(X[:n], y[:n])
            seconds = time.perf_counter() - started
            answer = {"torch_threads": [torch.get_num_threads()]}
        torch.set_num_threads(default_threads)
        print(json.dumps({"seconds": seconds, **answer}), flush=True)


# --- the driver ------------------------------------------------------------------


class Pool:
    """Long-lived worker processes, two per environment, started when first used."""

    def __init__(self, sizes):
        self.sizes = sizes
        self.procs = {}

    def get(self, environment, index):
        key = (environment, index)
        if key not in self.procs:
            env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
            env.update(ENVIRONMENTS[environment])
            proc = subprocess.Popen(
                [
                    sys.executable,
                    os.path.abspath(__file__),
                    "--serve",
                    json.dumps(self.sizes),
                ],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            json.loads(proc.stdout.readline())  # "ready"
            self.procs[key] = proc
        return self.procs[key]

    def run(self, name):
        environment, kind, n_jobs, threads, n_procs = SCENARIOS[name]
        procs = [self.get(environment, i) for i in range(n_procs)]
        command = json.dumps([kind, n_jobs, threads]) + "\n"
        for proc in procs:  # all processes start at once
            proc.stdin.write(command)
            proc.stdin.flush()
        results = []
        for proc in procs:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{name}: a worker process died")
            results.append(json.loads(line))
        return {
            # Several processes at once: the time until all are done.
            "seconds": max(r["seconds"] for r in results),
            "torch_threads": sorted({t for r in results for t in r["torch_threads"]}),
            **{
                k: v
                for k, v in results[0].items()
                if k not in ("seconds", "torch_threads")
            },
        }

    def close(self):
        for proc in self.procs.values():
            proc.stdin.close()
        for proc in self.procs.values():
            proc.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument(
        "--only", default="", help="comma-separated scenario prefixes (e.g. A4,B5)"
    )
    args = parser.parse_args(argv)
    if args.serve:
        serve(json.loads(args.serve))
        return

    # Small on purpose: with torch's defaults on a loaded two-core machine the same
    # work runs 10-40x slower, and every scenario runs in every round.
    sizes = {
        "cv": {"n_samples": 600, "epochs": 2},
        "fit": {"n_samples": 600, "epochs": 3},
    }
    repeats = args.repeats
    if args.quick:
        sizes = {
            "cv": {"n_samples": 400, "epochs": 2},
            "fit": {"n_samples": 400, "epochs": 2},
        }
        repeats = 1
    names = [
        n for n in SCENARIOS if not args.only or n.split()[0] in args.only.split(",")
    ]
    times = {name: [] for name in names}
    info = {}
    pool = Pool(sizes)
    try:
        for round_ in range(repeats):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                result = pool.run(name)
                times[name].append(result["seconds"])
                info.setdefault(name, result)
                print(
                    f"  round {round_ + 1}/{repeats} {name}: {result['seconds']:.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        pool.close()

    import joblib
    import torch
    from joblib import cpu_count

    print("## bench_threads\n")
    print(f"`{' '.join(['python', *sys.argv])}`\n")
    print(
        f"- os.cpu_count()={os.cpu_count()}, joblib.cpu_count()={cpu_count()}, "
        f"torch {torch.__version__} (default torch.get_num_threads()="
        f"{torch.get_num_threads()}), joblib {joblib.__version__}; "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )
    print(
        f"- A: cross_validate, cv=4, {sizes['cv']['n_samples']} sequences x 32 x 4, "
        f"GRURegressor(hidden_size=32, batch_size=64, max_epochs="
        f"{sizes['cv']['epochs']}); B: one fit of {sizes['fit']['n_samples']} "
        f"sequences, max_epochs={sizes['fit']['epochs']}, in each process"
    )
    print(
        f"- {repeats} interleaved rounds (order rotated), median wall time of the "
        "timed call; worker processes (and loky's) stay up between rounds, so "
        "start-up is not timed; for B, the time until both processes are done\n"
    )
    print(
        "| scenario | seconds (median) | / baseline | torch threads in the fit "
        "| OMP_NUM_THREADS in the fit | loky workers |"
    )
    print("| --- | ---: | ---: | --- | --- | ---: |")
    for name in names:
        med = statistics.median(times[name])
        base = times.get(BASELINE[name[0]])
        ratio = f"{med / statistics.median(base):.2f}" if base else "-"
        result = info[name]
        print(
            f"| {name} | {med:.2f} | {ratio} | {result['torch_threads']} "
            f"| {result.get('OMP_NUM_THREADS', '-')} "
            f"| {result.get('processes', '-')} |"
        )
    print(f"\nBaselines (/ baseline = 1): {BASELINE['A']} and {BASELINE['B']}.")


if __name__ == "__main__":
    main()
