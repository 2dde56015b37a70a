"""Operators' service commands through the real clients against their own `ember all`
(its volume service in cluster `cs1`): freeze-host, thaw-host, failover-host,
service-get-log and service-set-log (3.32), cluster-list/-show/-enable/-disable (3.7),
work-cleanup (3.24), and `openstack volume service list/set`."""
import os
import subprocess

import pytest

from conftest import PROJECT, _run_ember, field, wait_for
from test_openstackclient import openstack

CINDER = os.path.join(os.path.dirname(os.sys.executable), "cinder")
HOST = "ember-cs"
BACKEND = HOST + "@file"
CLUSTER = "cs1@file"


@pytest.fixture(scope="module")
def node():
    """`ember all` on host HOST (one file backend in cluster cs1); yields (url, state path)."""
    yield from _run_ember(f"host = {HOST}\ncluster = cs1\nperiodic_interval = 2\n")


def cinder_at(url, version, *args, check=True):
    command = [
        CINDER, "--os-auth-type", "noauth", "--os-user-id", "admin", "--os-project-id", PROJECT,
        "--os-endpoint", f"{url}/v3/{PROJECT}", "--os-volume-api-version", version, *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result


def rows(output):
    lines = [line for line in output.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in lines[1:]]


def test_set_log_changes_a_running_volume_service_level(node):
    url, state = node
    log_path = os.path.join(state, "ember.log")
    wait_for(lambda: any(r["Binary"] == "cinder-volume" and r["State"] == "up"
                         for r in rows(cinder_at(url, "3.32", "service-list").stdout)))

    levels = rows(cinder_at(url, "3.32", "service-get-log", "--binary", "cinder-volume",
                            "--prefix", "ember.volume").stdout)
    assert {"Binary": "cinder-volume", "Host": BACKEND, "Prefix": "ember.volume.manager", "Level": "INFO"} in levels

    def volume_debug_lines():
        with open(log_path) as handle:
            return [line for line in handle if " DEBUG ember.volume.manager " in line]

    volume_id = field(cinder_at(url, "3.32", "create", "1").stdout, "id")
    wait_for(lambda: field(cinder_at(url, "3.32", "show", volume_id).stdout, "status") == "available")
    assert volume_debug_lines() == []

    cinder_at(url, "3.32", "service-set-log", "--binary", "cinder-volume", "--prefix", "ember.volume", "DEBUG")
    wait_for(lambda: {"Binary": "cinder-volume", "Host": BACKEND, "Prefix": "ember.volume.manager",
                      "Level": "DEBUG"} in rows(cinder_at(url, "3.32", "service-get-log", "--binary",
                                                          "cinder-volume", "--prefix", "ember.volume").stdout))
    # The running service logs at the new level from its next message on.
    cinder_at(url, "3.32", "delete", volume_id)
    wait_for(lambda: volume_id not in cinder_at(url, "3.32", "list").stdout)
    assert any("Received RPC message" in line for line in volume_debug_lines())

    cinder_at(url, "3.32", "service-set-log", "--binary", "cinder-volume", "--prefix", "ember.volume", "INFO")
    wait_for(lambda: {"Binary": "cinder-volume", "Host": BACKEND, "Prefix": "ember.volume.manager",
                      "Level": "INFO"} in rows(cinder_at(url, "3.32", "service-get-log", "--binary",
                                                         "cinder-volume", "--prefix", "ember.volume").stdout))
    # The API's own loggers change at once (no service to cast to).
    cinder_at(url, "3.32", "service-set-log", "--binary", "cinder-api", "--prefix", "ember.api", "WARNING")
    api_levels = rows(cinder_at(url, "3.32", "service-get-log", "--binary", "cinder-api", "--prefix",
                                "ember.api").stdout)
    assert api_levels and {row["Level"] for row in api_levels} == {"WARNING"}
    assert {row["Host"] for row in api_levels} == {HOST}


def test_freeze_thaw_and_failover_host(node):
    url, _ = node
    cinder_at(url, "3.32", "freeze-host", BACKEND)
    frozen = [r for r in rows(cinder_at(url, "3.32", "service-list", "--withreplication").stdout)
              if r["Host"] == BACKEND]
    assert frozen[0]["Frozen"] == "True"
    wait_for(lambda: [r for r in rows(cinder_at(url, "3.32", "service-list").stdout)
                      if r["Host"] == BACKEND][0]["Status"] == "disabled")
    again = cinder_at(url, "3.32", "freeze-host", BACKEND, check=False)
    assert again.returncode != 0 and "must be False to failover" in again.stderr

    cinder_at(url, "3.32", "thaw-host", BACKEND)
    wait_for(lambda: [r for r in rows(cinder_at(url, "3.32", "service-list", "--withreplication").stdout)
                      if r["Host"] == BACKEND][0]["Status"] == "enabled")

    failover = cinder_at(url, "3.32", "failover-host", BACKEND, "--backend_id", "secondary", check=False)
    assert failover.returncode != 0
    # The host is in a cluster: cinder checks the cluster's replication first.
    assert "replication_status in " + CLUSTER + " must be ['enabled', 'failed-over']" in failover.stderr


def test_cluster_list_show_disable_enable(node):
    url, _ = node
    wait_for(lambda: any(r["Name"] == CLUSTER and r["State"] == "up"
                         for r in rows(cinder_at(url, "3.7", "cluster-list").stdout)))
    detailed = rows(cinder_at(url, "3.7", "cluster-list", "--detailed", "--name", "cs1").stdout)
    assert [(r["Name"], r["Binary"], r["Num Hosts"], r["Num Down Hosts"]) for r in detailed] == [
        (CLUSTER, "cinder-volume", "1", "0")]
    assert rows(cinder_at(url, "3.7", "cluster-list", "--is-up", "false").stdout) == []
    shown = cinder_at(url, "3.7", "cluster-show", CLUSTER).stdout
    assert field(shown, "num_hosts") == "1" and field(shown, "status") == "enabled"
    missing = cinder_at(url, "3.7", "cluster-show", "nowhere", check=False)
    assert missing.returncode != 0 and "could not be found" in missing.stderr

    disabled = cinder_at(url, "3.7", "cluster-disable", "--reason", "maintenance", CLUSTER).stdout
    assert field(disabled, "status") == "disabled" and field(disabled, "disabled_reason") == "maintenance"
    assert rows(cinder_at(url, "3.7", "cluster-list", "--disabled", "true").stdout)[0]["Name"] == CLUSTER
    enabled = cinder_at(url, "3.7", "cluster-enable", CLUSTER).stdout
    assert field(enabled, "status") == "enabled"
    # The cluster's volume service shows its cluster (3.7).
    services = rows(cinder_at(url, "3.7", "service-list").stdout)
    assert [r["Cluster"] for r in services if r["Host"] == BACKEND] == [CLUSTER]


def test_work_cleanup(node):
    url, _ = node
    # Every service is up and the default asks for services that are down: nothing to clean.
    output = cinder_at(url, "3.24", "work-cleanup").stdout
    assert "No cleanable services matched cleanup criteria." in output
    # Asked for services that are up, the volume service (through its cluster) and the
    # scheduler are sent a cleanup.
    cleaning = cinder_at(url, "3.24", "work-cleanup", "--is-up", "true").stdout
    assert "Following services will be cleaned:" in cleaning
    assert BACKEND in cleaning and "cinder-scheduler" in cleaning
    bad = cinder_at(url, "3.24", "work-cleanup", "--resource-type", "Volume", "--resource-id",
                    "00000000-0000-0000-0000-000000000000", check=False)
    assert bad.returncode != 0 and "There is no resource with UUID" in bad.stderr


def test_openstack_volume_service_list_and_set(node):
    url, _ = node
    services = openstack(url, "volume", "service", "list")
    assert any(s["Binary"] == "cinder-volume" and s["Host"] == BACKEND for s in services)
    command = [
        os.path.join(os.path.dirname(os.sys.executable), "openstack"), "--os-auth-type", "none",
        "--os-endpoint", f"{url}/v3", "--os-volume-api-version", "3",
        "volume", "service", "set", "--disable", "--disable-reason", "maintenance", BACKEND, "cinder-volume",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed = openstack(url, "volume", "service", "list", "--long")
    row = [s for s in listed if s["Host"] == BACKEND][0]
    assert row["Status"] == "disabled" and row["Disabled Reason"] == "maintenance"
    command[-5:] = ["--enable", BACKEND, "cinder-volume"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert [s for s in openstack(url, "volume", "service", "list") if s["Host"] == BACKEND][0]["Status"] == "enabled"
