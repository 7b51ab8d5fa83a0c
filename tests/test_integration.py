"""LSTMForecaster inside scikit-learn's tools, written the way a user writes them.

Pipeline, GridSearchCV / RandomizedSearchCV, cross_validate with TimeSeriesSplit
(and why ``gap = horizon - 1``), and continuing training on newly arrived rows.
"""

import re

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    TimeSeriesSplit,
    cross_validate,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler
from sklearn.utils import estimator_html_repr

from sklstm import LSTMForecaster, make_windows

FAST = {"hidden_size": 4, "max_epochs": 2, "random_state": 0}
HORIZON = 12
SCORING = {
    "mae": "neg_mean_absolute_error",
    "rmse": "neg_root_mean_squared_error",
    "r2": "r2",
}
METRICS = {"mae": mean_absolute_error, "rmse": root_mean_squared_error, "r2": r2_score}
SIGNS = {"mae": -1.0, "rmse": -1.0, "r2": 1.0}


def log_minmax():
    """A scaler given as a Pipeline: log transform, then MinMax to (-1, 1)."""
    return make_pipeline(FunctionTransformer(np.log, inverse_func=np.exp), MinMaxScaler((-1, 1)))


@pytest.fixture
def rows(airline, request):
    """Forecast origins cut from the airline series: 1-step or 12-step targets."""
    horizon = getattr(request, "param", HORIZON)
    return make_windows(airline, window=24, horizon=horizon)


def recent_lags():
    """A column-selecting first step: the 12 most recent lags, oldest first."""
    selector = make_column_selector(pattern=r"^lag_(?:[1-9]|1[0-2])$")
    return ColumnTransformer([("recent", "passthrough", selector)]).set_output(transform="pandas")


# --- Pipeline ---------------------------------------------------------------


def test_pipeline_final_step_fits_predicts_and_forecasts(airline, rows):
    X, Y = rows
    pipe = Pipeline([("select", recent_lags()), ("model", LSTMForecaster(**FAST))])
    pipe.fit(X, Y)

    names = [f"recent__lag_{k}" for k in range(12, 0, -1)]
    assert list(pipe["model"].feature_names_in_) == names
    assert pipe["model"].window_ == 12
    # The pipeline is exactly the model fitted on the selected columns.
    direct = LSTMForecaster(**FAST).fit(X.iloc[:, -12:].to_numpy(), Y)
    assert_array_equal(pipe.predict(X), direct.predict(X.iloc[:, -12:].to_numpy()))
    forecast = pipe["model"].forecast(airline, steps=3)
    assert list(forecast.index.strftime("%Y-%m")) == ["1961-01", "1961-02", "1961-03"]


def test_pipeline_params_set_get_clone():
    pipe = Pipeline([("select", recent_lags()), ("model", LSTMForecaster(**FAST))])
    params = pipe.get_params(deep=True)
    assert params["model__hidden_size"] == 4
    assert params["model__window"] is None
    assert params["model"] is pipe["model"]
    assert set(LSTMForecaster().get_params()) <= {key.removeprefix("model__") for key in params}

    pipe.set_params(model__window=6, model__cell="gru")
    assert (pipe["model"].window, pipe["model"].cell) == (6, "gru")

    copy = clone(pipe)
    assert copy["model"] is not pipe["model"]
    assert copy.get_params()["model__window"] == 6
    assert copy.get_params()["model__cell"] == "gru"


def test_html_and_text_repr_show_the_estimator_and_its_fitted_state(rows):
    X, Y = rows
    pipe = Pipeline([("select", recent_lags()), ("model", LSTMForecaster(**FAST))])
    assert "LSTMForecaster(hidden_size=4, max_epochs=2, random_state=0)" in repr(pipe)
    before = estimator_html_repr(pipe)
    assert "LSTMForecaster" in before
    assert "Not fitted" in before
    if "parameters-table" in before:  # scikit-learn >= 1.7 lists the parameters
        assert re.search(r'hidden_size</td>\s*<td class="value">4</td>', before)
    after = estimator_html_repr(pipe.fit(X, Y))
    assert "LSTMForecaster" in after
    assert "Not fitted" not in after


# --- GridSearchCV / RandomizedSearchCV --------------------------------------

