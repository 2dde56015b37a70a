"""python-cinderclient's `cinder` command, unchanged, in noauth mode."""
import json
import os
import subprocess

from conftest import PROJECT, field, wait_for

CINDER = os.path.join(os.path.dirname(os.sys.executable), "cinder")


def cinder(ember, *args):
    command = [
        CINDER, "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", PROJECT,
        "--os-endpoint", f"{ember}/v3/{PROJECT}", "--os-volume-api-version", "3.50", *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result.stdout


def test_create_list_show_rename_metadata_delete(ember):
    created = cinder(ember, "create", "1", "--name", "cc-volume", "--metadata", "tier=gold")
    volume_id = field(created, "id")
    assert field(created, "size") == "1"
    # cinderclient re-reads the volume after creating it; the workers may have finished by then.
    assert field(created, "status") in ("creating", "available")

    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available")

    listed = cinder(ember, "list")
    assert volume_id in listed and "cc-volume" in listed

    shown = cinder(ember, "show", volume_id)
    assert field(shown, "name") == "cc-volume"
    assert "tier" in field(shown, "metadata")

    cinder(ember, "rename", volume_id, "cc-renamed")
    assert field(cinder(ember, "show", volume_id), "name") == "cc-renamed"

    cinder(ember, "metadata", volume_id, "set", "owner=ops")
    metadata = cinder(ember, "metadata-show", volume_id)
    assert "owner" in metadata and "ops" in metadata
    cinder(ember, "metadata", volume_id, "unset", "owner")
    assert "owner" not in cinder(ember, "metadata-show", volume_id)

    cinder(ember, "delete", volume_id)
    wait_for(lambda: volume_id not in cinder(ember, "list"))


def test_absolute_limits_and_quotas(ember):
    limits = cinder(ember, "absolute-limits")
    assert "maxTotalVolumes" in limits
    quotas = cinder(ember, "quota-show", PROJECT)
    assert "gigabytes" in quotas


def test_snapshot_create_list_delete_and_extend(ember):
    volume_id = field(cinder(ember, "create", "1", "--name", "cc-snap-source"), "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available")

    created = cinder(ember, "snapshot-create", volume_id, "--name", "cc-snap", "--metadata", "k=v")
    snapshot_id = field(created, "id")
    assert field(created, "volume_id") == volume_id
    wait_for(lambda: field(cinder(ember, "snapshot-show", snapshot_id), "status") == "available")
    assert snapshot_id in cinder(ember, "snapshot-list")
    shown = cinder(ember, "snapshot-show", snapshot_id)
    assert field(shown, "name") == "cc-snap"
    assert field(shown, "size") == "1"

    cinder(ember, "snapshot-delete", snapshot_id)
    wait_for(lambda: snapshot_id not in cinder(ember, "snapshot-list"))

    cinder(ember, "extend", volume_id, "2")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "size") == "2"
             and field(cinder(ember, "show", volume_id), "status") == "available")

    cinder(ember, "delete", volume_id)
    wait_for(lambda: volume_id not in cinder(ember, "list"))
