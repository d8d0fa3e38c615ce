project = "Incremental"
extensions = ["sphinx_jointassessment"]
