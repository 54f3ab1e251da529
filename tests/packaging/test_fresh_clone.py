"""The README's first command on a fresh clone, on a machine like most users' own.

The stand-in for a Debian/Ubuntu/Homebrew Python is a venv that behaves as an externally managed
base interpreter (PEP 668): ``pip install`` into it is refused, as ``python3 -m pip install uv``
is on those systems. With it first on PATH and no uv anywhere, ``scripts/demo`` must still set
itself up and show the demo, leaving the stand-in untouched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = (
    "bash",
    "env",
    "dirname",
    "mktemp",
    "rm",
    "mkdir",
    "cat",
    "sed",
    "ls",
    "diff",
    "cp",
    "mv",
    "touch",
)
"""What the scripts call besides Python and uv: linked into a PATH that has no uv."""
NETWORK_SETTINGS = ("SSL_CERT_FILE", "SSL_CERT_DIR", "PIP_CERT", "HTTPS_PROXY", "HTTP_PROXY")
"""The machine's own network set-up (a CA bundle, a proxy), kept so PyPI stays reachable."""

pytestmark = pytest.mark.fresh_clone


def _tracked_files() -> list[str]:
    """What a clone of this checkout holds: the committed files plus any not yet committed."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: there is no clone to make")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return [name for name in listing.stdout.decode().split("\0") if name]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A copy of the checkout as ``git clone`` would make it: no .venv, no .cache."""
    target = tmp_path / "clone"
    for name in _tracked_files():
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def externally_managed_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH whose ``python3`` is this Python refusing pip installs, as PEP 668 says; no uv.

    Built once for the module (a venv with pip is the slow part): no test writes into it, as
    the stand-in refuses installs and scripts/demo builds its own venv under the clone.
    """
    tmp_path = tmp_path_factory.mktemp("standin")
    standin = tmp_path / "system-python"
    subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "venv", str(standin)], check=True, timeout=300
    )
    python = standin / "bin" / "python3"
    paths = subprocess.run(  # noqa: S603 - the stand-in, fixed arguments
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # Look like a base interpreter (pip skips the PEP 668 check inside a venv), whose stdlib
    # folder carries the marker that Debian puts in /usr/lib/python3.X.
    site = Path(paths.stdout.strip())
    (site / "_standin_base.pth").write_text(
        "import sys; sys.base_prefix = sys.base_exec_prefix = sys.prefix\n"
    )
    stdlib = standin / Path(sysconfig.get_path("stdlib")).relative_to(sys.base_prefix)
    stdlib.mkdir(parents=True, exist_ok=True)
    (stdlib / "EXTERNALLY-MANAGED").write_text(
        "[externally-managed]\nError=this Python is managed by the system: use a venv\n"
    )
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not installed")
        (tools / tool).symlink_to(found)
    return f"{python.parent}{os.pathsep}{tools}"


@pytest.fixture(scope="module")
def bootstrapped_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One fresh clone for the module's script runs: each installs what it needs into it."""
    target = tmp_path_factory.mktemp("scripts") / "clone"
    for name in _tracked_files():
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _environment(path: str) -> dict[str, str]:
    env = {"HOME": os.environ.get("HOME", "/"), "PATH": path, "LANG": "C.UTF-8"}
    env.update({k: os.environ[k] for k in NETWORK_SETTINGS if k in os.environ})
    return env


