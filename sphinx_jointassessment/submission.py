"""Where the assembled assessment is submitted (SPEC §4, ``jointassessment_target``).

Since 2025 assessments are submitted to ``cncf/toc``, in
``projects/<project>/security-assessment/``; before, to ``cncf/tag-security``, in
``community/assessments/projects/<project>/``. The builder writes the files at its
output folder's root and says, in its summary line and in the JSON, the path they
take in the target repository; the ``security-insights`` command links the
assessment at its published URL there (or at ``jointassessment_published_url``).
Pure functions: the command line uses them without Sphinx.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .values import slug

#: target -> (repository, folder of a project's assessment, with ``{slug}``)
REPOSITORIES = {
    "toc": ("cncf/toc", "projects/{slug}/security-assessment/"),
    "tag-security": ("cncf/tag-security", "community/assessments/projects/{slug}/"),
}


def project_slug(project: str) -> str:
    """The project's folder name: lower case, each run of other characters one ``-``."""
    return slug(project)


@dataclass(frozen=True, slots=True)
class Submission:
    target: str
    repository: str
    #: the folder in the repository, ending in ``/``
    path: str
    #: where the Markdown is (or will be) published
    url: str
    #: whether :attr:`url` is ``jointassessment_published_url`` (else it is derived)
    published: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "repository": self.repository,
            "path": self.path,
            "url": self.url,
            "published": self.published,
        }


def submission(target: str, project: str, output: str, published_url: str = "") -> Submission:
    """Where the files of *project*'s assessment (``<output>.md``...) go in *target*."""
    repository, folder = REPOSITORIES.get(target, REPOSITORIES["toc"])
    path = folder.format(slug=project_slug(project))
    url = published_url or f"https://github.com/{repository}/blob/main/{path}{output}.md"
    return Submission(target, repository, path, url, bool(published_url))
