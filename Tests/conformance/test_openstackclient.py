"""python-openstackclient's `openstack volume …`, unchanged, with auth type none."""
import json
import os
import subprocess

from conftest import wait_for

OPENSTACK = os.path.join(os.path.dirname(os.sys.executable), "openstack")


def openstack(ember, *args):
    command = [
        OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", "3",
        *args, "-f", "json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_volume_list_create_show_set_delete(ember):
    created = openstack(ember, "volume", "create", "--size", "2", "--property", "a=b", "osc-volume")
    volume_id = created["id"]
    assert created["size"] == 2

    wait_for(lambda: openstack(ember, "volume", "show", volume_id)["status"] == "available")

    listed = openstack(ember, "volume", "list")
    assert any(item["ID"] == volume_id for item in listed)

    shown = openstack(ember, "volume", "show", volume_id)
    assert shown["name"] == "osc-volume"

    subprocess.run(
        [OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", "3",
         "volume", "set", "--name", "osc-renamed", "--property", "c=d", volume_id],
        check=True, capture_output=True, timeout=60)
    shown = openstack(ember, "volume", "show", volume_id)
    assert shown["name"] == "osc-renamed"

    subprocess.run(
        [OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", "3",
         "volume", "delete", volume_id],
        check=True, capture_output=True, timeout=60)
    wait_for(lambda: not any(item["ID"] == volume_id for item in openstack(ember, "volume", "list")))


def run(ember, *args):
    subprocess.run(
        [OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", "3",
         *args],
        check=True, capture_output=True, timeout=60)


def test_volume_snapshot_create_list_delete_and_extend(ember):
    volume_id = openstack(ember, "volume", "create", "--size", "1", "osc-snap-source")["id"]
    wait_for(lambda: openstack(ember, "volume", "show", volume_id)["status"] == "available")

    snapshot = openstack(ember, "volume", "snapshot", "create", "--volume", volume_id, "osc-snap")
    snapshot_id = snapshot["id"]
    wait_for(lambda: openstack(ember, "volume", "snapshot", "show", snapshot_id)["status"] == "available")
    listed = openstack(ember, "volume", "snapshot", "list")
    assert any(item["ID"] == snapshot_id and item["Name"] == "osc-snap" for item in listed)

    run(ember, "volume", "snapshot", "delete", snapshot_id)
    wait_for(lambda: not any(item["ID"] == snapshot_id
                             for item in openstack(ember, "volume", "snapshot", "list")))

    run(ember, "volume", "set", "--size", "3", volume_id)
    wait_for(lambda: openstack(ember, "volume", "show", volume_id)["size"] == 3)

    run(ember, "volume", "delete", volume_id)
    wait_for(lambda: not any(item["ID"] == volume_id for item in openstack(ember, "volume", "list")))
