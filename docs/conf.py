"""Sphinx configuration of the sphinx-jointassessment documentation.

The documentation is built with the extension itself: it carries the joint
assessment of sphinx-jointassessment (``assessment/``), and every example is a
snippet of ``snippets/`` built on its own (see ``_ext/ja_docs.py``).
"""

import sys
from pathlib import Path

import sphinx_jointassessment

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "sphinx-jointassessment"
author = "The sphinx-jointassessment developers"
copyright = "2026, The sphinx-jointassessment developers"
release = sphinx_jointassessment.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx_jointassessment",
    "sphinx_design",
    "ja_docs",
]

# -- sources -------------------------------------------------------------------------------
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# snippets and tutorial files are shown with literalinclude (and built on their own),
# never read as pages of this site
exclude_patterns = ["_build", "_ext", "snippets", "tutorial-files", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3
# every cross-reference must resolve, here and on Read the Docs (as ``-n`` does)
nitpicky = True

# -- this site's own joint assessment (assessment/) ----------------------------------------
jointassessment_project = "sphinx-jointassessment"
jointassessment_outline = "joint"
# what an attack needs beyond the attacker's position (see assessment/threat-model)
jointassessment_labels = {"MERGE": "conditional", "RELEASE": "conditional"}

# -- html ----------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"sphinx-jointassessment {release}"
html_static_path = ["_static"]
html_css_files = ["jadocs.css"]
html_theme_options = {
    "source_repository": "https://github.com/cncf/sphinx-jointassessment/",
    "source_branch": "main",
    "source_directory": "docs/",
}
html_copy_source = False
