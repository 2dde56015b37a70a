"""Two `ember volume` processes in one cluster (scripts/topology with EMBER_TOPOLOGY_CLUSTER=1:
node-3 and node-4 in cluster `pair`, backend `shared` in one directory). Volumes of the
shared backend are created by either member; with node-3 killed, node-4 takes the cluster's
work; what node-3 left `creating` is cleaned by node-4 through POST /workers/cleanup.

Needs EMBER_TEST_POSTGRES_URL (source .ci/postgres.sh) and a built ember.
"""
import os
import subprocess
import tempfile
import time
import uuid

import pytest

from test_topology import PROJECT, Topology, request

PORT = int(os.environ.get("EMBER_TOPOLOGY_CLUSTER_TEST_PORT", "18731"))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOPOLOGY = os.path.join(REPO, "scripts", "topology")
CLUSTER = "pair@shared"
V = f"/v3/{PROJECT}"


@pytest.fixture(scope="module")
def cluster():
    if not os.environ.get("EMBER_TEST_POSTGRES_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the topology test (EMBER_TEST_POSTGRES_URL is not set)")
        pytest.skip("EMBER_TEST_POSTGRES_URL not set")
    directory = tempfile.mkdtemp(prefix="ember-cluster-test-")
    env = dict(os.environ, EMBER_TOPOLOGY_DIR=directory, EMBER_TOPOLOGY_PORT=str(PORT), EMBER_TOPOLOGY_CLUSTER="1")
    subprocess.run([TOPOLOGY, "up"], env=env, check=True)
    database_url = None
    with open(os.path.join(directory, "topology.env")) as handle:
        for line in handle:
            if line.startswith("DATABASE_URL="):
                database_url = line.split("=", 1)[1].strip().strip('"')
    topo = Topology(env, directory, database_url)
    topo.apis = {"api-1": PORT, "api-2": PORT + 1}
    yield topo
    subprocess.run([TOPOLOGY, "down"], env=env, check=True)


def wait_until(what, predicate, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout} s")


def volume_row(topo, volume_id):
    rows = topo.sql(f"SELECT status, coalesce(host, ''), coalesce(cluster_name, '') FROM volumes "
                    f"WHERE id = '{volume_id}' AND NOT deleted")
    return tuple(rows[0]) if rows else None


def create_shared(volume_type):
    status, body = request(PORT, "POST", f"{V}/volumes",
                           {"volume": {"size": 1, "volume_type": volume_type}})
    assert status == 202, body
    return body["volume"]["id"]


def cluster_detail(version="3.7"):
    status, body = request(PORT, "GET", f"{V}/clusters/detail?name={CLUSTER}", version=version)
    assert status == 200, body
    return body["clusters"]


def test_two_members_serve_one_cluster_and_one_takes_over(cluster):
    wait_until("both members report in the cluster", lambda: cluster_detail()
               and cluster_detail()[0]["num_hosts"] == 2 and cluster_detail()[0]["num_down_hosts"] == 0)
    status, body = request(PORT, "POST", f"{V}/types",
                           {"volume_type": {"name": "shared", "extra_specs": {"volume_backend_name": "shared"}}})
    assert status == 200, body

    ids = [create_shared("shared") for _ in range(6)]
    rows = wait_until("the shared volumes are available",
                      lambda: [volume_row(cluster, i) for i in ids]
                      if all(volume_row(cluster, i)[0] == "available" for i in ids) else None)
    assert {row[2] for row in rows} == {CLUSTER + "#shared"}
    assert {row[1].split("@")[0] for row in rows} <= {"node-3", "node-4"}

    # node-3 dies without a word; node-4 consumes the cluster's queue alone.
    cluster.run("stop", "volume-3", "KILL")
    more = [create_shared("shared") for _ in range(4)]
    wait_until("node-4 creates the new volumes",
               lambda: all(volume_row(cluster, i)[0] == "available" for i in more))
    # Volumes node-3 created are deleted by node-4 (their work goes to the cluster).
    on_node3 = [i for i, row in zip(ids, rows) if row[1].startswith("node-3@")] or ids[:1]
    for volume_id in on_node3:
        status, body = request(PORT, "DELETE", f"{V}/volumes/{volume_id}")
        assert status == 202, body
    wait_until("node-4 deletes node-3's volumes", lambda: all(volume_row(cluster, i) is None for i in on_node3))


def test_cleanup_of_what_the_killed_member_left_creating(cluster):
    # What a kill in the middle of a create leaves: the volume `creating` on node-3 and its
    # `workers` row naming node-3's service (the file driver's create is too quick to be
    # interrupted on cue, so the row and the volume are written as node-3 leaves them).
    service_id = cluster.sql("SELECT id FROM services WHERE host = 'node-3@shared' AND NOT deleted")[0][0]
    type_id = cluster.sql("SELECT id FROM volume_types WHERE name = 'shared' AND NOT deleted")[0][0]
    volume_id = str(uuid.uuid4())
    cluster.sql(
        "INSERT INTO volumes (id, use_quota, user_id, project_id, size, status, attach_status, host, cluster_name, "
        "volume_type_id, availability_zone, bootable, multiattach, shared_targets, created_at, deleted) VALUES "
        f"('{volume_id}', TRUE, 'u', '{PROJECT}', 1, 'creating', 'detached', 'node-3@shared#shared', "
        f"'{CLUSTER}#shared', '{type_id}', 'nova', FALSE, FALSE, TRUE, now() AT TIME ZONE 'utc', FALSE)"
    )
    cluster.sql(
        "INSERT INTO workers (resource_type, resource_id, status, service_id, race_preventer, created_at, "
        f"updated_at, deleted) VALUES ('Volume', '{volume_id}', 'creating', {service_id}, 0, "
        "now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc', FALSE)"
    )
    # node-3 was killed in the first test; once service_down_time passes it is down.
    wait_until("node-3 is down", lambda: cluster_detail()[0]["num_down_hosts"] == 1, timeout=120)

    status, body = request(PORT, "POST", f"{V}/workers/cleanup", {"cluster_name": CLUSTER}, version="3.24")
    assert status == 202, body
    assert [(s["host"], s["cluster_name"]) for s in body["cleaning"]] == [("node-3@shared", CLUSTER)]
    assert body["unavailable"] == []
    wait_until("the volume leaves creating", lambda: volume_row(cluster, volume_id)[0] != "creating")
    assert volume_row(cluster, volume_id)[0] == "error"
    wait_until("the workers row is gone",
               lambda: cluster.sql(f"SELECT count(*) FROM workers WHERE resource_id = '{volume_id}'")[0][0] == "0")

    # A service nobody can clean for: with node-4 stopped too, the cluster is down.
    cluster.run("stop", "volume-4")
    wait_until("the cluster is down", lambda: cluster_detail()[0]["state"] == "down", timeout=120)
    status, body = request(PORT, "POST", f"{V}/workers/cleanup", {"cluster_name": CLUSTER}, version="3.24")
    assert status == 202, body
    assert body["cleaning"] == []
    assert sorted(s["host"] for s in body["unavailable"]) == ["node-3@shared", "node-4@shared"]
