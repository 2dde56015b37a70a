#!/usr/bin/env bash
# Starts a private Glance 33.0.0 (the release of cinder 29.0.0's series) on loopback for Ember's
# image tests: gunicorn serving glance.wsgi.api:application, SQLite, a file store in its own
# directory, and no Keystone (paste flavor unset: glance's unauthenticated-context pipeline, so
# every caller is an admin and tokens are ignored).
# Meant to be sourced by CI (as root):
#
#     source .ci/glance.sh          # installs Glance into a venv if missing, starts it
#     swift test --filter Image
#     ember_glance_stop             # stops Glance and removes its directory
#
# It exports:
#   EMBER_TEST_GLANCE_URL   http://127.0.0.1:$EMBER_GLANCE_PORT (what [glance] api_servers takes)
#   EMBER_GLANCE_DIR        state (glance-api.conf, glance.db, images/, gunicorn.pid, logs)
#   EMBER_GLANCE_VENV       the venv with glance and gunicorn
# Settings (override before sourcing): EMBER_GLANCE_PORT (19292), EMBER_GLANCE_VENV
# (/tmp/ember-glance-venv), EMBER_GLANCE_DIR (/tmp/ember-glance-$EMBER_GLANCE_PORT).
# Idempotent: sourcing it again while Glance runs only re-exports the variables.

EMBER_GLANCE_PORT="${EMBER_GLANCE_PORT:-19292}"
EMBER_GLANCE_VENV="${EMBER_GLANCE_VENV:-/tmp/ember-glance-venv}"
EMBER_GLANCE_DIR="${EMBER_GLANCE_DIR:-/tmp/ember-glance-${EMBER_GLANCE_PORT}}"
export EMBER_GLANCE_PORT EMBER_GLANCE_VENV EMBER_GLANCE_DIR
export EMBER_TEST_GLANCE_URL="http://127.0.0.1:${EMBER_GLANCE_PORT}"

ember_glance_install() {
    if [ -x "${EMBER_GLANCE_VENV}/bin/glance-manage" ] && [ -x "${EMBER_GLANCE_VENV}/bin/gunicorn" ]; then
        return 0
    fi
    python3 -m venv "${EMBER_GLANCE_VENV}" || return 1
    "${EMBER_GLANCE_VENV}/bin/pip" install -q --upgrade pip || return 1
    "${EMBER_GLANCE_VENV}/bin/pip" install -q "glance==33.0.0" gunicorn || return 1
}

ember_glance_ready() {
    curl -sf -o /dev/null "${EMBER_TEST_GLANCE_URL}/v2/images?limit=1"
}

ember_glance_start() {
    if ember_glance_ready; then
        return 0
    fi
    ember_glance_install || { echo "glance.sh: cannot install Glance" >&2; return 1; }
    local dir="${EMBER_GLANCE_DIR}" bin="${EMBER_GLANCE_VENV}/bin"
    rm -rf "${dir}"
    mkdir -p "${dir}/images" "${dir}/staging" "${dir}/tasks" || return 1
    cp "${EMBER_GLANCE_VENV}/etc/glance/glance-api-paste.ini" "${dir}/" || return 1
    cat > "${dir}/glance-api.conf" <<CONF
[DEFAULT]
log_file = ${dir}/glance.log
enabled_backends = fs:file
[database]
connection = sqlite:///${dir}/glance.db?timeout=30
[paste_deploy]
config_file = ${dir}/glance-api-paste.ini
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = ${dir}/images
[os_glance_staging_store]
filesystem_store_datadir = ${dir}/staging
[os_glance_tasks_store]
filesystem_store_datadir = ${dir}/tasks
[oslo_policy]
# The unauthenticated context has no roles; the secure-RBAC defaults would refuse it everything.
enforce_new_defaults = false
enforce_scope = false
CONF
    # glance-api reads its configuration from sys.argv: gunicorn's own arguments must not reach it.
    cat > "${dir}/glance_app.py" <<'PY'
import sys
sys.argv = sys.argv[:1]
from glance.wsgi.api import application  # noqa: E402,F401
PY
    "${bin}/glance-manage" --config-file "${dir}/glance-api.conf" db_sync >"${dir}/db_sync.log" 2>&1 || {
        cat "${dir}/db_sync.log" >&2
        return 1
    }
    # WAL and a 30 s busy timeout, for glance-manage and the staging cleaner running beside the API.
    "${bin}/python" -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" \
        "${dir}/glance.db" || return 1
    # One worker with one thread: Glance's image updates read then write in one SQLite
    # transaction, and two of them at once fail with "database is locked" (WAL or not), so
    # requests are served one at a time.
    OS_GLANCE_CONFIG_DIR="${dir}" "${bin}/gunicorn" --daemon --pid "${dir}/gunicorn.pid" \
        --bind "127.0.0.1:${EMBER_GLANCE_PORT}" --workers 1 --threads 1 --timeout 600 \
        --error-logfile "${dir}/gunicorn.log" --pythonpath "${dir}" glance_app:application || return 1
    for _ in $(seq 1 300); do
        ember_glance_ready && return 0
        sleep 0.1
    done
    echo "glance.sh: Glance did not answer on ${EMBER_TEST_GLANCE_URL}" >&2
    cat "${dir}/gunicorn.log" "${dir}/glance.log" >&2 2>/dev/null
    return 1
}

ember_glance_stop() {
    if [ -f "${EMBER_GLANCE_DIR}/gunicorn.pid" ]; then
        kill "$(cat "${EMBER_GLANCE_DIR}/gunicorn.pid")" 2>/dev/null
        for _ in $(seq 1 50); do
            ember_glance_ready || break
            sleep 0.1
        done
    fi
    rm -rf "${EMBER_GLANCE_DIR}"
}

ember_glance_start || {
    echo "glance.sh: Glance did not start (logs in ${EMBER_GLANCE_DIR})" >&2
    unset EMBER_TEST_GLANCE_URL
}
