project = "Example"
extensions = ["sphinx_jointassessment", "myst_parser"]
