"""Kestrel's documentation: an ordinary docs site that also carries its joint assessment."""

project = "Kestrel"
author = "The Kestrel maintainers"
copyright = "2026, The Kestrel maintainers"

extensions = ["myst_parser", "sphinx_jointassessment"]

# The assessment follows the CNCF joint-assessment outline (the default).
jointassessment_project = "Kestrel"
jointassessment_outline = "joint"

myst_heading_anchors = 3
exclude_patterns = ["_build"]
html_title = "Kestrel"
