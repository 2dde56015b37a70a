#!/usr/bin/env bash
# Starts a private cinder 29.0.0 on loopback for Ember's fidelity harness (Tests/fidelity):
# cinder-api, cinder-scheduler and cinder-volume with the fake driver
# (cinder.tests.fake_driver.FakeLoggingVolumeDriver), RabbitMQ from Debian started by hand on
# loopback, and the CI PostgreSQL (a database `cinder_fidelity` in the cluster
# EMBER_TEST_POSTGRES_URL names, from .ci/postgres.sh) or, without it, SQLite (where cinder
# sometimes answers 500 "database is locked" while its volume service writes). The API runs
# the paste file's `keystone` pipeline without `authtoken` (`keystonecontext apiv3`): the caller's identity and roles come from the X-User-Id,
# X-Project-Id and X-Roles headers, so the harness can ask as admin, member and reader (noauth
# would make every caller an admin).
# Meant to be sourced by CI (as root):
#
#     source .ci/cinder.sh          # installs cinder and RabbitMQ if missing, starts them
#     pytest Tests/fidelity
#     ember_cinder_stop             # stops cinder and RabbitMQ and removes their directory
#
# It exports:
#   EMBER_TEST_CINDER_URL   http://127.0.0.1:$EMBER_CINDER_PORT (cinder-api's root)
#   EMBER_CINDER_DIR        state (cinder.conf, api-paste.ini, cinder.db, logs, rabbitmq/)
#   EMBER_CINDER_VENV       the venv with cinder 29.0.0, fixtures, pytest, pyyaml, requests
#   EMBER_CINDER_HOST       the `host` cinder's services run as (the harness gives Ember the same)
# Settings (override before sourcing): EMBER_CINDER_PORT (18776), EMBER_CINDER_RABBIT_PORT
# (26672), EMBER_CINDER_VENV (/tmp/ember-cinder-venv), EMBER_CINDER_DIR
# (/tmp/ember-cinder-$EMBER_CINDER_PORT).
# Idempotent: sourcing it again while cinder runs only re-exports the variables. The harness
# changes cinder's state (a service it disables stays disabled: cinder 29.0.0's
# os-services/enable does not enable), so run ember_cinder_stop before sourcing it again for
# another harness run.

EMBER_CINDER_PORT="${EMBER_CINDER_PORT:-18776}"
EMBER_CINDER_RABBIT_PORT="${EMBER_CINDER_RABBIT_PORT:-26672}"
EMBER_CINDER_VENV="${EMBER_CINDER_VENV:-/tmp/ember-cinder-venv}"
EMBER_CINDER_DIR="${EMBER_CINDER_DIR:-/tmp/ember-cinder-${EMBER_CINDER_PORT}}"
EMBER_CINDER_HOST="${EMBER_CINDER_HOST:-fidelity}"
export EMBER_CINDER_PORT EMBER_CINDER_RABBIT_PORT EMBER_CINDER_VENV EMBER_CINDER_DIR EMBER_CINDER_HOST
export EMBER_TEST_CINDER_URL="http://127.0.0.1:${EMBER_CINDER_PORT}"
EMBER_CINDER_PROBE_PROJECT=0123456789abcdef0123456789abcdef

ember_cinder_install() {
    if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
        # Debian's postinst tries to start the service; without systemd that is refused, fine.
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server; } ||
            return 1
    fi
    if [ -x "${EMBER_CINDER_VENV}/bin/cinder-api" ] && "${EMBER_CINDER_VENV}/bin/python" -c "import fixtures, psycopg2, yaml, pytest, requests" 2>/dev/null; then
        return 0
    fi
    python3 -m venv "${EMBER_CINDER_VENV}" || return 1
    "${EMBER_CINDER_VENV}/bin/pip" install -q --upgrade pip || return 1
    "${EMBER_CINDER_VENV}/bin/pip" install -q "cinder==29.0.0" fixtures psycopg2-binary pytest pyyaml requests || return 1
}

