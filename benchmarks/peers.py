"""LSTMForecaster against darts and neuralforecast LSTMs on AirPassengers.

Needs the peer libraries, which sklstm never depends on: install them into a
separate environment with the project's constraints (torch stays at the
pinned version)::

    python3 -m venv .bench-peers
    .bench-peers/bin/pip install -c constraints.txt -e . -r benchmarks/requirements-peers.txt
    .bench-peers/bin/python benchmarks/peers.py

``benchmarks/run.sh`` does this. All methods forecast the last 12 months from
the first 132 (the airline split of every benchmark here), with the same 5
seeds, and are timed from fit to forecast after a warm-up of each method. MASE
uses the seasonal naive scale (m=12) of the training months.

Rows:

* ``sklstm, defaults``: ``LSTMForecaster(window=24, horizon=12)`` on
  ``make_windows(train, 24)``, every training setting at its default (the
  protocol of ``accuracy.py``).
* ``... matched``: darts ``RNNModel(model="LSTM")`` and neuralforecast ``LSTM``
  with sklstm's default hidden size, one recurrent layer, window 24, learning
  rate, batch size and training length: darts ``n_epochs = max_epochs``;
  neuralforecast, which counts optimizer steps, ``max_steps`` = the number of
  steps sklstm's ``max_epochs`` take on its training pairs. Scaling is
  each library's usual one: darts' ``Scaler`` (MinMax) fitted on the training
  months, neuralforecast's per-window ``scaler_type`` default.
* longer training: darts with 300 epochs, window 12 and its default hidden
  size; neuralforecast 1 x 100 units with 1000 steps (the settings of an
  earlier comparison of these libraries).

The target is: sklstm at most 1/3 of the faster peer's time, with equal or
better MASE.
"""

import logging
import os
import statistics
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import AIRLINE_WINDOW, airline_split, mase, parser, print_table, timed, write_report

from sklstm import LSTMForecaster, make_windows

HORIZON = 12
WINDOW = AIRLINE_WINDOW  # the window of sklstm's default row, also given to the peers
SIZES = {"full": ([0, 1, 2, 3, 4], 1.0), "quick": ([0], 0.02)}


def _quiet():
    """Silence the peers' progress and info logging (set up when they are imported)."""
    warnings.filterwarnings("ignore")
    import darts  # noqa: F401
    import neuralforecast  # noqa: F401
    import pytorch_lightning  # noqa: F401

    prefixes = ("pytorch_lightning", "lightning", "darts", "neuralforecast")
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(prefixes):
            logging.getLogger(name).setLevel(logging.ERROR)


_TRAINER = {
    "accelerator": "cpu",
    "enable_progress_bar": False,
    "enable_model_summary": False,
    "enable_checkpointing": False,
    "logger": False,
}


def sklstm_forecast(train, seed, scale):
    X, y = make_windows(train, window=WINDOW)
    model = LSTMForecaster(window=WINDOW, horizon=HORIZON, random_state=seed)
    model.set_params(max_epochs=max(1, round(model.max_epochs * scale)))
    return model.fit(X, y).forecast(train, steps=HORIZON)


def darts_forecast(train, seed, n_epochs, hidden_dim=None, lr=None, batch_size=32, window=WINDOW):
    from darts import TimeSeries
    from darts.dataprocessing.transformers import Scaler
    from darts.models import RNNModel

    index = pd.date_range("1949-01-01", periods=len(train), freq="MS")
    series = TimeSeries.from_series(pd.Series(train.astype(np.float32), index=index))
    scaler = Scaler()
    scaled = scaler.fit_transform(series)
    kwargs = {} if hidden_dim is None else {"hidden_dim": hidden_dim}
    if lr is not None:
        kwargs["optimizer_kwargs"] = {"lr": lr}
    model = RNNModel(
        model="LSTM",
        input_chunk_length=window,
        # darts trains on sequences of this length, predicting each next value.
        training_length=max(24, window + HORIZON),
        n_rnn_layers=1,
        n_epochs=n_epochs,
        batch_size=batch_size,
        random_state=seed,
        pl_trainer_kwargs=_TRAINER,
        **kwargs,
    )
    model.fit(scaled, verbose=False)
    forecast = scaler.inverse_transform(model.predict(HORIZON, series=scaled, verbose=False))
    return forecast.values().ravel().astype(np.float64)


def nf_forecast(train, seed, max_steps, hidden_size, lr=1e-3, batch_size=128):
    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM

    df = pd.DataFrame(
        {
            "unique_id": "airline",
            "ds": pd.date_range("1949-01-01", periods=len(train), freq="MS"),
            "y": train,
        }
    )
    model = LSTM(
        h=HORIZON,
        input_size=WINDOW,
        encoder_n_layers=1,
        encoder_hidden_size=hidden_size,
        max_steps=max_steps,
        learning_rate=lr,
        windows_batch_size=batch_size,
        random_seed=seed,
        **_TRAINER,
    )
    nf = NeuralForecast(models=[model], freq="MS")
    nf.fit(df=df)
    return nf.predict()["LSTM"].to_numpy(dtype=np.float64)


