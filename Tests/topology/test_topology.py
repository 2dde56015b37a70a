"""The distributed topology as plain processes (scripts/topology): 2× ember api, a scheduler
and two volume backends on PostgreSQL. Volumes created through either API land on both
backends; SIGTERM to each process in turn during a stream of creates loses nothing; every
process rejoins after its restart.

Needs EMBER_TEST_POSTGRES_URL (source .ci/postgres.sh) and a built ember (scripts/topology
picks .build/release/ember, else .build/debug/ember, or EMBER_BIN).
"""
import http.client
import json
import os
import subprocess
import tempfile
import threading
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOPOLOGY = os.path.join(REPO, "scripts", "topology")
PORT = int(os.environ.get("EMBER_TOPOLOGY_TEST_PORT", "18721"))
PROJECT = "7a1c2e3f4b5d46e8a9b0c1d2e3f4a5b6"
HEADERS = {"X-Auth-Token": "admin:" + PROJECT, "Content-Type": "application/json"}
BACKENDS = {"node-1@fast#fast", "node-2@slow#slow"}
WORKERS = {
    ("scheduler-1", "cinder-scheduler"),
    ("node-1@fast", "cinder-volume"),
    ("node-2@slow", "cinder-volume"),
    ("node-1", "cinder-backup"),
}


@pytest.fixture(scope="module")
def topology():
    if not os.environ.get("EMBER_TEST_POSTGRES_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the topology test (EMBER_TEST_POSTGRES_URL is not set)")
        pytest.skip("EMBER_TEST_POSTGRES_URL not set")
    directory = tempfile.mkdtemp(prefix="ember-topology-test-")
    env = dict(os.environ, EMBER_TOPOLOGY_DIR=directory, EMBER_TOPOLOGY_PORT=str(PORT))
    subprocess.run([TOPOLOGY, "up"], env=env, check=True)
    database_url = None
    with open(os.path.join(directory, "topology.env")) as handle:
        for line in handle:
            if line.startswith("DATABASE_URL="):
                database_url = line.split("=", 1)[1].strip().strip('"')
    topo = Topology(env, directory, database_url)
    yield topo
    subprocess.run([TOPOLOGY, "down"], env=env, check=True)


class Topology:
    def __init__(self, env, directory, database_url):
        self.env = env
        self.directory = directory
        self.database_url = database_url
        self.apis = {"api-1": PORT, "api-2": PORT + 1}

    def run(self, *args):
        subprocess.run([TOPOLOGY, *args], env=self.env, check=True, stdout=subprocess.DEVNULL)

    def log(self, name):
        with open(os.path.join(self.directory, "logs", name + ".log")) as handle:
            return handle.read()

    def sql(self, statement):
        result = subprocess.run(
            ["psql", "-qtA", "-F", "|", self.database_url, "-c", statement],
            check=True, capture_output=True, text=True,
        )
        return [line.split("|") for line in result.stdout.splitlines() if line]


