"""Runs a live `ember all` beside the cinder 29.0.0 of .ci/cinder.sh for the fidelity harness.

Both servers run the paste file's `keystone` pipeline without `authtoken` (`keystonecontext
apiv3`): the caller is the X-User-Id / X-Project-Id / X-Roles headers the harness sends, so the
same requests go to both as admin, member and reader."""
import os
import socket
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from ember_process import ROOT, run_ember  # noqa: E402
CINDER = os.environ.get("EMBER_TEST_CINDER_URL")
HOST = os.environ.get("EMBER_CINDER_HOST", "fidelity")

if not CINDER:
    # CI must not skip the harness: without cinder the run fails.
    raise pytest.UsageError("EMBER_TEST_CINDER_URL is not set: source .ci/cinder.sh first")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _keystonecontext_paste(source, target):
    """`source` with the keystone pipelines' `authtoken` removed and the noauth pipeline
    mounted at /noauth/v3 too, as .ci/cinder.sh changes cinder's file."""
    with open(source) as handle:
        text = handle.read()
    text = text.replace(" authtoken keystonecontext ", " keystonecontext ")
    text = text.replace("/v3: openstack_volume_api_v3\n", "/v3: openstack_volume_api_v3\n/noauth/v3: noauthv3\n", 1)
    text += (
        "\n[pipeline:noauthv3]\n"
        "pipeline = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler noauth apiv3\n"
    )
    with open(target, "w") as handle:
        handle.write(text)


@pytest.fixture(scope="session")
def ember():
    """Yields Ember's base URL while `ember all` runs (as Tests/conformance starts it, with the
    host, backend name and pipeline cinder's side uses)."""
    state = tempfile.mkdtemp(prefix="ember-fidelity-")
    port = _free_port()
    paste = os.path.join(state, "api-paste.ini")
    _keystonecontext_paste(os.path.join(ROOT, "etc", "ember", "api-paste.ini"), paste)
    conf = (
        "[DEFAULT]\n"
        "osapi_volume_listen = 127.0.0.1\n"
        f"osapi_volume_listen_port = {port}\n"
        f"api_paste_config = {paste}\n"
        f"state_path = {state}\n"
        "auth_strategy = keystone\n"
        f"host = {HOST}\n"
        "enabled_backends = fake\n"
        "[fake]\n"
        "volume_backend_name = fake\n"
    )
    yield from run_ember(state, conf, port, start_timeout=60)


@pytest.fixture(scope="session")
def cinder():
    return CINDER
