"""Runs `ember all` with auth_strategy = keystone against the Keystone of .ci/keystone.sh."""
import os
import sys
import tempfile
import time

import pytest
from keystoneauth1 import session
from keystoneauth1.identity import v3

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ember_process import default_conf, keystone_conf, run_ember  # noqa: E402
KEYSTONE = os.environ.get("EMBER_TEST_KEYSTONE_URL")
PASSWORD = os.environ.get("EMBER_KEYSTONE_PASSWORD", "")

if not KEYSTONE:
    raise pytest.UsageError("EMBER_TEST_KEYSTONE_URL is not set: source .ci/keystone.sh first")


def auth(user, project, password=PASSWORD):
    return v3.Password(auth_url=KEYSTONE, username=user, password=password, project_name=project,
                       user_domain_id="default", project_domain_id="default")


def keystone_session(user, project, password=PASSWORD):
    return session.Session(auth=auth(user, project, password))


def admin_session():
    return keystone_session("admin", "admin", os.environ["EMBER_KEYSTONE_ADMIN_PASSWORD"])


@pytest.fixture(scope="session")
def ember():
    """Yields Ember's base URL while `ember all` runs in keystone mode."""
    state = tempfile.mkdtemp(prefix="ember-keystone-")
    port = os.environ.get("EMBER_KEYSTONE_EMBER_PORT", "28776")
    conf = (
        default_conf(state, port)
        + keystone_conf(KEYSTONE)
        + "http_request_max_retries = 0\n"
        # Castellan's Barbican client finds Barbican in the caller's catalog through Keystone.
        "[barbican]\n"
        f"auth_endpoint = {KEYSTONE}\n"
    )
    yield from run_ember(state, conf, port)
    log_path = os.path.join(state, "ember.log")
    text = open(log_path).read()
    # Tokens never reach the log (fernet tokens start with gAAAAA).
    assert "gAAAAA" not in text


def wait_for(predicate, timeout=30, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
