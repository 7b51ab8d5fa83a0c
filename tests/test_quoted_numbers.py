"""Every number a page quotes from a benchmark is the number in its results file.

``QUOTES`` lists each quoted passage: the page, the passage as it reads with
``{...}`` fields in ``str.format`` syntax, and for each field the value in
``benchmarks/results/`` that it shows. The test renders every passage from the
JSON files and looks for it in the page (line breaks and indentation count
as one space). When a benchmark is rerun and a number changes, the test fails
until the page says the new number; ``python tests/test_quoted_numbers.py``
prints every passage as the current results render it.

To quote a new number, add one line, e.g.::

    Q("README.md", "{:.2f} times AutoETS's MASE", R("accuracy.json", "results/x/y")),

``R(file, path, reduce)``: ``path`` is a ``/``-separated path of keys (list
positions as numbers); a ``*`` takes every child, and ``reduce`` (e.g.
``median``) turns them into one value.
"""

import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


class R(NamedTuple):
    """One value of a results file."""

    file: str
    path: str
    reduce: Callable = None


class Q:
    """A passage of a page and the values its fields show, in order."""

    def __init__(self, page, text, *values):
        self.page, self.text, self.values = page, text, values


median = statistics.median

ACC = "results/defaults/summary/0"
ACC_TRUE = "results/window_scaling=true"
ACC_FALSE = "results/window_scaling=false"
EMPLOYMENT = "results/us_employment defaults"
TOURISM = "results/visnights defaults"
LSTM_COVERAGE = "results/lstm/*/summary/coverage {}"
ENSEMBLE = "results/{}/{}/ratio"
AIRLINE = "airline (108 pairs)"
TUTORIAL, SKLSTM = "results/methods/0", "results/methods/2"
COMP = "results/defaults/summary/0"

