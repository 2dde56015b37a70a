#!/usr/bin/env bash
# Starts a private tgt iSCSI target daemon (Debian's `tgt`, user space, no kernel module) on
# loopback for Ember's iSCSI tests (`target_helper = tgtadm`), with its own portal and its own
# control socket, so that it never meets a tgtd of the machine or of another test run.
# Meant to be sourced by CI (as root: tgtd creates its control socket under /var/run/tgtd):
#
#     source .ci/tgt.sh             # installs tgt, qemu-block-extra, libiscsi-bin if missing
#     swift test --filter ISCSI
#     ember_tgt_stop                # stops this tgtd (only this one, by its pid)
#
# It exports:
#   EMBER_TEST_TGT_PORTAL        127.0.0.1:$EMBER_TGT_PORT (the portal the tests log in to)
#   EMBER_TEST_TGT_CONTROL_PORT  N of tgtd's control socket /var/run/tgtd/socket.N (tgtadm -C N;
#                                Ember's tgt_control_port)
#   EMBER_TGT_DIR                state (tgtd.pid, tgtd.log)
# Settings (override before sourcing): EMBER_TGT_PORT (13260), EMBER_TGT_CONTROL_PORT (17),
# EMBER_TGT_DIR (/tmp/ember-tgt-$EMBER_TGT_PORT).
# Idempotent: sourcing it again while this tgtd runs only re-exports the variables.

EMBER_TGT_PORT="${EMBER_TGT_PORT:-13260}"
EMBER_TGT_CONTROL_PORT="${EMBER_TGT_CONTROL_PORT:-17}"
EMBER_TGT_DIR="${EMBER_TGT_DIR:-/tmp/ember-tgt-${EMBER_TGT_PORT}}"
export EMBER_TGT_PORT EMBER_TGT_CONTROL_PORT EMBER_TGT_DIR
export EMBER_TEST_TGT_PORTAL="127.0.0.1:${EMBER_TGT_PORT}"
export EMBER_TEST_TGT_CONTROL_PORT="${EMBER_TGT_CONTROL_PORT}"

ember_tgt_install() {
    local need=()
    command -v tgtd >/dev/null || need+=(tgt)
    command -v iscsi-ls >/dev/null || need+=(libiscsi-bin)
    command -v qemu-img >/dev/null || need+=(qemu-utils)
    # qemu-img's iscsi:// driver (libiscsi) is a module of qemu-block-extra.
    dpkg -s qemu-block-extra >/dev/null 2>&1 || need+=(qemu-block-extra)
    if [ ${#need[@]} -gt 0 ]; then
        apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq "${need[@]}"; } || return 1
    fi
}

ember_tgt_ready() {
    tgtadm -C "${EMBER_TGT_CONTROL_PORT}" --lld iscsi --op show --mode sys >/dev/null 2>&1
}

ember_tgt_start() {
    if ember_tgt_ready; then
        return 0
    fi
    ember_tgt_install || { echo "tgt.sh: cannot install tgt, qemu-block-extra, libiscsi-bin" >&2; return 1; }
    local dir="${EMBER_TGT_DIR}"
    rm -rf "${dir}"
    mkdir -p "${dir}" /var/run/tgtd || return 1
    # -f keeps tgtd in the foreground so that $! is its pid; -C selects socket.N (and the lock
    # file beside it), so the machine's default tgtd (socket.0) is never touched.
    tgtd -f -C "${EMBER_TGT_CONTROL_PORT}" --iscsi "portal=${EMBER_TEST_TGT_PORTAL}" \
        >"${dir}/tgtd.log" 2>&1 &
    echo $! >"${dir}/tgtd.pid"
    for _ in $(seq 1 100); do
        ember_tgt_ready && return 0
        sleep 0.1
    done
    echo "tgt.sh: tgtd did not answer on control port ${EMBER_TGT_CONTROL_PORT}" >&2
    cat "${dir}/tgtd.log" >&2
    return 1
}

ember_tgt_stop() {
    local pid
    if [ -f "${EMBER_TGT_DIR}/tgtd.pid" ]; then
        pid="$(cat "${EMBER_TGT_DIR}/tgtd.pid")"
        # tgtd leaves on `--op delete --mode system` (it ignores SIGTERM); with targets left
        # behind (a failed test) it refuses, so its pid is killed after a few seconds.
        tgtadm -C "${EMBER_TGT_CONTROL_PORT}" --op delete --mode system >/dev/null 2>&1
        for _ in $(seq 1 30); do
            kill -0 "${pid}" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "${pid}" 2>/dev/null; then
            kill -KILL "${pid}" 2>/dev/null
            sleep 0.2
        fi
    fi
    rm -rf "${EMBER_TGT_DIR}"
}

ember_tgt_start || {
    echo "tgt.sh: tgtd did not start (log in ${EMBER_TGT_DIR})" >&2
    unset EMBER_TEST_TGT_PORTAL EMBER_TEST_TGT_CONTROL_PORT
}
