"""The extensions through the real clients: types, extra specs, type access, quotas, quota
classes, services, availability zones, extensions listing and admin actions."""
import json
import os
import subprocess

from conftest import PROJECT, wait_for
from test_cinderclient import cinder, field
from test_openstackclient import openstack

OTHER_PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def run_openstack(ember, *args):
    """An `openstack` command without `-f json` (commands that print nothing)."""
    command = [
        os.path.join(os.path.dirname(os.sys.executable), "openstack"), "--os-auth-type", "none",
        "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", "3", *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result.stdout


def rows(output):
    """The rows of a `cinder` list table as dicts keyed by the header."""
    lines = [line for line in output.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in lines[1:]]


def test_cinder_types_extra_specs_and_access(ember):
    created = rows(cinder(ember, "type-create", "cc-gold", "--description", "fast disks"))
    type_id = created[0]["ID"]
    assert created[0]["Is_Public"] == "True"
    listed = cinder(ember, "type-list")
    assert "cc-gold" in listed
    cinder(ember, "type-key", "cc-gold", "set", "volume_backend_name=file", "tier=gold")
    specs = cinder(ember, "extra-specs-list")
    assert "tier" in specs and "gold" in specs
    cinder(ember, "type-key", "cc-gold", "unset", "tier")
    assert "tier" not in cinder(ember, "extra-specs-list")

    private = cinder(ember, "type-create", "cc-private", "--is-public", "false")
    assert "cc-private" in private
    cinder(ember, "type-access-add", "--volume-type", "cc-private", "--project-id", OTHER_PROJECT)
    access = cinder(ember, "type-access-list", "--volume-type", "cc-private")
    assert OTHER_PROJECT in access
    cinder(ember, "type-access-remove", "--volume-type", "cc-private", "--project-id", OTHER_PROJECT)
    assert OTHER_PROJECT not in cinder(ember, "type-access-list", "--volume-type", "cc-private")

    # A volume of the new type lands on the backend its extra specs name.
    volume_id = field(cinder(ember, "create", "1", "--volume-type", "cc-gold"), "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available")
    cinder(ember, "delete", volume_id)
    wait_for(lambda: volume_id not in cinder(ember, "list"))
    cinder(ember, "type-delete", "cc-gold")
    cinder(ember, "type-delete", "cc-private")
    assert "cc-gold" not in cinder(ember, "type-list")
    assert type_id


def test_cinder_quotas_quota_classes_services_and_extensions(ember):
    cinder(ember, "quota-update", "--volumes", "7", "--snapshots", "4", PROJECT)
    shown = cinder(ember, "quota-show", PROJECT)
    assert field(shown, "volumes") == "7" and field(shown, "snapshots") == "4"
    usage = cinder(ember, "quota-usage", PROJECT)
    assert "volumes" in usage
    cinder(ember, "quota-delete", PROJECT)
    assert field(cinder(ember, "quota-show", PROJECT), "volumes") == "10"
    assert field(cinder(ember, "quota-defaults", PROJECT), "gigabytes") == "1000"

    cinder(ember, "quota-class-update", "--volumes", "12", "default")
    assert field(cinder(ember, "quota-class-show", "default"), "volumes") == "12"
    cinder(ember, "quota-class-update", "--volumes", "10", "default")

    services = cinder(ember, "service-list")
    assert "cinder-scheduler" in services and "cinder-volume" in services and "up" in services
    volume_host = next(row["Host"] for row in rows(services) if row["Binary"] == "cinder-volume")
    cinder(ember, "service-disable", "--reason", "maintenance", volume_host, "cinder-volume")
    assert "maintenance" in cinder(ember, "service-list", "--withreplication")
    cinder(ember, "service-enable", volume_host, "cinder-volume")
    assert "disabled" not in cinder(ember, "service-list")

    zones = cinder(ember, "availability-zone-list")
    assert "nova" in zones and "available" in zones
    extensions = cinder(ember, "list-extensions")
    assert "os-admin-actions" in extensions and "os-types-manage" in extensions
    limits = cinder(ember, "absolute-limits")
    assert "totalVolumesUsed" in limits
    pools = cinder(ember, "get-pools", "--detail")
    assert "#" in pools and "total_capacity_gb" in pools
    capabilities = cinder(ember, "get-capabilities", volume_host)
    assert "volume_backend_name" in capabilities and "thin_provisioning" in capabilities


def test_cinder_admin_actions(ember):
    volume_id = field(cinder(ember, "create", "1", "--name", "cc-admin"), "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available")
    cinder(ember, "reset-state", "--state", "error", volume_id)
    assert field(cinder(ember, "show", volume_id), "status") == "error"
    snapshot_id = None
    cinder(ember, "reset-state", "--state", "available", volume_id)
    snapshot = cinder(ember, "snapshot-create", "--name", "cc-admin-snap", volume_id)
    snapshot_id = field(snapshot, "id")
    wait_for(lambda: field(cinder(ember, "snapshot-show", snapshot_id), "status") == "available")
    cinder(ember, "snapshot-reset-state", "--state", "error", snapshot_id)
    assert field(cinder(ember, "snapshot-show", snapshot_id), "status") == "error"
    cinder(ember, "snapshot-delete", "--force", snapshot_id)
    wait_for(lambda: snapshot_id not in cinder(ember, "snapshot-list"))
    cinder(ember, "reset-state", "--state", "creating", volume_id)
    cinder(ember, "force-delete", volume_id)
    wait_for(lambda: volume_id not in cinder(ember, "list"))


def test_openstack_types_quotas_services(ember):
    created = openstack(ember, "volume", "type", "create", "--property", "tier=silver", "--private", "osc-silver")
    type_id = created["id"]
    shown = openstack(ember, "volume", "type", "show", type_id)
    assert shown["name"] == "osc-silver"
    run_openstack(ember, "volume", "type", "set", "--property", "color=blue", "--description", "d", type_id)
    # (`--project` needs Keystone to look the project up; cinderclient covers type access.)
    shown = openstack(ember, "volume", "type", "show", type_id)
    assert "color" in json.dumps(shown["properties"])
    run_openstack(ember, "volume", "type", "unset", "--property", "tier", type_id)
    assert "tier" not in json.dumps(openstack(ember, "volume", "type", "show", type_id)["properties"])
    run_openstack(ember, "volume", "type", "delete", type_id)
    assert not any(item["ID"] == type_id for item in openstack(ember, "volume", "type", "list"))

    services = openstack(ember, "volume", "service", "list")
    assert {item["Binary"] for item in services} >= {"cinder-scheduler", "cinder-volume"}
    assert all(item["State"] == "up" for item in services)
    volume_host = next(item["Host"] for item in services if item["Binary"] == "cinder-volume")
    run_openstack(ember, "volume", "service", "set", "--disable", "--disable-reason", "tests", volume_host,
                  "cinder-volume")
    listed = openstack(ember, "volume", "service", "list", "--long")
    assert any(item["Status"] == "disabled" and item["Disabled Reason"] == "tests" for item in listed)
    run_openstack(ember, "volume", "service", "set", "--enable", volume_host, "cinder-volume")

    zones = openstack(ember, "availability", "zone", "list", "--volume")
    assert any(item["Zone Name"] == "nova" for item in zones)
    pools = openstack(ember, "volume", "backend", "pool", "list")
    assert pools and "#" in pools[0]["Name"]
    capability = openstack(ember, "volume", "backend", "capability", "show", volume_host)
    assert any(item["Title"] == "Thin Provisioning" for item in capability)
    extensions = openstack(ember, "extension", "list", "--volume")
    assert any(item["Alias"] == "os-quota-sets" for item in extensions)
