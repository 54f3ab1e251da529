# shellcheck shell=bash
# Sourced by scripts/test: find_python VERSION prints an interpreter for that Python version, or
# fails. Looks where an ordinary machine keeps them: pythonX.Y on PATH, pyenv's versions, and
# uv's own installs (never downloading one).
find_python() {
  local version=$1 candidate
  local pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
  for candidate in "$(command -v "python$version" 2>/dev/null)" \
    "$pyenv_root"/versions/"$version".*/bin/"python$version" \
    "$(uv python find --no-python-downloads --no-project "$version" 2>/dev/null)"; do
    if [[ -n "$candidate" && -x "$candidate" ]] &&
      "$candidate" -c "import sys; sys.exit(f'{sys.version_info[0]}.{sys.version_info[1]}' != '$version')" \
        2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
