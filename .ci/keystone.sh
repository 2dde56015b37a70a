#!/usr/bin/env bash
# Starts a private Keystone 30.0.0 (gunicorn, SQLite, fernet tokens) on loopback for Ember's
# keystone-mode tests, creates the accounts they use, and registers Ember in the catalog.
# Meant to be sourced by CI (as root):
#
#     source .ci/keystone.sh        # installs Keystone into a venv if missing, starts it
#     swift test --filter EmberIdentityTests
#     ember_keystone_stop           # stops Keystone and removes its directory
#
# It exports:
#   EMBER_TEST_KEYSTONE_URL        http://127.0.0.1:$EMBER_KEYSTONE_PORT/v3
#   EMBER_KEYSTONE_DIR             state (keystone.conf, keystone.db, keys, gunicorn.pid, log)
#   EMBER_KEYSTONE_START           a script that starts Keystone again (tests stop it)
#   EMBER_KEYSTONE_VENV            the venv with keystone, gunicorn and their clients
#   EMBER_KEYSTONE_EMBER_URL       where the catalog says Ember is: http://127.0.0.1:$EMBER_KEYSTONE_EMBER_PORT
#   EMBER_KEYSTONE_ADMIN_PASSWORD  the bootstrap admin (user admin, project admin, role admin)
#   EMBER_KEYSTONE_SERVICE_USER / _PASSWORD   Ember's service user (project service, role service)
#   EMBER_KEYSTONE_PASSWORD        the password of the project users:
#                                  alice (member of project-a), ann (reader of project-a),
#                                  bob (member of project-b), betty (reader of project-b)
# Settings (override before sourcing): EMBER_KEYSTONE_PORT (35357), EMBER_KEYSTONE_EMBER_PORT
# (28776), EMBER_KEYSTONE_VENV (/tmp/ember-keystone-venv), EMBER_KEYSTONE_DIR
# (/tmp/ember-keystone-$EMBER_KEYSTONE_PORT).
# Idempotent: sourcing it again while Keystone runs only re-exports the variables.

EMBER_KEYSTONE_PORT="${EMBER_KEYSTONE_PORT:-35357}"
# Ports that listen late in a CI run sit below the kernel's ephemeral range (32768-60999): a
# client connection made earlier may hold any port inside it, and bind then fails (it did, for 38776).
EMBER_KEYSTONE_EMBER_PORT="${EMBER_KEYSTONE_EMBER_PORT:-28776}"
EMBER_KEYSTONE_VENV="${EMBER_KEYSTONE_VENV:-/tmp/ember-keystone-venv}"
EMBER_KEYSTONE_DIR="${EMBER_KEYSTONE_DIR:-/tmp/ember-keystone-${EMBER_KEYSTONE_PORT}}"
export EMBER_KEYSTONE_PORT EMBER_KEYSTONE_EMBER_PORT EMBER_KEYSTONE_VENV EMBER_KEYSTONE_DIR
export EMBER_TEST_KEYSTONE_URL="http://127.0.0.1:${EMBER_KEYSTONE_PORT}/v3"
export EMBER_KEYSTONE_EMBER_URL="http://127.0.0.1:${EMBER_KEYSTONE_EMBER_PORT}"
export EMBER_KEYSTONE_START="${EMBER_KEYSTONE_DIR}/start.sh"
export EMBER_KEYSTONE_ADMIN_PASSWORD="ember-keystone-admin"
export EMBER_KEYSTONE_SERVICE_USER="ember"
export EMBER_KEYSTONE_SERVICE_PASSWORD="ember-keystone-service"
export EMBER_KEYSTONE_PASSWORD="ember-keystone-user"

ember_keystone_install() {
    if [ -x "${EMBER_KEYSTONE_VENV}/bin/keystone-manage" ] && [ -x "${EMBER_KEYSTONE_VENV}/bin/gunicorn" ]; then
        return 0
    fi
    python3 -m venv "${EMBER_KEYSTONE_VENV}" || return 1
    "${EMBER_KEYSTONE_VENV}/bin/pip" install -q --upgrade pip || return 1
    "${EMBER_KEYSTONE_VENV}/bin/pip" install -q "keystone==30.0.0" gunicorn || return 1
}

ember_keystone_ready() {
    curl -sf -o /dev/null "${EMBER_TEST_KEYSTONE_URL}"
}

