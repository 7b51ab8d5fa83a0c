"""The covariates gallery example says what its own numbers show."""

import re
import runpy
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "plot_covariates.py"


@pytest.mark.slow
def test_the_covariates_example_states_its_own_results(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        namespace = runpy.run_path(str(EXAMPLE), run_name="__main__")
    finally:
        plt.close("all")
    out = capsys.readouterr().out
    errors = namespace["errors"]
    # The printed errors are the computed ones, and the printed change follows from them.
    for name, error in errors.items():
        assert (
            f"{name:>18}: MAE {error['all']:.1f}, on the holidays {error['holidays']:.1f}" in out
        )
    change = errors["with covariates"]["all"] / errors["without covariates"]["all"] - 1
    assert f"the covariates change the MAE by {change:+.0%}" in out
    # The scenario stays inside the temperatures the model was trained on,
    # where the simulated effect is not zero, and both effects are printed.
    history = namespace["history"]
    warmer = namespace["warmer"].loc[namespace["future"].index, "temp"]
    trained = namespace["calendar"].loc[history.index, "temp"]
    assert warmer.max() <= trained.max()
    assert namespace["true_effect"] > 0.01
    printed = re.search(
        r"3 °C warmer: sales ([-+][0-9.]+)% by the model, ([-+][0-9.]+)% in truth", out
    )
    assert printed is not None
    assert float(printed[1]) == pytest.approx(100 * namespace["model_effect"], abs=0.05)
    assert float(printed[2]) == pytest.approx(100 * namespace["true_effect"], abs=0.05)
    # The text calls the holiday flag and the weather known drivers of the
    # sales: the model that reads them must do better, overall and on holidays.
    assert errors["with covariates"]["all"] < errors["without covariates"]["all"]
    assert errors["with covariates"]["holidays"] < errors["without covariates"]["holidays"]
