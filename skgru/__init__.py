"""skgru: GRU networks and whale-optimization search for scikit-learn and sktime."""

from skgru.regressor import GRURegressor
from skgru.woa import WhaleOptimizer

__all__ = ["GRURegressor", "WhaleOptimizer"]
__version__ = "0.1.0"
