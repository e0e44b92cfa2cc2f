"""Sphinx configuration of the skgru documentation.

Build (warnings are errors; the gallery runs the examples with a small budget)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Nothing is fetched from the network at build time: no intersphinx inventories.
"""

import os
import shutil
import sys
from pathlib import Path

# --- environment of the gallery run (set before anything imports torch) -------------
# The examples read SKGRU_EXAMPLE_BUDGET; "small" runs them in seconds.
os.environ["SKGRU_EXAMPLE_BUDGET"] = "small"
# One OpenMP thread: the build is not a benchmark, and on a busy machine busy-waiting
# OpenMP threads slow small networks down many times (see the threads section of
# the parallel page). A value exported by the caller wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import skgru  # noqa: E402

# --- project -----------------------------------------------------------------------
project = "skgru"
author = "skgru developers"
copyright = "skgru developers"  # noqa: A001
release = skgru.__version__
version = ".".join(release.split(".")[:2])

# --- general -----------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "markdown_file",  # docs/_ext: benchmarks/README.md on the benchmarks page
]
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "README.md",
    "gen_modules/gallery_src",
    "_ext",
    "Thumbs.db",
    ".DS_Store",
]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"
# No intersphinx: the build must not touch the network.
intersphinx_mapping = {}

# --- autodoc / autosummary / numpydoc -----------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"
autoclass_content = "class"
# numpydoc writes the Parameters/Attributes/... sections; the class template lists
# the methods, so numpydoc must not add a second member table.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# --- sphinx-gallery -------------------------------------------------------------------
# sphinx-gallery needs a header file (GALLERY_HEADER.txt) next to the examples. The
# examples live in ../examples, outside the docs; they are staged, with the docs'
# header, into gen_modules/gallery_src (git-ignored) on every build, so a new
# examples/plot_*.py shows up without any change here.
GALLERY_SRC = DOCS / "gen_modules" / "gallery_src"


def _stage_examples():
    GALLERY_SRC.mkdir(parents=True, exist_ok=True)
    wanted = {"GALLERY_HEADER.txt": DOCS / "gallery_header.txt"}
    for path in sorted((ROOT / "examples").glob("*.py")):
        wanted[path.name] = path
    for stale in GALLERY_SRC.iterdir():
        if stale.suffix in {".py", ".txt"} and stale.name not in wanted:
            stale.unlink()
    for name, source in wanted.items():
        target = GALLERY_SRC / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)


_stage_examples()

sphinx_gallery_conf = {
    "examples_dirs": str(GALLERY_SRC),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # Only examples/plot_*.py are gallery pages; other .py files there are helpers.
    "ignore_pattern": r"/(?!plot_)[^/]*\.py$",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skgru",),
    "reference_url": {"skgru": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    # no sg_execution_times.rst in the (tracked) docs folder
    "write_computation_times": False,
    # A failing example fails the build.
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
}

# --- HTML ----------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skgru {release}"
html_static_path = []
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "changelog": [], "benchmarks": []}


# --- inherited docstrings -------------------------------------------------------------
# The estimators inherit many methods from scikit-learn, sktime and scikit-base.
# Their docstrings are written for those projects' own docs: they point to glossary
# terms and labels that exist only there, and some are not valid reStructuredText
# (warnings that would fail this build and that skgru cannot fix). The methods a
# user calls keep their full inherited docstring; every other inherited method shows
# its summary line and where it comes from. skgru's own docstrings are untouched.
FULL_INHERITED_DOCS = {
    "fit",
    "predict",
    "predict_interval",
    "predict_quantiles",
    "predict_var",
    "update",
    "update_predict",
    "fit_predict",
    "score",
    "get_params",
    "set_params",
    "get_fitted_params",
}


def _defining_object(obj):
    """The function behind a method, property or descriptor (None if unknown)."""
    if isinstance(obj, property):
        obj = obj.fget
    return getattr(obj, "__func__", obj)


def _owner(function):
    """``module.Class`` (or ``module``) of a function, from its qualified name."""
    module = getattr(function, "__module__", None) or ""
    qualname = getattr(function, "__qualname__", "") or ""
    owner = qualname.split(".<locals>")[0].rpartition(".")[0]
    return f"{module}.{owner}" if owner else module


def _shorten_inherited(app, what, name, obj, options, lines):
    if what not in ("method", "attribute", "property"):
        return
    function = _defining_object(obj)
    module = getattr(function, "__module__", None) or ""
    if not module or module == "skgru" or module.startswith("skgru."):
        return
    if name.rpartition(".")[2] in FULL_INHERITED_DOCS:
        return
    summary = []
    for line in lines:
        if not line.strip():
            if summary:
                break
            continue
        summary.append(line)
    summary = summary or ["Inherited method."]
    note = f"Inherited from ``{_owner(function)}``; see its documentation."
    lines[:] = [*summary, "", note]


def _demote_foreign_reference(app, env, node, contnode):
    """Show a glossary term or label of another project's docs as plain text.

    skgru has no glossary, so a ``:term:`` anywhere (inherited docstrings, or
    property summaries numpydoc copies into an Attributes list) is one of
    scikit-learn's or sktime's; ``:ref:`` and ``:doc:`` are demoted only in
    docstrings that skgru did not write, so a broken link in skgru's own text still
    fails the build (in the full docstring; the summary tables of autosummary
    repeat summary lines and are demoted too).
    """
    if node.get("refdomain") != "std":
        return None
    reftype = node.get("reftype")
    if reftype == "term":
        return contnode
    if reftype in ("ref", "doc"):
        source = node.source or ""
        foreign = "docstring of " in source and "docstring of skgru." not in source
        # autosummary's method tables repeat each summary line; the full
        # docstring below the table is checked.
        if foreign or "<autosummary>" in source:
            return contnode
    return None


def setup(app):
    # Before numpydoc (priority 500), on the raw docstring.
    app.connect("autodoc-process-docstring", _shorten_inherited, priority=400)
    app.connect("missing-reference", _demote_foreign_reference)
