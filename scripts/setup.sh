#!/usr/bin/env bash
# Installs everything ContractForge needs on a fresh Debian machine, from this repository's own
# files: system packages (as root, when missing), the Python package with its local runtime and
# dev extras, and checkov in its own virtualenv (it pins an old boto3). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
[ -f /usr/share/java/postgresql.jar ] || need_apt+=(libpostgresql-jdbc-java)
[ -f /usr/share/java/xerial-sqlite-jdbc.jar ] || need_apt+=(libxerial-sqlite-jdbc-java)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)  # the HTML report test opens it headless
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "== apt-get install ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing system packages (${need_apt[*]}); tests that need them will skip" >&2
  fi
fi

PY=${PYTHON:-python3}
echo "== pip install -e .[local,evidence,dev]"
$PY -m pip install -q --disable-pip-version-check -e '.[local,evidence,dev]'

if [ "${CONTRACTFORGE_SKIP_CHECKOV:-0}" != "1" ] && [ ! -x .venv-checkov/bin/checkov ]; then
  echo "== checkov virtualenv (.venv-checkov)"
  $PY -m venv .venv-checkov
  .venv-checkov/bin/pip install -q --disable-pip-version-check 'checkov==3.3.30' || {
    echo "warning: checkov could not be installed; the checkov test will skip" >&2; rm -rf .venv-checkov; }
fi
