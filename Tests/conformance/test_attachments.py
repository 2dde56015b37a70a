"""The attachments API (3.27–3.54) through the real clients: python-cinderclient's
`attachment-*` commands, python-openstackclient's `volume attachment …` and openstacksdk's
`*_attachment` calls, against `ember all` (noauth: every caller is an admin, never the
`service` Nova is, so the attachments deleted here connect no server, as cinder requires of
a caller that is not Nova).

`openstack volume attachment create` is not run: it looks the server up in Nova
(`compute_client.find_server`) before it calls the volume API, and there is no Nova here."""
import json
import os
import subprocess

import openstack as sdk

from conftest import PROJECT, field, wait_for

BIN = os.path.dirname(os.sys.executable)
SERVER = "11111111-1111-4111-8111-111111111111"


def cinder(ember, *args, version="3.54"):
    command = [
        os.path.join(BIN, "cinder"), "--os-auth-type", "noauth", "--os-user-id", "admin",
        "--os-project-id", PROJECT, "--os-endpoint", f"{ember}/v3/{PROJECT}",
        "--os-volume-api-version", version, *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result.stdout


def openstack(ember, *args, json_output=True):
    command = [
        os.path.join(BIN, "openstack"), "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3",
        "--os-volume-api-version", "3.54", *args,
    ] + (["-f", "json"] if json_output else [])
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if json_output and result.stdout.strip() else result.stdout


def connect(ember):
    return sdk.connect(
        auth_type="none",
        auth={"endpoint": f"{ember}/v3"},
        block_storage_endpoint_override=f"{ember}/v3",
        block_storage_api_version="3",
    )


def new_volume(conn, name):
    volume = conn.block_storage.create_volume(size=1, name=name)
    wait_for(lambda: conn.block_storage.get_volume(volume.id).status == "available")
    return volume.id


def test_cinderclient_attachment_commands(ember):
    # The volume is made with `cinder` too: attachments are listed by the volume's project.
    volume_id = field(cinder(ember, "create", "1", "--name", "cc-attach"), "id")

    def status():
        return field(cinder(ember, "show", volume_id), "status")

    wait_for(lambda: status() == "available")
    # Reserve only (no server, no connector): the volume is `reserved`.
    created = cinder(ember, "attachment-create", volume_id)
    attachment_id = field(created, "id")
    assert field(created, "status") == "reserved"
    assert status() == "reserved"
    assert attachment_id in cinder(ember, "attachment-list")
    assert attachment_id in cinder(ember, "attachment-list", "--volume-id", volume_id)
    shown = cinder(ember, "attachment-show", attachment_id)
    assert field(shown, "volume_id") == volume_id
    cinder(ember, "attachment-delete", attachment_id)
    assert status() == "available"

    # With a connector: the backend connects it (`attaching`), os-complete makes it `in-use`.
    created = cinder(
        ember, "attachment-create", volume_id, "--connect", "true", "--initiator", "iqn.1993-08.org.debian:01:cc",
        "--ip", "192.0.2.10", "--host", "compute-cc", "--mountpoint", "/dev/vdb", "--mode", "rw",
    )
    attachment_id = field(created, "id")
    assert field(created, "attach_mode") == "rw"
    assert field(created, "attachment_id") == attachment_id  # the connection info table
    assert status() == "attaching"
    cinder(ember, "attachment-complete", attachment_id)
    assert status() == "in-use"
    assert field(cinder(ember, "attachment-show", attachment_id), "status") == "attached"
    cinder(ember, "attachment-delete", attachment_id)
    assert status() == "available"
    assert attachment_id not in cinder(ember, "attachment-list")
    cinder(ember, "delete", volume_id)


def test_openstackclient_attachment_commands(ember):
    conn = connect(ember)
    volume_id = new_volume(conn, "osc-attach")
    attachment = conn.block_storage.create_attachment(volume_id)
    listed = openstack(ember, "volume", "attachment", "list")
    assert any(item["ID"] == attachment.id for item in listed)
    shown = openstack(ember, "volume", "attachment", "show", attachment.id)
    assert shown["Volume ID"] == volume_id and shown["Status"] == "reserved"
    updated = openstack(
        ember, "volume", "attachment", "set", attachment.id, "--initiator", "iqn.1993-08.org.debian:01:osc",
        "--host", "compute-osc", "--mountpoint", "/dev/vdc",
    )
    assert updated["ID"] == attachment.id
    assert updated["Properties"]["attachment_id"] == attachment.id
    assert conn.block_storage.get_volume(volume_id).status == "attaching"
    openstack(ember, "volume", "attachment", "complete", attachment.id, json_output=False)
    assert conn.block_storage.get_volume(volume_id).status == "in-use"
    openstack(ember, "volume", "attachment", "delete", attachment.id, json_output=False)
    assert conn.block_storage.get_volume(volume_id).status == "available"
    conn.block_storage.delete_volume(volume_id)


def test_openstacksdk_attachment_calls(ember):
    conn = connect(ember)
    volume_id = new_volume(conn, "sdk-attach")
    attachment = conn.block_storage.create_attachment(volume_id)
    assert attachment.status == "reserved"
    assert conn.block_storage.get_volume(volume_id).status == "reserved"
    updated = conn.block_storage.update_attachment(
        attachment.id, connector={"host": "compute-sdk", "initiator": "iqn.1993-08.org.debian:01:sdk"}
    )
    assert updated.connection_info["attachment_id"] == attachment.id
    assert conn.block_storage.get_volume(volume_id).status == "attaching"
    conn.block_storage.complete_attachment(attachment.id)
    fetched = conn.block_storage.get_attachment(attachment.id)
    assert fetched.status == "attached"
    assert conn.block_storage.get_volume(volume_id).status == "in-use"
    assert [item.id for item in conn.block_storage.attachments(volume_id=volume_id)] == [attachment.id]
    conn.block_storage.delete_attachment(attachment.id)
    assert conn.block_storage.get_volume(volume_id).status == "available"
    # The attachment is gone: show is a 404, a second delete too (which the SDK ignores).
    try:
        conn.block_storage.get_attachment(attachment.id)
        raise AssertionError("the deleted attachment is still shown")
    except sdk.exceptions.NotFoundException:
        pass
    conn.block_storage.delete_attachment(attachment.id)
    conn.block_storage.delete_volume(volume_id)
