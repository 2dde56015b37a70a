"""Nova's attach through the attachments API on a backend that exports iSCSI targets:
`ember all` with `target_helper = tgtadm` against the private tgtd of `.ci/tgt.sh`. The
connection_info the API answers is used as a compute host would use it: bytes written
through iSCSI with the CHAP credentials read back equal, and the target is gone after the
attachment is deleted. Prints the time from `POST /attachments` (with a connector) to the
first read of the LUN.
"""
import json
import os
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import PROJECT, _run_ember

PORTAL = os.environ.get("EMBER_TEST_TGT_PORTAL")
CONTROL = os.environ.get("EMBER_TEST_TGT_CONTROL_PORT", "0")
CONNECTOR = {"host": "compute-1", "initiator": "iqn.1993-08.org.debian:01:compute-1", "ip": "127.0.0.1"}


@pytest.fixture(scope="module")
def ember_iscsi():
    if not PORTAL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the iSCSI attachment test (EMBER_TEST_TGT_PORTAL is not set)")
        pytest.skip("EMBER_TEST_TGT_PORTAL not set (source .ci/tgt.sh)")
    address, port = PORTAL.rsplit(":", 1)
    extra = (
        "enabled_backends = iscsi\n"
        "[iscsi]\nvolume_backend_name = iscsi\ntarget_helper = tgtadm\n"
        f"target_ip_address = {address}\ntarget_port = {port}\ntgt_control_port = {CONTROL}\n"
    )
    for url, _ in _run_ember(extra):
        yield url


def call(url, method, path, body=None, version="3.54"):
    request = urllib.request.Request(
        f"{url}/v3/{PROJECT}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "X-Auth-Token": "admin:" + PROJECT,
            "Content-Type": "application/json",
            "OpenStack-API-Version": "volume " + version,
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        data = response.read()
        return response.status, json.loads(data) if data else None


def wait_status(url, volume, wanted, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, body = call(url, "GET", f"/volumes/{volume}")
        if body["volume"]["status"] == wanted:
            return body["volume"]
        time.sleep(0.2)
    raise AssertionError(f"volume {volume} never became {wanted}: {body}")


def lun_url(data, password=None):
    user = data["auth_username"]
    secret = password if password is not None else data["auth_password"]
    return f"iscsi://{user}%{secret}@{data['target_portal']}/{data['target_iqn']}/{data['target_lun']}"


def targets():
    listing = subprocess.run(
        ["tgtadm", "-C", CONTROL, "--lld", "iscsi", "--op", "show", "--mode", "target"],
        check=True, capture_output=True, text=True,
    )
    return listing.stdout


def test_nova_attach_over_iscsi_bytes_round_trip_and_detach_removes_the_target(ember_iscsi):
    url = ember_iscsi
    _, body = call(url, "POST", "/volumes", {"volume": {"size": 1, "name": "iscsi-attach"}})
    volume = body["volume"]["id"]
    wait_status(url, volume, "available")
    work = tempfile.mkdtemp(prefix="ember-iscsi-attach-")
    payload = os.path.join(work, "in.raw")
    with open(payload, "wb") as handle:
        handle.write(os.urandom(1024 * 1024))

    started = time.monotonic()
    status, body = call(url, "POST", "/attachments", {
        # No instance: deleting an attachment that connects a server needs a service token
        # (bug #2004555), which noauth mode cannot send; Nova's own sequence with its service
        # role is in Tests/EmberAPITests/LiveAttachmentTests.swift.
        "attachment": {"volume_uuid": volume, "connector": CONNECTOR, "mode": "rw"}})
    assert status == 200, body
    attachment = body["attachment"]["id"]
    info = body["attachment"]["connection_info"]
    # cinder's _connection_create flattens the driver's {"driver_volume_type", "data"} into one
    # object for attachments.
    assert info["driver_volume_type"] == "iscsi", info
    data = info
    assert data["target_iqn"] == f"iqn.2010-10.org.openstack:volume-{volume}"
    assert data["target_portal"] == PORTAL and data["target_lun"] == 1
    assert data["auth_method"] == "CHAP" and data["access_mode"] == "rw"
    first = os.path.join(work, "first.raw")
    subprocess.run(["qemu-img", "dd", "-f", "raw", "-O", "raw", "bs=4096", "count=1",
                    f"if={lun_url(data)}", f"of={first}"], check=True, capture_output=True)
    readable = time.monotonic() - started
    print(f"\nPOST /attachments with a connector → first 4 KiB read through iSCSI: {readable * 1000:.0f} ms")

    subprocess.run(["qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", payload, lun_url(data)],
                   check=True, capture_output=True)
    back = os.path.join(work, "back.raw")
    subprocess.run(["qemu-img", "dd", "-f", "raw", "-O", "raw", "bs=1M", "count=1",
                    f"if={lun_url(data)}", f"of={back}"], check=True, capture_output=True)
    with open(payload, "rb") as a, open(back, "rb") as b:
        assert a.read() == b.read(), "the bytes read back through iSCSI differ from those written"
    refused = subprocess.run(["qemu-img", "info", lun_url(data, password="wrong-password")],
                             capture_output=True, text=True)
    assert refused.returncode != 0, "the target accepted a wrong CHAP password"

    status, _ = call(url, "POST", f"/attachments/{attachment}/action", {"os-complete": {}})
    assert status == 204
    assert wait_status(url, volume, "in-use")["attachments"][0]["attachment_id"] == attachment
    assert data["target_iqn"] in targets()

    status, body = call(url, "DELETE", f"/attachments/{attachment}")
    assert status == 200 and body == {"attachments": []}, body
    wait_status(url, volume, "available")
    assert data["target_iqn"] not in targets(), "the target outlived its only attachment"
    call(url, "DELETE", f"/volumes/{volume}")
