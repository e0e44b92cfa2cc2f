"""scikit-learn's own estimator checks over every sklearn estimator skgru exports."""

from sklearn.linear_model import Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgru import GRURegressor, WhaleSearchCV

# Stochastic float32 training cannot match a fit on repeated rows to a relative 1e-7;
# tests/test_regressor.py shows instead that full-batch weighted and repeated-row
# fits agree closely and that zero weights remove samples.
WEIGHT_EQUIVALENCE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "stochastic float32 training; see test_regressor.py for the real check"
    )
}

ESTIMATORS = [
    GRURegressor(random_state=0),
    WhaleSearchCV(Ridge(), {"alpha": [0.01, 1.0, 100.0]}, n_agents=3, max_iter=2),
    WhaleSearchCV(
        GRURegressor(hidden_size=16, max_epochs=40, random_state=0),
        {"learning_rate": [0.02, 0.03]},
        n_agents=2,
        max_iter=1,
        cv=2,
        random_state=0,
    ),
]


def _expected_failed_checks(estimator):
    inner = getattr(estimator, "estimator", estimator)
    if isinstance(inner, GRURegressor):
        return WEIGHT_EQUIVALENCE
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
