project = "Wren"
extensions = ["sphinx_jointassessment"]
