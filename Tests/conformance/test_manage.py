"""Manage existing with the real clients against `ember all` running two file backends:
`cinder manageable-list`, `cinder manage`, `cinder unmanage`, `cinder snapshot-manageable-list`,
`cinder snapshot-manage`, `cinder snapshot-unmanage` and `openstack volume create
--remote-source` (manage), checking the files and their bytes on the backend."""
import json
import os
import subprocess

import pytest

from conftest import MIGRATION_HOST, PROJECT, field, wait_for

BIN = os.path.dirname(os.sys.executable)
PATTERN = bytes((i * 37 + 11) % 256 for i in range(4096))
HOST = f"{MIGRATION_HOST}@alpha"


def cinder(url, *args, check=True, version="3.50"):
    command = [
        os.path.join(BIN, "cinder"), "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", PROJECT,
        "--os-endpoint", f"{url}/v3/{PROJECT}", "--os-volume-api-version", version, *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result


def openstack(url, *args, json_output=True):
    command = [
        os.path.join(BIN, "openstack"), "--os-auth-type", "none", "--os-endpoint", f"{url}/v3",
        "--os-volume-api-version", "3.50", *args,
    ]
    if json_output:
        command += ["-f", "json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if json_output and result.stdout.strip() else None


def status(url, volume_id):
    return openstack(url, "volume", "show", volume_id)["status"]


def directory(state):
    return os.path.join(state, "volumes", "alpha")


def make_file(state, name, size=(3 << 30) // 2):
    """A sparse file in the alpha backend's directory with PATTERN at 5 MiB."""
    wait_for(lambda: os.path.isdir(directory(state)))
    path = os.path.join(directory(state), name)
    with open(path, "wb") as handle:
        handle.truncate(size)
        handle.seek(5 << 20)
        handle.write(PATTERN)
    return path


def read(path):
    with open(path, "rb") as handle:
        handle.seek(5 << 20)
        return handle.read(len(PATTERN))


def rows(output):
    """The data rows of a `cinder` list table, as lists of cells."""
    lines = [line for line in output.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines[1:]]


@pytest.fixture(scope="module")
def backends(ember_backends):
    url, state = ember_backends
    # Both backends have reported (the scheduler places a manage on the named one only).
    wait_for(lambda: len(openstack(url, "volume", "backend", "pool", "list")) >= 2, timeout=60)
    return url, state


def test_cinder_manageable_list_manage_unmanage_and_manage_again(backends):
    url, state = backends
    make_file(state, "legacy-disk")

    listed = cinder(url, "manageable-list", HOST).stdout
    assert ["{'source-name': 'legacy-disk'}", "2", "True", "-", "-", "-"] in rows(listed) or any(
        row[0] == "{'source-name': 'legacy-disk'}" and row[1] == "2" and row[2] == "True" for row in rows(listed)
    ), listed
    brief = cinder(url, "manageable-list", "--detailed", "false", HOST).stdout
    assert any(row[0] == "{'source-name': 'legacy-disk'}" for row in rows(brief)), brief

    managed = cinder(url, "manage", "--name", "adopted", "--bootable", HOST, "legacy-disk").stdout
    volume_id = field(managed, "id")
    # cinderclient shows the volume as it reads it back: `creating` (managing) or, when the
    # backend was quicker, already `available`.
    assert field(managed, "status") in ("creating", "available")
    assert wait_for(lambda: status(url, volume_id) in ("available", "error") and status(url, volume_id)) == "available"
    shown = openstack(url, "volume", "show", volume_id)
    assert shown["size"] == 2 and str(shown["bootable"]).lower() == "true" and shown["name"] == "adopted"
    path = os.path.join(directory(state), f"volume-{volume_id}")
    assert read(path) == PATTERN
    assert not os.path.exists(os.path.join(directory(state), "legacy-disk"))

    owned = cinder(url, "manageable-list", HOST).stdout
    assert any(row[0] == f"{{'source-name': 'volume-{volume_id}'}}" and row[2] == "False" and volume_id in row
               for row in rows(owned)), owned

    cinder(url, "unmanage", volume_id)
    wait_for(lambda: cinder(url, "show", volume_id, check=False).returncode != 0)
    assert read(path) == PATTERN, "unmanage leaves the file"

    again = cinder(url, "manage", HOST, f"volume-{volume_id}").stdout
    again_id = field(again, "id")
    assert wait_for(lambda: status(url, again_id) in ("available", "error") and status(url, again_id)) == "available"
    assert read(os.path.join(directory(state), f"volume-{again_id}")) == PATTERN
    cinder(url, "delete", again_id)


def test_openstack_volume_create_remote_source_manages(backends):
    url, state = backends
    make_file(state, "osc-disk", size=1 << 30)
    # Without --bootable/--non-bootable the client sends `"bootable": null`, which cinder 29's
    # schema refuses (400), and so does Ember's.
    refused = subprocess.run(
        [os.path.join(BIN, "openstack"), "--os-auth-type", "none", "--os-endpoint", f"{url}/v3",
         "--os-volume-api-version", "3.50", "volume", "create", "--remote-source", "source-name=osc-disk",
         "--host", HOST, "osc-refused"], capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "None is not of type 'boolean', 'string'" in refused.stderr
    created = openstack(url, "volume", "create", "--remote-source", "source-name=osc-disk", "--host", HOST,
                        "--non-bootable", "osc-adopted")
    volume_id = created["id"]
    assert wait_for(lambda: status(url, volume_id) in ("available", "error") and status(url, volume_id)) == "available"
    assert openstack(url, "volume", "show", volume_id)["size"] == 1
    assert read(os.path.join(directory(state), f"volume-{volume_id}")) == PATTERN
    openstack(url, "volume", "delete", volume_id, json_output=False)


def test_cinder_manage_refusals(backends):
    url, _ = backends
    bad_host = cinder(url, "manage", f"{MIGRATION_HOST}@nowhere", "x", check=False)
    assert bad_host.returncode != 0 and "Host 'ember-conformance@nowhere' not found" in bad_host.stderr
    # A reference to no file: the volume ends in error (error_managing), and deletes.
    missing = cinder(url, "manage", HOST, "no-such-file").stdout
    missing_id = field(missing, "id")
    assert wait_for(lambda: status(url, missing_id) == "error" and "error")
    cinder(url, "delete", missing_id)
    wait_for(lambda: cinder(url, "show", missing_id, check=False).returncode != 0)
    old = cinder(url, "manageable-list", HOST, check=False, version="3.7")
    assert old.returncode != 0


def test_cinder_snapshot_manage_and_unmanage(backends):
    url, state = backends
    created = openstack(url, "volume", "create", "--size", "1", "--type", "__DEFAULT__", "snap-source")
    volume_id = created["id"]
    wait_for(lambda: status(url, volume_id) == "available")
    host = openstack(url, "volume", "show", volume_id)["os-vol-host-attr:host"]
    backend = host.split("@")[1].split("#")[0]
    folder = os.path.join(state, "volumes", backend)
    with open(os.path.join(folder, "snapshot-legacy"), "wb") as handle:
        handle.truncate(1 << 30)
        handle.seek(5 << 20)
        handle.write(PATTERN)
    listed = cinder(url, "snapshot-manageable-list", host.split("#")[0]).stdout
    assert any(row[0] == "{'source-name': 'snapshot-legacy'}" for row in rows(listed)), listed
    managed = cinder(url, "snapshot-manage", "--name", "adopted-snap", volume_id, "snapshot-legacy").stdout
    snapshot_id = field(managed, "id")
    wait_for(lambda: field(cinder(url, "snapshot-show", snapshot_id).stdout, "status") == "available")
    path = os.path.join(folder, f"snapshot-{snapshot_id}")
    assert read(path) == PATTERN
    cinder(url, "snapshot-unmanage", snapshot_id)
    wait_for(lambda: cinder(url, "snapshot-show", snapshot_id, check=False).returncode != 0)
    assert read(path) == PATTERN
    cinder(url, "delete", volume_id)
