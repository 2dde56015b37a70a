"""Runs a real `ember all` (noauth, SQLite in a temporary directory) for the client tests."""
import os
import re
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("EMBER_BINARY", os.path.join(ROOT, ".build", "debug", "ember"))
PROJECT = "e9b8d2d1c5a44c8d9a3f2b7c6d5e4f30"
# The Glance `.ci/glance.sh` runs; Ember is pointed at it when it is set.
GLANCE = os.environ.get("EMBER_TEST_GLANCE_URL") or None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_ember(extra_conf=""):
    """Starts `ember all` with `extra_conf` appended to [DEFAULT]; yields (url, state path)."""
    state = tempfile.mkdtemp(prefix="ember-conformance-")
    port = _free_port()
    conf = os.path.join(state, "ember.conf")
    with open(conf, "w") as handle:
        handle.write(
            "[DEFAULT]\n"
            "osapi_volume_listen = 127.0.0.1\n"
            f"osapi_volume_listen_port = {port}\n"
            f"api_paste_config = {ROOT}/etc/ember/api-paste.ini\n"
            f"state_path = {state}\n"
            + extra_conf
            + (f"[glance]\napi_servers = {GLANCE}\n" if GLANCE else "")
        )
    log = open(os.path.join(state, "ember.log"), "w")
    process = subprocess.Popen([BINARY, "all", "--config-file", conf], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        with open(os.path.join(state, "ember.log")) as handle:
            if re.search(r"Started osapi_volume on", handle.read()):
                break
        if process.poll() is not None:
            raise RuntimeError("ember exited: " + open(os.path.join(state, "ember.log")).read())
        time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("ember did not start")
    yield f"http://127.0.0.1:{port}", state
    process.terminate()
    assert process.wait(timeout=30) == 0, open(os.path.join(state, "ember.log")).read()


@pytest.fixture(scope="session")
def ember():
    """Yields the API's base URL (http://127.0.0.1:PORT) while `ember all` runs."""
    for url, _ in _run_ember():
        yield url


MIGRATION_HOST = "ember-conformance"


@pytest.fixture(scope="module")
def ember_backends():
    """`ember all` with two file backends, `alpha` and `beta`, on host MIGRATION_HOST; yields
    (url, state path)."""
    extra = (
        f"host = {MIGRATION_HOST}\n"
        "enabled_backends = alpha, beta\n"
        "periodic_interval = 2\n"
        "[alpha]\nvolume_backend_name = alpha\n"
        "[beta]\nvolume_backend_name = beta\n"
    )
    yield from _run_ember(extra)


def wait_for(predicate, timeout=30, interval=0.1):
    """Polls `predicate` until it returns a truthy value; fails after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