QUOTES = [
    # README.md
    Q(
        "README.md",
        "five seeds has a median of {:.2f} and a worst of {:.2f}; sklstm 0.2.0's defaults had "
        "{:.2f} and {:.2f}, with fit and forecast about {:.0f} times faster",
        R("tutorial.json", f"{TUTORIAL}/mase_median"),
        R("tutorial.json", f"{TUTORIAL}/mase_worst"),
        R("tutorial.json", f"{SKLSTM}/mase_median"),
        R("tutorial.json", f"{SKLSTM}/mase_worst"),
        R("tutorial.json", f"{SKLSTM}/speedup_median"),
    ),
    Q("README.md", "Benchmarks on {} public series", R("accuracy.json", "config/series")),
    Q(
        "README.md",
        "the defaults' geometric-mean MASE is {:.2f} times AutoETS's on M1 and {:.2f} times on "
        "tourism; they beat seasonal naive with every seed on {} and {} of the 30 series "
        "(AutoETS: {} and {})",
        R("competitions-M1-sample10.json", f"{COMP}/vs AutoETS/median"),
        R("competitions-tourism-sample10.json", f"{COMP}/vs AutoETS/median"),
        R("competitions-M1-sample10.json", f"{COMP}/beats seasonal naive every seed"),
        R("competitions-tourism-sample10.json", f"{COMP}/beats seasonal naive every seed"),
        R("competitions-M1-sample10.json", f"{COMP}/AutoETS beats seasonal naive"),
        R("competitions-tourism-sample10.json", f"{COMP}/AutoETS beats seasonal naive"),
    ),
    # docs/user_guide/settings.rst
    Q(
        "docs/user_guide/settings.rst",
        "geometric-mean MASE is {:.2f} times AutoETS's, {:.2f} times AutoARIMA's, {:.2f} "
        "times AutoTheta's and {:.2f} times seasonal naive's, and they beat seasonal naive "
        "with every seed on {} of the {} series. They take about {:.1f} s per series",
        R("accuracy.json", f"{ACC}/vs AutoETS/median"),
        R("accuracy.json", f"{ACC}/vs AutoARIMA/median"),
        R("accuracy.json", f"{ACC}/vs AutoTheta/median"),
        R("accuracy.json", f"{ACC}/vs SeasonalNaive/median"),
        R("accuracy.json", f"{ACC}/beats naive every seed"),
        R("accuracy.json", f"{ACC}/series"),
        R("accuracy.json", "results/defaults/seconds_per_forecast/median"),
    ),
    Q(
        "docs/user_guide/settings.rst",
        "ratio to AutoETS {:.3f}, against {:.3f} for two window-scaled networks and {:.3f} "
        "for two unscaled ones), and beat seasonal naive with every seed on more series "
        "({} of {}, against {} and {})",
        R("accuracy.json", f"{ACC}/vs AutoETS/median"),
        R("accuracy-window_scaling-true.json", f"{ACC_TRUE}/summary/0/vs AutoETS/median"),
        R("accuracy-window_scaling-false.json", f"{ACC_FALSE}/summary/0/vs AutoETS/median"),
        R("accuracy.json", f"{ACC}/beats naive every seed"),
        R("accuracy.json", f"{ACC}/series"),
        R("accuracy-window_scaling-true.json", f"{ACC_TRUE}/summary/0/beats naive every seed"),
        R("accuracy-window_scaling-false.json", f"{ACC_FALSE}/summary/0/beats naive every seed"),
    ),
    Q(
        "docs/user_guide/settings.rst",
        "(median MASE {:.2f} against {:.2f} for the mix, and {:.2f} for window-scaled "
        "networks alone, over five seeds)",
        R("accuracy-window_scaling-false.json", f"{ACC_FALSE}/airline/median"),
        R("accuracy.json", "results/defaults/airline/median"),
        R("accuracy-window_scaling-true.json", f"{ACC_TRUE}/airline/median"),
    ),
    Q(
        "docs/user_guide/settings.rst",
        "one model scaled row by row was {:.2f} times per-series AutoETS's MASE; one "
        '``"minmax"`` scale for all of them, {:.2f} times',
        R("global_model.json", f"{EMPLOYMENT}/vs_ets"),
        R("global_model.json", 'results/us_employment scaler="minmax"/vs_ets'),
    ),
    # docs/user_guide/ensembles.rst
    Q(
        "docs/user_guide/ensembles.rst",
        "two networks in threads cost {:.2f} times one network's fit (in one pass, {:.2f}), five "
        "cost {:.2f} times one and ten {:.2f}",
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "2 networks, 2 threads")),
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "2 networks, one pass")),
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "5 networks, 2 threads")),
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "10 networks, 2 threads")),
    ),
    Q(
        "docs/user_guide/ensembles.rst",
        "two window-scaled networks had a median MASE of {:.2f} over five seeds, against "
        "{:.2f} for the default mix of one network of each kind, and {:.2f} for two "
        "networks in the scaler's units",
        R("accuracy-window_scaling-true.json", f"{ACC_TRUE}/airline/median"),
        R("accuracy.json", "results/defaults/airline/median"),
        R("accuracy-window_scaling-false.json", f"{ACC_FALSE}/airline/median"),
    ),
    # docs/user_guide/intervals.rst
    Q(
        "docs/user_guide/intervals.rst",
        "On the {} public series of the repository's benchmark",
        R("intervals.json", "config/series"),
    ),
    Q(
        "docs/user_guide/intervals.rst",
        "intervals held {:.0%} and {:.0%} of the actual values (median over three seeds)",
        R("intervals.json", LSTM_COVERAGE.format(80), median),
        R("intervals.json", LSTM_COVERAGE.format(95), median),
    ),
    Q(
        "docs/user_guide/intervals.rst",
        "AutoETS intervals held {:.0%} and {:.0%} of the same values",
        R("intervals.json", "results/baselines/AutoETS/coverage 80"),
        R("intervals.json", "results/baselines/AutoETS/coverage 95"),
    ),
    # docs/user_guide/panels.rst
    Q(
        "docs/user_guide/panels.rst",
        "on the {} monthly US employment series, one model scaled row by row had {:.2f} "
        "times the error (geometric-mean MASE) of per-series AutoETS and {:.2f} times "
        "that of per-series LSTMs",
        R("global_model.json", f"{EMPLOYMENT}/series"),
        R("global_model.json", f"{EMPLOYMENT}/vs_ets"),
        R("global_model.json", f"{EMPLOYMENT}/vs_per_series_lstm"),
    ),
    Q(
        "docs/user_guide/panels.rst",
        "on the {} quarterly Australian tourism regions, {:.2f} times per-series AutoETS's "
        "and {:.2f} times per-series LSTMs'",
        R("global_model.json", f"{TOURISM}/series"),
        R("global_model.json", f"{TOURISM}/vs_ets"),
        R("global_model.json", f"{TOURISM}/vs_per_series_lstm"),
    ),
    # examples/
    Q("examples/plot_intervals.py", "# {} real series", R("intervals.json", "config/series")),
    # benchmarks/README.md: the targets at a glance
    Q(
        "benchmarks/README.md",
        "**not met**: {:.3f}x AutoETS, {:.3f}x AutoARIMA ({:.3f}x AutoTheta, {:.3f}x "
        "seasonal naive)",
        R("accuracy.json", f"{ACC}/vs AutoETS/median"),
        R("accuracy.json", f"{ACC}/vs AutoARIMA/median"),
        R("accuracy.json", f"{ACC}/vs AutoTheta/median"),
        R("accuracy.json", f"{ACC}/vs SeasonalNaive/median"),
    ),
    Q(
        "benchmarks/README.md",
        "**not met**: {} of {} ({:.0%})",
        R("accuracy.json", f"{ACC}/beats naive every seed"),
        R("accuracy.json", f"{ACC}/series"),
        R("accuracy.json", f"{ACC}/beats naive share"),
    ),
    Q(
        "benchmarks/README.md",
        "**met**: median {:.2f} s, mean {:.2f} s (max {:.2f} s)",
        R("accuracy.json", "results/defaults/seconds_per_forecast/median"),
        R("accuracy.json", "results/defaults/seconds_per_forecast/mean"),
        R("accuracy.json", "results/defaults/seconds_per_forecast/max"),
    ),
    Q(
        "benchmarks/README.md",
        "**not met**: {:.2f} / {:.2f} (`window_scaling=False`: {:.2f} / {:.2f})",
        R("accuracy.json", "results/defaults/airline/median"),
        R("accuracy.json", "results/defaults/airline/worst"),
        R("accuracy-window_scaling-false.json", f"{ACC_FALSE}/airline/median"),
        R("accuracy-window_scaling-false.json", f"{ACC_FALSE}/airline/worst"),
    ),
    Q(
        "benchmarks/README.md",
        "**not met**: {:.1%} and {:.1%} (AutoETS {:.1%} and {:.1%})",
        R("intervals.json", LSTM_COVERAGE.format(80), median),
        R("intervals.json", LSTM_COVERAGE.format(95), median),
        R("intervals.json", "results/baselines/AutoETS/coverage 80"),
        R("intervals.json", "results/baselines/AutoETS/coverage 95"),
    ),
    Q(
        "benchmarks/README.md",
        "**not met**: {:.2f} against {:.2f}",
        R("intervals.json", "results/lstm/*/summary/gm MSIS 95", median),
        R("intervals.json", "results/baselines/AutoETS/gm MSIS 95"),
    ),
    Q(
        "benchmarks/README.md",
        "**not met**: employment {:.2f}x / {:.2f}x, {} of {}; tourism {:.2f}x / {:.2f}x, {} of {}",
        R("global_model.json", f"{EMPLOYMENT}/vs_ets"),
        R("global_model.json", f"{EMPLOYMENT}/vs_per_series_lstm"),
        R("global_model.json", f"{EMPLOYMENT}/beats_naive_every_seed"),
        R("global_model.json", f"{EMPLOYMENT}/series"),
        R("global_model.json", f"{TOURISM}/vs_ets"),
        R("global_model.json", f"{TOURISM}/vs_per_series_lstm"),
        R("global_model.json", f"{TOURISM}/beats_naive_every_seed"),
        R("global_model.json", f"{TOURISM}/series"),
    ),
    Q(
        "benchmarks/README.md",
        "2 networks **met**: {:.2f}x in threads (one pass {:.2f}x); 5 networks **not met**: "
        "{:.2f}x (one pass {:.2f}x)",
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "2 networks, 2 threads")),
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "2 networks, one pass")),
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "5 networks, 2 threads")),
        R("ensemble_cost.json", ENSEMBLE.format(AIRLINE, "5 networks, one pass")),
    ),
    Q(
        "benchmarks/README.md",
        "**met**: {:.1f}x median / {:.1f}x worst seed; MASE {:.2f} / {:.2f} against the "
        "tutorial's {:.2f} / {:.2f}",
        R("tutorial.json", f"{SKLSTM}/speedup_median"),
        R("tutorial.json", f"{SKLSTM}/speedup_worst"),
        R("tutorial.json", f"{SKLSTM}/mase_median"),
        R("tutorial.json", f"{SKLSTM}/mase_worst"),
        R("tutorial.json", f"{TUTORIAL}/mase_median"),
        R("tutorial.json", f"{TUTORIAL}/mase_worst"),
    ),
]


