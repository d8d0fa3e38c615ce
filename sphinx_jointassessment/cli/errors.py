"""The one exception the command line turns into a one-line message and exit status 2.

Every expected failure (a missing file, a folder that is not empty, a bad
argument) raises :class:`CliError` with a message meant for the user, so
:func:`sphinx_jointassessment.cli.main.main` can print it without a traceback.
"""

from __future__ import annotations

#: exit status of a run that found problems in the documents (``check``)
EXIT_PROBLEMS = 1
#: exit status of a usage or input error
EXIT_USAGE = 2


class CliError(Exception):
    """An error to show as ``sphinx-jointassessment: error: MESSAGE`` with exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))
        self.message = " ".join(message.split())
