"""Retype and migration with the real clients against `ember all` running two file backends:
`cinder retype`/`cinder migrate` and `openstack volume set --type`/`openstack volume migrate`,
waiting for the end states and checking the bytes moved."""
import json
import os
import subprocess

import pytest

from conftest import MIGRATION_HOST, PROJECT, wait_for

BIN = os.path.dirname(os.sys.executable)
PATTERN = bytes((i * 131 + 17) % 256 for i in range(4096))


def cinder(url, *args, check=True):
    command = [
        os.path.join(BIN, "cinder"), "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", PROJECT,
        "--os-endpoint", f"{url}/v3/{PROJECT}", "--os-volume-api-version", "3.50", *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result


def openstack(url, *args, json_output=True):
    command = [
        os.path.join(BIN, "openstack"), "--os-auth-type", "none", "--os-endpoint", f"{url}/v3",
        "--os-volume-api-version", "3", *args,
    ]
    if json_output:
        command += ["-f", "json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if json_output and result.stdout.strip() else None


def show(url, volume_id):
    return openstack(url, "volume", "show", volume_id)


@pytest.fixture(scope="module")
def setup(ember_backends):
    """Three types: one per backend and one any backend serves."""
    url, state = ember_backends
    for name, backend in (("mig-alpha", "alpha"), ("mig-beta", "beta"), ("mig-any", None)):
        cinder(url, "type-create", name)
        if backend:
            cinder(url, "type-key", name, "set", f"volume_backend_name={backend}")
    return url, state


def backend_of(volume):
    return volume["os-vol-host-attr:host"].split("@")[1].split("#")[0]


def create_with_pattern(url, state, volume_type):
    """An available 1 GiB volume of `volume_type` with PATTERN at 5 MiB; returns (id, backend)."""
    created = openstack(url, "volume", "create", "--size", "1", "--type", volume_type, "mig-volume")
    volume_id = created["id"]
    volume = wait_for(lambda: (v := show(url, volume_id))["status"] == "available" and v)
    backend = backend_of(volume)
    with open(os.path.join(state, "volumes", backend, f"volume-{volume_id}"), "r+b") as handle:
        handle.seek(5 << 20)
        handle.write(PATTERN)
    return volume_id, backend


def assert_moved(state, volume_id, source, target):
    with open(os.path.join(state, "volumes", target, f"volume-{volume_id}"), "rb") as handle:
        handle.seek(5 << 20)
        assert handle.read(4096) == PATTERN
    wait_for(lambda: not os.path.exists(os.path.join(state, "volumes", source, f"volume-{volume_id}")))


def settled(url, volume_id):
    def done():
        volume = show(url, volume_id)
        busy = volume["status"] in ("retyping", "maintenance") or volume.get(
            "os-vol-mig-status-attr:migstat") in ("starting", "migrating", "completing")
        return not busy and volume
    return wait_for(done, timeout=60)


def test_cinder_retype_on_demand_moves_the_volume(setup):
    url, state = setup
    volume_id, source = create_with_pattern(url, state, "mig-alpha")
    assert source == "alpha"
    cinder(url, "retype", "--migration-policy", "on-demand", volume_id, "mig-beta")
    volume = settled(url, volume_id)
    assert volume["status"] == "available"
    assert volume["type"] == "mig-beta"
    assert volume["os-vol-host-attr:host"] == f"{MIGRATION_HOST}@beta#beta"
    assert volume["os-vol-mig-status-attr:migstat"] == "success"
    assert_moved(state, volume_id, "alpha", "beta")


def test_cinder_retype_never_keeps_the_volume_where_it_is(setup):
    url, state = setup
    volume_id, source = create_with_pattern(url, state, "mig-alpha")
    cinder(url, "retype", volume_id, "mig-beta")
    volume = settled(url, volume_id)
    assert volume["status"] == "available"
    assert volume["type"] == "mig-alpha"
    assert backend_of(volume) == source
    # In place: a type any backend serves.
    cinder(url, "retype", volume_id, "mig-any")
    volume = wait_for(lambda: (v := settled(url, volume_id))["type"] == "mig-any" and v)
    assert backend_of(volume) == source


def test_cinder_migrate_moves_the_volume_and_refuses_unknown_hosts(setup):
    url, state = setup
    volume_id, source = create_with_pattern(url, state, "mig-any")
    target = "beta" if source == "alpha" else "alpha"
    # cinderclient prints the API's refusal of a migration (and exits 0).
    refused = cinder(url, "migrate", volume_id, "nowhere@none", check=False)
    assert "No available service named 'nowhere@none'" in refused.stderr + refused.stdout
    cinder(url, "migrate", "--lock-volume", "True", volume_id, f"{MIGRATION_HOST}@{target}")
    volume = settled(url, volume_id)
    assert volume["status"] == "available"
    assert volume["os-vol-mig-status-attr:migstat"] == "success"
    assert backend_of(volume) == target
    assert_moved(state, volume_id, source, target)
    # The migrated volume lives on: extend and delete work on its new backend.
    cinder(url, "extend", volume_id, "2")
    wait_for(lambda: show(url, volume_id)["size"] == 2)
    assert os.path.getsize(os.path.join(state, "volumes", target, f"volume-{volume_id}")) == 2 << 30
    cinder(url, "delete", volume_id)
    wait_for(lambda: not os.path.exists(os.path.join(state, "volumes", target, f"volume-{volume_id}")))


def test_openstack_retype_and_migrate(setup):
    url, state = setup
    volume_id, source = create_with_pattern(url, state, "mig-alpha")
    openstack(url, "volume", "set", "--type", "mig-beta", "--retype-policy", "on-demand", volume_id,
              json_output=False)
    volume = settled(url, volume_id)
    assert volume["type"] == "mig-beta"
    assert backend_of(volume) == "beta"
    assert_moved(state, volume_id, "alpha", "beta")

    # Back to a type both serve, then migrate with `openstack volume migrate --host`.
    openstack(url, "volume", "set", "--type", "mig-any", volume_id, json_output=False)
    wait_for(lambda: settled(url, volume_id)["type"] == "mig-any")
    openstack(url, "volume", "migrate", "--host", f"{MIGRATION_HOST}@alpha", volume_id, json_output=False)
    volume = settled(url, volume_id)
    assert volume["os-vol-mig-status-attr:migstat"] == "success"
    assert backend_of(volume) == "alpha"
    assert_moved(state, volume_id, "beta", "alpha")


def test_migrate_to_a_backend_that_does_not_fit_the_type_is_an_error(setup):
    url, state = setup
    volume_id, source = create_with_pattern(url, state, "mig-alpha")
    cinder(url, "migrate", volume_id, f"{MIGRATION_HOST}@beta")
    volume = settled(url, volume_id)
    assert volume["os-vol-mig-status-attr:migstat"] == "error"
    assert volume["status"] == "available"
    assert backend_of(volume) == "alpha"