def _get(node, keys):
    if not keys:
        return node
    key, rest = keys[0], keys[1:]
    if key == "*":
        children = node.values() if isinstance(node, dict) else node
        return [_get(child, rest) for child in children]
    if isinstance(node, list):
        key = int(key)
    return _get(node[key], rest)


def value(result):
    """The value ``result`` names, read from its results file."""
    data = json.loads((RESULTS / result.file).read_text(encoding="utf-8"))
    found = _get(data, result.path.split("/"))
    if result.reduce is not None:
        return result.reduce(found)
    if isinstance(found, list):
        raise ValueError(f"{result.path} of {result.file} is a list: give it a reduce")
    return found


def _flat(text):
    return " ".join(text.split())


def rendered(quote):
    """The passage as the current results render it."""
    return _flat(quote.text.format(*(value(r) for r in quote.values)))


def _page(quote):
    return _flat((ROOT / quote.page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("quote", QUOTES, ids=[f"{q.page}:{q.text[:40]}" for q in QUOTES])
def test_quoted_numbers_match_the_results_files(quote):
    expected = rendered(quote)
    assert expected in _page(quote), (
        f"{quote.page} should say (from benchmarks/results/): {expected!r}"
    )


def test_a_changed_result_would_be_caught():
    # The same passage with its first value off by 10% is not on the page.
    quote = QUOTES[0]
    values = [value(r) for r in quote.values]
    values[0] *= 1.1
    assert _flat(quote.text.format(*values)) not in _page(quote)


def test_every_quoted_results_file_is_a_benchmark_report():
    for name in {r.file for q in QUOTES for r in q.values}:
        report = json.loads((RESULTS / name).read_text(encoding="utf-8"))
        assert report["quick"] is False, f"{name} is a smoke-size run, not a result"


if __name__ == "__main__":
    for quote in QUOTES:
        status = "ok  " if rendered(quote) in _page(quote) else "DIFF"
        print(f"{status} {quote.page}: {rendered(quote)}")
    sys.exit(0)