def test_the_standin_refuses_pip_installs(externally_managed_python: str, tmp_path: Path) -> None:
    """The stand-in is a real PEP 668 Python: ``python3 -m pip install`` is refused."""
    env = _environment(externally_managed_python)
    python = shutil.which("python3", path=externally_managed_python)
    assert python is not None
    refused = subprocess.run(  # noqa: S603 - the stand-in, fixed arguments
        [python, "-m", "pip", "install", "--no-index", "uv"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=tmp_path,
    )
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stdout + refused.stderr


def test_scripts_demo_on_a_fresh_clone_with_an_externally_managed_python_and_no_uv(
    clone: Path, externally_managed_python: str
) -> None:
    """No uv, a PEP 668 python3: scripts/demo installs uv into .cache/ and shows the demo."""
    env = _environment(externally_managed_python)
    assert shutil.which("uv", path=env["PATH"]) is None
    result = subprocess.run(  # noqa: S603 - the project's own script
        [str(clone / "scripts" / "demo")],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "installing uv into" in result.stderr
    assert (clone / ".cache" / "uv-bootstrap" / "bin" / "uv").exists()
    assert "units per month (UTC)" in result.stdout
    assert "synced" in result.stdout
    assert "runs out" in result.stdout  # the status on the mock
    # It ends with the report of the demo data, at the path it prints.
    report = Path(result.stdout.rpartition("wrote ")[2].partition(" (")[0])
    assert report.name == "report.html"
    assert "<svg" in report.read_text(encoding="utf-8")
    shutil.rmtree(report.parent)
    # Only the package and its cli and report extras: none of the development toolchain.
    site = next((clone / ".cache" / "demo-venv" / "lib").glob("python3*/site-packages"))
    installed = {path.name.split("-")[0].lower() for path in site.glob("*.dist-info")}
    assert {"click", "rich", "httpx", "stamina", "pygal", "jinja2"} <= installed
    assert not installed & {"pytest", "mypy", "ruff", "schemathesis", "uvicorn"}


SCRIPT_RUNS: dict[str, tuple[list[str], str]] = {
    "mock": (["--help"], "Usage: youcam-units mock"),
    "regenerate": (["--check"], "generated/ is up to date with openapi.yaml"),
    "fuzz": ([], "contract evidence: getFeatureCost"),
    "bench": (["--help"], "usage: scripts/bench"),
}
"""Each script of scripts/ run as a user would, beyond test (CI's own command) and demo (above)."""


def test_every_script_is_run_on_a_fresh_clone_here() -> None:
    """A new script in scripts/ must join SCRIPT_RUNS, so none can need uv on PATH unnoticed."""
    scripts = {
        path.name
        for path in (ROOT / "scripts").iterdir()
        if path.is_file()
        and os.access(path, os.X_OK)
        and not path.name.startswith("_")
        and path.suffix != ".py"  # Python helpers that the scripts and tests run through uv
    }
    assert scripts == {*SCRIPT_RUNS, "test", "demo"}


@pytest.mark.parametrize("script", sorted(SCRIPT_RUNS))
def test_each_script_on_a_fresh_clone_with_an_externally_managed_python_and_no_uv(
    bootstrapped_clone: Path, externally_managed_python: str, script: str
) -> None:
    """No uv, a PEP 668 python3: every script bootstraps uv into .cache/ as demo and test do."""
    arguments, expected = SCRIPT_RUNS[script]
    env = _environment(externally_managed_python)
    assert shutil.which("uv", path=env["PATH"]) is None
    result = subprocess.run(  # noqa: S603 - the project's own script
        [str(bootstrapped_clone / "scripts" / script), *arguments],
        cwd=bootstrapped_clone,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert expected in result.stdout + result.stderr
    assert (bootstrapped_clone / ".cache" / "uv-bootstrap" / "bin" / "uv").exists()


def test_regenerate_check_names_a_missing_tool(tmp_path: Path) -> None:
    """Without diff on PATH, --check says which tool is missing instead of a sed/diff error."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("bash", "dirname"):
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not installed")
        (tools / tool).symlink_to(found)
    result = subprocess.run(  # noqa: S603 - the project's own script
        [str(ROOT / "scripts" / "regenerate"), "--check"],
        env={"HOME": os.environ.get("HOME", "/"), "PATH": str(tools)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "needs 'diff' on PATH" in result.stderr
    assert "command not found" not in result.stderr


@pytest.mark.parametrize(
    ("arguments", "status", "expected"),
    [
        (["--help"], 0, "usage: scripts/demo"),
        (["-h"], 0, "usage: scripts/demo"),
        (["--bogus"], 2, "scripts/demo: unknown argument '--bogus'"),
    ],
)
def test_demo_reads_its_arguments_before_doing_anything(
    tmp_path: Path, arguments: list[str], status: int, expected: str
) -> None:
    """--help prints what the demo does and an argument it does not take is refused.

    Only bash and dirname are on PATH: a script that went on to install and run the demo would
    stop at finding no Python instead.
    """
    result = _run_with_bash_alone(tmp_path, "demo", arguments)
    assert result.returncode == status, result.stderr
    assert expected in (result.stdout if status == 0 else result.stderr)
    assert "==" not in result.stdout + result.stderr  # no step of the demo ran


@pytest.mark.parametrize(
    ("arguments", "status", "expected"),
    [
        (["--help"], 0, "usage: scripts/regenerate [--check]"),
        (["-h"], 0, "usage: scripts/regenerate [--check]"),
        (["--chek"], 2, "scripts/regenerate: unknown argument '--chek'"),
        (["--check", "extra"], 2, "scripts/regenerate: unknown argument 'extra'"),
    ],
)
def test_regenerate_reads_its_arguments_before_doing_anything(
    tmp_path: Path, arguments: list[str], status: int, expected: str
) -> None:
    """--help prints the usage and a mistyped option is refused: neither regenerates.

    Only bash and dirname are on PATH, so a script that went on to its work would stop at the
    tool check instead (and, with the tools there, would rewrite generated/).
    """
    result = _run_with_bash_alone(tmp_path, "regenerate", arguments)
    assert result.returncode == status, result.stderr
    assert expected in (result.stdout if status == 0 else result.stderr)
    assert "regenerated" not in result.stdout


def test_the_readmes_while_you_work_command_collects_every_test_on_a_fresh_clone(
    clone: Path,
) -> None:
    """The README's ``uv run ... pytest``, before scripts/test ever ran: no collection error.

    Test modules import the extras (click, uvicorn, pygal, prometheus-client), so the command
    must install them itself rather than rely on scripts/test's ``uv sync --all-extras``.
    """
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed: the README's command needs it")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"While you work,\s+`uv run ([^`]*?)pytest`", readme)
    assert match is not None, "the README no longer says how to run the fast tier"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    result = subprocess.run(  # noqa: S603 - uv and the README's own arguments
        [uv, "run", *match.group(1).split(), "pytest", "--collect-only", "-q", "-n", "0"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "error" not in result.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("script", "arguments", "expected", "needed"),
    [
        ("mock", ["--help"], "Usage: youcam-units mock", {"uvicorn", "click", "httpx"}),
        (
            "regenerate",
            ["--check"],
            "generated/ is up to date with openapi.yaml",
            {"openapi_python_client", "ruff"},
        ),
    ],
)
def test_a_script_installs_only_what_it_needs_on_a_fresh_clone(
    clone: Path, script: str, arguments: list[str], expected: str, needed: set[str]
) -> None:
    """scripts/mock installs the package with its mock and cli extras; regenerate the generator.

    The development toolchain (pytest, mypy, schemathesis, playwright with its browser driver)
    serves neither, as it does not serve scripts/demo.
    """
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed: this test runs the script with the machine's uv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{Path(uv).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(  # noqa: S603 - the project's own script
        [str(clone / "scripts" / script), *arguments],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert expected in result.stdout
    site = next((clone / ".venv" / "lib").glob("python3*/site-packages"))
    installed = {path.name.split("-")[0].lower() for path in site.glob("*.dist-info")}
    assert needed <= installed
    assert not installed & {"pytest", "mypy", "schemathesis", "playwright"}


def _run_with_bash_alone(
    tmp_path: Path, script: str, arguments: list[str]
) -> subprocess.CompletedProcess[str]:
    """``scripts/SCRIPT ARGUMENTS`` with only bash and dirname on PATH: nothing it could install."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("bash", "dirname"):
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not installed")
        (tools / tool).symlink_to(found)
    return subprocess.run(  # noqa: S603 - the project's own script
        [str(ROOT / "scripts" / script), *arguments],
        env={"HOME": os.environ.get("HOME", "/"), "PATH": str(tools)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
