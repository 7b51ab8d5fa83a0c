"""Overhead of LSTMForecaster over a minimal hand-written torch loop doing the same work.

The hand loop uses the same network class (``sklstm._module``), the same data
gathering (``WindowPairs.gather``), the same optimizer, batches, seeds and
number of epochs as the estimator: it is what a user would write by hand, with
none of the estimator's validation, callbacks, stopping rule or best-weight
restore. Both start from the same weights and draw the same shuffles, so their
loss curves must agree; the script checks that they do, as proof that the work
is identical.

Measured, all in one process and interleaved (hand, sklstm, hand, sklstm, ...)
after one warm-up run of each, so that both see the same machine load (15 runs
of each for the short airline fit, 5 for the longer cases); reported are the
ratio of the median times and the ratio of the fastest runs:

* ``fit`` on two configurations: the airline tutorial set-up (defaults,
  window 12, 120 training pairs) and a longer synthetic hourly series with
  ``batch_size=16`` (many small batches: the worst case for per-batch
  overhead);
* ``predict``: recursive forecasts of 10,000 origins x horizon 24 from the
  fitted model, against the hand-written recursive loop (one batched forward
  pass per step), checking that both return the same numbers.

The first fit in a fresh Python process is slower than later ones; it is timed
separately, for sklstm and for the hand loop, each in its own subprocess, with
the time of importing the libraries and the one-off cost of importing
``torch._dynamo`` (which ``torch.optim.Optimizer`` does on its first use).

Run alone on the machine for numbers worth publishing::

    python benchmarks/overhead.py            # full size, a few minutes on 2 cores
    python benchmarks/overhead.py --quick    # smoke size, seconds
"""

import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import airline_split, parser, print_table, stats, timed, write_report

from sklstm import LSTMForecaster, make_windows
from sklstm._fitting import resolve_scaler
from sklstm._module import build_module
from sklstm._scaling import make_scaler
from sklstm._training import _OPTIMIZERS, WindowPairs, fit_linear_skips

SIZES = {
    # reps (short airline fits, longer cases), long series, long epochs, predict origins, horizon
    "full": ((15, 5), 4000, 10, 10_000, 24),
    "quick": ((1, 1), 400, 2, 200, 4),
}


def synthetic_series(n, seed=0):
    """An hourly-like series: daily and weekly cycles, a trend and noise."""
    t = np.arange(n, dtype=np.float64)
    noise = np.random.default_rng(seed).normal(scale=0.2, size=n)
    return 10 + np.sin(2 * np.pi * t / 24) + 0.5 * np.sin(2 * np.pi * t / 168) + 0.001 * t + noise


# --- the hand-written reference -------------------------------------------


def hand_fit(X, y, estimator, epochs, config=None):
    """Train like ``estimator.fit(X, y)`` would, written out by hand.

    The ensemble is built from ``config``, by default the configuration of
    the estimator's last fit (its ``_module_config_``): each network from its
    own seed, drawing its own shuffles, its linear skip started at the same
    least-squares fit; one optimizer step per batch for all of them, the
    learning rate decaying along the same cosine. No validation, callbacks,
    stopping rule or best-weight restore.
    """
    n_members = int(estimator.n_estimators)
    rng = np.random.RandomState(estimator.random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_members)
    sequences = np.concatenate((X, np.reshape(y, (len(y), -1))), axis=1)
    scaler = make_scaler(resolve_scaler(estimator.scaler, X)).fit(sequences.reshape(-1, 1))
    scaled = scaler.transform(sequences.reshape(-1, 1)).astype(np.float32)
    pairs = WindowPairs(torch.from_numpy(scaled.reshape(sequences.shape)), estimator.window)
    model = build_module(seeds, **(estimator._module_config_ if config is None else config))
    fit_linear_skips(model, pairs)
    optimizer = _OPTIMIZERS[estimator.optimizer](
        model.parameters(), lr=estimator.learning_rate, weight_decay=estimator.weight_decay
    )
    shuffles = [torch.Generator().manual_seed(int(seed)) for seed in seeds]
    batch = estimator.batch_size
    n_steps = epochs * -(-len(pairs) // batch)
    step = 0
    losses = []
    model.train()
    for _ in range(epochs):
        orders = torch.stack([torch.randperm(len(pairs), generator=g) for g in shuffles])
        total = torch.zeros(n_members, dtype=torch.float64)
        for start in range(0, len(pairs), batch):
            index = orders[:, start : start + batch]
            inputs, targets, _ = pairs.gather(index.reshape(-1))
            inputs = inputs.reshape(*index.shape, -1)
            targets = targets.reshape(index.shape)
            decay = 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / n_steps))
            for group in optimizer.param_groups:
                group["lr"] = estimator.learning_rate * decay
            optimizer.zero_grad()
            error = (model(inputs) - targets) / model.scale(inputs)
            loss = error.square().mean(dim=1)
            loss.sum().backward()
            optimizer.step()
            step += 1
            total += loss.detach().double() * index.shape[1]
        losses.append(float(total.mean()) / len(pairs))
    return model, scaler, losses


