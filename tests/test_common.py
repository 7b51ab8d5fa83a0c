"""scikit-learn's estimator checks, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm import LSTMForecaster


@parametrize_with_checks([LSTMForecaster()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
