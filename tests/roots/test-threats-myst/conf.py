project = "Kestrel"
extensions = ["sphinx_jointassessment", "myst_parser"]
