"""
GRURegressor in make_reduction against GRUForecaster
====================================================

Two ways to forecast the airline data set with a GRU: sktime's ``make_reduction``
around a :class:`~skgru.GRURegressor` (a recursive one-step-ahead regressor on the
last 12 values), and the native :class:`~skgru.GRUForecaster` (a global windowed
forecaster with direct multi-horizon output, level and trend handled inside, and
prediction intervals). Both forecast the last 36 months from the same training data.

Set ``SKGRU_EXAMPLE_BUDGET=small`` for a quick run (the test suite does).
"""

import os
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sktime.datasets import load_airline  # noqa: E402
from sktime.forecasting.compose import (  # noqa: E402
    TransformedTargetForecaster,
    make_reduction,
)
from sktime.performance_metrics.forecasting import (  # noqa: E402
    MeanAbsolutePercentageError,
    MeanAbsoluteScaledError,
)
from sktime.split import temporal_train_test_split  # noqa: E402
from sktime.transformations.series.boxcox import LogTransformer  # noqa: E402
from sktime.transformations.series.detrend import Deseasonalizer  # noqa: E402

from skgru import GRUForecaster, GRURegressor  # noqa: E402

SMALL = os.environ.get("SKGRU_EXAMPLE_BUDGET", "full") == "small"
EPOCHS = 5 if SMALL else 100
fh = np.arange(1, 37)

y = load_airline()
y_train, y_test = temporal_train_test_split(y, test_size=36)

# %%
# The two forecasters
# -------------------
# The reduction sees windows of raw values, so it needs the trend and seasonality
# taken out first (log, then deseasonalize); the GRUForecaster works on the series.

reduction = TransformedTargetForecaster(
    [
        ("log", LogTransformer()),
        ("deseasonalize", Deseasonalizer(sp=12)),
        (
            "gru",
            make_reduction(
                GRURegressor(max_epochs=EPOCHS, random_state=0),
                window_length=12,
                strategy="recursive",
            ),
        ),
    ]
)
native = GRUForecaster(max_epochs=EPOCHS, random_state=0)

mase = MeanAbsoluteScaledError(sp=12)
smape = MeanAbsolutePercentageError(symmetric=True)
rows, forecasts = [], {}
for name, forecaster in [
    ("make_reduction(GRURegressor)", reduction),
    ("GRUForecaster", native),
]:
    started = time.perf_counter()
    forecaster.fit(y_train, fh=fh)
    forecasts[name] = forecaster.predict(fh)
    rows.append(
        {
            "forecaster": name,
            "MASE": mase(y_test, forecasts[name], y_train=y_train),
            "sMAPE %": 100 * smape(y_test, forecasts[name]),
            "fit + predict s": time.perf_counter() - started,
        }
    )
    print(f"{name}: done", flush=True)
print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3f"))

# %%
# Only the native forecaster gives prediction intervals.

interval = native.predict_interval(fh, coverage=0.9)
lower, upper = interval.iloc[:, 0], interval.iloc[:, 1]

figure, ax = plt.subplots(figsize=(10, 4.5))
y.plot(ax=ax, color="black", label="airline passengers")
for name, forecast in forecasts.items():
    forecast.plot(ax=ax, label=name)
ax.fill_between(
    lower.index.to_timestamp(), lower, upper, alpha=0.25, label="GRUForecaster, 90%"
)
ax.set_title("make_reduction(GRURegressor) against GRUForecaster, last 36 months")
ax.legend(loc="upper left")
figure.tight_layout()
figure.savefig("reduction_vs_forecaster.png", dpi=100)
print("wrote reduction_vs_forecaster.png")