ember_cinder_ready() {
    # The API answers and both the scheduler and the volume service report up.
    local services
    # cinder's default project_id_regex is hexadecimal.
    services="$(curl -sf -H "X-User-Id: fidelity" -H "X-Project-Id: ${EMBER_CINDER_PROBE_PROJECT}" -H "X-Roles: admin" \
        "${EMBER_TEST_CINDER_URL}/v3/${EMBER_CINDER_PROBE_PROJECT}/os-services" 2>/dev/null)" || return 1
    case "${services}" in
    *'"binary": "cinder-volume"'*'"state": "up"'* | *'"state": "up"'*'"binary": "cinder-volume"'*) ;;
    *) return 1 ;;
    esac
    [ "$(printf '%s' "${services}" | grep -o '"state": "up"' | wc -l)" -ge 2 ] || return 1
    # The scheduler has the volume service's capabilities (else creates find no backend).
    curl -sf -H "X-User-Id: fidelity" -H "X-Project-Id: ${EMBER_CINDER_PROBE_PROJECT}" -H "X-Roles: admin" \
        "${EMBER_TEST_CINDER_URL}/v3/${EMBER_CINDER_PROBE_PROJECT}/scheduler-stats/get_pools" 2>/dev/null |
        grep -q '"name"'
}

ember_cinder_rabbit_start() {
    local dir="${EMBER_CINDER_DIR}/rabbitmq" epmd_before
    epmd_before="$(pgrep -x epmd || true)"
    mkdir -p "${dir}/mnesia" "${dir}/log" || return 1
    cat > "${dir}/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:${EMBER_CINDER_RABBIT_PORT}
loopback_users = none
CONF
    # The Erlang distribution listens on loopback too (RABBITMQ_DIST_PORT, AMQP port + 1; both below the kernel's ephemeral range).
    (
        export RABBITMQ_NODENAME="ember-cinder-${EMBER_CINDER_RABBIT_PORT}@localhost"
        export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
        export RABBITMQ_NODE_PORT="${EMBER_CINDER_RABBIT_PORT}"
        export RABBITMQ_DIST_PORT=$((EMBER_CINDER_RABBIT_PORT + 1))
        export RABBITMQ_MNESIA_BASE="${dir}/mnesia" RABBITMQ_LOG_BASE="${dir}/log"
        export RABBITMQ_CONFIG_FILE="${dir}/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="${dir}/enabled_plugins"
        export RABBITMQ_PID_FILE="${dir}/rabbitmq.pid" HOME="${dir}"
        echo '[].' > "${dir}/enabled_plugins"
        setsid /usr/lib/rabbitmq/bin/rabbitmq-server >"${dir}/server.log" 2>&1 &
        echo $! > "${dir}/launcher.pid"
    )
    for _ in $(seq 1 600); do
        if (exec 3<>"/dev/tcp/127.0.0.1/${EMBER_CINDER_RABBIT_PORT}") 2>/dev/null; then
            # RabbitMQ starts epmd (daemonised, outside our process group) unless one ran.
            if [ -z "${epmd_before}" ]; then
                pgrep -x epmd > "${dir}/epmd.pid" || true
            fi
            return 0
        fi
        sleep 0.1
    done
    echo "cinder.sh: RabbitMQ did not listen on 127.0.0.1:${EMBER_CINDER_RABBIT_PORT}" >&2
    cat "${dir}/server.log" >&2
    return 1
}

