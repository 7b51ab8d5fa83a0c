"""Where the time of one fit goes: cProfile of a default fit on airline.

One ``LSTMForecaster(window=24, random_state=0).fit(*make_windows(train,
24))`` on the airline training split (108 pairs), every other parameter at
its default, after a warm-up fit, under ``cProfile``. Printed: the entries
with the largest cumulative time (the call tree's heavy branches) and the
largest own time (where the interpreter actually spends it). Profiling
slows Python-level code far more than torch's kernels, so the shares of
Python overhead appear larger than they are; ``overhead.py`` measures that
overhead without a profiler.

    python benchmarks/profile_fit.py
    python benchmarks/profile_fit.py --quick     # 3 epochs
"""

import cProfile
import io
import pstats
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import AIRLINE_WINDOW, airline_split, parser, print_table, write_report

from sklstm import LSTMForecaster, make_windows

TOP = 25


def entries(stats, key):
    """The ``TOP`` entries of ``stats`` by ``key``: a list of dicts."""
    rows = []
    for func, (calls, _, own, cumulative, _) in stats.stats.items():
        filename, line, name = func
        where = f"{Path(filename).name}:{line}" if line else filename
        rows.append(
            {
                "function": f"{name} ({where})",
                "calls": calls,
                "own s": own,
                "cumulative s": cumulative,
            }
        )
    rows.sort(key=lambda row: row[key], reverse=True)
    return rows[:TOP]


def main():
    p = parser("profile_fit", __doc__)
    args = p.parse_args()
    torch.set_num_threads(1)
    train, _ = airline_split()
    X, y = make_windows(train, window=AIRLINE_WINDOW)
    params = {"window": AIRLINE_WINDOW, "random_state": 0}
    if args.quick:
        params["max_epochs"] = 3
    LSTMForecaster(**params).fit(X, y)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    model = LSTMForecaster(**params).fit(X, y)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt
    cumulative = entries(stats, "cumulative s")
    own = entries(stats, "own s")
    print(f"fit: {model.n_iter_} epochs, {total:.2f} s under the profiler\n")
    print_table(f"Top {TOP} by cumulative time", list(cumulative[0]), cumulative)
    print_table(f"Top {TOP} by own time", list(own[0]), own)
    write_report(
        "profile_fit",
        args,
        {"params": params, "pairs": len(X), "top": TOP},
        {"total_s": total, "epochs": model.n_iter_, "cumulative": cumulative, "own": own},
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
