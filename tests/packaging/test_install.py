"""``pip install .`` as a user does it: the built wheel and sdist, in a venv of their own.

The base install (no extras) must give a working library that prints nothing of its own, and
commands that name the extra they need instead of a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = os.environ.get("UV") or shutil.which("uv")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(UV is None, reason="uv is not installed")]

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _uv(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    assert UV is not None
    return subprocess.run(  # noqa: S603 - uv, fixed arguments
        [UV, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and sdist, built from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    _uv("build", "--quiet", "--out-dir", str(out))
    return out


@pytest.fixture(scope="module")
def base_install(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding the wheel with no extras: its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "base"
    _uv("venv", "--quiet", "--python", sys.executable, str(venv))
    (wheel,) = dist.glob("*.whl")
    _uv("pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel))
    return venv / "bin"


def _run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("YOUCAM_", "PYTHON"))}
    return subprocess.run(  # noqa: S603 - the installed package's own commands
        command,
        capture_output=True,
        text=True,
        env={**clean, **env},
        check=False,
        timeout=120,
    )


def test_the_command_without_the_cli_extra_names_the_extra(base_install: Path) -> None:
    """``youcam-units`` from a base install: one line naming the cli extra, exit 1."""
    result = _run([str(base_install / "youcam-units"), "history", "--demo"])
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        (
            "youcam-units: error: the command needs the cli extra (click is missing): "
            "pip install 'youcam-units[cli]'"
        )
    ]


def test_the_mock_server_without_uvicorn_names_the_extra(base_install: Path) -> None:
    """``python -m youcam_units.mock`` from a base install: one line naming the mock extra."""
    result = _run([str(base_install / "python"), "-m", "youcam_units.mock", "--port", "0"])
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert "pip install 'youcam-units[mock]'" in result.stderr


def test_the_base_install_holds_only_what_the_library_imports(base_install: Path) -> None:
    """No python-dateutil (never imported), no uvicorn (the mock extra's), no CLI libraries."""
    probe = "import importlib.util as u; print(*[n for n in {names} if u.find_spec(n)])"
    names = ["dateutil", "uvicorn", "click", "rich", "platformdirs", "httpx", "stamina"]
    result = _run([str(base_install / "python"), "-c", probe.format(names=names)])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["httpx", "stamina"]


def test_version_comes_from_the_package_metadata(base_install: Path) -> None:
    """``youcam_units.__version__`` is pyproject's version, read from the installed metadata."""
    result = _run(
        [str(base_install / "python"), "-c", "import youcam_units as y; print(y.__version__)"]
    )
    assert result.stdout.strip() == PYPROJECT["project"]["version"]


LIBRARY_USER = textwrap.dedent(
    """
    import logging, sys
    import youcam_units
    from youcam_units.mock import FaultKind, FaultPlan, MockService
    if sys.argv[1] == "configured":
        logging.basicConfig(level=logging.WARNING)
    youcam_units.set_testing()
    service = MockService(seed=1, entries=40, faults=FaultPlan.script({1: FaultKind.RATE_LIMITED}))
    import httpx
    http = httpx.Client(transport=service.transport())
    with youcam_units.Client("demo-token", base_url="http://127.0.0.1", http_client=http) as client:
        print(len(list(client.history())))
    """
)


def test_the_library_prints_nothing_unless_logging_is_configured(base_install: Path) -> None:
    """A retried 429 in an application without logging set up: no warning on its stderr.

    The same application with ``logging.basicConfig`` does see the retry, so the log is there
    for whoever asks.
    """
    python = str(base_install / "python")
    silent = _run([python, "-c", LIBRARY_USER, "unconfigured"])
    assert silent.returncode == 0, silent.stderr
    assert silent.stdout.strip() == "40"
    assert silent.stderr == ""
    configured = _run([python, "-c", LIBRARY_USER, "configured"])
    assert configured.returncode == 0, configured.stderr
    assert "retrying after 429" in configured.stderr


def test_the_sdist_holds_the_package_and_licence_but_no_tests(dist: Path) -> None:
    """The sdist's include patterns are anchored: tests/facade/ is not swept in with facade/."""
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert "LICENSE" in names
    assert "facade/youcam_units/__init__.py" in names
    assert "generated/youcam_units_api/client.py" in names
    assert not [name for name in names if name.startswith("tests")]


def test_the_wheel_carries_licence_and_classifiers(dist: Path) -> None:
    """MIT licence file, the supported Pythons as classifiers, in the wheel's metadata."""
    import zipfile  # noqa: PLC0415

    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith("METADATA"))
        text = archive.read(metadata).decode()
        assert any(n.endswith("licenses/LICENSE") for n in archive.namelist())
    assert "License-Expression: MIT" in text
    for version in ("3.11", "3.12", "3.13"):
        assert f"Classifier: Programming Language :: Python :: {version}" in text


def test_the_wheel_holds_what_an_install_needs_and_nothing_else(dist: Path) -> None:
    """Both packages' py.typed, the report's template, the metadata pip and PyPI read; no tests.

    A template or marker outside the packages' files, or a cache swept in from a used checkout,
    would pass every test run from the source tree and only show once installed.
    """
    import zipfile  # noqa: PLC0415

    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    assert {
        "youcam_units/py.typed",
        "youcam_units_api/py.typed",
        "youcam_units/_report/templates/report.html.j2",
    } <= names
    assert {name.split("/")[0] for name in names} == {
        "youcam_units",
        "youcam_units_api",
        f"youcam_units-{PYPROJECT['project']['version']}.dist-info",
    }
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    headers, _, description = metadata.decode().partition("\n\n")
    assert f"Requires-Python: {PYPROJECT['project']['requires-python']}" in headers
    extras = {line.split(": ")[1] for line in headers.splitlines() if "Provides-Extra" in line}
    assert extras == set(PYPROJECT["project"]["optional-dependencies"])
    assert "Description-Content-Type: text/markdown" in headers
    assert description.strip() == (ROOT / "README.md").read_text(encoding="utf-8").strip()
    assert "youcam-units = youcam_units._cli:main" in entry_points.decode()
