#!/bin/sh
# Container health check (the image's HEALTHCHECK).
# - ember api / ember all: GET /healthcheck on the local API port answers 200, over HTTPS when
#   [ssl] is configured (the certificate is not verified: this is loopback) or HTTP.
# - ember scheduler / volume / manage: healthy while the process runs (their liveness in the
#   cluster is the services table's heartbeat, which `openstack volume service list` shows).
# The port is EMBER_DEFAULT__OSAPI_VOLUME_LISTEN_PORT, else EMBER_HEALTHCHECK_PORT, else 8776.
set -eu

port=${EMBER_DEFAULT__OSAPI_VOLUME_LISTEN_PORT:-${EMBER_HEALTHCHECK_PORT:-8776}}
role=""
for cmdline in /proc/[0-9]*/cmdline; do
    # argv, one word per line; the ember process is the one whose argv[0] is ember.
    args=$(tr '\0' '\n' <"$cmdline" 2>/dev/null) || continue
    first=$(printf '%s\n' "$args" | head -n 1)
    case "$first" in
        ember | */ember) ;;
        *) continue ;;
    esac
    role=all
    for word in $args; do
        case "$word" in
            all | api | scheduler | volume | backup | manage)
                role=$word
                break
                ;;
        esac
    done
    break
done

case "$role" in
    "") echo "no ember process" >&2; exit 1 ;;
    scheduler | volume | backup | manage) exit 0 ;;
esac
curl -fsk -o /dev/null --max-time 4 "https://127.0.0.1:${port}/healthcheck" \
    || curl -fs -o /dev/null --max-time 4 "http://127.0.0.1:${port}/healthcheck"