@torch.no_grad()
def hand_predict(model, scaler, X, window, steps):
    """Recursive forecasts, written by hand: per step the networks' mean is fed back."""
    model.eval()
    n = len(X)
    scaled = scaler.transform(X[:, -window:].reshape(-1, 1)).reshape(n, window)
    windows = torch.as_tensor(scaled, dtype=torch.float32)
    # Padded to a whole row block, as the estimator does (its predictions do
    # not depend on how many rows share a batch).
    padding = -n % 16
    windows = torch.cat((windows, windows[-1:].expand(padding, -1)))
    out = torch.empty((len(windows), steps), dtype=torch.float64)
    for step in range(steps):
        out[:, step] = torch.stack([m(windows).double() for m in model.members]).mean(0)
        windows = torch.cat((windows[:, 1:], out[:, step : step + 1].float()), dim=1)
    return scaler.inverse_transform(out[:n].numpy().reshape(-1, 1)).reshape(n, steps)


# --- measurements ---------------------------------------------------------


def compare(name, hand, ours, reps):
    """Interleave ``reps`` runs of each after one warm-up each; return a row."""
    hand()
    ours()
    wall = {"hand": [], "sklstm": []}
    cpu = {"hand": [], "sklstm": []}
    for _ in range(reps):
        for key, fn in (("hand", hand), ("sklstm", ours)):
            _, w, c = timed(fn)
            wall[key].append(w)
            cpu[key].append(c)
    row = {"case": name}
    for key in wall:
        row[key] = {"wall_s": stats(wall[key]), "cpu_s": stats(cpu[key])}
    med = {k: statistics.median(v) for k, v in wall.items()}
    row["ratio_wall_median"] = med["sklstm"] / med["hand"]
    row["ratio_wall_min"] = min(wall["sklstm"]) / min(wall["hand"])
    row["ratio_cpu_median"] = statistics.median(cpu["sklstm"]) / statistics.median(cpu["hand"])
    return row


def fit_case(name, X, y, estimator, reps):
    X, y = np.ascontiguousarray(X), np.ascontiguousarray(y)
    reference = estimator.fit(X, y)  # also fixes the number of epochs
    epochs = reference.n_iter_
    _, _, hand_losses = hand_fit(X, y, estimator, epochs)
    loss_gap = float(np.max(np.abs(np.subtract(hand_losses, reference.loss_curve_))))
    # Relative to the losses: float rounding differs across CPUs and builds,
    # a wrong batch or shuffle changes the loss by far more than 1e-6 of it.
    loss_scale = float(np.max(np.abs(reference.loss_curve_)))
    row = compare(
        name,
        lambda: hand_fit(X, y, estimator, epochs),
        lambda: estimator.fit(X, y),
        reps,
    )
    n_pairs = len(WindowPairs(torch.zeros(len(X), X.shape[1] + 1), estimator.window))
    row.update(
        epochs=epochs,
        pairs=n_pairs,
        batch_size=estimator.batch_size,
        hidden_size=estimator.hidden_size,
        max_abs_loss_curve_difference=loss_gap,
        max_rel_loss_curve_difference=loss_gap / loss_scale if loss_scale else loss_gap,
    )
    return row


def predict_case(X, estimator, reps):
    X = np.ascontiguousarray(X)
    model, scaler, window = estimator.module_, estimator.scaler_, estimator.window_
    steps = estimator.horizon_
    pred = estimator.predict(X)
    gap = float(np.max(np.abs(pred - hand_predict(model, scaler, X, window, steps))))
    scale = float(np.max(np.abs(pred)))
    row = compare(
        f"predict {len(X)} origins x {steps} steps",
        lambda: hand_predict(model, scaler, X, window, steps),
        lambda: estimator.predict(X),
        reps,
    )
    row.update(
        origins=len(X),
        horizon=steps,
        max_abs_prediction_difference=gap,
        max_rel_prediction_difference=gap / scale if scale else gap,
    )
    return row


def cold_fits(kind, config):
    """The first and second fit of ``kind`` in this (fresh) process.

    ``config`` is the network configuration, taken from a fit in the parent
    process, so that the hand loop needs no fit of the estimator here.
    """
    train, _ = airline_split()
    X, y = make_windows(train, window=12)
    X, y = np.ascontiguousarray(X), np.ascontiguousarray(y)
    estimator = LSTMForecaster(window=12, horizon=12, max_epochs=20, random_state=0)
    if kind == "hand":
        fit = lambda: hand_fit(X, y, estimator, 20, config)  # noqa: E731
    else:
        fit = lambda: estimator.fit(X, y)  # noqa: E731
    dynamo_before = "torch._dynamo" in sys.modules
    _, first, _ = timed(fit)
    dynamo_after = "torch._dynamo" in sys.modules
    _, second, _ = timed(fit)
    return {
        "first_fit_s": first,
        "second_fit_s": second,
        "first_minus_second_s": first - second,
        "first_fit_imported_torch_dynamo": dynamo_after and not dynamo_before,
    }


