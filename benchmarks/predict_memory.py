"""Peak memory of LSTMForecaster.predict for 10**6 forecast origins.

``predict`` processes the origins in chunks of ``_PREDICT_CHUNK`` rows (scale,
recursive forward passes, unscale), so its working memory does not grow with
the number of rows: what grows is only the input it is given and the output
it returns. This script measures that, for 10**6 origins x window 24 x
horizon 12 with the default network (``hidden_size=32``):

* ``view``: ``X`` from ``make_windows`` on one long series, a read-only view
  (the input costs the series only, 8 MB);
* ``array``: ``X`` as a contiguous float64 array (192 MB);
* ``one pass``: for comparison, the memory that chunking saves: an array of
  ``--one-pass-rows`` origins (default 10**5) predicted with chunking switched
  off (``_PREDICT_CHUNK`` larger than the number of rows), next to the same
  array predicted in chunks. Unchunked, the working memory grows by about
  7 KB per origin (the recurrent layer's outputs for every row at once), so
  10**6 rows would need several GB; ``--one-pass-rows 0`` skips it.

Each case runs in a fresh Python process. Torch allocates outside Python's
allocator, so ``tracemalloc`` cannot see it; the script reads the process's
resident memory instead: the peak (``VmHWM``) is reset just before ``predict``
through ``/proc/self/clear_refs`` (Linux), so the peak read afterwards is the
peak during ``predict``. Where that reset is not possible, the lifetime peak
(``ru_maxrss``) is reported instead, which can only overstate the increase.

Run alone on the machine for numbers worth publishing::

    python benchmarks/predict_memory.py            # 10**6 origins, several minutes
    python benchmarks/predict_memory.py --quick    # 5,000 origins, under a minute

Results are printed as a table and written to
``benchmarks/results/predict_memory.json``.
"""

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import parser, print_table, write_report

WINDOW, HORIZON = 24, 12
SIZES = {"full": (10**6, 10**5), "quick": (5_000, 5_000)}
MB = 2**20


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_peak():
    """Reset the kernel's peak RSS of this process; False where not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child(case, n_rows):
    """Fit a small model, build X, and measure one ``predict`` (runs in a subprocess)."""
    import torch

    import sklstm._forecasting
    from sklstm import LSTMForecaster, make_windows

    rng = np.random.default_rng(0)
    t = np.arange(n_rows + WINDOW + HORIZON - 1, dtype=np.float64)
    series = 100 + 10 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 1, len(t))
    X_train, Y_train = make_windows(series[:600], window=WINDOW, horizon=HORIZON)
    model = LSTMForecaster(max_epochs=2, random_state=0).fit(X_train, Y_train)

    X, _ = make_windows(series, window=WINDOW, horizon=HORIZON)
    if case != "view":
        X = np.ascontiguousarray(X)
    if case == "one pass":
        sklstm._forecasting._PREDICT_CHUNK = n_rows + 1
    assert X.shape == (n_rows, WINDOW)
    input_bytes = X.nbytes if X.flags.owndata or X.base is None else series.nbytes

    gc.collect()
    rss_before = _status_kb("VmRSS") * 1024
    exact = _reset_peak()
    start = time.perf_counter()
    y_pred = model.predict(X)
    seconds = time.perf_counter() - start
    if exact:
        peak = _status_kb("VmHWM") * 1024
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert y_pred.shape == (n_rows, HORIZON) and np.isfinite(y_pred).all()
    return {
        "case": case,
        "rows": n_rows,
        "chunk": min(sklstm._forecasting._PREDICT_CHUNK, n_rows),
        "input_bytes": int(input_bytes),
        "output_bytes": int(y_pred.nbytes),
        "rss_before_bytes": rss_before,
        "peak_bytes": peak,
        "increase_bytes": peak - rss_before,
        "peak_is_exact": exact,
        "seconds": seconds,
        "torch_threads": torch.get_num_threads(),
    }


def run_case(case, n_rows):
    out = subprocess.run(
        [sys.executable, __file__, "--child", case, "--rows", str(n_rows)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    p = parser("predict_memory", __doc__)
    p.add_argument("--rows", type=int, help="origins to predict (default 10**6)")
    p.add_argument(
        "--one-pass-rows",
        type=int,
        help="origins for the unchunked comparison (default 10**5; 0 skips it)",
    )
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return

    default_rows, default_one_pass = SIZES["quick" if args.quick else "full"]
    n_rows = args.rows or default_rows
    n_one_pass = default_one_pass if args.one_pass_rows is None else args.one_pass_rows
    cases = [("view", n_rows), ("array", n_rows)]
    if n_one_pass:
        if n_one_pass != n_rows:
            cases.append(("array", n_one_pass))
        cases.append(("one pass", n_one_pass))
    results = []
    for case, rows in cases:
        print(f"measuring {case!r} with {rows} origins ...", flush=True)
        results.append(run_case(case, rows))

    rows = [
        {
            "X": r["case"],
            "origins": r["rows"],
            "chunk": r["chunk"],
            "input MB": r["input_bytes"] / MB,
            "output MB": r["output_bytes"] / MB,
            "RSS before MB": r["rss_before_bytes"] / MB,
            "peak in predict MB": r["peak_bytes"] / MB,
            "increase MB": r["increase_bytes"] / MB,
            "increase - output MB": (r["increase_bytes"] - r["output_bytes"]) / MB,
            "seconds": r["seconds"],
        }
        for r in results
    ]
    print_table(
        f"predict: peak memory, window {WINDOW} x horizon {HORIZON}",
        list(rows[0]),
        rows,
    )
    notes = [
        "increase = peak resident memory during predict minus resident memory just "
        "before it; the output array is part of it (allocated by predict).",
        "increase - output is predict's working memory: bounded by the chunk size "
        "for the chunked cases, proportional to the rows for 'one pass'.",
    ]
    if not all(r["peak_is_exact"] for r in results):
        notes.append("peak from ru_maxrss (lifetime peak): /proc/self/clear_refs not writable")
    config = {
        "rows": n_rows,
        "one_pass_rows": n_one_pass,
        "window": WINDOW,
        "horizon": HORIZON,
        "estimator": "LSTMForecaster(max_epochs=2, random_state=0), defaults otherwise",
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
    }
    write_report("predict_memory", args, config, results, notes)


if __name__ == "__main__":
    main()
