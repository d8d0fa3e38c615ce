project = "SPIRE"
extensions = ["sphinx_jointassessment", "myst_parser"]
