"""Group types and generic volume groups through the real clients, unchanged:
python-cinderclient's `cinder group-type-*`/`group-*`, python-openstackclient's
`openstack volume group type …`/`volume group …` and openstacksdk's group calls, against
`ember all` (noauth: every caller is an admin, as cinder's group type policies require)."""
import json
import os
import subprocess

import openstack

from conftest import PROJECT, field, wait_for

BIN = os.path.dirname(os.sys.executable)
CINDER = os.path.join(BIN, "cinder")
OPENSTACK = os.path.join(BIN, "openstack")


def cinder(ember, *args, version="3.14", fails=False):
    command = [
        CINDER, "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", PROJECT,
        "--os-endpoint", f"{ember}/v3/{PROJECT}", "--os-volume-api-version", version, *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if fails:
        assert result.returncode != 0, f"{' '.join(args)} succeeded: {result.stdout}"
        return result.stderr + result.stdout
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result.stdout


def openstack_cli(ember, *args, version="3.38", parse=True):
    command = [OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3",
               "--os-volume-api-version", version, *args]
    if parse:
        command += ["-f", "json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if parse and result.stdout.strip() else None


def status(ember, kind, ident):
    return field(cinder(ember, f"{kind}-show", ident), "status")


def test_cinder_group_type_group_create_update_and_delete(ember):
    created = cinder(ember, "group-type-create", "cc-group-type")
    assert "cc-group-type" in created
    listed = cinder(ember, "group-type-list")
    assert "cc-group-type" in listed and "default_cgsnapshot_type" in listed
    cinder(ember, "group-type-key", "cc-group-type", "set", "flavor=gold")
    assert "flavor" in cinder(ember, "group-specs-list")
    cinder(ember, "type-create", "cc-group-volume-type")

    group = cinder(ember, "group-create", "--name", "cc-group", "cc-group-type", "cc-group-volume-type")
    group_id = field(group, "id")
    wait_for(lambda: status(ember, "group", group_id) == "available")
    shown = cinder(ember, "group-show", group_id)
    assert field(shown, "name") == "cc-group" and field(shown, "availability_zone") == "nova"

    volume = cinder(ember, "create", "--volume-type", "cc-group-volume-type", "--name", "cc-loose", "1")
    volume_id = field(volume, "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available")
    cinder(ember, "group-update", group_id, "--add-volumes", volume_id)
    wait_for(lambda: field(cinder(ember, "show", volume_id, version="3.13"), "group_id") == group_id)
    wait_for(lambda: status(ember, "group", group_id) == "available")
    assert group_id in cinder(ember, "group-list")

    # A volume created into the group joins it.
    inside = cinder(ember, "create", "--volume-type", "cc-group-volume-type", "--group-id", group_id,
                    "--name", "cc-inside", "1", version="3.13")
    inside_id = field(inside, "id")
    wait_for(lambda: field(cinder(ember, "show", inside_id), "status") == "available")
    assert field(cinder(ember, "show", inside_id, version="3.13"), "group_id") == group_id

    # Without --delete-volumes a group with volumes stays; with it everything goes.
    refused = cinder(ember, "group-delete", group_id, fails=True)
    assert "delete-volumes" in refused
    cinder(ember, "group-delete", "--delete-volumes", group_id)
    wait_for(lambda: group_id not in cinder(ember, "group-list"))
    wait_for(lambda: volume_id not in cinder(ember, "list") and inside_id not in cinder(ember, "list"))
    cinder(ember, "group-type-delete", "cc-group-type")
    assert "cc-group-type" not in cinder(ember, "group-type-list")


def test_openstack_volume_group_type_and_group(ember):
    group_type = openstack_cli(ember, "volume", "group", "type", "create", "--private", "osc-group-type",
                               version="3.11")
    assert group_type["Name"] == "osc-group-type" and group_type["Is Public"] is False
    openstack_cli(ember, "volume", "type", "create", "osc-group-volume-type", version="3")
    group = openstack_cli(ember, "volume", "group", "create", "--volume-group-type", "osc-group-type",
                          "--volume-type", "osc-group-volume-type", "--name", "osc-group", version="3.13")
    group_id = group["ID"]
    wait_for(lambda: openstack_cli(ember, "volume", "group", "show", group_id)["Status"] == "available")
    openstack_cli(ember, "volume", "group", "set", "--name", "osc-renamed", "--description", "d", group_id,
                  parse=False)
    shown = openstack_cli(ember, "volume", "group", "show", group_id)
    assert shown["Name"] == "osc-renamed" and shown["Description"] == "d"
    assert any(row["ID"] == group_id for row in openstack_cli(ember, "volume", "group", "list"))
    openstack_cli(ember, "volume", "group", "delete", group_id, parse=False)
    wait_for(lambda: all(row["ID"] != group_id for row in openstack_cli(ember, "volume", "group", "list")))
    openstack_cli(ember, "volume", "group", "type", "delete", "osc-group-type", parse=False, version="3.11")


def test_openstacksdk_groups(ember):
    conn = openstack.connect(
        auth_type="none",
        auth={"endpoint": f"{ember}/v3"},
        block_storage_endpoint_override=f"{ember}/v3",
        block_storage_api_version="3",
    )
    group_type = conn.block_storage.create_group_type(name="sdk-group-type", group_specs={"k": "v"})
    assert group_type.name == "sdk-group-type"
    assert any(t.id == group_type.id for t in conn.block_storage.group_types())
    volume_type = conn.block_storage.create_type(name="sdk-group-volume-type")
    group = conn.block_storage.create_group(name="sdk-group", group_type=group_type.id,
                                            volume_types=[volume_type.id])
    wait_for(lambda: conn.block_storage.get_group(group.id).status == "available")
    fetched = conn.block_storage.get_group(group.id)
    assert fetched.name == "sdk-group" and fetched.volume_types == [volume_type.id]
    assert any(g.id == group.id for g in conn.block_storage.groups())
    conn.block_storage.reset_group_status(group.id, "error")
    assert conn.block_storage.get_group(group.id).status == "error"
    conn.block_storage.delete_group(group.id)
    wait_for(lambda: all(g.id != group.id for g in conn.block_storage.groups()))
    conn.block_storage.delete_group_type(group_type.id)


def test_cinder_group_snapshot_and_group_from_source(ember):
    cinder(ember, "group-type-create", "cc-snap-group-type")
    cinder(ember, "type-create", "cc-snap-volume-type")
    group_id = field(cinder(ember, "group-create", "--name", "cc-snap-group", "cc-snap-group-type",
                            "cc-snap-volume-type"), "id")
    wait_for(lambda: status(ember, "group", group_id) == "available")
    volume_id = field(cinder(ember, "create", "--volume-type", "cc-snap-volume-type", "--group-id", group_id,
                             "1", version="3.13"), "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available")

    snapshot_id = field(cinder(ember, "group-snapshot-create", "--name", "cc-gs", group_id), "id")
    wait_for(lambda: status(ember, "group-snapshot", snapshot_id) == "available")
    assert snapshot_id in cinder(ember, "group-snapshot-list")
    # Its member snapshot cannot be deleted alone.
    member = [line for line in cinder(ember, "snapshot-list").splitlines() if volume_id in line]
    assert member, "no member snapshot of the group snapshot"
    member_id = member[0].strip("| ").split(" ")[0]
    assert "group" in cinder(ember, "snapshot-delete", member_id, fails=True)

    copy = cinder(ember, "group-create-from-src", "--group-snapshot", snapshot_id, "--name", "cc-copy")
    copy_id = field(copy, "id")
    wait_for(lambda: status(ember, "group", copy_id) == "available")
    clone_id = field(cinder(ember, "group-create-from-src", "--source-group", group_id, "--name", "cc-clone"), "id")
    wait_for(lambda: status(ember, "group", clone_id) == "available")

    for gid in (copy_id, clone_id):
        cinder(ember, "group-delete", "--delete-volumes", gid)
    wait_for(lambda: copy_id not in cinder(ember, "group-list") and clone_id not in cinder(ember, "group-list"))
    cinder(ember, "group-snapshot-delete", snapshot_id)
    wait_for(lambda: snapshot_id not in cinder(ember, "group-snapshot-list"))
    cinder(ember, "group-delete", "--delete-volumes", group_id)
    wait_for(lambda: group_id not in cinder(ember, "group-list"))


def test_openstack_volume_group_snapshot(ember):
    openstack_cli(ember, "volume", "group", "type", "create", "osc-gs-type", version="3.11")
    openstack_cli(ember, "volume", "type", "create", "osc-gs-volume-type", version="3")
    group_id = openstack_cli(ember, "volume", "group", "create", "--volume-group-type", "osc-gs-type",
                             "--volume-type", "osc-gs-volume-type", "--name", "osc-gs-group", version="3.13")["ID"]
    wait_for(lambda: openstack_cli(ember, "volume", "group", "show", group_id)["Status"] == "available")
    snapshot = openstack_cli(ember, "volume", "group", "snapshot", "create", "--name", "osc-gs", group_id,
                             version="3.14")
    snapshot_id = snapshot["ID"]
    wait_for(lambda: any(row["ID"] == snapshot_id and row["Status"] == "available"
                         for row in openstack_cli(ember, "volume", "group", "snapshot", "list", version="3.14")))
    openstack_cli(ember, "volume", "group", "snapshot", "delete", snapshot_id, parse=False, version="3.14")
    wait_for(lambda: all(row["ID"] != snapshot_id
                         for row in openstack_cli(ember, "volume", "group", "snapshot", "list", version="3.14")))
    openstack_cli(ember, "volume", "group", "delete", group_id, parse=False)
