"""Volume type encryption and encrypted volumes through the real clients, unchanged:
python-cinderclient's `cinder encryption-type-*` and python-openstackclient's `openstack volume
type create --encryption-*` and `openstack volume create --type`, against `ember all` started
with cinder's fixed-key manager (noauth: every caller is an admin, as the encryption type
policies require)."""
import json
import urllib.request

import pytest

from conftest import PROJECT, _run_ember, field, wait_for
from test_qos import cinder, openstack_cli, row_id

# cinder's ConfKeyManager: one key, the all-zero id.
FIXED_KEY = "00" * 31 + "01"
FIXED_KEY_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def ember_keys():
    """`ember all` with `[key_manager] backend = ConfKeyManager` and a `fixed_key`."""
    extra = (
        "[key_manager]\n"
        "backend = cinder.keymgr.conf_key_mgr.ConfKeyManager\n"
        f"fixed_key = {FIXED_KEY}\n"
    )
    for url, _ in _run_ember(extra):
        yield url


def get(ember, path, version="3.71"):
    request = urllib.request.Request(
        f"{ember}/v3/{PROJECT}{path}",
        headers={"X-Auth-Token": f"admin:{PROJECT}", "OpenStack-API-Version": f"volume {version}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def test_cinder_encryption_type_create_show_update_list_delete(ember_keys):
    type_id = row_id(cinder(ember_keys, "type-create", "cc-luks"), "cc-luks")
    created = cinder(
        ember_keys, "encryption-type-create", "--cipher", "aes-xts-plain64", "--key-size", "256",
        "--control-location", "front-end", type_id, "luks",
    )
    # cinder echoes the request body, which names no type: the client's ID cell stays empty.
    assert "luks" in created and "aes-xts-plain64" in created and "front-end" in created
    shown = cinder(ember_keys, "encryption-type-show", type_id)
    assert type_id in shown and "front-end" in shown and "256" in shown and "luks" in shown
    assert type_id in cinder(ember_keys, "encryption-type-list")

    cinder(ember_keys, "encryption-type-update", "--key-size", "512", "--control-location", "back-end", type_id)
    encryption = get(ember_keys, f"/types/{type_id}/encryption")
    assert encryption["key_size"] == 512 and encryption["control_location"] == "back-end"
    assert encryption["provider"] == "luks" and encryption["cipher"] == "aes-xts-plain64"

    # A second create is refused with cinder's text.
    refused = cinder(ember_keys, "encryption-type-create", type_id, "luks", fails=True)
    assert f"Volume type encryption for type {type_id} already exists." in refused

    cinder(ember_keys, "encryption-type-delete", type_id)
    assert get(ember_keys, f"/types/{type_id}/encryption") == {}
    assert type_id not in cinder(ember_keys, "encryption-type-list")
    cinder(ember_keys, "type-delete", type_id)


def test_openstack_encrypted_type_and_volume(ember_keys):
    created = openstack_cli(
        ember_keys, "volume", "type", "create", "--encryption-provider", "luks",
        "--encryption-cipher", "aes-xts-plain64", "--encryption-key-size", "256",
        "--encryption-control-location", "front-end", "osc-luks",
    )
    type_id = created["id"]
    encryption = get(ember_keys, f"/types/{type_id}/encryption")
    assert encryption["provider"] == "luks" and encryption["key_size"] == 256
    shown = openstack_cli(ember_keys, "volume", "type", "show", "--encryption-type", "osc-luks")
    assert shown["encryption"]["provider"] == "luks"
    assert shown["encryption"]["control_location"] == "front-end"

    volume = openstack_cli(ember_keys, "volume", "create", "--type", "osc-luks", "--size", "1", "osc-encrypted")
    volume_id = volume["id"]
    assert volume["encrypted"] is True
    wait_for(lambda: openstack_cli(ember_keys, "volume", "show", volume_id)["status"] == "available")
    # The fixed key manager's one key, and what os-brick reads to attach it.
    metadata = get(ember_keys, f"/volumes/{volume_id}/encryption")
    assert metadata == {
        "encryption_key_id": FIXED_KEY_ID, "control_location": "front-end",
        "cipher": "aes-xts-plain64", "key_size": 256, "provider": "luks",
    }
    # cinder hides the fixed key's id from the volume view (3.64) but calls it encrypted.
    detail = get(ember_keys, f"/volumes/{volume_id}", version="3.64")["volume"]
    assert detail["encrypted"] is True and "encryption_key_id" not in detail

    # The type is in use: its encryption cannot change.
    refused = cinder(ember_keys, "encryption-type-update", "--key-size", "128", type_id, fails=True)
    assert "Cannot update encryption specs. Volume type in use." in refused

    openstack_cli(ember_keys, "volume", "delete", volume_id, parse=False)
    wait_for(lambda: volume_id not in cinder(ember_keys, "list", "--all-tenants"))
    cinder(ember_keys, "encryption-type-delete", type_id)
    openstack_cli(ember_keys, "volume", "type", "delete", "osc-luks", parse=False)


def test_encrypted_volume_without_a_key_manager_is_refused(ember):
    """The default `[key_manager] backend` is Barbican, which this build cannot reach: an
    encrypted volume is refused with a fault that says so; unencrypted ones are served."""
    type_id = row_id(cinder(ember, "type-create", "cc-nokeys"), "cc-nokeys")
    cinder(ember, "encryption-type-create", "--cipher", "aes-xts-plain64", "--key-size", "256", type_id, "luks")
    refused = cinder(ember, "create", "--volume-type", "cc-nokeys", "1", fails=True)
    assert "Key manager error" in refused and "(HTTP 400)" in refused
    assert "cc-nokeys" not in cinder(ember, "list", "--all-tenants")
    cinder(ember, "encryption-type-delete", type_id)
    cinder(ember, "type-delete", type_id)
