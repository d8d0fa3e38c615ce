project = "SBOM"
extensions = ["sphinx_jointassessment"]
