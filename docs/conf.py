"""Sphinx configuration of the sklstm documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html``. Nothing is fetched
from the network: there are no intersphinx inventories, and the gallery runs
the examples on the bundled data.
"""

import os
import re
import sys
from pathlib import Path

# The gallery runs every example in this process. The models are small, so one
# torch thread is as fast as several and keeps the build from oversubscribing a
# CI machine's cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch

import sklstm

torch.set_num_threads(1)
sys.path.insert(0, str(Path(__file__).parent))

project = "sklstm"
author = "The sklstm developers"
copyright = "The sklstm developers"
release = sklstm.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "literal"
nitpicky = False

# -- API reference -----------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# The class template lists the members itself (see _templates/class.rst).
numpydoc_show_class_members = False
numpydoc_attributes_as_param_list = True

# -- Gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    # File names order the gallery: the tutorial, plot_airline_tutorial, first.
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklstm",),
    "backreferences_dir": "gen_modules/backreferences",
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "show_memory": False,
    "image_srcset": [],
}


def _write_cli_help():
    """Write ``sklstm forecast --help`` for cli.rst, so the page never goes stale."""
    import contextlib
    import io

    from sklstm._cli import main

    text = io.StringIO()
    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"  # argparse wraps the help to this width
    try:
        with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
            main(["forecast", "--help"])
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    out = Path(__file__).parent / "generated" / "cli_help.txt"
    out.parent.mkdir(exist_ok=True)
    if not out.exists() or out.read_text() != text.getvalue():
        out.write_text(text.getvalue())


_write_cli_help()

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklstm {release}"
html_theme_options = {
    "github_url": "https://github.com/sklstm/sklstm",
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 5,
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
}
# Pages without sub-pages have nothing to list in the section navigation.
html_sidebars = {"index": [], "cli": []}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False


# Methods inherited from scikit-learn (score, get_params, set_score_request...)
# cite labels and glossary terms of scikit-learn's own docs. Without network
# access there is no intersphinx inventory to resolve them, so in those
# docstrings only, a reference becomes its plain text; references in sklstm's
# docstrings are still checked.
_SKLEARN_ROLE = re.compile(r":(?:ref|term):`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`")


def _unlink_sklearn_references(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", "") or ""
    if module.startswith("sklearn."):
        lines[:] = [_SKLEARN_ROLE.sub(lambda m: m.group(1) or m.group(2), line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_references)
