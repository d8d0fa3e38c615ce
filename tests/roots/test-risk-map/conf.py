project = "Kestrel"
extensions = ["myst_parser", "sphinx_jointassessment"]
