#!/usr/bin/env bash
# Starts a private Barbican 23.0.0 (the release of cinder 29.0.0's series) on loopback for
# Ember's key manager tests: gunicorn serving Barbican's keystone pipeline, SQLite, the
# simple_crypto plugin with a key-encryption key of its own, no queue (orders are processed in
# the API), and registered in the Keystone of .ci/keystone.sh as the `key-manager` service.
# Meant to be sourced by CI (as root) after .ci/keystone.sh:
#
#     source .ci/keystone.sh
#     source .ci/barbican.sh        # installs Barbican into a venv if missing, starts it
#     swift test --filter EmberKeysTests
#     ember_barbican_stop           # stops Barbican and removes its directory
#
# It exports:
#   EMBER_TEST_BARBICAN_URL   http://127.0.0.1:$EMBER_BARBICAN_PORT (what [barbican] barbican_endpoint takes)
#   EMBER_BARBICAN_DIR        state (barbican.conf, barbican.db, gunicorn.pid, logs)
#   EMBER_BARBICAN_VENV       the venv with barbican and gunicorn
# Settings (override before sourcing): EMBER_BARBICAN_PORT (19311), EMBER_BARBICAN_VENV
# (/tmp/ember-barbican-venv), EMBER_BARBICAN_DIR (/tmp/ember-barbican-$EMBER_BARBICAN_PORT).
# Idempotent: sourcing it again while Barbican runs only re-exports the variables (and puts
# Barbican back in the catalog of a Keystone that was started anew).

EMBER_BARBICAN_PORT="${EMBER_BARBICAN_PORT:-19311}"
EMBER_BARBICAN_VENV="${EMBER_BARBICAN_VENV:-/tmp/ember-barbican-venv}"
EMBER_BARBICAN_DIR="${EMBER_BARBICAN_DIR:-/tmp/ember-barbican-${EMBER_BARBICAN_PORT}}"
export EMBER_BARBICAN_PORT EMBER_BARBICAN_VENV EMBER_BARBICAN_DIR
export EMBER_TEST_BARBICAN_URL="http://127.0.0.1:${EMBER_BARBICAN_PORT}"
EMBER_BARBICAN_SERVICE_PASSWORD="ember-barbican-service"

ember_barbican_install() {
    if [ -x "${EMBER_BARBICAN_VENV}/bin/barbican-manage" ] && [ -x "${EMBER_BARBICAN_VENV}/bin/gunicorn" ]; then
        return 0
    fi
    python3 -m venv "${EMBER_BARBICAN_VENV}" || return 1
    "${EMBER_BARBICAN_VENV}/bin/pip" install -q --upgrade pip || return 1
    "${EMBER_BARBICAN_VENV}/bin/pip" install -q "barbican==23.0.0" gunicorn || return 1
}

ember_barbican_ready() {
    curl -sf -o /dev/null "${EMBER_TEST_BARBICAN_URL}/"
}

# Barbican's service user (it validates tokens) and its key-manager endpoints, in Keystone;
# only what is missing is created.
ember_barbican_register() {
    "${EMBER_KEYSTONE_VENV}/bin/python" - <<'PY'
import os
from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

env = os.environ
auth = v3.Password(auth_url=env["EMBER_TEST_KEYSTONE_URL"], username="admin",
                   password=env["EMBER_KEYSTONE_ADMIN_PASSWORD"], project_name="admin",
                   user_domain_id="default", project_domain_id="default")
ks = client.Client(session=session.Session(auth=auth))
if not ks.users.list(name="barbican", domain="default"):
    user = ks.users.create("barbican", domain="default", password=env["EMBER_BARBICAN_SERVICE_PASSWORD"])
    project = ks.projects.list(name="service", domain="default")[0]
    role = ks.roles.list(name="service")[0]
    ks.roles.grant(role, user=user, project=project)
# Ember's own service user keeps the key of a volume awaiting transfer (cinder's KeyTransfer
# service context), so it needs Barbican's creator privilege in its project: the member role.
ember_user = ks.users.list(name=env.get("EMBER_KEYSTONE_SERVICE_USER", "ember"), domain="default")
if ember_user:
    member = [r for r in ks.roles.list() if r.name == "member"][0]
    ks.roles.grant(member, user=ember_user[0], project=ks.projects.list(name="service", domain="default")[0])
if not ks.services.list(type="key-manager"):
    service = ks.services.create("barbican", "key-manager", description="Barbican for Ember's tests")
    for interface in ("public", "internal", "admin"):
        ks.endpoints.create(service, env["EMBER_TEST_BARBICAN_URL"], interface=interface, region="RegionOne")
PY
}

