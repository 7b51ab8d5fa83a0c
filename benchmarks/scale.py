"""Fit time per epoch and peak memory of LSTMForecaster on long series (window 48).

For each length (10^3 ... 10^6 points) a fresh subprocess builds a float64
series, warms up (a tiny fit, so that lazily imported modules and the one-off
``torch._dynamo`` import are not counted), resets the kernel's peak-RSS
counter (``/proc/self/clear_refs``; ``ru_maxrss`` where that is not
available), fits for a fixed number of epochs and reads the peak RSS. The
memory reported is that peak minus the RSS just before ``fit``: what the fit
itself needed on top of the series.

Two ways to hand a long series to ``fit`` are measured:

* ``one row``: ``fit(series[None, :-1], series[-1:])``. The estimator's
  built-in windowing trains on every ``(48 values -> next)`` pair inside the
  row, gathered batch by batch, so no window is ever copied. This is the way
  to train on one long series.
* ``make_windows``: ``fit(*make_windows(series, 48))``. Each row is a
  self-contained forecast origin (``X`` is a view of the series, but ``fit``
  keeps each row with its target, scaled, as float32: 49 values per origin),
  so memory grows with ``window`` x length. Shown for comparison.

The target is: time per epoch linear in the length (constant time per
training pair), and for the one-row layout a peak of at most 3x the series'
bytes plus the model's (weights, gradients, Adam state, the best weights).

Run alone on the machine for numbers worth publishing::

    python benchmarks/scale.py            # full size: 10^3..10^6, several minutes
    python benchmarks/scale.py --quick    # 10^3 and 10^4 only, one epoch
    python benchmarks/scale.py --lengths 1e3,1e7    # other lengths
"""

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import parser, print_table, write_report

WINDOW = 48
SIZES = {
    # length: epochs (more epochs on short series, for a measurable time)
    "full": {10**3: 20, 10**4: 4, 10**5: 1, 10**6: 1},
    "quick": {10**3: 1, 10**4: 1},
}
LAYOUTS = ("one row", "make_windows")

# Runs in a fresh interpreter: python -c CHILD length epochs layout
_CHILD = r"""
import gc, json, re, resource, sys, time
import numpy as np
import torch
from sklstm import LSTMForecaster, make_windows

length, epochs, layout = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
WINDOW = int(sys.argv[4])


def status(key):
    with open("/proc/self/status") as f:
        return int(re.search(key + r":\s+(\d+)", f.read()).group(1)) * 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def estimator(max_epochs):
    # A fixed number of whole epochs (nothing stops early without early_stopping).
    return LSTMForecaster(
        window=WINDOW,
        max_epochs=max_epochs,
        max_steps=None,  # whole epochs, whatever the length: time per pair
        random_state=0,
    )


def data(series):
    if layout == "one row":
        return series[None, :-1], series[-1:]
    return make_windows(series, window=WINDOW)


rng = np.random.default_rng(0)
t = np.arange(200, dtype=np.float64)
estimator(1).fit(*data(np.sin(t / 5) + rng.normal(size=200)))  # warm-up

t = np.arange(length, dtype=np.float64)
series = 10 + np.sin(2 * np.pi * t / 24) + 0.001 * t + rng.normal(scale=0.2, size=length)
X, y = data(series)
model = estimator(epochs)
gc.collect()
try:
    # Hand freed heap memory (the warm-up's, the series' temporaries) back to the
    # system, so that the fit cannot reuse it unseen and look smaller than it is.
    import ctypes

    ctypes.CDLL("libc.so.6").malloc_trim(0)
except (OSError, AttributeError):
    pass
rss_before = status("VmRSS")
exact = reset_peak()
maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
model.fit(X, y)
seconds = time.perf_counter() - start
peak = status("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
n_params = sum(p.numel() * p.element_size() for p in model.module_.parameters())
print(json.dumps({
    "length": length,
    "layout": layout,
    "epochs": model.n_iter_,
    "pairs": length - WINDOW if layout == "one row" else len(X),
    "fit_s": seconds,
    "rss_before_bytes": rss_before,
    "peak_bytes": peak,
    "peak_extra_bytes": peak - rss_before,
    "peak_exact": exact,
    "peak_before_fit_bytes": maxrss_before,
    "series_bytes": series.nbytes,
    # weights, gradients, two Adam moments and the best weights kept by the stopper
    "model_bytes": 5 * n_params,
}))
"""


