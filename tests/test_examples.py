"""The gallery scripts run; the API page lists every public name.

The user guide's ``>>>`` snippets run as doctests of the ``.rst`` pages
(``--doctest-glob`` and ``docs/user_guide`` in pyproject.toml's pytest settings).
"""

import fnmatch
import inspect
import runpy
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))


def _name(path):
    return str(path.relative_to(ROOT))


@pytest.fixture
def clean_figures():
    plt.close("all")
    yield
    plt.close("all")


def test_examples_are_found():
    names = {path.name for path in EXAMPLES}
    assert {"plot_airline_tutorial.py", "plot_many_series.py", "plot_lstm_vs_gru.py"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_example_runs_and_draws(path, tmp_path, monkeypatch, clean_figures, capsys):
    # An empty working directory shows whether an example writes files.
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(path), run_name="__main__")
    figures = [plt.figure(n) for n in plt.get_fignums()]
    assert figures, f"{path.name} draws no figure for the gallery"
    for figure in figures:
        drawn = [ax for ax in figure.axes if ax.lines or ax.patches or ax.collections]
        assert drawn, f"{path.name} has an empty figure"
        figure.savefig(tmp_path / "check.png")
        (tmp_path / "check.png").unlink()
    assert list(tmp_path.iterdir()) == []
    # Every example prints its numbers for the gallery page.
    assert capsys.readouterr().out.strip()


def test_every_user_guide_snippet_runs_in_the_suite(request):
    # The pages' ">>>" snippets are doctests of the suite (pyproject.toml), so
    # a page added to the guide is tested without being listed anywhere.
    pages = [p for p in (ROOT / "docs" / "user_guide").glob("*.rst") if ">>>" in p.read_text()]
    assert len(pages) >= 5
    assert "docs/user_guide" in request.config.getini("testpaths")
    globs = request.config.getoption("doctestglob")
    for page in pages:
        assert any(fnmatch.fnmatch(page.name, glob) for glob in globs), page.name


def _public_names():
    import sklstm
    import sklstm.datasets
    import sklstm.metrics
    import sklstm.plotting

    names = {f"sklstm.{n}" for n in sklstm.__all__ if n != "__version__"}
    names |= {f"sklstm.datasets.{n}" for n in sklstm.datasets.__all__}
    names |= {f"sklstm.plotting.{n}" for n in sklstm.plotting.__all__}
    names |= {
        f"sklstm.metrics.{n}"
        for n, obj in vars(sklstm.metrics).items()
        if inspect.isfunction(obj) and not n.startswith("_")
    }
    return names


def test_api_reference_lists_every_public_name():
    text = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    listed, module = set(), "sklstm"
    in_autosummary = False
    for line in text.splitlines():
        if line.startswith(".. currentmodule::"):
            module = line.split("::")[1].strip()
        elif line.startswith(".. autosummary::"):
            in_autosummary = True
        elif in_autosummary and line.startswith("   ") and not line.strip().startswith(":"):
            if line.strip():
                listed.add(f"{module}.{line.strip()}")
        elif line.strip() and not line.startswith(" "):
            in_autosummary = False
    missing = _public_names() - listed
    assert not missing, f"add these to docs/api.rst: {sorted(missing)}"


def test_user_guide_lists_every_page():
    index = (ROOT / "docs" / "user_guide" / "index.rst").read_text(encoding="utf-8")
    for page in (
        "data_model",
        "windowing",
        "scaling",
        "recursive",
        "cross_validation",
        "sklearn_integration",
        "settings",
        "persistence",
    ):
        assert f"\n   {page}\n" in index