SEARCHES = {
    # Every tuned parameter varies at least once, with four candidates only.
    "grid": lambda estimator, cv: GridSearchCV(
        estimator,
        [
            {"window": [12, 24]},
            {
                "hidden_size": [6],
                "learning_rate": [0.02],
                "cell": ["gru"],
                "scaler": ["standard", log_minmax()],
            },
        ],
        cv=cv,
        scoring=SCORING,
        refit="mae",
    ),
    "random": lambda estimator, cv: RandomizedSearchCV(
        estimator,
        {
            "window": [6, 12, 24],
            "hidden_size": [4, 6, 8],
            "learning_rate": loguniform(1e-3, 3e-2),
            "cell": ["lstm", "gru"],
            "scaler": ["minmax", "standard", log_minmax()],
        },
        n_iter=4,
        random_state=0,
        cv=cv,
        scoring=SCORING,
        refit="mae",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("rows", [1, HORIZON], indirect=True, ids=["1-step", "12-step"])
@pytest.mark.parametrize("kind", list(SEARCHES))
def test_search_over_time_splits(airline, rows, kind):
    X, Y = rows
    horizon = 1 if Y.ndim == 1 else Y.shape[1]
    cv = TimeSeriesSplit(n_splits=2, gap=horizon - 1)
    search = SEARCHES[kind](LSTMForecaster(**FAST), cv).fit(X, Y)

    results = search.cv_results_
    assert len(results["params"]) == 4
    for name in SCORING:
        assert np.isfinite(results[f"mean_test_{name}"]).all()
    assert search.best_index_ == np.argmax(results["mean_test_mae"])

    # Each score is the metric of a model fitted on that split's training rows
    # and asked for true multi-step predictions from its test origins.
    candidate = int(np.argmin(results["rank_test_mae"]))
    train, test = list(cv.split(X))[-1]
    model = clone(search.estimator).set_params(**results["params"][candidate])
    pred = model.fit(X.iloc[train], Y.iloc[train]).predict(X.iloc[test])
    assert pred.shape == Y.iloc[test].shape
    for name, metric in METRICS.items():
        assert_allclose(
            results[f"split1_test_{name}"][candidate],
            SIGNS[name] * metric(Y.iloc[test], pred),
            rtol=1e-12,
        )

    # refit: the best model, trained on all rows, forecasts the series.
    best = search.best_estimator_
    assert repr(best) == repr(model)
    forecast = best.forecast(airline, steps=HORIZON)
    assert isinstance(forecast, pd.Series)
    assert forecast.index[0] == pd.Timestamp("1961-01-01")
    assert np.isfinite(forecast).all()
    assert_array_equal(search.predict(X), best.predict(X))


def test_pipeline_parameters_are_tunable(rows):
    X, Y = rows
    pipe = Pipeline([("select", recent_lags()), ("model", LSTMForecaster(**FAST))])
    search = GridSearchCV(
        pipe,
        {"model__window": [6, 12], "model__hidden_size": [4, 6]},
        cv=TimeSeriesSplit(n_splits=2, gap=HORIZON - 1),
        scoring="neg_mean_absolute_error",
    ).fit(X, Y)
    windows = [params["model__window"] for params in search.cv_results_["params"]]
    assert sorted(windows) == [6, 6, 12, 12]
    assert search.best_estimator_["model"].window_ == search.best_params_["model__window"]


# --- cross_validate and the gap ---------------------------------------------


def covered_times(series, index, rows, offset, length):
    """Time stamps of the values that the given rows read (inputs) or predict (targets)."""
    positions = series.index.get_indexer(index[rows])
    return {series.index[p + offset + k] for p in positions for k in range(length)}


@pytest.mark.parametrize("gap", range(HORIZON))
def test_gap_of_horizon_minus_one_is_what_removes_the_target_overlap(airline, gap):
    # A row of make_windows is indexed by the time of its first target: its
    # targets are that time and the next 11 months, its inputs the 24 before.
    X, Y = make_windows(airline, window=24, horizon=HORIZON)
    for train, test in TimeSeriesSplit(n_splits=4, gap=gap).split(X):
        train_targets = covered_times(airline, Y.index, train, 0, HORIZON)
        test_targets = covered_times(airline, Y.index, test, 0, HORIZON)
        leaked = train_targets & test_targets
        # The model would be trained on values it is then scored on.
        assert len(leaked) == HORIZON - 1 - gap
        if gap < HORIZON - 1:
            last_train, first_test = train[-1], test[0]
            assert_array_equal(
                Y.iloc[last_train].to_numpy()[gap + 1 :],
                Y.iloc[first_test].to_numpy()[: HORIZON - 1 - gap],
            )
        else:
            # Every training value precedes the first value any test row predicts.
            assert max(train_targets) < min(test_targets)
            train_inputs = covered_times(airline, X.index, train, -24, 24)
            assert max(train_inputs) < min(test_targets)


def test_cross_validate_scores_true_multistep_forecasts_from_each_origin(airline):
    X, Y = make_windows(airline, window=24, horizon=HORIZON)
    cv = TimeSeriesSplit(n_splits=3, gap=HORIZON - 1)
    scores = cross_validate(
        LSTMForecaster(**FAST),
        X,
        Y,
        cv=cv,
        scoring=SCORING,
        return_estimator=True,
        return_indices=True,
    )
    assert np.isfinite(scores["test_mae"]).all()
    fold = 2
    model, test = scores["estimator"][fold], scores["indices"]["test"][fold]
    # Row by row: what the model forecasts from the series up to each origin.
    forecasts = np.array(
        [model.forecast(airline[airline.index < origin]) for origin in X.index[test]]
    )
    assert_allclose(forecasts, model.predict(X.iloc[test]), rtol=1e-12)
    assert_allclose(
        scores["test_mae"][fold], -mean_absolute_error(Y.iloc[test], forecasts), rtol=1e-12
    )
    # The models were fitted on their fold's training rows only.
    train = scores["indices"]["train"][fold]
    refit = LSTMForecaster(**FAST).fit(X.iloc[train], Y.iloc[train])
    assert_array_equal(refit.predict(X.iloc[test]), model.predict(X.iloc[test]))


# --- continuing training on new data ----------------------------------------


def test_partial_fit_on_newly_arrived_rows_then_forecast(airline):
    known = airline[:-12]
    model = LSTMForecaster(window=12, **FAST).fit(*make_windows(known, window=12))
    data_max = model.scaler_[-1].data_max_.copy()
    weights = [p.detach().clone() for p in model.module_.parameters()]

    # A year of new values arrives: the new rows are those whose target is new.
    X_all, y_all = make_windows(airline, window=12)
    new = y_all.index > known.index[-1]
    assert new.sum() == 12
    model.partial_fit(X_all[new], y_all[new])

    assert_array_equal(model.scaler_[-1].data_max_, data_max)
    assert model.n_iter_ == FAST["max_epochs"]
    changed = [
        not torch.equal(a, b) for a, b in zip(weights, model.module_.parameters(), strict=True)
    ]
    assert all(changed)
    forecast = model.forecast(airline, steps=HORIZON)
    assert forecast.index[0] == pd.Timestamp("1961-01-01")
    assert np.isfinite(forecast).all()
