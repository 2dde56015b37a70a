"""Backups with the real clients, unchanged, against `ember all` (its backup service, POSIX
driver): `cinder backup-*`, `openstack volume backup …` and openstacksdk."""

import json
import os
import subprocess

from conftest import wait_for
from test_cinderclient import CINDER, PROJECT, cinder, field
from test_openstackclient import openstack as osc, run as osc_run
from test_openstacksdk import connect

# A 1 GiB backup or restore takes seconds in a debug build on a busy machine.
SLOW = 180


def test_cinder_backup_create_list_show_restore_delete(ember):
    volume_id = field(cinder(ember, "create", "1", "--name", "cc-backup-source"), "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available")

    created = cinder(ember, "backup-create", "--name", "cc-backup", volume_id)
    backup_id = field(created, "id")
    wait_for(lambda: field(cinder(ember, "backup-show", backup_id), "status") == "available", timeout=SLOW)
    assert backup_id in cinder(ember, "backup-list")
    shown = cinder(ember, "backup-show", backup_id)
    assert field(shown, "name") == "cc-backup"
    assert field(shown, "volume_id") == volume_id
    assert field(shown, "size") == "1"
    assert field(cinder(ember, "show", volume_id), "status") == "available"

    restored = cinder(ember, "backup-restore", "--name", "cc-restored", backup_id)
    new_volume = field(restored, "volume_id")
    assert field(restored, "volume_name") == "cc-restored"
    wait_for(lambda: field(cinder(ember, "show", new_volume), "status") == "available", timeout=SLOW)
    wait_for(lambda: field(cinder(ember, "backup-show", backup_id), "status") == "available", timeout=SLOW)

    cinder(ember, "backup-delete", backup_id)
    wait_for(lambda: backup_id not in cinder(ember, "backup-list"), timeout=SLOW)
    cinder(ember, "delete", new_volume, volume_id)


def test_openstack_volume_backup_create_list_delete(ember):
    volume_id = osc(ember, "volume", "create", "--size", "1", "osc-backup-source")["id"]
    wait_for(lambda: osc(ember, "volume", "show", volume_id)["status"] == "available")
    backup = osc(ember, "volume", "backup", "create", "--name", "osc-backup", volume_id)
    backup_id = backup["id"]
    wait_for(lambda: osc(ember, "volume", "backup", "show", backup_id)["status"] == "available", timeout=SLOW)
    listed = osc(ember, "volume", "backup", "list")
    assert any(item["ID"] == backup_id and item["Name"] == "osc-backup" for item in listed)
    osc_run(ember, "volume", "backup", "delete", backup_id)
    wait_for(lambda: not any(item["ID"] == backup_id for item in osc(ember, "volume", "backup", "list")),
             timeout=SLOW)
    osc_run(ember, "volume", "delete", volume_id)


def test_openstacksdk_create_backup(ember):
    conn = connect(ember)
    volume = conn.block_storage.create_volume(size=1, name="sdk-backup-source")
    wait_for(lambda: conn.block_storage.get_volume(volume.id).status == "available")
    backup = conn.block_storage.create_backup(volume_id=volume.id, name="sdk-backup")
    wait_for(lambda: conn.block_storage.get_backup(backup.id).status == "available", timeout=SLOW)
    fetched = conn.block_storage.get_backup(backup.id)
    assert fetched.name == "sdk-backup" and fetched.volume_id == volume.id and fetched.size == 1
    assert any(item.id == backup.id for item in conn.block_storage.backups())
    conn.block_storage.delete_backup(backup.id)
    wait_for(lambda: not any(item.id == backup.id for item in conn.block_storage.backups()), timeout=SLOW)
    conn.block_storage.delete_volume(volume.id)


# Volume from a backup (3.47): `cinder create --backup-id`, `openstack volume create --backup`
# and openstacksdk's `create_volume(backup_id=…)`.

def osc_at(ember, version, *args):
    """`openstack` at a given volume API version (the shared helper pins "3")."""
    command = [
        os.path.join(os.path.dirname(os.sys.executable), "openstack"), "--os-auth-type", "none",
        "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", version, *args, "-f", "json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout)


def test_create_volume_from_backup_with_every_client(ember):
    source = field(cinder(ember, "create", "1", "--name", "fb-source"), "id")
    wait_for(lambda: field(cinder(ember, "show", source), "status") == "available")
    backup_id = field(cinder(ember, "backup-create", "--name", "fb-backup", source), "id")
    wait_for(lambda: field(cinder(ember, "backup-show", backup_id), "status") == "available", timeout=SLOW)

    def restored(volume_id):
        wait_for(lambda: field(cinder(ember, "show", volume_id), "status") in ("available", "error"),
                 timeout=SLOW)
        shown = cinder(ember, "show", volume_id)
        assert field(shown, "status") == "available"
        assert field(shown, "size") == "1"
        assert backup_id in field(shown, "metadata")
        wait_for(lambda: field(cinder(ember, "backup-show", backup_id), "status") == "available", timeout=SLOW)

    from_cinder = field(cinder(ember, "create", "--backup-id", backup_id, "--name", "fb-cinder"), "id")
    restored(from_cinder)

    from_osc = osc_at(ember, "3.47", "volume", "create", "--backup", backup_id, "fb-osc")["id"]
    restored(from_osc)

    conn = connect(ember)
    from_sdk = conn.block_storage.create_volume(backup_id=backup_id, name="fb-sdk")
    restored(from_sdk.id)
    assert conn.block_storage.get_volume(from_sdk.id).size == 1

    # A backup of another state, or a missing one, is refused with cinder's fault.
    missing = subprocess.run(
        [CINDER, "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", PROJECT,
         "--os-endpoint", f"{ember}/v3/{PROJECT}", "--os-volume-api-version", "3.47",
         "create", "--backup-id", "00000000-0000-0000-0000-000000000000"],
        capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0
    assert "Backup 00000000-0000-0000-0000-000000000000 could not be found. (HTTP 404)" in missing.stderr

    cinder(ember, "delete", from_cinder, from_osc, from_sdk.id)
    cinder(ember, "backup-delete", backup_id)
    wait_for(lambda: backup_id not in cinder(ember, "backup-list"), timeout=SLOW)
    cinder(ember, "delete", source)