ember_cinder_start() {
    if ember_cinder_ready; then
        return 0
    fi
    ember_cinder_install || { echo "cinder.sh: cannot install cinder or RabbitMQ" >&2; return 1; }
    local dir="${EMBER_CINDER_DIR}" bin="${EMBER_CINDER_VENV}/bin" name
    ember_cinder_stop
    mkdir -p "${dir}/locks" "${dir}/coordination" "${dir}/state" || return 1
    ember_cinder_rabbit_start || return 1
    local database="sqlite:///${dir}/cinder.db"
    if [ -n "${EMBER_TEST_POSTGRES_URL:-}" ]; then
        # A fresh database beside Ember's test database (the CI user is a superuser).
        "${bin}/python" - "${EMBER_TEST_POSTGRES_URL}" <<'PY' || return 1
import sys, psycopg2
connection = psycopg2.connect(sys.argv[1])
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute("DROP DATABASE IF EXISTS cinder_fidelity WITH (FORCE)")
    cursor.execute("CREATE DATABASE cinder_fidelity")
PY
        database="postgresql+psycopg2://${EMBER_TEST_POSTGRES_URL#postgresql://}"
        database="${database%/*}/cinder_fidelity"
    fi
    cp "${EMBER_CINDER_VENV}/etc/cinder/resource_filters.json" "${dir}/" || return 1
    # cinder's stock paste file with the keystone pipelines minus `authtoken`, and the noauth
    # pipeline mounted at /noauth/v3 too (Tests/fidelity gives Ember the same two changes).
    sed -e 's/ authtoken keystonecontext / keystonecontext /' \
        -e 's|^/v3: openstack_volume_api_v3$|/v3: openstack_volume_api_v3\n/noauth/v3: noauthv3|' \
        "${EMBER_CINDER_VENV}/etc/cinder/api-paste.ini" > "${dir}/api-paste.ini" || return 1
    printf '\n[pipeline:noauthv3]\npipeline = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler noauth apiv3\n' \
        >> "${dir}/api-paste.ini" || return 1
    cat > "${dir}/cinder.conf" <<CONF
[DEFAULT]
host = ${EMBER_CINDER_HOST}
auth_strategy = keystone
transport_url = rabbit://guest:guest@127.0.0.1:${EMBER_CINDER_RABBIT_PORT}/
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = ${EMBER_CINDER_PORT}
osapi_volume_workers = 1
api_paste_config = ${dir}/api-paste.ini
resource_query_filters_file = ${dir}/resource_filters.json
state_path = ${dir}/state
enabled_backends = fake
default_volume_type = __DEFAULT__
periodic_interval = 5
report_interval = 2
log_dir = ${dir}
[database]
connection = ${database}
[oslo_concurrency]
lock_path = ${dir}/locks
[coordination]
backend_url = file://${dir}/coordination
[fake]
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
target_helper = fake
CONF
    "${bin}/cinder-manage" --config-file "${dir}/cinder.conf" db sync >"${dir}/db_sync.log" 2>&1 || {
        cat "${dir}/db_sync.log" >&2
        return 1
    }
    if [ -z "${EMBER_TEST_POSTGRES_URL:-}" ]; then
        "${bin}/python" -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" \
            "${dir}/cinder.db" || return 1
    fi
    for name in api scheduler volume; do
        setsid "${bin}/cinder-${name}" --config-file "${dir}/cinder.conf" >"${dir}/${name}.out" 2>&1 &
        echo $! > "${dir}/cinder-${name}.pid"
    done
    for _ in $(seq 1 1200); do
        ember_cinder_ready && return 0
        sleep 0.1
    done
    echo "cinder.sh: cinder did not answer with both services up on ${EMBER_TEST_CINDER_URL}" >&2
    tail -n 40 "${dir}"/*.out "${dir}"/*.log >&2 2>/dev/null
    ember_cinder_kill
    return 1
}

# Stops the process group a PID file names (each process was started with setsid, so the
# group holds its children too: the API's workers, RabbitMQ's beam). Safe under `set -e`.
ember_cinder_kill_group() {
    local file="$1" pid
    [ -f "${file}" ] || return 0
    pid="$(cat "${file}")"
    kill -- "-${pid}" 2>/dev/null || kill "${pid}" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "${pid}" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 -- "-${pid}" 2>/dev/null || true
    rm -f "${file}"
}

# Stops cinder's services and RabbitMQ (and the epmd RabbitMQ started), keeping the logs.
ember_cinder_kill() {
    local dir="${EMBER_CINDER_DIR}" name
    for name in api scheduler volume; do
        ember_cinder_kill_group "${dir}/cinder-${name}.pid"
    done
    ember_cinder_kill_group "${dir}/rabbitmq/launcher.pid"
    if [ -f "${dir}/rabbitmq/epmd.pid" ]; then
        kill "$(cat "${dir}/rabbitmq/epmd.pid")" 2>/dev/null || true
        rm -f "${dir}/rabbitmq/epmd.pid"
    fi
    return 0
}

ember_cinder_stop() {
    ember_cinder_kill
    rm -rf "${EMBER_CINDER_DIR}"
}

if [ "${EMBER_CINDER_INSTALL_ONLY:-}" = "1" ]; then
    # `EMBER_CINDER_INSTALL_ONLY=1 bash .ci/cinder.sh &`: install in the background (CI does
    # it during the Swift build), start nothing.
    ember_cinder_install_start=$(date +%s)
    ember_cinder_install
    ember_cinder_status=$?
    echo "cinder.sh: install finished (status ${ember_cinder_status}) in $(( $(date +%s) - ember_cinder_install_start )) s"
    return "${ember_cinder_status}" 2>/dev/null || exit "${ember_cinder_status}"
fi

ember_cinder_start || {
    echo "cinder.sh: cinder did not start (logs in ${EMBER_CINDER_DIR})" >&2
    unset EMBER_TEST_CINDER_URL
}
