#!/usr/bin/env bash
# Starts a private, throwaway PostgreSQL cluster for Ember's store tests and exports
# EMBER_TEST_POSTGRES_URL (TCP, loopback, password) and EMBER_TEST_POSTGRES_SOCKET_URL (the
# same database over the unix socket). Meant to be sourced by CI (as root, no systemd needed):
#
#     source .ci/postgres.sh          # installs PostgreSQL if missing, starts, exports the URL
#     swift test --filter EmberStoreTests
#     ember_postgres_stop             # stops the cluster and removes its directory
#
# Idempotent: sourcing it again while the cluster runs only re-exports the URL.
# Settings (override before sourcing): EMBER_PG_PORT (55432), EMBER_PG_DIR
# (/tmp/ember-pg-$EMBER_PG_PORT), EMBER_PG_PASSWORD (ember-test-password).

EMBER_PG_PORT="${EMBER_PG_PORT:-55432}"
EMBER_PG_DIR="${EMBER_PG_DIR:-/tmp/ember-pg-${EMBER_PG_PORT}}"
EMBER_PG_PASSWORD="${EMBER_PG_PASSWORD:-ember-test-password}"

ember_postgres_bindir() {
    local candidate
    if command -v pg_config >/dev/null 2>&1; then
        candidate="$(pg_config --bindir 2>/dev/null)"
        if [ -x "${candidate}/initdb" ]; then
            echo "${candidate}"
            return 0
        fi
    fi
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "${candidate}/initdb" ]; then
            echo "${candidate}"
            return 0
        fi
    done
    return 1
}

# Runs a command as the `postgres` user (the server refuses to run as root).
ember_postgres_as_postgres() {
    if [ "$(id -u)" = "0" ]; then
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

ember_postgres_start() {
    local bindir
    if ! bindir="$(ember_postgres_bindir)"; then
        echo "postgres.sh: PostgreSQL not found; installing it" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update && apt-get install -y postgresql || return 1
        bindir="$(ember_postgres_bindir)" || {
            echo "postgres.sh: initdb still missing after installing postgresql" >&2
            return 1
        }
    fi
    if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres || return 1
    fi

    export EMBER_TEST_POSTGRES_URL="postgresql://ember:${EMBER_PG_PASSWORD}@127.0.0.1:${EMBER_PG_PORT}/ember_test"
    # The same database over the unix socket (exercises the ?host=/dir form).
    export EMBER_TEST_POSTGRES_SOCKET_URL="postgresql://ember:${EMBER_PG_PASSWORD}@/ember_test?host=${EMBER_PG_DIR}/socket&port=${EMBER_PG_PORT}"

    if "${bindir}/pg_isready" -q -h 127.0.0.1 -p "${EMBER_PG_PORT}" >/dev/null 2>&1; then
        echo "postgres.sh: cluster already running on 127.0.0.1:${EMBER_PG_PORT}" >&2
        return 0
    fi

    if [ ! -f "${EMBER_PG_DIR}/data/PG_VERSION" ]; then
        rm -rf "${EMBER_PG_DIR}"
        mkdir -p "${EMBER_PG_DIR}/data" "${EMBER_PG_DIR}/socket" || return 1
        printf '%s\n' "${EMBER_PG_PASSWORD}" >"${EMBER_PG_DIR}/pwfile"
        if [ "$(id -u)" = "0" ]; then
            chown -R postgres:postgres "${EMBER_PG_DIR}"
        fi
        chmod 700 "${EMBER_PG_DIR}/data"
        # The superuser `ember` gets the password; loopback clients must present it.
        ember_postgres_as_postgres "'${bindir}/initdb' -D '${EMBER_PG_DIR}/data' -U ember \
            --pwfile='${EMBER_PG_DIR}/pwfile' --auth-local=scram-sha-256 --auth-host=scram-sha-256 \
            -E UTF8 --locale=C.UTF-8 >'${EMBER_PG_DIR}/initdb.log' 2>&1" || {
            cat "${EMBER_PG_DIR}/initdb.log" >&2
            return 1
        }
    fi

    ember_postgres_as_postgres "'${bindir}/pg_ctl' -D '${EMBER_PG_DIR}/data' -l '${EMBER_PG_DIR}/server.log' -w -t 60 \
        -o \"-p ${EMBER_PG_PORT} -k ${EMBER_PG_DIR}/socket -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" \
        start >/dev/null" || {
        cat "${EMBER_PG_DIR}/server.log" >&2
        return 1
    }

    local tries=0
    until "${bindir}/pg_isready" -q -h 127.0.0.1 -p "${EMBER_PG_PORT}"; do
        tries=$((tries + 1))
        if [ "${tries}" -ge 60 ]; then
            echo "postgres.sh: server did not become ready" >&2
            return 1
        fi
        sleep 0.5
    done

    PGPASSWORD="${EMBER_PG_PASSWORD}" "${bindir}/psql" -q -h 127.0.0.1 -p "${EMBER_PG_PORT}" -U ember -d postgres \
        -tAc "SELECT 1 FROM pg_database WHERE datname = 'ember_test'" | grep -q 1 ||
        PGPASSWORD="${EMBER_PG_PASSWORD}" "${bindir}/createdb" -h 127.0.0.1 -p "${EMBER_PG_PORT}" -U ember ember_test ||
        return 1
    echo "postgres.sh: PostgreSQL ready at 127.0.0.1:${EMBER_PG_PORT} (EMBER_TEST_POSTGRES_URL exported)" >&2
}

# Stops the server and keeps its data (an outage: ember_postgres_start brings it back).
ember_postgres_halt() {
    local bindir
    bindir="$(ember_postgres_bindir)" || return 1
    ember_postgres_as_postgres "'${bindir}/pg_ctl' -D '${EMBER_PG_DIR}/data' -m fast -w stop >/dev/null"
}

# Stops the cluster and deletes its directory.
ember_postgres_stop() {
    local bindir
    bindir="$(ember_postgres_bindir)" || return 0
    if [ -f "${EMBER_PG_DIR}/data/postmaster.pid" ]; then
        ember_postgres_as_postgres "'${bindir}/pg_ctl' -D '${EMBER_PG_DIR}/data' -m fast -w stop >/dev/null" || true
    fi
    rm -rf "${EMBER_PG_DIR}"
    unset EMBER_TEST_POSTGRES_URL EMBER_TEST_POSTGRES_SOCKET_URL
}

ember_postgres_start
