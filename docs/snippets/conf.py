# The configuration every snippet of the documentation is built with (by the docs
# build, to show its result, and by tests/test_docs_snippets.py). A snippet NAME may
# add lines of its own in NAME.conf.py; the files of _files/ sit beside it.
project = "Kestrel"
extensions = ["myst_parser", "sphinx_jointassessment"]
