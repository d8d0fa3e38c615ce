project = "Linkcheck"
extensions = ["sphinx_jointassessment"]
linkcheck_timeout = 5
linkcheck_retries = 1