ember_keystone_start() {
    if ember_keystone_ready; then
        return 0
    fi
    ember_keystone_install || { echo "keystone.sh: cannot install Keystone" >&2; return 1; }
    local dir="${EMBER_KEYSTONE_DIR}" bin="${EMBER_KEYSTONE_VENV}/bin"
    rm -rf "${dir}"
    mkdir -p "${dir}/fernet-keys" "${dir}/credential-keys" || return 1
    cat > "${dir}/keystone.conf" <<CONF
[DEFAULT]
log_file = ${dir}/keystone.log
[database]
connection = sqlite:///${dir}/keystone.db
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = ${dir}/fernet-keys
[credential]
key_repository = ${dir}/credential-keys
[cache]
enabled = false
CONF
    # Keystone reads its configuration from sys.argv: gunicorn's own arguments must not reach it.
    cat > "${dir}/keystone_app.py" <<'PY'
import sys
sys.argv = sys.argv[:1]
from keystone.wsgi.api import application  # noqa: E402,F401
PY
    cat > "${dir}/start.sh" <<START
#!/usr/bin/env bash
# Starts this Keystone (gunicorn, one worker: SQLite) and waits until it answers.
cd "${dir}" || exit 1
# A previous instance that is still shutting down holds the pid file and the port.
if [ -f "${dir}/gunicorn.pid" ]; then
  for _ in \$(seq 1 300); do
    kill -0 "\$(cat "${dir}/gunicorn.pid" 2>/dev/null)" 2>/dev/null || break
    sleep 0.1
  done
fi
OS_KEYSTONE_CONFIG_DIR="${dir}" OS_KEYSTONE_CONFIG_FILES=keystone.conf \\
  "${bin}/gunicorn" --daemon --pid "${dir}/gunicorn.pid" --bind "127.0.0.1:${EMBER_KEYSTONE_PORT}" \\
  --workers 1 --timeout 60 --control-socket "${dir}/gunicorn.ctl" --error-logfile "${dir}/gunicorn.log" --pythonpath "${dir}" keystone_app:application
for _ in \$(seq 1 300); do
  curl -sf -o /dev/null "${EMBER_TEST_KEYSTONE_URL}" && exit 0
  sleep 0.1
done
echo "keystone.sh: Keystone did not answer on ${EMBER_TEST_KEYSTONE_URL}" >&2
cat "${dir}/gunicorn.log" "${dir}/keystone.log" >&2 2>/dev/null
exit 1
START
    chmod +x "${dir}/start.sh"
    local manage=("${bin}/keystone-manage" --config-file "${dir}/keystone.conf")
    "${manage[@]}" db_sync || return 1
    "${bin}/python" -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" \
        "${dir}/keystone.db" || return 1
    "${manage[@]}" fernet_setup --keystone-user root --keystone-group root || return 1
    "${manage[@]}" credential_setup --keystone-user root --keystone-group root || return 1
    "${manage[@]}" bootstrap --bootstrap-password "${EMBER_KEYSTONE_ADMIN_PASSWORD}" \
        --bootstrap-admin-url "${EMBER_TEST_KEYSTONE_URL}" --bootstrap-internal-url "${EMBER_TEST_KEYSTONE_URL}" \
        --bootstrap-public-url "${EMBER_TEST_KEYSTONE_URL}" --bootstrap-region-id RegionOne || return 1
    "${dir}/start.sh" || return 1
    "${bin}/python" - <<'PY' || return 1
import os
from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

env = os.environ
auth = v3.Password(auth_url=env["EMBER_TEST_KEYSTONE_URL"], username="admin",
                   password=env["EMBER_KEYSTONE_ADMIN_PASSWORD"], project_name="admin",
                   user_domain_id="default", project_domain_id="default")
ks = client.Client(session=session.Session(auth=auth))
roles = {role.name: role for role in ks.roles.list()}
if "service" not in roles:
    roles["service"] = ks.roles.create("service")
service_project = ks.projects.create("service", "default")
ember = ks.users.create(env["EMBER_KEYSTONE_SERVICE_USER"], domain="default",
                        password=env["EMBER_KEYSTONE_SERVICE_PASSWORD"])
ks.roles.grant(roles["service"], user=ember, project=service_project)
for project_name, people in (("project-a", (("alice", "member"), ("ann", "reader"))),
                             ("project-b", (("bob", "member"), ("betty", "reader")))):
    project = ks.projects.create(project_name, "default")
    for user_name, role in people:
        user = ks.users.create(user_name, domain="default", password=env["EMBER_KEYSTONE_PASSWORD"],
                               default_project=project)
        ks.roles.grant(roles[role], user=user, project=project)
url = env["EMBER_KEYSTONE_EMBER_URL"] + "/v3/%(project_id)s"
for service_type, name in (("block-storage", "cinder"), ("volumev3", "cinderv3")):
    service = ks.services.create(name, service_type, description="Ember block storage")
    for interface in ("public", "internal", "admin"):
        ks.endpoints.create(service, url, interface=interface, region="RegionOne")
PY
}

ember_keystone_stop() {
    if [ -f "${EMBER_KEYSTONE_DIR}/gunicorn.pid" ]; then
        kill "$(cat "${EMBER_KEYSTONE_DIR}/gunicorn.pid")" 2>/dev/null
        for _ in $(seq 1 50); do
            ember_keystone_ready || break
            sleep 0.1
        done
    fi
    rm -rf "${EMBER_KEYSTONE_DIR}"
}

ember_keystone_start || {
    echo "keystone.sh: Keystone did not start (logs in ${EMBER_KEYSTONE_DIR})" >&2
    unset EMBER_TEST_KEYSTONE_URL
}
