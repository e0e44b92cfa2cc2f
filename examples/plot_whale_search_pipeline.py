"""
Tune a GRURegressor pipeline with WhaleSearchCV
===============================================

``WhaleSearchCV`` takes the same arguments as ``RandomizedSearchCV`` but moves a
population of whales through the search space (Mirjalili & Lewis, 2016). Here it
tunes a scikit-learn ``Pipeline`` ending in a :class:`~skgru.GRURegressor` on
sktime's Covid3Month data set: each sample is 84 days of a country's confirmed
COVID-19 cases, and the target is the ratio of deaths to cases over the next
month. A ridge regression on the same scaled inputs is the baseline.

Set ``SKGRU_EXAMPLE_BUDGET=small`` for a quick run (the test suite does).
"""

import os
import time

import numpy as np
import pandas as pd
from scipy.stats import loguniform
from sklearn.linear_model import RidgeCV
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sktime.datasets import load_covid_3month
from sktime.datatypes import convert_to

from skgru import GRURegressor, WhaleSearchCV, plot_convergence

SMALL = os.environ.get("SKGRU_EXAMPLE_BUDGET", "full") == "small"


def as_matrix(panel):
    """sktime's nested panel -> (n_samples, n_timesteps) array, one series per row."""
    return convert_to(panel, "numpy3D")[:, 0, :]


X_train, y_train = load_covid_3month(split="train")
X_test, y_test = load_covid_3month(split="test")
X_train, X_test = as_matrix(X_train), as_matrix(X_test)
print(f"train {X_train.shape}, test {X_test.shape} (samples, days)")

# %%
# The pipeline and the search
# ---------------------------
# Counts span orders of magnitude, so the pipeline takes ``log1p`` before the GRU;
# no scaler is needed, since ``GRURegressor`` standardizes its inputs itself (a
# ``StandardScaler`` would scale each day separately and flatten each sequence's
# shape). The search space mixes a list and scipy distributions,
# exactly as ``RandomizedSearchCV`` would take it.

pipeline = make_pipeline(
    FunctionTransformer(np.log1p),
    GRURegressor(max_epochs=5 if SMALL else 80, random_state=0),
)
search = WhaleSearchCV(
    pipeline,
    {
        "gruregressor__hidden_size": [8, 16, 32],
        "gruregressor__learning_rate": loguniform(1e-3, 3e-2),
        "gruregressor__weight_decay": loguniform(1e-6, 1e-2),
    },
    n_agents=2 if SMALL else 6,
    max_iter=1 if SMALL else 4,
    cv=2 if SMALL else 3,
    scoring="neg_mean_absolute_error",
    n_jobs=1 if SMALL else 2,  # worker start-up outweighs a tiny search
    random_state=0,
    verbose=1,
)
started = time.perf_counter()
search.fit(X_train, y_train)
print(
    f"search: {time.perf_counter() - started:.0f} s, {search.n_evaluations_} "
    f"candidates over {search.n_iter_} iterations"
)

# %%
# ``cv_results_`` has the same keys as ``RandomizedSearchCV``'s.

table = pd.DataFrame(search.cv_results_)[
    ["params", "mean_test_score", "std_test_score", "rank_test_score"]
].sort_values("rank_test_score")
with pd.option_context("display.max_colwidth", 120, "display.width", 160):
    print(table.head(8).to_string(index=False))

# %%
# Held-out comparison
# -------------------

ridge = make_pipeline(
    FunctionTransformer(np.log1p), StandardScaler(), RidgeCV(np.logspace(-3, 3, 13))
).fit(X_train, y_train)
rows = []
for name, model in [("WhaleSearchCV(GRU)", search), ("RidgeCV", ridge)]:
    prediction = model.predict(X_test)
    rows.append(
        {
            "model": name,
            "MAE": mean_absolute_error(y_test, prediction),
            "R2": r2_score(y_test, prediction),
        }
    )
print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".4f"))

# %%
# The best cross-validated score after each WOA iteration.

ax = plot_convergence(search)
ax.figure.tight_layout()  # keeps the axis labels inside the image
ax.figure.savefig("whale_search_pipeline.png", dpi=100)
print("wrote whale_search_pipeline.png")
