project = "Bad"
extensions = ["sphinx_jointassessment", "myst_parser"]
