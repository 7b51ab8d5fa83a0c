"""Behaviour of LSTMForecaster: shapes, windowing, recursion, scaling, seeding."""

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import MinMaxScaler

from sklstm import LSTMForecaster, make_windows

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


@pytest.fixture
def rows():
    X, Y = make_windows(np.sin(np.arange(80) / 3) + np.arange(80) / 40, window=10, horizon=3)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


@pytest.mark.parametrize(
    ("y_columns", "horizon", "shape"),
    [
        (None, None, (68,)),
        (1, None, (68, 1)),
        (3, None, (68, 3)),
        (None, 4, (68, 4)),
        (1, 3, (68, 3)),
    ],
)
def test_predict_shape_and_dtype(rows, y_columns, horizon, shape):
    X, Y = rows
    y = Y[:, 0] if y_columns is None else Y[:, :y_columns]
    model = LSTMForecaster(horizon=horizon, **FAST).fit(X.astype(np.float32), y)
    pred = model.predict(X)
    assert pred.shape == shape
    assert pred.dtype == np.float64
    assert model.horizon_ == shape[1] if len(shape) == 2 else model.horizon_ == 1


def test_window_none_reads_whole_row_and_shorter_window_is_kept(rows):
    X, Y = rows
    assert LSTMForecaster(**FAST).fit(X, Y).window_ == 10
    model = LSTMForecaster(window=4, **FAST).fit(X, Y)
    assert model.window_ == 4
    # Only the last `window` values matter.
    X_changed = X.copy()
    X_changed[:, :6] += 100.0
    assert_array_equal(model.predict(X_changed), model.predict(X))


def test_builtin_windowing_uses_every_pair_of_each_row_and_its_targets():
    # One row, window 3: the pairs are (0,1,2)->3 ... (6,7,8)->9, i.e. 7 pairs.
    from sklstm._training import WindowPairs

    sequences = torch.arange(10.0).reshape(1, 10)
    pairs = WindowPairs(sequences, window=3)
    assert len(pairs) == 7
    X, y, _ = pairs.gather(torch.arange(7))
    assert_array_equal(X[:, 0], np.arange(7))
    assert_array_equal(y, np.arange(3, 10))


def test_one_long_row_trains_a_model():
    series = np.sin(np.arange(300) / 4)
    model = LSTMForecaster(window=16, horizon=8, **FAST).fit(series[None, :-8], series[None, -8:])
    assert model.forecast(series, steps=8).shape == (8,)


def test_window_longer_than_rows_is_a_clear_error(rows):
    X, Y = rows
    with pytest.raises(ValueError, match="window=11 is longer than the rows of X"):
        LSTMForecaster(window=11, **FAST).fit(X, Y)


def test_recursion_feeds_predictions_back(rows):
    X, Y = rows
    model = LSTMForecaster(horizon=3, **FAST).fit(X, Y)
    pred = model.predict(X)

    def one_step(rows):
        return np.array([model.forecast(row, steps=1)[0] for row in rows])

    # Step 2 is the one-step prediction from the row shifted by one, with
    # step 1's prediction appended.
    shifted = np.column_stack((X[:, 1:], pred[:, 0]))
    assert_allclose(pred[:, 1], one_step(shifted), rtol=1e-6)
    shifted = np.column_stack((shifted[:, 1:], pred[:, 1]))
    assert_allclose(pred[:, 2], one_step(shifted), rtol=1e-6)


def test_recursive_forecast_of_a_learnable_series_stays_exact(sine):
    # A noiseless sine is an exact linear recursion of its window, which the
    # linear skip starts at (least squares); what the training adds must not
    # spoil it. Over seeds 0-2 the worst error over 36 recursive steps is
    # below 0.005 (0.5% of the amplitude); 0.02 leaves room for rounding
    # elsewhere, and any wrong lag or drift in the recursion exceeds it.
    X, y = make_windows(sine[:200], window=12)
    model = LSTMForecaster(window=12, horizon=36, hidden_size=8, max_epochs=30, random_state=0)
    model.fit(X, y)
    forecast = model.forecast(sine[:200], steps=36)
    assert np.max(np.abs(forecast - sine[200:236])) < 0.02


def test_scaler_is_fitted_on_training_values_only(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)
    # The MinMaxScaler works on the values divided by their largest magnitude.
    magnitude, minmax = model.scaler_[0].scale_, model.scaler_[-1]
    assert magnitude == max(np.abs(X).max(), np.abs(Y).max())
    assert minmax.data_min_[0] * magnitude == pytest.approx(min(X.min(), Y.min()), rel=1e-15)
    assert minmax.data_max_[0] * magnitude == pytest.approx(max(X.max(), Y.max()), rel=1e-15)
    assert minmax.feature_range == (-1, 1)
    model.predict(X * 10)
    model.forecast(np.linspace(-50, 50, 30))
    assert model.scaler_[0].scale_ == magnitude
    assert minmax.data_max_[0] * magnitude == pytest.approx(max(X.max(), Y.max()), rel=1e-15)


