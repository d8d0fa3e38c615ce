project = "Wide"
extensions = ["sphinx_jointassessment"]
latex_documents = [("index", "wide.tex", "Wide", "Tests", "howto")]
