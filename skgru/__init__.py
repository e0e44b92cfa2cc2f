"""skgru: GRU networks and whale-optimization search for scikit-learn and sktime."""

from skgru._averaging import MeanForecaster
from skgru.forecaster import GRUForecaster
from skgru.forecasting_search import ForecastingWhaleSearchCV
from skgru.plotting import plot_convergence
from skgru.regressor import GRURegressor
from skgru.search import WhaleSearchCV
from skgru.space import ParamSpace
from skgru.woa import WhaleOptimizer, whale_minimize

__all__ = [
    "ForecastingWhaleSearchCV",
    "GRUForecaster",
    "GRURegressor",
    "MeanForecaster",
    "ParamSpace",
    "WhaleOptimizer",
    "WhaleSearchCV",
    "plot_convergence",
    "whale_minimize",
]
__version__ = "0.2.0.dev0"
