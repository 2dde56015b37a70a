#!/bin/sh
# Keystone for the compose `keystone` profile: database, keys and admin on first start (all
# idempotent), then gunicorn; registers Ember's volumev3 endpoint (EMBER_PUBLIC_URL) once the
# API answers. KEYSTONE_CONFIG, KEYSTONE_DATA and KEYSTONE_BIND move it outside the image.
set -eu
conf=${KEYSTONE_CONFIG:-/etc/keystone/keystone.conf}
data=${KEYSTONE_DATA:-/var/lib/keystone}
bind=${KEYSTONE_BIND:-0.0.0.0:5000}
local_url="http://127.0.0.1:${bind##*:}/v3"
export OS_KEYSTONE_CONFIG_FILES="$conf"
manage() { keystone-manage --config-file "$conf" "$@"; }

manage db_sync
python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$data/keystone.db"
mkdir -p "$data/fernet-keys" "$data/credential-keys"
user=$(id -un)
group=$(id -gn)
manage fernet_setup --keystone-user "$user" --keystone-group "$group"
manage credential_setup --keystone-user "$user" --keystone-group "$group"
manage bootstrap --bootstrap-password "${KEYSTONE_ADMIN_PASSWORD}" \
    --bootstrap-admin-url http://keystone:5000/v3 --bootstrap-internal-url http://keystone:5000/v3 \
    --bootstrap-public-url "${KEYSTONE_PUBLIC_URL:-http://localhost:5000/v3}" --bootstrap-region-id RegionOne

gunicorn --bind "$bind" --workers 1 --chdir "$(dirname "$0")/../lib" keystone_app:application &
server=$!
trap 'kill -TERM "$server"; wait "$server"' TERM INT

until python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1])" "$local_url" 2>/dev/null; do
    sleep 1
done
export OS_AUTH_URL="$local_url" OS_USERNAME=admin OS_PASSWORD="${KEYSTONE_ADMIN_PASSWORD}" \
    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3
if ! openstack service show volumev3 >/dev/null 2>&1; then
    openstack service create --name cinderv3 --description "Block Storage (Ember)" volumev3 >/dev/null
    for interface in public internal admin; do
        openstack endpoint create --region RegionOne volumev3 "$interface" "${EMBER_PUBLIC_URL}" >/dev/null
    done
    echo "keystone: registered volumev3 at ${EMBER_PUBLIC_URL}"
fi
wait "$server"
