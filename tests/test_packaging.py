"""The wheel a user installs: its licence file, its licence metadata, its data files.

Built offline with the project's own build backend (flit_core's PEP 517 API) into a
temporary folder, so the test checks what ``pip install`` would really get.
"""

from __future__ import annotations

import zipfile
from email.parser import HeaderParser
from typing import TYPE_CHECKING

import pytest

from .conftest import REPO_ROOT

if TYPE_CHECKING:
    from pathlib import Path

PACKAGE = REPO_ROOT / "sphinx_jointassessment"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    from flit_core import buildapi  # the build backend that pyproject.toml names

    out: Path = tmp_path_factory.mktemp("wheel")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO_ROOT)  # a PEP 517 backend builds the project in the working folder
        name = buildapi.build_wheel(str(out))
    return zipfile.ZipFile(out / name)


def _dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    """The wheel's ``*.dist-info/NAME`` member (exactly one)."""
    (found,) = [n for n in wheel.namelist() if n.endswith(f".dist-info/{name}")]
    return found


def test_license_is_the_apache_2_text() -> None:
    text = (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_wheel_carries_the_license_file(wheel: zipfile.ZipFile) -> None:
    shipped = wheel.read(_dist_info(wheel, "licenses/LICENSE"))
    assert shipped == (REPO_ROOT / "LICENSE").read_bytes()


def test_wheel_metadata_states_the_licence(wheel: zipfile.ZipFile) -> None:
    metadata = HeaderParser().parsestr(wheel.read(_dist_info(wheel, "METADATA")).decode())
    # License-Expression and License-File are metadata 2.4 (PEP 639)
    assert tuple(map(int, metadata["Metadata-Version"].split("."))) >= (2, 4)
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    # PEP 639: no licence classifier beside an expression
    assert not [c for c in metadata.get_all("Classifier", []) if c.startswith("License ::")]


def test_wheel_carries_every_file_of_the_package(wheel: zipfile.ZipFile) -> None:
    """The schema and the outlines are data files: a wheel without them fails on import."""
    expected = {
        path.relative_to(REPO_ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected <= set(wheel.namelist())
    assert "sphinx_jointassessment/schema/assessment.schema.json" in expected
