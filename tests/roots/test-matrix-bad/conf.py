project = "Bad"
extensions = ["sphinx_jointassessment", "myst_parser"]
jointassessment_score_range = (0, 100)
jointassessment_max_input_bytes = 4096
