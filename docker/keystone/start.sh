#!/bin/sh
# Keystone for the compose `keystone` profile: database, keys and admin on first start (all
# idempotent), then gunicorn; registers Ember's volumev3 endpoint (EMBER_PUBLIC_URL) once the
# API answers.
set -eu
keystone-manage db_sync
python3 -c "import sqlite3; sqlite3.connect('/var/lib/keystone/keystone.db').execute('PRAGMA journal_mode=WAL')"
mkdir -p /var/lib/keystone/fernet-keys /var/lib/keystone/credential-keys
keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
keystone-manage bootstrap --bootstrap-password "${KEYSTONE_ADMIN_PASSWORD}" \
    --bootstrap-admin-url http://keystone:5000/v3 --bootstrap-internal-url http://keystone:5000/v3 \
    --bootstrap-public-url "${KEYSTONE_PUBLIC_URL:-http://localhost:5000/v3}" --bootstrap-region-id RegionOne

gunicorn --bind 0.0.0.0:5000 --workers 1 --chdir /usr/local/lib keystone_app:application &
server=$!
trap 'kill -TERM "$server"; wait "$server"' TERM INT

until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/v3')" 2>/dev/null; do
    sleep 1
done
export OS_AUTH_URL=http://127.0.0.1:5000/v3 OS_USERNAME=admin OS_PASSWORD="${KEYSTONE_ADMIN_PASSWORD}" \
    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3
if ! openstack service show volumev3 >/dev/null 2>&1; then
    openstack service create --name cinderv3 --description "Block Storage (Ember)" volumev3 >/dev/null
    for interface in public internal admin; do
        openstack endpoint create --region RegionOne volumev3 "$interface" "${EMBER_PUBLIC_URL}" >/dev/null
    done
    echo "keystone: registered volumev3 at ${EMBER_PUBLIC_URL}"
fi
wait "$server"
