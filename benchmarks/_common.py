"""Shared helpers of the benchmark scripts: data split, MASE, timing, reports.

Kept small and stable on purpose: every script in ``benchmarks/`` may import it
(``from _common import ...``; the scripts run with ``benchmarks/`` on
``sys.path``).
"""

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"

# The airline split used everywhere in the project: train on the first 132
# months, forecast the last 12, score with the seasonal (m=12) MASE scale.
AIRLINE_TEST = 12
SEASON = 12
# How the default LSTMForecaster is run on airline (as in accuracy.py):
# rows of make_windows(train, AIRLINE_WINDOW), LSTMForecaster(window=AIRLINE_WINDOW).
AIRLINE_WINDOW = 24


def airline_split():
    """``(train, test)`` of the bundled airline series, as float64 arrays."""
    from sklstm.datasets import load_airline

    values = load_airline().to_numpy(dtype=np.float64)
    return values[:-AIRLINE_TEST], values[-AIRLINE_TEST:]


def mase(y_true, y_pred, y_train, season=SEASON):
    """MASE with the seasonal naive scale of ``y_train`` (sklstm.metrics)."""
    from sklstm.metrics import mean_absolute_scaled_error

    return mean_absolute_scaled_error(
        np.asarray(y_true, dtype=np.float64),
        np.asarray(y_pred, dtype=np.float64),
        y_train=y_train,
        season=season,
    )


def timed(fn, *args, **kwargs):
    """Run ``fn`` once: ``(result, wall seconds, CPU seconds of this process)``.

    A collection first, so that garbage of an earlier run is not charged to
    this one. CPU time is reported beside wall time because it is far less
    sensitive to other jobs on the machine.
    """
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def stats(values):
    """Median, min and max of a list of numbers, for the JSON report."""
    values = [float(v) for v in values]
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "values": values,
    }


def machine():
    """The machine and library versions a result was measured with."""
    import sklearn
    import skorch
    import torch

    import sklstm

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sklstm": sklstm.__version__,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def parser(name, doc):
    """An argument parser with the options every benchmark script takes."""
    p = argparse.ArgumentParser(
        prog=f"{name}.py",
        description=doc.strip().splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="tiny smoke-test size (seconds); writes <name>-quick.json unless --output is given",
    )
    p.add_argument("--output", type=Path, default=None, help="where to write the JSON results")
    return p


def write_report(name, args, config, results, notes=()):
    """Write the JSON report and return its path.

    The default path is ``benchmarks/results/<name>.json``, or
    ``<name>-quick.json`` for ``--quick``, so a smoke run never overwrites
    published numbers.
    """
    path = args.output or RESULTS / (f"{name}-quick.json" if args.quick else f"{name}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": name,
        "quick": bool(args.quick),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": machine(),
        "config": config,
        "results": results,
        "notes": list(notes),
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, default=_jsonable) + "\n")
    tmp.replace(path)
    print(f"\nwrote {path}")
    return path


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_table(title, columns, rows):
    """Print ``rows`` (dicts) as a Markdown table, ready for the README."""
    cells = [[_fmt(row.get(c, "")) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print(f"\n### {title}\n")
    print("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |")


def _fmt(value):
    if isinstance(value, float):
        if value != value:
            return "nan"
        if abs(value) >= 100:
            return f"{value:.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}" if abs(value) < 0.01 else f"{value:.2f}"
    return str(value)


def parse_config(text):
    """``"defaults"`` or ``"name=value[,name=value]"`` (values read as JSON when they can be)."""
    if text == "defaults":
        return {}
    params = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    return params