def request(port, method, path, body=None, timeout=30, version=None):
    """One request on a fresh connection; returns (status, decoded body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = dict(HEADERS, **({"OpenStack-API-Version": "volume " + version} if version else {}))
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = connection.getresponse()
        data = response.read()
        if not data or "json" not in (response.getheader("Content-Type") or ""):
            return response.status, data.decode()
        return response.status, json.loads(data)
    finally:
        connection.close()


def create(port, name):
    status, body = request(port, "POST", f"/v3/{PROJECT}/volumes", {"volume": {"size": 1, "name": name}})
    assert status == 202, f"create answered {status}: {body}"
    return body["volume"]["id"]


def wait_settled(topo, ids, timeout=120):
    """Waits until none of `ids` is creating and no cast waits; returns id → (status, host)."""
    deadline = time.time() + timeout
    while True:
        rows = topo.sql("SELECT id, status, coalesce(host, '') FROM volumes WHERE NOT deleted")
        volumes = {row[0]: (row[1], row[2]) for row in rows}
        pending = topo.sql(
            "SELECT count(*) FROM ember_bus_messages WHERE consumer_id IS NULL AND dead_at IS NULL"
        )[0][0]
        creating = [i for i in ids if volumes.get(i, ("missing",))[0] == "creating"]
        if (not creating and pending == "0") or time.time() > deadline:
            return volumes, pending
        time.sleep(0.5)


def services_up(topo, within=10):
    rows = topo.sql(
        'SELECT host, "binary" FROM services WHERE NOT disabled AND '
        f"updated_at > (now() AT TIME ZONE 'utc') - interval '{within} seconds'"
    )
    return {(row[0], row[1]) for row in rows}


class Stream:
    """Creates volumes through one API node from `threads` threads until stopped, each on a
    fresh connection, recording every outcome.

    A request is `rejected` when the connection is refused, or reset or closed before any
    answer: what a node that stops accepting does to connections still in its listen
    backlog. The test then checks in the database that no rejected request was processed."""

    def __init__(self, port, label, threads=2, pause=0.05):
        self.port, self.label, self.pause = port, label, pause
        self.accepted, self.rejected, self.failures = [], [], []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.loop, args=(n,)) for n in range(threads)]

    def loop(self, number):
        count = 0
        while not self.stopping.is_set():
            count += 1
            name = f"{self.label}-{number}-{count}"
            try:
                volume_id = create(self.port, name)
                with self.lock:
                    self.accepted.append(volume_id)
            except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
                with self.lock:
                    self.rejected.append(name)
            except Exception as error:  # a timeout, an error status: a broken request
                with self.lock:
                    self.failures.append(f"{name}: {error!r}")
            time.sleep(self.pause)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def test_volumes_through_either_api_land_on_both_backends(topology):
    ids = {name: [create(port, f"spread-{name}-{n}") for n in range(6)] for name, port in topology.apis.items()}
    everything = ids["api-1"] + ids["api-2"]
    volumes, pending = wait_settled(topology, everything)
    assert all(volumes[i][0] == "available" for i in everything), {i: volumes.get(i) for i in everything}
    assert {volumes[i][1] for i in everything} == BACKENDS
    for name, port in topology.apis.items():
        status, body = request(port, "GET", f"/v3/{PROJECT}/volumes/{ids['api-1'][0]}")
        assert status == 200 and body["volume"]["status"] == "available", name
    assert pending == "0"


def wait_status(port, path, key, statuses, version, timeout=60):
    """Polls GET `path` until `key`'s status is one of `statuses`; returns the body's object."""
    deadline = time.time() + timeout
    while True:
        status, body = request(port, "GET", path, version=version)
        if status == 200 and body[key]["status"] in statuses:
            return body[key]
        assert time.time() < deadline, f"{path}: {status} {body}"
        time.sleep(0.5)


def test_group_is_placed_on_the_backend_its_types_select(topology):
    api1, api2 = topology.apis["api-1"], topology.apis["api-2"]
    base = f"/v3/{PROJECT}"
    status, body = request(api1, "POST", base + "/group_types", {"group_type": {"name": "topo-gt"}}, version="3.11")
    assert status == 202, body
    group_type = body["group_type"]["id"]
    status, body = request(api1, "POST", base + "/types",
                           {"volume_type": {"name": "topo-slow", "extra_specs": {"volume_backend_name": "slow"}}})
    assert status == 200, body
    slow = body["volume_type"]["id"]
    status, body = request(api1, "POST", base + "/groups",
                           {"group": {"group_type": group_type, "volume_types": [slow]}}, version="3.13")
    assert status == 202, body
    group = body["group"]["id"]
    placed = wait_status(api2, base + f"/groups/{group}", "group", ("available", "error"), "3.13")
    assert placed["status"] == "available", placed
    assert topology.sql(f"SELECT host FROM groups WHERE id = '{group}'") == [["node-2@slow#slow"]]

    # A volume created into the group through the other API lands on the group's backend;
    # a group snapshot through the first API is taken by that backend.
    status, body = request(api2, "POST", base + "/volumes",
                           {"volume": {"size": 1, "volume_type": "topo-slow", "group_id": group}}, version="3.13")
    assert status == 202, body
    volume = body["volume"]["id"]
    assert wait_status(api1, base + f"/volumes/{volume}", "volume", ("available", "error"), "3.13")["status"] \
        == "available"
    assert topology.sql(f"SELECT host, group_id FROM volumes WHERE id = '{volume}'") == [["node-2@slow#slow", group]]
    status, body = request(api1, "POST", base + "/group_snapshots",
                           {"group_snapshot": {"group_id": group}}, version="3.14")
    assert status == 202, body
    snapshot = body["group_snapshot"]["id"]
    assert wait_status(api2, base + f"/group_snapshots/{snapshot}", "group_snapshot",
                       ("available", "error"), "3.14")["status"] == "available"

    assert request(api1, "DELETE", base + f"/group_snapshots/{snapshot}", version="3.14")[0] == 202
    deadline = time.time() + 60
    while request(api1, "GET", base + f"/group_snapshots/{snapshot}", version="3.14")[0] != 404:
        assert time.time() < deadline
        time.sleep(0.5)
    status, body = request(api2, "POST", base + f"/groups/{group}/action", {"delete": {"delete-volumes": True}},
                           version="3.13")
    assert status == 202, body
    deadline = time.time() + 60
    while request(api1, "GET", base + f"/groups/{group}", version="3.13")[0] != 404:
        assert time.time() < deadline
        time.sleep(0.5)
    assert request(api1, "GET", base + f"/volumes/{volume}")[0] == 404


def test_nova_attachment_sequence_across_processes(topology):
    """Nova's attach through one API process while the volume's backend runs in another:
    create (reserved) → update with a connector (the volume service's attachment_update
    call over the PostgreSQL bus answers the connection) → os-complete → delete. Without an
    instance: deleting an attachment that connects a server needs a service token (bug
    #2004555), which noauth cannot send (LiveAttachmentTests runs that with the service role)."""
    volume = create(topology.apis["api-1"], "attach-across")
    volumes, _ = wait_settled(topology, [volume])
    assert volumes[volume][0] == "available", volumes.get(volume)
    api = topology.apis["api-2"]
    connector = {"host": "compute-1", "initiator": "iqn.1993-08.org.debian:01:compute-1", "ip": "127.0.0.1"}
    status, body = request(api, "POST", f"/v3/{PROJECT}/attachments",
                           {"attachment": {"volume_uuid": volume}}, version="3.54")
    assert status == 200, body
    attachment = body["attachment"]["id"]
    assert body["attachment"]["status"] == "reserved"
    status, body = request(api, "PUT", f"/v3/{PROJECT}/attachments/{attachment}",
                           {"attachment": {"connector": connector}}, version="3.54")
    assert status == 200, body
    assert body["attachment"]["connection_info"]["driver_volume_type"] == "local", body
    status, body = request(api, "POST", f"/v3/{PROJECT}/attachments/{attachment}/action",
                           {"os-complete": {}}, version="3.54")
    assert status == 204, body
    status, body = request(topology.apis["api-1"], "GET", f"/v3/{PROJECT}/volumes/{volume}", version="3.54")
    assert body["volume"]["status"] == "in-use", body
    assert body["volume"]["attachments"][0]["attachment_id"] == attachment, body
    status, body = request(api, "DELETE", f"/v3/{PROJECT}/attachments/{attachment}", version="3.54")
    assert status == 200 and body == {"attachments": []}, body
    status, body = request(api, "GET", f"/v3/{PROJECT}/volumes/{volume}", version="3.54")
    assert body["volume"]["status"] == "available" and body["volume"]["attachments"] == [], body


@pytest.mark.parametrize("name", ["api-1", "api-2", "scheduler", "volume-1", "volume-2", "backup"])
def test_sigterm_during_a_stream_of_creates_loses_nothing_and_the_process_rejoins(topology, name):
    streams = [Stream(port, f"{name}-via-{api}") for api, port in topology.apis.items()]
    with streams[0], streams[1]:
        time.sleep(1.0)
        topology.run("stop", name)  # SIGTERM, waits for the exit
        log = topology.log(name)
        assert "Caught SIGTERM" in log and "All services stopped" in log, log[-2000:]
        time.sleep(1.5)  # requests keep coming while the process is down
        topology.run("start", name)
        time.sleep(1.0)
    for stream in streams:
        stopped = name == f"api-{stream.port - PORT + 1}"
        assert not stream.failures, f"{stream.label}: failed requests {stream.failures[:5]}"
        if stopped:
            assert stream.rejected, "the stopped API node never rejected a request: did it stop?"
        else:
            assert not stream.rejected, f"{stream.label}: rejected on the node that stayed up: {stream.rejected[:5]}"
        assert stream.accepted, f"{stream.label}: nothing accepted"

    accepted = streams[0].accepted + streams[1].accepted
    volumes, pending = wait_settled(topology, accepted)
    missing = [i for i in accepted if i not in volumes]
    assert not missing, f"accepted creates without a volume: {missing[:5]}"
    not_available = {i: volumes[i] for i in accepted if volumes[i][0] != "available"}
    assert not not_available, f"volumes not available: {list(not_available.items())[:5]}"
    assert pending == "0", "casts left undelivered"
    dead = topology.sql("SELECT count(*) FROM ember_bus_messages WHERE dead_at IS NOT NULL")[0][0]
    assert dead == "0", "dead-lettered casts"
    # Every request that reached a node was answered: the database holds no volume of this
    # stage that the clients were not told about.
    label = f"{name}-via-%"
    rows = topology.sql(f"SELECT id FROM volumes WHERE display_name LIKE '{label}'")
    assert {row[0] for row in rows} == set(accepted), "a request created a volume but got no answer"
    rejected = [n for stream in streams for n in stream.rejected]
    if rejected:
        names = ", ".join("'" + n + "'" for n in rejected)
        processed = topology.sql(f"SELECT display_name FROM volumes WHERE display_name IN ({names})")
        assert not processed, f"rejected requests that were processed: {processed[:5]}"

    deadline = time.time() + 30
    while services_up(topology) != WORKERS and time.time() < deadline:
        time.sleep(0.5)
    assert services_up(topology) == WORKERS, "every worker reports again after the restart"
    for port in topology.apis.values():
        status, _ = request(port, "GET", "/healthcheck")
        assert status == 200


def test_kill_9_of_an_api_during_creates_leaves_quota_usage_equal_to_the_volumes(topology):
    """kill -9 of `ember api` while four clients create through it: every volume row has its
    quota committed with it (one transaction), so the project's usage still equals what its
    volumes say. A reservation made just before the kill and never used stays `reserved`
    until `reservation_expire`, as in cinder; it is not `in_use`."""
    stream = Stream(topology.apis["api-1"], "kill9-via-api-1", threads=4, pause=0)
    with stream:
        time.sleep(2.0)
        topology.run("stop", "api-1", "KILL")
    assert stream.accepted, "nothing was created before the kill"
    topology.run("start", "api-1")
    usage = {
        row[0]: int(row[1])
        for row in topology.sql(
            f"SELECT resource, in_use FROM quota_usages WHERE project_id = '{PROJECT}' AND NOT deleted"
        )
    }
    count, size = topology.sql(
        f"SELECT count(*), coalesce(sum(size), 0) FROM volumes WHERE project_id = '{PROJECT}' AND NOT deleted"
    )[0]
    assert usage.get("volumes") == int(count), (usage, count)
    assert usage.get("gigabytes") == int(size), (usage, size)
    status, _ = request(topology.apis["api-1"], "GET", "/healthcheck")
    assert status == 200
