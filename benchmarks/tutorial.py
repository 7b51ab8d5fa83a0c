"""The classic PyTorch LSTM tutorial loop against LSTMForecaster on AirPassengers.

The tutorial ("Time Series Prediction using LSTM with PyTorch in Python",
stackabuse.com) is reproduced as written: ``MinMaxScaler(-1, 1)`` fitted on the
132 training months, every window of 12 months and the next value as a
training pair, ``nn.LSTM(1, 100)`` and a linear head, Adam with learning rate
1e-3, one window per optimisation step with the hidden state reset before
each, 300 epochs, then a recursive 12-month forecast. One quirk is kept: its
forecast loop resets ``model.hidden`` where the model reads
``model.hidden_cell``, so each forecast step starts from the hidden state that
the previous call left behind.

Against it:

* ``sklstm, hidden 100``: ``LSTMForecaster(window=12, hidden_size=100)`` on the
  tutorial's 120 training pairs (``make_windows(train, 12)``): the tutorial's
  network size, with sklstm's own training settings;
* ``sklstm, defaults``: the default ``LSTMForecaster(window=24, horizon=12)``
  on ``make_windows(train, 24)``, as benchmarked for forecast accuracy in
  ``accuracy.py``.

Every method runs with the same 5 seeds. Each row reports, per seed, the wall
time of fit + 12-month forecast and the MASE of the forecast (seasonal naive
scale, m=12, of the training months), then the median and the worst seed. The
sklstm rows also report ``n_iter_`` (epochs run before the training-loss stop)
and the spread of the single timings across seeds (max / min); ``seeds.py``
measures the seed-independence of the cost with repeated runs per seed.

Run alone on the machine for numbers worth publishing::

    python benchmarks/tutorial.py            # full size: about 2-3 minutes on 2 cores
    python benchmarks/tutorial.py --quick    # smoke size: a few epochs, 2 seeds
"""

import statistics
import sys
from pathlib import Path

import numpy as np
import torch
from sklearn.preprocessing import MinMaxScaler
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import AIRLINE_WINDOW, airline_split, mase, parser, print_table, timed, write_report

from sklstm import LSTMForecaster, make_windows
from sklstm.metrics import seasonal_naive

TRAIN_WINDOW = 12
HORIZON = 12
SIZES = {
    #        seeds, tutorial epochs, sklstm max_epochs (None: the estimator's default)
    "full": ([0, 1, 2, 3, 4], 300, None),
    "quick": ([0, 1], 2, 3),
}


# --- the tutorial, as written ----------------------------------------------


class TutorialLSTM(nn.Module):
    def __init__(self, input_size=1, hidden_layer_size=100, output_size=1):
        super().__init__()
        self.hidden_layer_size = hidden_layer_size
        self.lstm = nn.LSTM(input_size, hidden_layer_size)
        self.linear = nn.Linear(hidden_layer_size, output_size)
        self.hidden_cell = (
            torch.zeros(1, 1, self.hidden_layer_size),
            torch.zeros(1, 1, self.hidden_layer_size),
        )

    def forward(self, input_seq):
        lstm_out, self.hidden_cell = self.lstm(
            input_seq.view(len(input_seq), 1, -1), self.hidden_cell
        )
        predictions = self.linear(lstm_out.view(len(input_seq), -1))
        return predictions[-1]


def create_inout_sequences(input_data, tw):
    inout_seq = []
    for i in range(len(input_data) - tw):
        train_seq = input_data[i : i + tw]
        train_label = input_data[i + tw : i + tw + 1]
        inout_seq.append((train_seq, train_label))
    return inout_seq


def tutorial_forecast(train_data, seed, epochs, fut_pred=HORIZON):
    """Train the tutorial's model and return its ``fut_pred``-month forecast."""
    torch.manual_seed(seed)
    scaler = MinMaxScaler(feature_range=(-1, 1))
    train_data_normalized = scaler.fit_transform(train_data.reshape(-1, 1))
    train_data_normalized = torch.FloatTensor(train_data_normalized).view(-1)
    train_inout_seq = create_inout_sequences(train_data_normalized, TRAIN_WINDOW)

    model = TutorialLSTM()
    loss_function = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    for _ in range(epochs):
        for seq, labels in train_inout_seq:
            optimizer.zero_grad()
            model.hidden_cell = (
                torch.zeros(1, 1, model.hidden_layer_size),
                torch.zeros(1, 1, model.hidden_layer_size),
            )
            y_pred = model(seq)
            single_loss = loss_function(y_pred, labels)
            single_loss.backward()
            optimizer.step()

    test_inputs = train_data_normalized[-TRAIN_WINDOW:].tolist()
    model.eval()
    for _ in range(fut_pred):
        seq = torch.FloatTensor(test_inputs[-TRAIN_WINDOW:])
        with torch.no_grad():
            # Sic: the tutorial resets ``hidden``, which the model never reads.
            model.hidden = (
                torch.zeros(1, 1, model.hidden_layer_size),
                torch.zeros(1, 1, model.hidden_layer_size),
            )
            test_inputs.append(model(seq).item())
    actual_predictions = scaler.inverse_transform(
        np.array(test_inputs[TRAIN_WINDOW:]).reshape(-1, 1)
    )
    return actual_predictions.ravel()


# --- sklstm ---------------------------------------------------------------


def sklstm_forecast(train, estimator, rows):
    """Fit on ``make_windows(train, rows)`` and forecast the next 12 months."""
    X, y = make_windows(train, window=rows)
    estimator.fit(X, y)
    return estimator.forecast(train, steps=HORIZON), estimator.n_iter_