# Run with ``python -c`` in a fresh process: nothing is imported before the clock starts.
_COLD_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import numpy, torch
t1 = time.perf_counter()
import sklearn.preprocessing
t2 = time.perf_counter()
if sys.argv[1] == "dynamo":
    import torch._dynamo
    print(json.dumps({"import_torch_dynamo_s": time.perf_counter() - t2}))
    raise SystemExit
import sklstm
t3 = time.perf_counter()
sys.path.insert(0, sys.argv[2])
import overhead
result = {"import_numpy_torch_s": t1 - t0, "import_sklearn_s": t2 - t1,
          "import_sklstm_s": t3 - t2}
result.update(overhead.cold_fits(sys.argv[1], json.loads(sys.argv[3])))
print(json.dumps(result))
"""


def cold_rows(config):
    """Each kind in its own fresh interpreter (no warm-up of any kind)."""
    rows = {}
    here = str(Path(__file__).resolve().parent)
    for kind in ("hand", "sklstm", "dynamo"):
        out = subprocess.run(
            [sys.executable, "-c", _COLD_CHILD, kind, here, json.dumps(config)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows[kind] = json.loads(out.strip().splitlines()[-1])
    return rows


def main(argv=None):
    p = parser("overhead", __doc__)
    args = p.parse_args(argv)
    size = "quick" if args.quick else "full"
    (short_reps, reps), n_long, long_epochs, n_origins, horizon = SIZES[size]

    train, _ = airline_split()
    X_air, y_air = make_windows(train, window=12)
    # Without early stopping no network stops early: both do exactly the same
    # work, epoch for epoch.
    airline = LSTMForecaster(window=12, horizon=12, random_state=0)
    if args.quick:
        airline.set_params(max_epochs=3)
    series = synthetic_series(n_long + n_origins + 24)
    X_long, y_long = make_windows(series[:n_long], window=24)
    long = LSTMForecaster(
        window=24,
        horizon=horizon,
        batch_size=16,
        max_epochs=long_epochs,
        random_state=0,
    )

    rows = [
        fit_case("fit: airline, defaults, window 12", X_air, y_air, airline, short_reps),
        fit_case(f"fit: {n_long}-point series, window 24, batch 16", X_long, y_long, long, reps),
    ]
    X_pred, _ = make_windows(series[n_long:], window=24)
    rows.append(predict_case(X_pred[:n_origins], long, reps))
    cold = cold_rows(airline._module_config_)

    print_table(
        "sklstm against a hand-written torch loop (warm: after one run of each)",
        [
            "case",
            "runs",
            "hand s (median)",
            "sklstm s (median)",
            "ratio of medians",
            "ratio of fastest",
            "ratio (CPU time)",
            "same result",
        ],
        [
            {
                "case": r["case"],
                "runs": len(r["hand"]["wall_s"]["values"]),
                "hand s (median)": r["hand"]["wall_s"]["median"],
                "sklstm s (median)": r["sklstm"]["wall_s"]["median"],
                "ratio of medians": r["ratio_wall_median"],
                "ratio of fastest": r["ratio_wall_min"],
                "ratio (CPU time)": r["ratio_cpu_median"],
                "same result": "max diff "
                + format(
                    r.get("max_abs_loss_curve_difference", r.get("max_abs_prediction_difference")),
                    ".1e",
                ),
            }
            for r in rows
        ],
    )
    print_table(
        "First fit in a fresh process (airline, 20 epochs), seconds",
        [
            "",
            "import torch",
            "import sklearn",
            "import sklstm",
            "first fit",
            "second fit",
            "first - second",
        ],
        [
            {
                "": kind,
                "import torch": cold[kind]["import_numpy_torch_s"],
                "import sklearn": cold[kind]["import_sklearn_s"],
                "import sklstm": cold[kind]["import_sklstm_s"],
                "first fit": cold[kind]["first_fit_s"],
                "second fit": cold[kind]["second_fit_s"],
                "first - second": cold[kind]["first_minus_second_s"],
            }
            for kind in ("hand", "sklstm")
        ],
    )
    print(
        "\nimport torch._dynamo alone (after torch): "
        f"{cold['dynamo']['import_torch_dynamo_s']:.2f} s"
    )
    write_report(
        "overhead",
        args,
        {
            "reps": {"airline": short_reps, "long series and predict": reps},
            "long_series_points": n_long,
            "long_max_epochs": long_epochs,
            "predict_origins": n_origins,
            "predict_horizon": horizon,
            "airline_estimator": repr(airline),
            "long_estimator": repr(long),
        },
        {"warm": rows, "cold": cold},
        notes=[
            "ratio = median sklstm wall time / median hand-loop wall time, runs interleaved",
            "the hand loop does the same work: same module, weights, shuffles, batches, "
            "epochs; max_abs_loss_curve_difference compares the two loss curves "
            "(max_rel_*: divided by the largest loss or prediction)",
            "cold: each kind in its own fresh process; the first torch.optim optimizer "
            "created in a process imports torch._dynamo",
        ],
    )


if __name__ == "__main__":
    main()
