"""skgru: GRU networks and whale-optimization search for scikit-learn and sktime."""

from skgru.woa import WhaleOptimizer

__all__ = ["WhaleOptimizer"]
__version__ = "0.1.0"
