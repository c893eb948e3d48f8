#!/usr/bin/env bash
# Installs everything jianfu needs on a fresh Debian machine: Debian packages, then a venv with the
# package and its dev tools. Idempotent and quick when nothing changed (a stamp holds the inputs' hash).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.jianfu-installed

# Debian packages listed in scripts/apt-packages.txt, installed only when missing.
missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < scripts/apt-packages.txt
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"jianfu needs Python 3.11 or newer, found {sys.version.split()[0]}")
PY

want=$(cat pyproject.toml scripts/apt-packages.txt | sha256sum | cut -d' ' -f1)
if [[ -f $STAMP && "$(cat $STAMP)" == "$want" && -x $VENV/bin/jianfu ]]; then
  exit 0
fi
[[ -x $VENV/bin/python ]] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[dev]"
echo "$want" > "$STAMP"
echo "bootstrap: environment ready in $VENV"
