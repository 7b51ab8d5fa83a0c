"""sklstm: LSTM forecasting as a scikit-learn estimator."""

from ._backtest import backtest
from ._forecaster import LSTMForecaster
from ._loading import load
from ._windowing import make_windows

__version__ = "0.2.0"

__all__ = ["LSTMForecaster", "__version__", "backtest", "load", "make_windows"]