ember_barbican_start() {
    if [ -z "${EMBER_TEST_KEYSTONE_URL:-}" ]; then
        echo "barbican.sh: no Keystone (source .ci/keystone.sh first)" >&2
        return 1
    fi
    export EMBER_BARBICAN_SERVICE_PASSWORD
    if ember_barbican_ready; then
        ember_barbican_register
        return
    fi
    ember_barbican_install || { echo "barbican.sh: cannot install Barbican" >&2; return 1; }
    local dir="${EMBER_BARBICAN_DIR}" bin="${EMBER_BARBICAN_VENV}/bin"
    rm -rf "${dir}"
    mkdir -p "${dir}" || return 1
    cp "${EMBER_BARBICAN_VENV}/etc/barbican/barbican-api-paste.ini" "${dir}/" || return 1
    local kek
    kek=$("${bin}/python" -c "import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())") || return 1
    cat > "${dir}/barbican.conf" <<CONF
[DEFAULT]
host_href = ${EMBER_TEST_BARBICAN_URL}
log_file = ${dir}/barbican.log
db_auto_create = true
[database]
connection = sqlite:///${dir}/barbican.db
[queue]
enable = false
[secretstore]
enabled_secretstore_plugins = store_crypto
[crypto]
enabled_crypto_plugins = simple_crypto
[simple_crypto_plugin]
kek = ${kek}
[keystone_authtoken]
www_authenticate_uri = ${EMBER_TEST_KEYSTONE_URL}
auth_url = ${EMBER_TEST_KEYSTONE_URL}
auth_type = password
username = barbican
password = ${EMBER_BARBICAN_SERVICE_PASSWORD}
project_name = service
user_domain_id = default
project_domain_id = default
CONF
    # Barbican parses its configuration at import from the default places (~/barbican.conf
    # first, with HOME set to this directory) and loads its paste file from /etc; this entry
    # point loads the paste file of this directory instead.
    cat > "${dir}/barbican_app.py" <<PY
import sys
sys.argv = sys.argv[:1]
from paste import deploy  # noqa: E402
application = deploy.loadapp("config:${dir}/barbican-api-paste.ini")
PY
    ember_barbican_register || return 1
    HOME="${dir}" "${bin}/gunicorn" --daemon --pid "${dir}/gunicorn.pid" \
        --bind "127.0.0.1:${EMBER_BARBICAN_PORT}" --workers 1 --threads 1 --timeout 120 \
        --chdir "${dir}" --error-logfile "${dir}/gunicorn.log" --pythonpath "${dir}" barbican_app:application || return 1
    for _ in $(seq 1 300); do
        ember_barbican_ready && return 0
        sleep 0.1
    done
    echo "barbican.sh: Barbican did not answer on ${EMBER_TEST_BARBICAN_URL}" >&2
    cat "${dir}/gunicorn.log" "${dir}/barbican.log" >&2 2>/dev/null
    return 1
}

ember_barbican_stop() {
    if [ -f "${EMBER_BARBICAN_DIR}/gunicorn.pid" ]; then
        kill "$(cat "${EMBER_BARBICAN_DIR}/gunicorn.pid")" 2>/dev/null
        for _ in $(seq 1 50); do
            ember_barbican_ready || break
            sleep 0.1
        done
    fi
    rm -rf "${EMBER_BARBICAN_DIR}"
}

ember_barbican_start || {
    echo "barbican.sh: Barbican did not start (logs in ${EMBER_BARBICAN_DIR})" >&2
    unset EMBER_TEST_BARBICAN_URL
}
