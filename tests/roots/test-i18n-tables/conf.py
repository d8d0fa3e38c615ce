project = "Kestrel"
extensions = ["sphinx_jointassessment"]
language = "de"
locale_dirs = ["locale"]