def test_user_scaler_is_cloned_not_fitted(rows):
    X, Y = rows
    scaler = MinMaxScaler()
    model = LSTMForecaster(scaler=scaler, **FAST).fit(X, Y)
    assert not hasattr(scaler, "data_min_")
    assert model.scaler_[-1] is not scaler
    assert model.scaler_[-1].feature_range == (0, 1)


@pytest.mark.parametrize("scaler", ["standard", None])
def test_other_scalers(rows, scaler):
    X, Y = rows
    pred = LSTMForecaster(scaler=scaler, **FAST).fit(X, Y).predict(X)
    assert np.isfinite(pred).all()


def test_scaler_producing_nan_is_a_clear_error(rows):
    from sklearn.preprocessing import FunctionTransformer

    X, Y = rows
    log = FunctionTransformer(np.log, np.exp)
    with pytest.raises(ValueError, match="scaler produced NaN"):
        LSTMForecaster(scaler=log, **FAST).fit(X - 10, Y - 10)


def test_random_state_gives_identical_predictions_and_leaves_torch_rng(rows):
    X, Y = rows
    state = torch.random.get_rng_state()
    first = LSTMForecaster(dropout=0.2, **FAST).fit(X, Y).predict(X)
    second = LSTMForecaster(dropout=0.2, **FAST).fit(X, Y).predict(X)
    assert_array_equal(first, second)
    assert torch.equal(state, torch.random.get_rng_state())
    other = LSTMForecaster(**{**FAST, "random_state": 1}).fit(X, Y).predict(X)
    assert not np.allclose(first, other)


def test_fit_resets_weights_unless_warm_start(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)
    first = model.predict(X)
    assert_array_equal(model.fit(X, Y).predict(X), first)

    model.set_params(warm_start=True)
    first_loss = model.loss_curve_[0]
    model.fit(X, Y)
    # A reset fit repeats its first epoch's loss exactly (above); a warm start
    # begins from the trained weights, so its first epoch differs. (Its loss
    # need not be lower: the ridge start makes a fresh first epoch good already.)
    assert model.loss_curve_[0] != first_loss
    assert not np.allclose(model.predict(X), first)


def test_warm_start_keeps_scaler_and_rejects_changed_architecture(rows):
    X, Y = rows
    model = LSTMForecaster(warm_start=True, **FAST).fit(X, Y)
    data_max = model.scaler_[-1].data_max_.copy()
    model.fit(X * 2, Y * 2)
    assert_array_equal(model.scaler_[-1].data_max_, data_max)
    model.set_params(hidden_size=4)
    with pytest.raises(ValueError, match="hidden_size changed"):
        model.fit(X, Y)


def test_partial_fit_continues_and_keeps_scaler(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).partial_fit(X[:40], Y[:40])
    data_max = model.scaler_[-1].data_max_.copy()
    weights = [p.detach().clone() for p in model.module_.parameters()]
    model.partial_fit(X[40:], Y[40:])
    assert_array_equal(model.scaler_[-1].data_max_, data_max)
    after = model.module_.parameters()
    assert any(not torch.equal(a, b) for a, b in zip(weights, after, strict=True))
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, 1:], Y)
    with pytest.raises(ValueError, match="column"):
        model.partial_fit(X, Y[:, :2])


