"""Every public function, class and method of sklstm shows how to use it."""

import inspect

import pytest

import sklstm
import sklstm.datasets
import sklstm.metrics
import sklstm.plotting

MODULES = [sklstm, sklstm.datasets, sklstm.metrics, sklstm.plotting]


def _public_objects():
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj):
                continue
            yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj):
                # Methods that sklstm defines; inherited ones keep sklearn's docs.
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and callable(member):
                        yield f"{module.__name__}.{name}.{attr}", member


PUBLIC = dict(_public_objects())


def test_the_public_objects_are_found():
    assert {"sklstm.LSTMForecaster.fit", "sklstm.LSTMForecaster.score", "sklstm.load"} <= set(
        PUBLIC
    )


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_docstring_has_a_runnable_example(name):
    doc = inspect.getdoc(PUBLIC[name]) or ""
    assert "\nExamples\n--------\n" in doc, f"{name} has no Examples section"
    examples = doc.split("\nExamples\n--------\n", 1)[1]
    assert ">>> " in examples, f"{name}'s Examples section has no doctest"


@pytest.mark.parametrize("module", [sklstm.metrics, sklstm.plotting, sklstm.datasets])
def test_star_import_gives_only_the_public_names(module):
    namespace = {}
    exec(f"from {module.__name__} import *", namespace)
    names = {name for name in namespace if name != "__builtins__"}
    assert names == set(module.__all__)
    assert not {"np", "pd", "check_is_fitted"} & names
