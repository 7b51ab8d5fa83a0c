"""Cost of sklstm.backtest against the fits and forecasts it is made of.

``backtest(model, y, horizon=12, n_windows=10)`` at its defaults (cutoffs one
month apart, a fit at every cutoff) on AirPassengers, with
``LSTMForecaster(window=24, random_state=0)`` at its defaults, against a
hand-written loop doing the same work: at each of the 10 cutoffs, a clone of
the model with ``horizon=12`` fitted on ``make_windows(y[:cutoff + 1], 24)``
and its ``forecast`` of the next 12 months. The script checks that both give the same
forecasts, as proof that the work is identical.

Measured in one process after an untimed warm-up fit, interleaved (loop,
backtest, loop, backtest, ...) so that both see the same machine load;
reported is the ratio of the total times, and of each round's times.
Target: backtest costs no more than the fits plus 5% (ratio <= 1.05).

    python benchmarks/backtest.py            # 2 rounds of 2 x 10 fits, minutes on 2 cores
    python benchmarks/backtest.py --quick    # smoke size, seconds
"""

import statistics
import sys
from pathlib import Path

import numpy as np
from sklearn.base import clone

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import AIRLINE_WINDOW, parser, print_table, stats, timed, write_report

from sklstm import LSTMForecaster, backtest, make_windows
from sklstm.datasets import load_airline

SIZES = {
    # rounds, cutoffs, max_epochs (None: the default)
    "full": (2, 10, None),
    "quick": (1, 2, 2),
}
HORIZON = 12


def hand_loop(model, y, n_windows):
    """The fits and forecasts of a backtest, written by hand."""
    cutoffs = len(y) - HORIZON - 1 - np.arange(n_windows - 1, -1, -1)
    forecasts = []
    for cutoff in cutoffs:
        history = y.iloc[: cutoff + 1]
        estimator = clone(model).set_params(horizon=HORIZON)
        estimator.fit(*make_windows(history, AIRLINE_WINDOW))
        forecasts.append(estimator.forecast(history, HORIZON).to_numpy())
    return np.concatenate(forecasts)


def main():
    args = parser("backtest", __doc__).parse_args()
    rounds, n_windows, max_epochs = SIZES["quick" if args.quick else "full"]
    y = load_airline()
    model = LSTMForecaster(window=AIRLINE_WINDOW, random_state=0)
    if max_epochs is not None:
        model.set_params(max_epochs=max_epochs)
    # The first fit of a process pays one-off costs (torch's lazy imports): not timed.
    clone(model).set_params(max_epochs=1).fit(*make_windows(y, AIRLINE_WINDOW, HORIZON))
    times = {"loop": [], "backtest": []}
    same = True
    for _ in range(rounds):
        loop, wall, _ = timed(hand_loop, model, y, n_windows)
        times["loop"].append(wall)
        result, wall, _ = timed(backtest, model, y, HORIZON, n_windows)
        times["backtest"].append(wall)
        same &= bool(np.allclose(result.forecasts["forecast"].to_numpy(), loop, rtol=1e-6))
    ratio = sum(times["backtest"]) / sum(times["loop"])
    per_round = [b / a for a, b in zip(times["loop"], times["backtest"], strict=True)]
    rows = [
        {
            "measure": "10 fits + forecasts, by hand" if n_windows == 10 else "hand loop",
            "seconds (total)": sum(times["loop"]),
            "ratio": 1.0,
        },
        {
            "measure": f"backtest, {n_windows} cutoffs",
            "seconds (total)": sum(times["backtest"]),
            "ratio": ratio,
        },
    ]
    print_table(
        f"backtest cost on AirPassengers ({rounds} interleaved round(s))",
        ["measure", "seconds (total)", "ratio"],
        rows,
    )
    print(f"\nratio per round: {', '.join(f'{r:.3f}' for r in per_round)}")
    print(f"same forecasts as the hand loop: {same}")
    write_report(
        "backtest",
        args,
        {
            "rounds": rounds,
            "n_windows": n_windows,
            "horizon": HORIZON,
            "window": AIRLINE_WINDOW,
            "max_epochs": model.max_epochs,
        },
        {
            "loop_seconds": stats(times["loop"]),
            "backtest_seconds": stats(times["backtest"]),
            "ratio_of_totals": ratio,
            "ratio_per_round": per_round,
            "ratio_median": statistics.median(per_round),
            "target_ratio": 1.05,
            "same_forecasts": same,
        },
        notes=["Timed in one process, interleaved, on a machine shared with other jobs."],
    )
    if not same:
        sys.exit("backtest and the hand loop gave different forecasts")


if __name__ == "__main__":
    main()