def main(argv=None):
    args = parser("peers", __doc__).parse_args(argv)
    _quiet()
    seeds, scale = SIZES["quick" if args.quick else "full"]
    train, test = airline_split()
    d = LSTMForecaster()
    epochs = max(1, round(d.max_epochs * scale))
    # sklstm's training pairs: each row of make_windows(train, WINDOW) and its target.
    steps_per_epoch = -(-(len(train) - WINDOW) // d.batch_size)
    methods = {
        "sklstm, defaults": lambda seed: sklstm_forecast(train, seed, scale),
        "darts RNNModel LSTM, matched": lambda seed: darts_forecast(
            train, seed, epochs, d.hidden_size, d.learning_rate, d.batch_size
        ),
        "neuralforecast LSTM, matched": lambda seed: nf_forecast(
            train, seed, epochs * steps_per_epoch, d.hidden_size, d.learning_rate, d.batch_size
        ),
        "darts RNNModel LSTM, 300 epochs": lambda seed: darts_forecast(
            train, seed, max(1, round(300 * scale)), window=12
        ),
        "neuralforecast LSTM 1x100, 1000 steps": lambda seed: nf_forecast(
            train, seed, max(1, round(1000 * scale)), 100
        ),
    }
    workdir = tempfile.mkdtemp(prefix="sklstm-peers-")
    here = os.getcwd()
    os.chdir(workdir)  # the peers may write logs or checkpoints into the working directory
    try:
        # Warm-up: each library's one-off start-up costs are not charged to a seed.
        sklstm_forecast(train, 0, 0.01)
        darts_forecast(train, 0, 1)
        nf_forecast(train, 0, 1, 8)
        results = {name: [] for name in methods}
        for seed in seeds:
            for name, run in methods.items():
                forecast, seconds, _ = timed(run, seed)
                score = mase(test, forecast, train)
                results[name].append({"seed": seed, "time_s": seconds, "mase": score})
            done = ", ".join(
                f"{k.split(',')[0]} {v[-1]['time_s']:.2f} s" for k, v in results.items()
            )
            print(f"seed {seed}: {done}", flush=True)
    finally:
        os.chdir(here)

    rows = []
    for name, per_seed in results.items():
        times = [r["time_s"] for r in per_seed]
        scores = [r["mase"] for r in per_seed]
        rows.append(
            {
                "method": name,
                "per_seed": per_seed,
                "time_median_s": statistics.median(times),
                "mase_median": statistics.median(scores),
                "mase_worst": max(scores),
            }
        )
    ours = rows[0]
    fastest_peer = min(rows[1:], key=lambda r: r["time_median_s"])
    for row in rows:
        row["time_over_sklstm"] = row["time_median_s"] / ours["time_median_s"]

    import darts
    import neuralforecast
    import pytorch_lightning

    versions = {
        "darts": darts.__version__,
        "neuralforecast": neuralforecast.__version__,
        "pytorch_lightning": pytorch_lightning.__version__,
    }
    print_table(
        f"AirPassengers, 12-month forecast, {len(seeds)} seeds "
        f"(darts {versions['darts']}, neuralforecast {versions['neuralforecast']})",
        ["method", "time (median)", "time / sklstm", "MASE median", "MASE worst", "MASE per seed"],
        [
            {
                "method": r["method"],
                "time (median)": f"{r['time_median_s']:.2f} s",
                "time / sklstm": f"{r['time_over_sklstm']:.1f}x",
                "MASE median": r["mase_median"],
                "MASE worst": r["mase_worst"],
                "MASE per seed": " / ".join(f"{s['mase']:.2f}" for s in r["per_seed"]),
            }
            for r in rows
        ],
    )
    print(
        f"\nfastest peer: {fastest_peer['method']}; sklstm takes "
        f"{1 / fastest_peer['time_over_sklstm']:.2f} of its time (target <= 0.33)"
    )
    write_report(
        "peers",
        args,
        {
            "seeds": seeds,
            "sklstm_estimator": repr(LSTMForecaster(window=WINDOW, horizon=HORIZON)),
            "matched": {
                "hidden_size": d.hidden_size,
                "learning_rate": d.learning_rate,
                "batch_size": d.batch_size,
                "epochs": epochs,
                "neuralforecast_max_steps": epochs * steps_per_epoch,
            },
            "versions": versions,
        },
        {"methods": rows, "fastest_peer": fastest_peer["method"]},
        notes=[
            "time = wall time from fit to forecast, after a warm-up of each library",
            "MASE scale: seasonal naive (m=12) on the 132 training months",
        ],
    )


if __name__ == "__main__":
    main()
