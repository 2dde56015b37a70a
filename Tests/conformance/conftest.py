"""Runs a real `ember all` (noauth, SQLite in a temporary directory) for the client tests."""
import os
import socket
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ember_process import default_conf, run_ember  # noqa: E402
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
    conf = (
        default_conf(state, port)
        + extra_conf
        + (f"[glance]\napi_servers = {GLANCE}\n" if GLANCE else "")
    )
    for url in run_ember(state, conf, port):
        yield url, state


@pytest.fixture(scope="session")
def ember():
    """Yields the API's base URL (http://127.0.0.1:PORT) while `ember all` runs."""
    for url, _ in _run_ember():
        yield url


@pytest.fixture(scope="module")
def ember_metrics():
    """`ember all` with `[metrics] enabled = true` (served on the API port); yields the URL."""
    for url, _ in _run_ember("periodic_interval = 2\n[metrics]\nenabled = true\n"):
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


def field(output, name):
    """The value of a row of a `cinder` table (`cinder show`, `type-show`, …)."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] == name:
            return cells[1]
    raise AssertionError(f"no {name} in {output}")
