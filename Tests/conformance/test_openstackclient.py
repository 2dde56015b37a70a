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