def measure(length, epochs, layout):
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(length), str(epochs), layout, str(WINDOW)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    row = json.loads(out.strip().splitlines()[-1])
    row["s_per_epoch"] = row["fit_s"] / row["epochs"]
    row["us_per_pair"] = 1e6 * row["s_per_epoch"] / row["pairs"]
    row["peak_over_series"] = row["peak_extra_bytes"] / row["series_bytes"]
    row["within_3x_series_plus_model"] = (
        row["peak_extra_bytes"] <= 3 * row["series_bytes"] + row["model_bytes"]
    )
    return row


def main(argv=None):
    p = parser("scale", __doc__)
    p.add_argument(
        "--lengths",
        type=lambda text: [int(float(v)) for v in text.split(",")],
        help="comma-separated series lengths to measure instead (e.g. 1e3,1e7), one epoch each",
    )
    args = p.parse_args(argv)
    sizes = SIZES["quick" if args.quick else "full"]
    if args.lengths:
        sizes = {length: sizes.get(length, 1) for length in args.lengths}
    rows = []
    for layout in LAYOUTS:
        for length, epochs in sizes.items():
            rows.append(measure(length, epochs, layout))
            r = rows[-1]
            print(
                f"{layout:>12} n={length:>8}: {r['s_per_epoch']:.3f} s/epoch, "
                f"peak +{r['peak_extra_bytes'] / 2**20:.1f} MiB",
                flush=True,
            )
    for layout in LAYOUTS:
        group = [r for r in rows if r["layout"] == layout]
        for r in group[1:]:
            # Memory that each extra byte of series costs: free of the fixed
            # working set of a training step, which dominates short series.
            r["marginal_peak_over_series"] = (
                r["peak_extra_bytes"] - group[0]["peak_extra_bytes"]
            ) / (r["series_bytes"] - group[0]["series_bytes"])
    one_row = [r for r in rows if r["layout"] == "one row"]
    smallest = one_row[0]["us_per_pair"]
    print_table(
        f"Fit time per epoch and peak memory, window {WINDOW} (each size in a fresh process)",
        [
            "layout",
            "length",
            "s / epoch",
            "us / pair",
            "peak extra MiB",
            "series MiB",
            "peak / series",
            "growth / series",
            "<= 3x series + model",
        ],
        [
            {
                "layout": r["layout"],
                "length": f"{r['length']:,}",
                "s / epoch": r["s_per_epoch"],
                "us / pair": r["us_per_pair"],
                "peak extra MiB": r["peak_extra_bytes"] / 2**20,
                "series MiB": r["series_bytes"] / 2**20,
                "peak / series": r["peak_over_series"],
                "growth / series": r.get("marginal_peak_over_series", "-"),
                "<= 3x series + model": "yes" if r["within_3x_series_plus_model"] else "no",
            }
            for r in rows
        ],
    )
    largest = one_row[-1]["us_per_pair"]
    print(
        f"\ntime per pair, longest / shortest series (one row): {largest / smallest:.2f} "
        "(1.0 = exactly linear)"
    )
    write_report(
        "scale",
        args,
        {"window": WINDOW, "sizes_and_epochs": sizes, "layouts": LAYOUTS},
        {"rows": rows, "us_per_pair_longest_over_shortest": largest / smallest},
        notes=[
            "peak extra = peak RSS during fit - RSS just before fit, in a fresh process "
            "after a warm-up fit",
            "model bytes = 5 x parameter bytes (weights, gradients, Adam moments, best weights)",
            "for short series the fixed working set of a training step (activations, "
            "autograd buffers, allocator pools: a few MiB) dominates the peak",
            "growth / series = (peak extra - peak extra of the shortest series) / "
            "(series bytes - series bytes of the shortest): bytes per extra series byte",
        ],
    )


if __name__ == "__main__":
    main()