def summarise(name, per_seed):
    times = [r["time_s"] for r in per_seed]
    cpu = [r["cpu_s"] for r in per_seed]
    scores = [r["mase"] for r in per_seed]
    row = {
        "method": name,
        "per_seed": per_seed,
        "time_median_s": statistics.median(times),
        "time_max_over_min": max(times) / min(times),
        # CPU time is far less sensitive than wall time to other jobs on the machine.
        "cpu_time_max_over_min": max(cpu) / min(cpu),
        "mase_median": statistics.median(scores),
        "mase_worst": max(scores),
    }
    if "n_iter" in per_seed[0]:
        row["n_iter"] = [r["n_iter"] for r in per_seed]
        per_epoch = [r["time_s"] / r["n_iter"] for r in per_seed]
        row["time_per_epoch_max_over_min"] = max(per_epoch) / min(per_epoch)
    return row


def main(argv=None):
    args = parser("tutorial", __doc__).parse_args(argv)
    seeds, tutorial_epochs, max_epochs = SIZES["quick" if args.quick else "full"]
    train, test = airline_split()
    extra = {} if max_epochs is None else {"max_epochs": max_epochs}
    # name: (estimator for a seed, length of the rows of make_windows)
    methods = {
        "sklstm, hidden 100": (
            lambda seed: LSTMForecaster(
                window=TRAIN_WINDOW, horizon=HORIZON, hidden_size=100, random_state=seed, **extra
            ),
            TRAIN_WINDOW,
        ),
        "sklstm, defaults": (
            lambda seed: LSTMForecaster(
                window=AIRLINE_WINDOW, horizon=HORIZON, random_state=seed, **extra
            ),
            AIRLINE_WINDOW,
        ),
    }

    # Warm-up, so that no method pays the process's one-off start-up costs
    # (the first torch optimizer imports torch._dynamo; see overhead.py).
    tutorial_forecast(train[:30], seed=0, epochs=1)
    for make, rows in methods.values():
        sklstm_forecast(train, make(0).set_params(max_epochs=1), rows)

    results = {"Tutorial loop": []}
    results.update({name: [] for name in methods})
    for seed in seeds:
        forecast, seconds, cpu = timed(tutorial_forecast, train, seed, tutorial_epochs)
        results["Tutorial loop"].append(
            {"seed": seed, "time_s": seconds, "cpu_s": cpu, "mase": mase(test, forecast, train)}
        )
        for name, (make, rows) in methods.items():
            (forecast, n_iter), seconds, cpu = timed(sklstm_forecast, train, make(seed), rows)
            results[name].append(
                {
                    "seed": seed,
                    "time_s": seconds,
                    "cpu_s": cpu,
                    "mase": mase(test, forecast, train),
                    "n_iter": n_iter,
                }
            )
        print(
            f"seed {seed}: "
            + ", ".join(f"{k} {v[-1]['time_s']:.2f} s" for k, v in results.items())
        )

    rows = [summarise(name, per_seed) for name, per_seed in results.items()]
    tutorial = rows[0]
    for row in rows[1:]:
        speedups = [
            t["time_s"] / s["time_s"]
            for t, s in zip(tutorial["per_seed"], row["per_seed"], strict=True)
        ]
        row["speedup_per_seed"] = speedups
        row["speedup_median"] = statistics.median(speedups)
        row["speedup_worst"] = min(speedups)
    naive = mase(test, seasonal_naive(train, HORIZON, season=12), train)

    print_table(
        f"AirPassengers, train 132 months, forecast 12; {len(seeds)} seeds "
        f"(tutorial: {tutorial_epochs} epochs)",
        [
            "method",
            "time (median)",
            "speed-up (median / worst)",
            "MASE median",
            "MASE worst",
            "MASE per seed",
            "n_iter_ per seed",
            "time max/min (wall / CPU)",
        ],
        [
            {
                "method": r["method"],
                "time (median)": f"{r['time_median_s']:.2f} s",
                "speed-up (median / worst)": (
                    f"{r['speedup_median']:.1f}x / {r['speedup_worst']:.1f}x"
                    if "speedup_median" in r
                    else "1x"
                ),
                "MASE median": r["mase_median"],
                "MASE worst": r["mase_worst"],
                "MASE per seed": " / ".join(f"{s['mase']:.2f}" for s in r["per_seed"]),
                "n_iter_ per seed": " / ".join(str(n) for n in r.get("n_iter", [])) or "-",
                "time max/min (wall / CPU)": (
                    f"{r['time_max_over_min']:.2f} / {r['cpu_time_max_over_min']:.2f}"
                ),
            }
            for r in rows
        ],
    )
    print(f"\nseasonal naive MASE: {naive:.2f}")
    write_report(
        "tutorial",
        args,
        {
            "seeds": seeds,
            "tutorial_epochs": tutorial_epochs,
            "sklstm_estimators": {
                name: f"{make(0)!r} on make_windows(train, {rows})"
                for name, (make, rows) in methods.items()
            },
        },
        {"methods": rows, "seasonal_naive_mase": naive},
        notes=[
            "time = wall time of fit + 12-month forecast, after a warm-up of each method",
            "speed-up = tutorial time / sklstm time for the same seed",
            "MASE scale: seasonal naive (m=12) on the 132 training months",
        ],
    )


if __name__ == "__main__":
    main()
