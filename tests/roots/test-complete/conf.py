project = "Tern"
extensions = ["myst_parser", "sphinx_jointassessment"]
