"""What users read: links that work, and no working notes.

Relative links in the README files and the docs point at files of the repository.

A clone has nothing outside the repository, so a link that leaves it, or
names a file that does not exist, is broken for every reader. Sphinx checks
its own cross-references (``:ref:``, ``:doc:``) when the docs are built with
``-W``; this checks what it does not: Markdown links, plain hyperlinks and
image paths, without building anything.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKDOWN = [ROOT / "README.md", ROOT / "benchmarks" / "README.md"]
RST = sorted((ROOT / "docs").rglob("*.rst")) + sorted((ROOT / "examples").glob("*.rst"))
RST = [
    path
    for path in RST
    if not {"_build", "generated", "auto_examples", "gen_modules"} & set(path.parts)
    and path.name != "sg_execution_times.rst"  # written by the docs build
]

_MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
_RST_HYPERLINK = re.compile(r"`[^`<]*<([^`>]+)>`_{1,2}")
_RST_PATH_OPTION = re.compile(
    r"^\s*(?:\.\. (?:image|figure|include|literalinclude)::|:target:)\s*(\S+)", re.M
)
# Written by the docs build: the gallery from examples/, the CLI help.
_GALLERY = re.compile(r"auto_examples/(?:images/sphx_glr_)?(plot_\w+?)(?:_\d{3}\.png|\.html)$")


def _is_external(target):
    return re.match(r"^[a-z][a-z0-9+.-]*:", target) is not None or target.startswith("#")


def _check(source, target):
    """The problem with ``target``, linked from ``source``, or None."""
    if _is_external(target):
        return None
    path = target.split("#", 1)[0]
    if not path:
        return None
    resolved = (source.parent / path).resolve()
    if ROOT not in resolved.parents and resolved != ROOT:
        return f"{target} leaves the repository"
    gallery = _GALLERY.search(path)
    if gallery:
        example = ROOT / "examples" / f"{gallery.group(1)}.py"
        return None if example.exists() else f"{target}: no examples/{example.name}"
    if "generated" in resolved.relative_to(ROOT).parts:
        return None
    return None if resolved.exists() else f"{target} does not exist"


def _targets(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return _MARKDOWN_LINK.findall(text)
    targets = [t.strip() for t in _RST_HYPERLINK.findall(text)]
    # An rst target ending in "_" names another target, not a file.
    targets = [t for t in targets if not t.endswith("_")]
    return targets + _RST_PATH_OPTION.findall(text)


def _name(path):
    return str(path.relative_to(ROOT))


def test_pages_are_found():
    names = {_name(path) for path in RST}
    assert {"docs/index.rst", "docs/cli.rst", "docs/user_guide/contract.rst"} <= names


@pytest.mark.parametrize("path", MARKDOWN + RST, ids=_name)
def test_relative_links_point_at_files_of_the_repository(path):
    problems = [p for p in (_check(path, t) for t in _targets(path)) if p is not None]
    assert not problems, f"broken links in {_name(path)}: {problems}"


def test_the_checker_finds_broken_links():
    readme = ROOT / "README.md"
    assert _check(readme, "../shared/API.md") == "../shared/API.md leaves the repository"
    assert _check(readme, "docs/nope.rst") == "docs/nope.rst does not exist"
    assert _check(readme, "docs/index.rst") is None
    assert _check(readme, "https://example.org/x") is None
    page = ROOT / "docs" / "user_guide" / "recursive.rst"
    assert _check(page, "../auto_examples/images/sphx_glr_plot_airline_tutorial_003.png") is None
    missing = _check(page, "../auto_examples/plot_nothing.html#x")
    assert missing.endswith("no examples/plot_nothing.py")


def test_readme_links_the_contract():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/user_guide/contract.rst" in _MARKDOWN_LINK.findall(readme)


# Notes about the work rather than the software: issue numbers, who ran what,
# placeholders for tables still to come.
_WORKING_NOTES = re.compile(
    r"issue[ -]?#?\d|\bthe lead\b|helper's|\bsession time\b|to be pasted|paste from|"
    r"\bprovisional\b|final run replaces",
    re.IGNORECASE,
)
USER_FACING = [
    *MARKDOWN,
    *RST,
    ROOT / "constraints.txt",
    *sorted((ROOT / "examples").glob("*.py")),
    *sorted((ROOT / "sklstm").rglob("*.py")),
    *sorted((ROOT / "benchmarks").glob("*.py")),
    *sorted((ROOT / "benchmarks").glob("*.sh")),
    *sorted((ROOT / "benchmarks").glob("requirements*.txt")),
]


@pytest.mark.parametrize("path", USER_FACING, ids=_name)
def test_user_facing_text_has_no_working_notes(path):
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r}"
        for m in _WORKING_NOTES.finditer(text)
    ]
    assert not found, f"{_name(path)} holds working notes: {found}"


def test_the_working_notes_pattern():
    for note in (
        "as in issue 4",
        "the lead's solo run",
        "(final table to be pasted)",
        "<!-- paste from results -->",
        "Provisional, measured",
        "issue-5 work",
    ):
        assert _WORKING_NOTES.search(note), note
    for text in ("a known limitation", "the leading letter", "skorch.helper"):
        assert not _WORKING_NOTES.search(text), text
