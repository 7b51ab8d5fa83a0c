"""Reading the layout of a row back from the names of its columns."""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import StandardScaler

from sklstm import make_windows
from sklstm._layout import RowLayout, check_covariate_name


def _names(window, horizon, covariates):
    names = [f"lag_{k}" for k in range(window, 0, -1)]
    for c in covariates:
        names += [f"{c}_lag_{k}" for k in range(window, 0, -1)]
        names += [f"{c}_step_{k}" for k in range(1, horizon + 1)]
    return names


def _is_valid(name):
    try:
        check_covariate_name(name)
    except ValueError:
        return False
    return True


covariate_names = st.lists(
    st.text(min_size=1, max_size=8).filter(_is_valid), min_size=1, max_size=3, unique=True
)


@settings(max_examples=60, deadline=None)
@given(
    n_times=st.integers(8, 30),
    window=st.integers(1, 5),
    horizon=st.integers(1, 3),
    names=covariate_names,
    data=st.data(),
)
def test_layout_recovers_every_value_in_any_column_order(n_times, window, horizon, names, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    series = pd.Series(rng.normal(size=n_times))
    covariates = pd.DataFrame(rng.normal(size=(n_times, len(names))), columns=names)
    X, _ = make_windows(series, window, horizon, covariates=covariates)
    order = data.draw(st.permutations(range(X.shape[1])))
    prefixes = data.draw(
        st.lists(st.sampled_from(["", "num__", "remainder__", "a__b__"]), min_size=X.shape[1])
    )
    shuffled = X.iloc[:, list(order)]
    shuffled.columns = [p + c for p, c in zip(prefixes, shuffled.columns, strict=False)]

    layout = RowLayout.from_feature_names(shuffled.columns, shuffled.shape[1])

    assert layout.n_lags == window
    assert layout.n_steps == horizon
    assert layout.n_features == X.shape[1]
    assert sorted(layout.covariates) == sorted(names)
    assert not layout.is_univariate
    rows = shuffled.to_numpy()
    length = window + horizon
    for start in range(len(X)):  # row i starts at time step i
        i = start
        assert_array_equal(rows[i, layout.target], series.to_numpy()[start : start + window])
        for c, name in enumerate(layout.covariates):
            values = covariates[name].to_numpy()
            assert_array_equal(rows[i, layout.covariate_lags[c]], values[start : start + window])
            assert_array_equal(
                rows[i, layout.covariate_steps[c]], values[start + window : start + length]
            )
    target, lags, steps = layout.split(rows)
    assert target.shape == (len(X), window)
    assert lags.shape == (len(X), len(names), window)
    assert steps.shape == (len(X), len(names), horizon)


@given(name=st.text(max_size=12))
def test_a_covariate_name_is_refused_or_read_back_exactly(name):
    if not _is_valid(name):
        return
    layout = RowLayout.from_feature_names(_names(3, 2, [name]), 3 + 5)
    assert layout.covariates == (name,)
    assert_array_equal(layout.covariate_lags, [[3, 4, 5]])
    assert_array_equal(layout.covariate_steps, [[6, 7]])


@pytest.mark.parametrize(
    "names",
    [
        None,
        ["col_0", "col_1", "col_2"],
        ["t-3", "t-2", "t-1"],
        [0, 1, 2],
        ["lag_3", "lag_2", "other"],  # not every name is a lag: the names say nothing
        ["lag_3", "lag_2", "lag_1"],
        ["remainder__lag_3", "remainder__lag_2", "remainder__lag_1"],
    ],
)
def test_names_without_covariates_leave_every_column_history_in_order(names):
    layout = RowLayout.from_feature_names(names, 3)
    assert layout.is_univariate
    assert (layout.n_lags, layout.n_steps, layout.covariates) == (3, 0, ())
    assert_array_equal(layout.target, [0, 1, 2])
    assert layout.covariate_lags.shape == (0, 3)
    assert layout.covariate_steps.shape == (0, 0)


def test_target_lags_are_located_by_name_when_reordered():
    layout = RowLayout.from_feature_names(["lag_1", "lag_3", "lag_2"], 3)
    assert layout.is_univariate
    assert_array_equal(layout.target, [1, 2, 0])


def test_make_windows_columns_of_one_series_are_univariate(airline):
    X, _ = make_windows(airline, window=12)
    layout = RowLayout.from_feature_names(X.columns, X.shape[1])
    assert layout == RowLayout.from_feature_names(None, 12)


def test_layout_after_a_column_transformer():
    series = pd.Series(np.arange(20.0))
    covariates = pd.DataFrame({"temp": np.arange(20.0) * 10, "holiday": np.arange(20) % 2})
    X, _ = make_windows(series, window=3, horizon=2, covariates=covariates)
    temp = [c for c in X.columns if c.startswith("temp_")]
    transformer = ColumnTransformer(
        [("num", StandardScaler(), temp)], remainder="passthrough"
    ).set_output(transform="pandas")
    Xt = transformer.fit_transform(X)
    assert Xt.columns[0] == "num__temp_lag_3"
    layout = RowLayout.from_feature_names(Xt.columns, Xt.shape[1])
    assert set(layout.covariates) == {"temp", "holiday"}
    assert_array_equal(Xt.to_numpy()[:, layout.target], X[["lag_3", "lag_2", "lag_1"]])
    holiday = layout.covariates.index("holiday")
    assert_array_equal(
        Xt.to_numpy()[:, layout.covariate_steps[holiday]], X[["holiday_step_1", "holiday_step_2"]]
    )


def test_layout_is_read_only_comparable_and_pickles():
    layout = RowLayout.from_feature_names(_names(2, 1, ["a"]), 5)
    with pytest.raises(ValueError, match="read-only"):
        layout.target[0] = 1
    assert pickle.loads(pickle.dumps(layout)) == layout
    assert layout != RowLayout.from_feature_names(None, 5)


@pytest.mark.parametrize(
    ("names", "match"),
    [
        (
            [*_names(24, 1, []), *_names(12, 1, ["temp"])[12:]],
            "Covariate 'temp' has lags 1..12 but the target has 1..24.*make_windows",
        ),
        (
            ["lag_2", "lag_1", "temp_lag_2", "temp_lag_1"],
            "Covariate 'temp' has future steps none.*temp_step_1",
        ),
        (
            ["lag_1", "temp_lag_1", "temp_step_1", "temp_step_3"],
            "Covariate 'temp' has future steps 1, 3",
        ),
        (
            [*_names(1, 1, ["a"]), "b_lag_1", "b_step_1", "b_step_2"],
            "different numbers of future steps \\('a': 1..1, 'b': 1..2\\)",
        ),
        (
            ["lag_3", "lag_1", "temp_lag_3", "temp_lag_1", "temp_step_1"],
            "target's history has lags 1, 3.*from lag_1 to lag_3, with no gap",
        ),
        (
            ["y_lag_2", "y_lag_1", "y_step_1"],
            "no column of the target's history.*name them lag_<k>, or pass a numpy array",
        ),
        (
            [*_names(1, 1, ["a"]), "price"],
            "neither the target's lags.*'price'.*Drop those columns",
        ),
        (
            ["num__lag_1", "remainder__lag_1", "a_lag_1", "a_step_1"],
            "Several columns hold the same value.*'num__lag_1', 'remainder__lag_1'",
        ),
        (["lag_2", "lag_2"], "Several columns hold the same value"),
        (["lag_3", "lag_1"], "target's history has lags 1, 3"),
    ],
)
def test_inconsistent_names_are_clear_errors(names, match):
    with pytest.raises(ValueError, match=match):
        RowLayout.from_feature_names(names, len(names))


def test_names_must_match_the_number_of_columns():
    with pytest.raises(ValueError, match="Got 2 feature names for 3 columns"):
        RowLayout.from_feature_names(["lag_2", "lag_1"], 3)
