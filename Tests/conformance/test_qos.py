"""QoS specs through the real clients, unchanged: python-cinderclient's `cinder qos-*` and
python-openstackclient's `openstack volume qos …`, against `ember all` (noauth: every caller
is an admin, as cinder's qos_specs_manage policies require)."""
import json
import os
import subprocess

from conftest import PROJECT, field

BIN = os.path.dirname(os.sys.executable)
CINDER = os.path.join(BIN, "cinder")
OPENSTACK = os.path.join(BIN, "openstack")


def cinder(ember, *args, version="3.71", fails=False):
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


def openstack_cli(ember, *args, parse=True, fails=False):
    command = [OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3",
               "--os-volume-api-version", "3", *args]
    if parse:
        command += ["-f", "json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if fails:
        assert result.returncode != 0, f"{' '.join(args)} succeeded: {result.stdout}"
        return result.stderr + result.stdout
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if parse and result.stdout.strip() else None


def row_id(output, name):
    """The ID cell of the `cinder` list table row whose Name is `name`."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) > 1 and cells[1] == name:
            return cells[0]
    raise AssertionError(f"no {name} in {output}")


def test_cinder_qos_create_associate_list_key_disassociate_delete(ember):
    created = cinder(ember, "qos-create", "cc-gold", "consumer=front-end", "total_iops_sec=1000")
    qos_id = field(created, "id")
    assert field(created, "consumer") == "front-end"
    assert "total_iops_sec" in field(created, "specs")
    type_id = row_id(cinder(ember, "type-create", "cc-qos-type"), "cc-qos-type")

    cinder(ember, "qos-associate", qos_id, type_id)
    associations = cinder(ember, "qos-get-association", qos_id)
    assert "cc-qos-type" in associations and type_id in associations and "volume_type" in associations
    assert qos_id in cinder(ember, "qos-list")
    assert "cc-gold" in cinder(ember, "qos-list")

    cinder(ember, "qos-key", qos_id, "set", "read_iops_sec=20")
    shown = cinder(ember, "qos-show", qos_id)
    assert "read_iops_sec : 20" in shown and "total_iops_sec : 1000" in shown
    cinder(ember, "qos-key", qos_id, "unset", "total_iops_sec")
    shown = cinder(ember, "qos-show", qos_id)
    assert "total_iops_sec" not in shown and "read_iops_sec : 20" in shown
    # The type shows the specs it uses.
    assert field(cinder(ember, "type-show", type_id), "qos_specs_id") == qos_id

    # Still associated: a plain delete is refused with cinder's text.
    refused = cinder(ember, "qos-delete", qos_id, fails=True)
    assert "Qos specs still in use." in refused
    cinder(ember, "qos-disassociate", qos_id, type_id)
    assert type_id not in cinder(ember, "qos-get-association", qos_id)
    cinder(ember, "qos-associate", qos_id, type_id)
    cinder(ember, "qos-disassociate-all", qos_id)
    assert type_id not in cinder(ember, "qos-get-association", qos_id)
    cinder(ember, "qos-delete", qos_id)
    assert qos_id not in cinder(ember, "qos-list")

    forced = field(cinder(ember, "qos-create", "cc-forced", "consumer=both"), "id")
    cinder(ember, "qos-associate", forced, type_id)
    cinder(ember, "qos-delete", "--force", "True", forced)
    assert forced not in cinder(ember, "qos-list")
    cinder(ember, "type-delete", type_id)


def test_openstack_volume_qos(ember):
    created = openstack_cli(ember, "volume", "qos", "create", "--consumer", "both",
                            "--property", "read_iops_sec=100", "osc-silver")
    qos_id = created["id"]
    assert created["consumer"] == "both"
    assert created["properties"] == {"read_iops_sec": "100"}
    volume_type = openstack_cli(ember, "volume", "type", "create", "osc-qos-type")

    openstack_cli(ember, "volume", "qos", "set", "--property", "write_iops_sec=50", "osc-silver", parse=False)
    openstack_cli(ember, "volume", "qos", "associate", "osc-silver", "osc-qos-type", parse=False)
    shown = openstack_cli(ember, "volume", "qos", "show", qos_id)
    assert shown["properties"] == {"read_iops_sec": "100", "write_iops_sec": "50"}
    assert shown["associations"] == ["osc-qos-type"]
    listed = openstack_cli(ember, "volume", "qos", "list")
    entry = next(item for item in listed if item["ID"] == qos_id)
    assert entry["Name"] == "osc-silver" and entry["Associations"] == ["osc-qos-type"]

    refused = openstack_cli(ember, "volume", "qos", "delete", "osc-silver", parse=False, fails=True)
    assert "in use" in refused
    openstack_cli(ember, "volume", "qos", "unset", "--property", "read_iops_sec", "osc-silver", parse=False)
    assert openstack_cli(ember, "volume", "qos", "show", qos_id)["properties"] == {"write_iops_sec": "50"}
    openstack_cli(ember, "volume", "qos", "disassociate", "--volume-type", "osc-qos-type", "osc-silver",
                  parse=False)
    # openstackclient leaves the field out when there are none.
    assert not openstack_cli(ember, "volume", "qos", "show", qos_id).get("associations")
    openstack_cli(ember, "volume", "qos", "associate", "osc-silver", "osc-qos-type", parse=False)
    openstack_cli(ember, "volume", "qos", "delete", "--force", "osc-silver", parse=False)
    assert all(item["ID"] != qos_id for item in openstack_cli(ember, "volume", "qos", "list"))
    assert openstack_cli(ember, "volume", "type", "show", volume_type["id"])["name"] == "osc-qos-type"
    openstack_cli(ember, "volume", "type", "delete", "osc-qos-type", parse=False)
