"""The gallery scripts run; the API page lists every public name.

The user guide's ``>>>`` snippets run as doctests of the ``.rst`` pages
(``--doctest-glob`` and ``docs/user_guide`` in pyproject.toml's pytest settings).
"""

import ast
import fnmatch
import inspect
import itertools
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
    assert {
        "plot_airline_tutorial.py",
        "plot_many_series.py",
        "plot_lstm_vs_gru.py",
        "plot_intervals.py",
        "plot_covariates.py",
    } <= names


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


def _is_quiet(statement):
    """Whether the gallery shows nothing for ``statement`` at the end of a cell."""
    if not isinstance(statement, ast.Expr):
        return True  # an assignment, a loop, an import ...
    value = statement.value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return True  # the docstring
    func = value.func if isinstance(value, ast.Call) else None
    return (isinstance(func, ast.Name) and func.id == "print") or (
        isinstance(func, ast.Attribute) and func.attr == "show"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_example_cells_show_no_stray_repr(path):
    # sphinx-gallery (and a notebook) shows the value of a cell's last
    # expression: an ``ax.legend()`` there prints "<matplotlib.legend.Legend
    # object at 0x...>" on the page.
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    bounds = [0, *(i + 1 for i, line in enumerate(lines) if line.startswith("# %%")), len(lines)]
    body = ast.parse(source).body
    for start, end in itertools.pairwise(bounds):
        cell = [statement for statement in body if start < statement.lineno <= end]
        if cell:
            last = cell[-1]
            assert _is_quiet(last), (
                f"{path.name}, line {last.lineno}: the cell ends with "
                f"{ast.unparse(last)[:60]!r}, whose value the gallery would print; assign "
                "it or end the cell with plt.show()"
            )


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
        "contract",
        "data_model",
        "windowing",
        "scaling",
        "recursive",
        "cross_validation",
        "sklearn_integration",
        "settings",
        "ensembles",
        "intervals",
        "panels",
        "covariates",
        "persistence",
    ):
        assert f"\n   {page}\n" in index


def _table_rows(text, title):
    """First and second cells of the simple table under the section ``title``."""
    section = text.split(f"\n{title}\n", 1)[1]
    table = section.split("\n=", 1)[1]  # from the table's top border
    rows = {}
    for line in table.split("\n")[3:]:
        if line.startswith("="):
            return rows
        if line and not line[0].isspace():
            cells = line.split()
            rows[cells[0].strip("`")] = cells[1].strip("`") if len(cells) > 1 else ""
    raise AssertionError(f"no table end under {title!r}")


def test_contract_lists_every_parameter_with_its_default():
    from sklstm import LSTMForecaster

    text = (ROOT / "docs" / "user_guide" / "contract.rst").read_text(encoding="utf-8")
    documented = {
        name: ast.literal_eval(default)
        for name, default in _table_rows(text, "Parameters").items()
    }
    assert documented == LSTMForecaster().get_params()


def test_docstring_states_every_parameter_with_its_default():
    # The contract and the guide refer to the parameters' documentation for
    # the defaults, so the docstring must follow the code when a default changes.
    import re

    from sklstm import LSTMForecaster

    section = LSTMForecaster.__doc__.split("Parameters\n    ----------\n", 1)[1]
    section = section.split("\n    Attributes\n", 1)[0]
    stated = {
        name: ast.literal_eval(default)
        for name, default in re.findall(r"^    (\w+) : .*default=(.+)$", section, re.MULTILINE)
    }
    assert stated == LSTMForecaster().get_params()


def _public_attributes(model):
    return {name for name in vars(model) if name.endswith("_") and not name.startswith("_")}


def test_contract_lists_every_fitted_attribute(airline):
    import pandas as pd

    from sklstm import LSTMForecaster, make_windows

    text = (ROOT / "docs" / "user_guide" / "contract.rst").read_text(encoding="utf-8")
    documented = set(_table_rows(text, "Fitted attributes"))
    params = {"hidden_size": 4, "max_epochs": 1, "n_estimators": 1, "random_state": 0}
    X, y = make_windows(airline[:40], window=6)
    public = _public_attributes(LSTMForecaster(**params).fit(X, y))
    # Rows with covariates add the attributes that describe them.
    flag = pd.DataFrame({"flag": (airline.index.month == 12).astype(float)}, index=airline.index)
    X, y = make_windows(airline[:40], window=6, covariates=flag[:40])
    public |= _public_attributes(LSTMForecaster(**params).fit(X, y))
    assert documented == public
