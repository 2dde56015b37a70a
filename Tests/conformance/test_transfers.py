"""Volume transfers through the real clients, unchanged: python-cinderclient's `cinder
transfer-*`, python-openstackclient's `openstack volume transfer request …` and openstacksdk's
block storage transfer calls. In noauth every caller is an admin of the project its token
names (cinder's `user:project`), so the accepting side is a second caller with a token for
another project."""
import json
import os
import subprocess
import uuid

import openstack

from conftest import PROJECT, field, wait_for

BIN = os.path.dirname(os.sys.executable)
CINDER = os.path.join(BIN, "cinder")
OPENSTACK = os.path.join(BIN, "openstack")
# The accepting project, and its user.
TAKER = "5a7e2d0c9b8f4e3d8c1b2a3f4e5d6c7b"


def cinder(ember, *args, project=PROJECT, user="admin", version="3.57"):
    command = [
        CINDER, "--os-auth-type", "noauth", "--os-user-id", user, "--os-project-id", project,
        "--os-endpoint", f"{ember}/v3/{project}", "--os-volume-api-version", version, *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result.stdout


def cinder_fails(ember, *args, project=PROJECT, user="admin", version="3.57"):
    command = [
        CINDER, "--os-auth-type", "noauth", "--os-user-id", user, "--os-project-id", project,
        "--os-endpoint", f"{ember}/v3/{project}", "--os-volume-api-version", version, *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0, f"{' '.join(args)} succeeded: {result.stdout}"
    return result.stderr + result.stdout


def in_use(output, resource):
    """The In_use column of `cinder quota-usage` for `resource`."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0] == resource:
            return int(cells[1])
    raise AssertionError(f"no {resource} in {output}")


def available_volume(ember, name, size=1, project=PROJECT):
    volume_id = field(cinder(ember, "create", str(size), "--name", name, project=project), "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id, project=project), "status") == "available")
    return volume_id


def test_cinder_transfer_create_list_show_accept(ember):
    volume_id = available_volume(ember, "xfer-cc", size=2)
    snapshot_id = field(cinder(ember, "snapshot-create", volume_id, "--name", "xfer-cc-snap"), "id")
    wait_for(lambda: field(cinder(ember, "snapshot-show", snapshot_id), "status") == "available")
    usage_before = cinder(ember, "quota-usage", PROJECT)

    created = cinder(ember, "transfer-create", "--name", "xfer-cc-gift", volume_id)
    transfer_id = field(created, "id")
    auth_key = field(created, "auth_key")
    assert len(auth_key) == 16
    assert field(created, "volume_id") == volume_id
    assert field(cinder(ember, "show", volume_id), "status") == "awaiting-transfer"

    listed = cinder(ember, "transfer-list")
    assert transfer_id in listed and "xfer-cc-gift" in listed
    shown = cinder(ember, "transfer-show", transfer_id)
    assert field(shown, "name") == "xfer-cc-gift"
    assert field(shown, "source_project_id") == PROJECT
    assert field(shown, "accepted") == "False"
    assert "auth_key" not in shown

    # Another project accepts: a wrong key first (cinder's 400), then the right one.
    error = cinder_fails(ember, "transfer-accept", transfer_id, "0" * 16, project=TAKER, user="taker")
    assert "Invalid auth key" in error
    accepted = cinder(ember, "transfer-accept", transfer_id, auth_key, project=TAKER, user="taker")
    assert field(accepted, "id") == transfer_id
    assert field(accepted, "volume_id") == volume_id

    moved = cinder(ember, "show", volume_id, project=TAKER, user="taker")
    assert field(moved, "status") == "available"
    assert volume_id not in cinder(ember, "list")
    assert volume_id in cinder(ember, "list", project=TAKER, user="taker")
    assert snapshot_id in cinder(ember, "snapshot-list", project=TAKER, user="taker")
    assert transfer_id not in cinder(ember, "transfer-list")

    # The quota moved exactly: one volume, one snapshot, 2 + 2 GiB.
    usage_after = cinder(ember, "quota-usage", PROJECT)
    taker_usage = cinder(ember, "quota-usage", TAKER, project=TAKER, user="taker")
    for resource, amount in [("volumes", 1), ("snapshots", 1), ("gigabytes", 4)]:
        assert in_use(usage_after, resource) == in_use(usage_before, resource) - amount, resource
        assert in_use(taker_usage, resource) == amount, resource


def test_cinder_transfer_delete_and_legacy_route(ember):
    volume_id = available_volume(ember, "xfer-cc-del")
    # Before 3.55 cinderclient uses the legacy /os-volume-transfer routes.
    created = cinder(ember, "transfer-create", volume_id, version="3.50")
    transfer_id = field(created, "id")
    assert transfer_id in cinder(ember, "transfer-list", version="3.50")
    assert field(cinder(ember, "transfer-show", transfer_id, version="3.50"), "volume_id") == volume_id
    error = cinder_fails(ember, "delete", volume_id)
    assert "awaiting a transfer" in error
    cinder(ember, "transfer-delete", transfer_id, version="3.50")
    assert transfer_id not in cinder(ember, "transfer-list")
    assert field(cinder(ember, "show", volume_id), "status") == "available"
    cinder(ember, "delete", volume_id)


def openstack_cli(ember, *args, token=None, parse=True):
    auth = ["--os-auth-type", "none"] if token is None else ["--os-auth-type", "admin_token", "--os-token", token]
    command = [OPENSTACK, *auth, "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", "3", *args]
    if parse:
        command += ["-f", "json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if parse and result.stdout.strip() else None


def test_openstack_volume_transfer_request(ember):
    volume = openstack_cli(ember, "volume", "create", "--size", "1", "osc-xfer")
    volume_id = volume["id"]
    wait_for(lambda: openstack_cli(ember, "volume", "show", volume_id)["status"] == "available")

    request = openstack_cli(ember, "volume", "transfer", "request", "create", "--name", "osc-gift", volume_id)
    assert request["volume_id"] == volume_id and len(request["auth_key"]) == 16
    listed = openstack_cli(ember, "volume", "transfer", "request", "list")
    assert any(item["ID"] == request["id"] for item in listed)
    shown = openstack_cli(ember, "volume", "transfer", "request", "show", request["id"])
    assert shown["name"] == "osc-gift"

    taker = f"osc-taker:{uuid.uuid4().hex}"
    accepted = openstack_cli(
        ember, "volume", "transfer", "request", "accept", "--auth-key", request["auth_key"], request["id"],
        token=taker)
    assert accepted["volume_id"] == volume_id
    assert openstack_cli(ember, "volume", "show", volume_id, token=taker)["status"] == "available"
    assert not any(item["ID"] == volume_id for item in openstack_cli(ember, "volume", "list"))

    # A second request, deleted: the volume is available again for its owner.
    again = openstack_cli(ember, "volume", "transfer", "request", "create", volume_id, token=taker)
    assert openstack_cli(ember, "volume", "show", volume_id, token=taker)["status"] == "awaiting-transfer"
    openstack_cli(ember, "volume", "transfer", "request", "delete", again["id"], token=taker, parse=False)
    assert openstack_cli(ember, "volume", "show", volume_id, token=taker)["status"] == "available"


def connect(ember, token=None):
    if token is None:
        return openstack.connect(
            auth_type="none",
            auth={"endpoint": f"{ember}/v3"},
            block_storage_endpoint_override=f"{ember}/v3",
            block_storage_api_version="3",
        )
    return openstack.connect(
        auth_type="admin_token",
        auth={"endpoint": f"{ember}/v3", "token": token},
        block_storage_endpoint_override=f"{ember}/v3",
        block_storage_api_version="3",
    )


def test_openstacksdk_transfers(ember):
    conn = connect(ember)
    volume = conn.block_storage.create_volume(size=1, name="sdk-xfer")
    wait_for(lambda: conn.block_storage.get_volume(volume.id).status == "available")

    transfer = conn.block_storage.create_transfer(volume_id=volume.id, name="sdk-gift")
    assert transfer.volume_id == volume.id and len(transfer.auth_key) == 16
    assert conn.block_storage.get_volume(volume.id).status == "awaiting-transfer"
    assert any(item.id == transfer.id for item in conn.block_storage.transfers())
    fetched = conn.block_storage.get_transfer(transfer.id)
    assert fetched.name == "sdk-gift" and fetched.auth_key is None
    assert conn.block_storage.find_transfer("sdk-gift").id == transfer.id

    # Deleted, then offered again and accepted by another project.
    conn.block_storage.delete_transfer(transfer.id)
    assert conn.block_storage.get_volume(volume.id).status == "available"
    transfer = conn.block_storage.create_transfer(volume_id=volume.id, name="sdk-gift-2")

    taker = connect(ember, token=f"sdk-taker:{uuid.uuid4().hex}")
    accepted = taker.block_storage.accept_transfer(transfer.id, transfer.auth_key)
    assert accepted.id == transfer.id
    assert taker.block_storage.get_volume(volume.id).status == "available"
    assert not any(item.id == volume.id for item in conn.block_storage.volumes())
    assert not any(item.id == transfer.id for item in conn.block_storage.transfers())
