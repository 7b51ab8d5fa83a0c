import pandas as pd

from sklstm.datasets import load_airline


def test_airline_is_the_classic_series():
    y = load_airline()
    assert len(y) == 144
    assert y.index[0] == pd.Timestamp("1949-01-01")
    assert y.index[-1] == pd.Timestamp("1960-12-01")
    assert y.index.freqstr == "MS"
    assert y.iloc[0] == 112 and y.iloc[-1] == 432
    assert y.sum() == 40363
    assert y.dtype == "float64"


def test_each_call_returns_a_fresh_series():
    y = load_airline()
    y.iloc[0] = -1
    assert load_airline().iloc[0] == 112
