"""The ``sphinx-jointassessment`` command line (SPEC §7): ``init``, ``import`` and ``check``.

Kept apart from the Sphinx extension so that importing the extension never pulls
in argparse handling or the Markdown importer, and so the command line can be
tested without building anything.
"""
