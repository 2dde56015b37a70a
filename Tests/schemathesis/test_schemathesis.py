"""schemathesis against the OpenAPI document a live `ember all` serves: every operation, as an
admin (noauth, `X-Auth-Token: admin:PROJECT`) and as a member (keystone mode, alice of
project-a from .ci/keystone.sh), at the latest microversion, within a fixed time budget.

Passes when no answer is a 5xx, none takes longer than the per-request timeout, and every
answer is one the document describes (status, content type, body schema).

Run with the schemathesis venv (.ci/run installs it):
    /tmp/ember-schemathesis-venv/bin/python -m pytest -q -p no:cacheprovider Tests/schemathesis
Settings: EMBER_SCHEMATHESIS_SECONDS (time per role, default 60), EMBER_SCHEMATHESIS_SEED.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ember_process import default_conf, keystone_conf, run_ember  # noqa: E402

PROJECT = "e9b8d2d1c5a44c8d9a3f2b7c6d5e4f30"
SECONDS = int(os.environ.get("EMBER_SCHEMATHESIS_SECONDS", "60"))
SEED = os.environ.get("EMBER_SCHEMATHESIS_SEED", "2026")
REQUEST_TIMEOUT = 10
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SCHEMATHESIS = os.path.join(os.path.dirname(sys.executable), "schemathesis")
KEYSTONE = os.environ.get("EMBER_TEST_KEYSTONE_URL")


def _port():
    """A free port below the kernel's ephemeral range (32768-60999): a client connection made
    earlier in a CI run may hold any port inside it."""
    for port in range(27300, 27400):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 27300-27399")


def _ember(extra=""):
    state = tempfile.mkdtemp(prefix="ember-schemathesis-")
    port = _port()
    conf = (
        default_conf(state, port)
        + extra
    )
    process = run_ember(state, conf, port)
    url = next(process)
    try:
        yield url, state
    finally:
        # Resumed even when the caller failed or stopped early: SIGTERM, and the exit checked.
        for _ in process:
            pass


def _schemathesis(url, token, project, label, state):
    """Runs schemathesis against URL/openapi.json with the token; returns (exit code, output,
    seconds)."""
    config = os.path.join(state, f"schemathesis-{label}.toml")
    with open(config, "w") as handle:
        # The project in the path is the caller's: other projects' paths are refused before
        # any controller runs, which would leave the controllers unexercised.
        handle.write(f'[parameters]\n"path.project_id" = "{project}"\n')
    command = [
        SCHEMATHESIS, "--config-file", config, "run", f"{url}/openapi.json",
        "--url", url,
        "-H", f"X-Auth-Token: {token}",
        "-H", "OpenStack-API-Version: volume 3.71",
        "--checks", CHECKS,
        "--max-time", str(SECONDS),
        "--request-timeout", str(REQUEST_TIMEOUT),
        # One worker: two run hypothesis's lambda descriptions (ast.parse) in threads, which
        # Python 3.11 can fail with "AST constructor recursion depth mismatch" (a runtime error).
        "--workers", "1",
        "--seed", SEED,
        "--suppress-health-check", "all",
        "--no-color",
        "--report", "junit",
        "--report-dir", os.path.join(state, f"report-{label}"),
    ]
    # One authenticated request first: in keystone mode the first validations fetch the service
    # token and check the caller's with Keystone, which a loaded machine can take seconds to
    # answer; that is Keystone's start, not an Ember hang.
    requests.get(f"{url}/v3/{project}/volumes", headers={"X-Auth-Token": token}, timeout=120).raise_for_status()
    start = time.monotonic()
    # The budget plus time to shrink and report: a run that goes far past it is a hang.
    # In the state directory: schemathesis keeps its example database in the working directory.
    result = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 120, cwd=state)
    return result.returncode, result.stdout + result.stderr, time.monotonic() - start


def _report(label, code, output, seconds):
    cases = re.search(r"(\d+) generated", output)
    print(f"\nschemathesis as {label}: exit {code}, {cases.group(1) if cases else '?'} cases, {seconds:.0f} s")
    print(output[-6000:])


def test_schemathesis_as_admin():
    # The checks come after the loop, so `ember all` is stopped (and its exit checked) first.
    for url, state in _ember():
        code, output, seconds = _schemathesis(url, f"admin:{PROJECT}", PROJECT, "admin", state)
        _report("admin", code, output, seconds)
    assert code == 0, "schemathesis found answers that break the document, 5xx or timeouts (above)"


def _keystone_token(user, project):
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": user, "domain": {"id": "default"},
                             "password": os.environ["EMBER_KEYSTONE_PASSWORD"]}
                },
            },
            "scope": {"project": {"name": project, "domain": {"id": "default"}}},
        }
    }
    response = requests.post(f"{KEYSTONE}/auth/tokens", json=body, timeout=30)
    response.raise_for_status()
    return response.headers["X-Subject-Token"], response.json()["token"]["project"]["id"]


def test_schemathesis_as_member():
    if not KEYSTONE:
        pytest.fail("EMBER_TEST_KEYSTONE_URL is not set: source .ci/keystone.sh first (a member needs Keystone)")
    token, project = _keystone_token("alice", "project-a")
    for url, state in _ember(keystone_conf(KEYSTONE)):
        code, output, seconds = _schemathesis(url, token, project, "member", state)
        _report("member", code, output, seconds)
    assert code == 0, "schemathesis found answers that break the document, 5xx or timeouts (above)"
