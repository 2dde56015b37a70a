"""Two `ember api` processes behind HAProxy (Debian's haproxy, etc/haproxy/ember-api.cfg as it
is, with HTTP health checks on /healthcheck), a scheduler and a volume service, all on
PostgreSQL. Four clients create, list and show volumes through HAProxy without pause; each
API process in turn gets SIGTERM mid-load (and the first is started again before the second
stops): 0 failed requests, and every create answered 202 ends `available` (0 lost casts).

What makes it work is Ember's drain ([DEFAULT] graceful_shutdown_drain_time, 4 s here): on
SIGTERM the process answers /healthcheck 503 while it keeps serving, HAProxy takes it out of
rotation, and only then does it stop accepting. With no drain (EMBER_HAPROXY_DRAIN=0; 0 is the
option's default) the process stops accepting at once and closes its idle connections, and a
request HAProxy sends on one of them at that moment is answered 502 (one of 630 in a run of
2026-12-06; none in another).

Needs EMBER_TEST_POSTGRES_URL (source .ci/postgres.sh), haproxy (.ci/run installs it) and a
built ember. Ports below the ephemeral range: HAProxy on EMBER_HAPROXY_TEST_PORT (18750), the
APIs on the next two.
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("EMBER_BINARY", os.path.join(ROOT, ".build", "debug", "ember"))
PORT = int(os.environ.get("EMBER_HAPROXY_TEST_PORT", "18750"))
DRAIN = int(os.environ.get("EMBER_HAPROXY_DRAIN", "4"))
PROJECT = "5e6f7a8b9c0d41e2a3b4c5d6e7f8a9b0"
HEADERS = {"X-Auth-Token": "admin:" + PROJECT, "Content-Type": "application/json"}
APIS = {"api-1": PORT + 1, "api-2": PORT + 2}


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, statement):
    result = subprocess.run(["psql", "-qtA", "-F", "|", url, "-c", statement],
                            check=True, capture_output=True, text=True)
    return [line.split("|") for line in result.stdout.splitlines() if line]


class Deployment:
    """The processes of the test, each with its log in DIR/NAME.log."""

    def __init__(self, directory, database_url):
        self.directory = directory
        self.database_url = database_url
        self.processes = {}

    def log(self, name):
        with open(os.path.join(self.directory, name + ".log")) as handle:
            return handle.read()

    def start(self, name, command, ready):
        log = open(os.path.join(self.directory, name + ".log"), "a")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
        self.processes[name] = process
        deadline = time.monotonic() + 60
        while not ready():
            assert process.poll() is None, f"{name} exited: {self.log(name)[-3000:]}"
            assert time.monotonic() < deadline, f"{name} not ready after 60 s: {self.log(name)[-3000:]}"
            time.sleep(0.1)

    def start_ember(self, name, role):
        conf = os.path.join(self.directory, "common.conf")
        own = os.path.join(self.directory, name + ".conf")
        if role == "api":
            ready = lambda: http_get(APIS[name], "/healthcheck") == 200  # noqa: E731
        else:
            words = {"scheduler": "Scheduler started", "volume": "Volume service started"}[role]
            offset = len(self.log(name)) if os.path.exists(os.path.join(self.directory, name + ".log")) else 0
            ready = lambda: words in self.log(name)[offset:]  # noqa: E731
        self.start(name, [BINARY, role, "--config-file", conf, "--config-file", own], ready)

    def stop(self, name, sig=signal.SIGTERM, timeout=60):
        """Signals a process and waits for it; returns (exit status, seconds it took)."""
        process = self.processes.pop(name)
        started = time.monotonic()
        process.send_signal(sig)
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"{name} did not exit within {timeout} s of {sig.name}")
        return status, time.monotonic() - started


def http_get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


@pytest.fixture(scope="module")
def deployment():
    server = os.environ.get("EMBER_TEST_POSTGRES_URL")
    missing = [what for what, ok in (("EMBER_TEST_POSTGRES_URL", server), ("haproxy", shutil.which("haproxy")))
               if not ok]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the HAProxy test ({', '.join(missing)} missing)")
        pytest.skip(f"{', '.join(missing)} missing")
    directory = tempfile.mkdtemp(prefix="ember-haproxy-")
    database = f"ember_haproxy_{os.getpid()}"
    psql(with_database(server, "postgres"), f"DROP DATABASE IF EXISTS {database}")
    psql(with_database(server, "postgres"), f"CREATE DATABASE {database}")
    url = with_database(server, database)
    with open(os.path.join(directory, "common.conf"), "w") as handle:
        handle.write(
            "[DEFAULT]\n"
            "osapi_volume_listen = 127.0.0.1\n"
            f"api_paste_config = {ROOT}/etc/ember/api-paste.ini\n"
            "auth_strategy = noauth\n"
            f"state_path = {directory}/state\n"
            f"transport_url = {url}\n"
            "report_interval = 2\nperiodic_interval = 5\nservice_down_time = 20\n"
            f"graceful_shutdown_timeout = 30\ngraceful_shutdown_drain_time = {DRAIN}\n"
            "quota_volumes = -1\nquota_gigabytes = -1\n"
            f"[database]\nconnection = {url}\n"
            "[ember_bus]\nvisibility_timeout = 10\npoll_interval = 1\n"
        )
    for name, port in APIS.items():
        with open(os.path.join(directory, name + ".conf"), "w") as handle:
            handle.write(f"[DEFAULT]\nosapi_volume_listen_port = {port}\n")
    with open(os.path.join(directory, "scheduler.conf"), "w") as handle:
        handle.write("[DEFAULT]\nhost = scheduler-1\n")
    with open(os.path.join(directory, "volume.conf"), "w") as handle:
        handle.write("[DEFAULT]\nhost = node-1\nenabled_backends = fast\n\n[fast]\nvolume_backend_name = fast\n")
    sync = subprocess.run([BINARY, "manage", "db", "sync", "--config-file", os.path.join(directory, "common.conf")],
                          capture_output=True, text=True, timeout=120)
    assert sync.returncode == 0, sync.stdout + sync.stderr

    deployment = Deployment(directory, url)
    try:
        for name in APIS:
            deployment.start_ember(name, "api")
        deployment.start_ember("scheduler", "scheduler")
        deployment.start_ember("volume", "volume")
        os.environ.update(EMBER_HAPROXY_BIND=f"127.0.0.1:{PORT}",
                          EMBER_API_1=f"127.0.0.1:{APIS['api-1']}", EMBER_API_2=f"127.0.0.1:{APIS['api-2']}")
        deployment.start("haproxy", ["haproxy", "-db", "-f", os.path.join(ROOT, "etc", "haproxy", "ember-api.cfg")],
                         lambda: http_get(PORT, "/healthcheck") == 200)
        time.sleep(2.5)  # both servers through their first health checks
        yield deployment
    finally:
        for name in list(deployment.processes):
            deployment.stop(name)
        psql(with_database(server, "postgres"), f"DROP DATABASE IF EXISTS {database}")
        shutil.rmtree(directory, ignore_errors=True)


class Load:
    """Clients through HAProxy, each request on a fresh connection, recording every outcome:
    a request fails when it gets no answer or a status other than the one it expects."""

    def __init__(self, clients=4):
        self.accepted, self.failures, self.answered = [], [], 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.loop, args=(n,)) for n in range(clients)]

    def request(self, method, path, body, expected):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        try:
            connection.request(method, path, json.dumps(body) if body is not None else None, HEADERS)
            response = connection.getresponse()
            data = response.read()
        except Exception as error:  # noqa: BLE001 - any failure to get an answer counts
            with self.lock:
                self.failures.append(f"{method} {path}: {error!r}")
            return None
        finally:
            connection.close()
        with self.lock:
            self.answered += 1
            if response.status != expected:
                self.failures.append(f"{method} {path}: {response.status} {data[:300]!r}")
                return None
        return json.loads(data)

    def loop(self, number):
        count = 0
        last = None
        while not self.stopping.is_set():
            count += 1
            kind = count % 3
            if kind == 1:
                name = f"haproxy-{number}-{count}"
                body = self.request("POST", f"/v3/{PROJECT}/volumes", {"volume": {"size": 1, "name": name}}, 202)
                if body:
                    last = body["volume"]["id"]
                    with self.lock:
                        self.accepted.append(last)
            elif kind == 2:
                self.request("GET", f"/v3/{PROJECT}/volumes?limit=5", None, 200)
            elif last:
                self.request("GET", f"/v3/{PROJECT}/volumes/{last}", None, 200)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def test_sigterm_to_each_api_behind_haproxy_fails_no_request_and_loses_no_cast(deployment):
    with Load() as load:
        time.sleep(3)
        status, took = deployment.stop("api-1")
        assert status == 0, deployment.log("api-1")[-3000:]
        assert took >= DRAIN, f"api-1 exited {took:.1f} s after SIGTERM, before its {DRAIN} s drain"
        time.sleep(1)
        deployment.start_ember("api-1", "api")
        time.sleep(4)  # HAProxy's `rise 2`: api-1 back in rotation
        status, took = deployment.stop("api-2")
        assert status == 0, deployment.log("api-2")[-3000:]
        time.sleep(2)
    assert not load.failures, f"{len(load.failures)} failed of {load.answered + len(load.failures)}: " \
        f"{load.failures[:5]}"
    assert load.answered > 100, load.answered

    # Each API drained: health checks answered 503 while it still served requests.
    for name in APIS:
        log = deployment.log(name)
        assert "Draining osapi_volume" in log, log[-2000:]
        draining = log[log.index("Draining osapi_volume"):]
        assert '"GET /healthcheck HTTP/1.1" status: 503' in draining, draining[:2000]
        assert f"/v3/{PROJECT}/volumes" in draining, "no request was served during the drain"
    haproxy_log = deployment.log("haproxy")
    assert "api-1 is DOWN" in haproxy_log and "api-2 is DOWN" in haproxy_log, haproxy_log[-3000:]

    # 0 lost casts: every create answered 202 ends available, and nothing else was created.
    deadline = time.time() + 120
    while True:
        rows = psql(deployment.database_url,
                    f"SELECT id, status FROM volumes WHERE project_id = '{PROJECT}' AND NOT deleted")
        volumes = dict((row[0], row[1]) for row in rows)
        waiting = [i for i in load.accepted if volumes.get(i) != "available"]
        if not waiting or time.time() > deadline:
            break
        time.sleep(1)
    assert not waiting, {i: volumes.get(i) for i in waiting[:5]}
    assert set(volumes) == set(load.accepted), "a create that got no 202 left a volume"
    dead = psql(deployment.database_url, "SELECT count(*) FROM ember_bus_messages WHERE dead_at IS NOT NULL")
    assert dead == [["0"]], dead
