# shellcheck shell=bash
# Sourced by scripts/test and scripts/demo: puts uv on PATH without touching the system Python.
#
# When uv is missing it is installed into a throw-away venv under .cache/ (ignored by git), so an
# externally managed Python (PEP 668: Debian, Ubuntu, Homebrew), which refuses `pip install`, is
# enough: all a fresh clone needs is Python 3.11+ with its venv module.
if ! command -v uv >/dev/null 2>&1; then
  uv_venv="$PWD/.cache/uv-bootstrap"
  if ! [[ -x "$uv_venv/bin/uv" ]]; then
    python=""
    for candidate in python3 python; do
      if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$candidate
        break
      fi
    done
    if [[ -z "$python" ]]; then
      echo "error: needs Python 3.11+ on PATH (as python3) to install uv, or uv itself" >&2
      exit 1
    fi
    echo "== installing uv into $uv_venv (uv is not on PATH)" >&2
    rm -rf "$uv_venv"
    if ! "$python" -m venv "$uv_venv" >/dev/null; then
      echo "error: '$python -m venv' failed; install your Python's venv module" \
        "(Debian/Ubuntu: apt install python3-venv) or uv (https://docs.astral.sh/uv/)" >&2
      exit 1
    fi
    "$uv_venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv>=0.9"
  fi
  PATH="$uv_venv/bin:$PATH"
  export PATH
fi