def test_early_stopping_validates_on_the_last_rows(rows, record_batches):
    X, Y = rows
    # No scaler: the network sees the values themselves, so pairs compare exactly.
    # No fallback: its held-out run would be a second training to record.
    model = LSTMForecaster(
        early_stopping=True, validation_fraction=0.2, scaler=None, fallback=False, **FAST
    ).set_params(max_epochs=30, n_iter_no_change=2, n_estimators=1)
    with record_batches() as passes:
        model.fit(X, Y)
    assert len(model.validation_scores_) == model.n_iter_ == len(model.loss_curve_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.n_iter_ < 30

    # The last ceil(0.2 * 68) = 14 rows validate, the first 54 train: each
    # validation pass reads exactly the pairs of the last rows, in order, and
    # no training epoch sees any of them.
    sequences = np.column_stack((X, Y)).astype(np.float32)
    windows = np.lib.stride_tricks.sliding_window_view(sequences, 11, axis=1)
    valid_pairs, train_pairs = windows[54:].reshape(-1, 11), windows[:54].reshape(-1, 11)
    validations = [batches for shuffled, batches in passes if not shuffled]
    epochs = [batches for shuffled, batches in passes if shuffled]
    assert len(validations) == len(epochs) == model.n_iter_
    for batches in validations:
        seen = np.concatenate([np.column_stack((w.numpy(), t.numpy())) for w, t in batches])
        assert_array_equal(seen, valid_pairs)
    for batches in epochs:
        seen = np.concatenate([np.column_stack((w.numpy(), t.numpy())) for w, t in batches])
        by_rows = lambda pairs: pairs[np.lexsort(pairs.T[::-1])]  # noqa: E731
        assert_array_equal(by_rows(seen), by_rows(train_pairs))

    # And the score is theirs: the restored (best) weights' one-step R² on the
    # last rows' pairs is best_validation_score_.
    with torch.no_grad():
        pred = model.module_.members[0](torch.as_tensor(valid_pairs[:, :-1])).double().numpy()
    targets = valid_pairs[:, -1].astype(np.float64)
    r2 = 1 - np.mean((pred - targets) ** 2) / np.var(targets)
    assert r2 == pytest.approx(model.best_validation_score_, abs=1e-5)


def test_too_few_rows_for_validation_is_a_clear_error(rows):
    X, Y = rows
    with pytest.raises(ValueError, match="only 1 sample"):
        LSTMForecaster(early_stopping=True, **FAST).fit(X[:1], Y[:1])


def test_without_early_stopping_there_are_no_validation_scores(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)
    assert model.validation_scores_ is None and model.best_validation_score_ is None
    assert len(model.loss_curve_) == model.n_iter_ == 3


@pytest.mark.parametrize(
    ("X", "y", "error", "match"),
    [
        ([[1.0, np.nan]], [1.0], ValueError, "NaN"),
        ([[1.0, 2.0]], [np.inf], ValueError, "infinity"),
        ([["a", "b"]], [1.0], ValueError, "could not convert"),
        ([[1.0, 2.0], [2.0, 3.0]], [1.0], ValueError, "inconsistent numbers of samples"),
        (np.empty((0, 3)), np.empty(0), ValueError, "0 sample"),
    ],
)
def test_bad_input_is_a_clear_error(X, y, error, match):
    with pytest.raises(error, match=match):
        LSTMForecaster(**FAST).fit(X, y)


def test_predict_needs_the_fitted_number_of_steps(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)
    with pytest.raises(ValueError, match="X has 9 features, but LSTMForecaster is expecting 10"):
        model.predict(X[:, 1:])


def test_cuda_without_gpu_is_a_clear_error(rows):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    X, Y = rows
    with pytest.raises(ValueError, match="torch sees no CUDA GPU"):
        LSTMForecaster(device="cuda", **FAST).fit(X, Y)
    assert LSTMForecaster(device="auto", **FAST).fit(X, Y).module_.members[0].head.weight.is_cpu


def test_diverging_loss_stops_with_a_clear_error(rows):
    X, Y = rows
    model = LSTMForecaster(optimizer="sgd", learning_rate=1e12, scaler=None, **FAST)
    with pytest.raises(ValueError, match=r"became (nan|inf) at epoch \d.*smaller learning_rate"):
        model.fit(X * 1e6, Y * 1e6)


def test_forecast_follows_the_history_index(airline):
    X, y = make_windows(airline[:-12], window=12)
    model = LSTMForecaster(window=12, horizon=12, **FAST).fit(X, y)
    forecast = model.forecast(airline[:-12])
    assert isinstance(forecast, pd.Series)
    assert_array_equal(forecast.index, pd.date_range("1960-01-01", periods=12, freq="MS"))
    assert forecast.name == "passengers"
    assert_allclose(forecast.to_numpy(), model.forecast(airline[:-12].to_numpy()))
    assert len(model.forecast(airline, steps=30)) == 30
    ranged = model.forecast(pd.Series(airline.to_numpy()[:50]), steps=3)
    assert list(ranged.index) == [50, 51, 52]
    # The forecast equals predict on the last rows.
    assert_allclose(model.predict(X.iloc[-1:])[0], model.forecast(airline[:-13]))


def test_forecast_errors(airline):
    X, y = make_windows(airline[:-12], window=12)
    model = LSTMForecaster(window=12, horizon=12, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="history has 5 values"):
        model.forecast(airline[:5])
    with pytest.raises(ValueError, match="NaN"):
        model.forecast(np.r_[airline.to_numpy(), np.nan])
    irregular = airline.drop(airline.index[[100, 130]])
    with pytest.raises(ValueError, match="no regular frequency"):
        model.forecast(irregular)
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        model.forecast(airline, steps=0)


def test_verbose_progress(rows, capsys):
    X, Y = rows
    LSTMForecaster(**FAST).fit(X, Y)
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""
    LSTMForecaster(verbose=1, early_stopping=True, **FAST).fit(X, Y)
    err = capsys.readouterr().err
    assert "3/3" in err and "train_loss" in err and "valid_loss" in err


def test_inputs_are_not_modified(rows):
    X, Y = rows
    X_before, Y_before = X.copy(), Y.copy()
    model = LSTMForecaster(**FAST).fit(X, Y)
    model.predict(X)
    model.partial_fit(X, Y)
    assert_array_equal(X, X_before)
    assert_array_equal(Y, Y_before)
