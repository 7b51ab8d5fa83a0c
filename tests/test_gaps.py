"""Histories with gaps: the missing= policy of make_windows and forecast."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from sklstm import LSTMForecaster, make_windows
from sklstm._forecasting import forecast_values
from sklstm.datasets import load_airquality


@st.composite
def gapped_series(draw):
    n = draw(st.integers(4, 40))
    values = np.arange(n, dtype=np.float64) * 1.5 + 1
    gaps = draw(st.lists(st.integers(0, n - 1), max_size=n // 2, unique=True))
    values[gaps] = np.nan
    window = draw(st.integers(1, 4))
    horizon = draw(st.integers(1, 3))
    step = draw(st.integers(1, 3))
    return values, window, horizon, step


def _complete_starts(values, length, step):
    return [
        s
        for s in range(0, len(values) - length + 1, step)
        if not np.isnan(values[s : s + length]).any()
    ]


@settings(max_examples=60, deadline=None)
@given(gapped_series())
def test_rows_are_exactly_the_windows_without_a_gap(case):
    values, window, horizon, step = case
    starts = _complete_starts(values, window + horizon, step)
    if len(values) < window + horizon:
        with pytest.raises(ValueError, match="fewer than window"):
            make_windows(values, window, horizon, step=step)
        return
    if not starts:
        with pytest.raises(ValueError, match="without NaN"):
            make_windows(values, window, horizon, step=step)
        return
    X, y = make_windows(values, window, horizon, step=step)
    y = y.reshape(len(y), -1)
    assert np.isfinite(X).all() and np.isfinite(y).all()
    # No row is shifted: each is the window at its start, in the order of time.
    expected = np.array([values[s : s + window] for s in starts])
    assert_array_equal(X, expected)
    assert_array_equal(y, [values[s + window : s + window + horizon] for s in starts])


@settings(max_examples=60, deadline=None)
@given(gapped_series())
def test_a_series_index_tells_where_each_row_is(case):
    values, window, horizon, step = case
    series = pd.Series(values, index=pd.date_range("2020-01-01", periods=len(values)))
    starts = _complete_starts(values, window + horizon, step)
    if not starts:
        return
    X, _ = make_windows(series, window, horizon, step=step)
    assert list(X.index) == [series.index[s + window] for s in starts]


@settings(max_examples=60, deadline=None)
@given(gapped_series())
def test_raise_refuses_exactly_the_series_with_a_gap(case):
    values, window, horizon, step = case
    present = np.flatnonzero(~np.isnan(values))
    interior = len(present) and np.isnan(values[present[0] : present[-1] + 1]).any()
    starts = _complete_starts(values, window + horizon, step)
    if len(values) < window + horizon:
        return
    if interior:
        with pytest.raises(ValueError, match=r"missing value.*missing='drop'"):
            make_windows(values, window, horizon, step=step, missing="raise")
    elif starts:
        X, _ = make_windows(values, window, horizon, step=step, missing="raise")
        assert len(X) == len(starts)


def test_raise_names_the_gaps():
    series = pd.Series([1.0, 2, np.nan, 4, 5, 6], index=pd.date_range("2021-03-01", periods=6))
    with pytest.raises(ValueError, match=r"1 missing value.*at 2021-03-03"):
        make_windows(series, 2, missing="raise")
    panel = pd.DataFrame({"a": series, "b": series.shift(1)})
    with pytest.raises(ValueError, match="'a' 2021-03-03 00:00:00, 'b' 2021-03-04"):
        make_windows(panel, 2, missing="raise")


def test_missing_time_stamps_are_refused_not_read_as_contiguous():
    days = pd.DatetimeIndex(["2021-01-01", "2021-01-02", "2021-01-04", "2021-01-05", "2021-01-06"])
    series = pd.Series(np.arange(5.0), index=days)
    with pytest.raises(ValueError, match=r"2021-01-02 00:00:00 -> 2021-01-04.*asfreq\('D'\)"):
        make_windows(series, 2)
    # On a regular grid the missing day is a gap: the rows that touch it are left out.
    X, _ = make_windows(series.asfreq("D"), 2)
    assert list(X.index.day) == [6]
    with pytest.raises(ValueError, match="not equally spaced"):
        make_windows(series.to_frame("a"), 2)
    periods = pd.PeriodIndex(["2021-01", "2021-02", "2021-04", "2021-05"], freq="M")
    with pytest.raises(ValueError, match=r"asfreq\('M'\)"):
        make_windows(pd.Series(np.arange(4.0), index=periods), 1)


@pytest.fixture(scope="module")
def model():
    values = np.sin(np.arange(120) / 4) + 2
    X, y = make_windows(values, window=6, horizon=2)
    return LSTMForecaster(
        window=6, n_estimators=1, hidden_size=4, max_epochs=2, intervals=True, random_state=0
    ).fit(X, y)


def _history(n=40):
    index = pd.date_range("2022-01-01", periods=n, freq="D")
    return pd.Series(np.sin(np.arange(n) / 4) + 2, index=index, name="level")


def test_forecast_refuses_a_gap_in_its_window_and_says_where(model):
    history = _history()
    history.iloc[[-2, -5]] = np.nan
    message = r"last 6 values of history contain NaN: 2 missing value\(s\), at 2022-02-05.*02-08"
    with pytest.raises(ValueError, match=message):
        model.forecast(history)
    with pytest.raises(ValueError, match=r"at 35, 38.*missing='fill'"):
        model.forecast(history.to_numpy())
    # A gap before the window is not read: the forecast goes ahead.
    history = _history()
    history.iloc[3] = np.nan
    assert np.isfinite(model.forecast(history)).all()


def test_fill_forecasts_each_missing_value_from_the_values_before_it(model):
    history = _history()
    history.iloc[[-2, -3, -5]] = np.nan
    values = history.to_numpy().copy()
    for position in (35, 37, 38):  # oldest first, each from the filled ones before it
        values[position] = forecast_values(model, values[position - 6 : position][None], 1)[0, 0]
    expected = model.forecast(values)
    got = model.forecast(history, missing="fill")
    assert_allclose(got.to_numpy(), expected, rtol=1e-12)
    assert got.index[0] == history.index[-1] + pd.Timedelta(days=1)


def test_fill_reaches_back_through_earlier_gaps(model):
    history = _history()
    # The window's gap at 35 needs 29..34, which holds a gap at 30.
    history.iloc[[30, 35]] = np.nan
    values = history.to_numpy().copy()
    for position in (30, 35):
        values[position] = forecast_values(model, values[position - 6 : position][None], 1)[0, 0]
    assert_allclose(model.forecast(history, missing="fill"), model.forecast(values), rtol=1e-12)


def test_fill_needs_a_window_before_the_gap(model):
    history = _history(8)
    history.iloc[2] = np.nan
    with pytest.raises(ValueError, match="fewer than window_=6 steps after its start"):
        model.forecast(history, missing="fill")


def test_panel_gap_is_refused_or_filled_and_late_series_still_warn(model):
    panel = pd.DataFrame({"a": _history(), "b": _history() * 2, "late": np.nan})
    panel.iloc[-3, 1] = np.nan
    panel.iloc[-3:, 2] = 1.0
    with pytest.raises(ValueError, match=r"series 'b'.*2022-02-07"):
        model.forecast(panel)
    with pytest.warns(UserWarning, match="late"):
        filled = model.forecast(panel, missing="fill")
    assert filled["late"].isna().all() and np.isfinite(filled[["a", "b"]]).all().all()
    assert_allclose(filled["b"], model.forecast(panel["b"], missing="fill"), rtol=1e-12)


def test_long_data_with_a_missing_row(model):
    history = _history()
    frame = pd.DataFrame({"unique_id": "s", "ds": history.index, "y": history.to_numpy()})
    gapped = frame.drop(index=37)
    with pytest.raises(ValueError, match=r"series 's'.*2022-02-07"):
        model.forecast(gapped)
    filled = model.forecast(gapped, missing="fill")
    expected = model.forecast(history.where(history.index != history.index[37]), missing="fill")
    assert_allclose(filled["forecast"], expected, rtol=1e-12)


def test_missing_option_is_checked(model):
    with pytest.raises(ValueError, match="missing must be 'raise' or 'fill'"):
        model.forecast(_history(), missing="drop")
    with pytest.raises(ValueError, match="missing"):
        make_windows(np.arange(5.0), 2, missing="fill")


def test_real_ozone_with_gaps():
    ozone = load_airquality()["ozone"]
    assert ozone.isna().sum() == 37
    X, y = make_windows(ozone, window=7)
    assert np.isfinite(X.to_numpy()).all() and np.isfinite(y.to_numpy()).all()
    assert_array_equal(X.iloc[0].to_numpy(), ozone.loc[: X.index[0]].iloc[-8:-1].to_numpy())
