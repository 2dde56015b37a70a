"""Ember in keystone mode with the real clients, found through the Keystone catalog."""
import json
import os
import subprocess
import sys
import time

import requests
from cinderclient import client as cinder_client
import openstack

from conftest import KEYSTONE, PASSWORD, admin_session, keystone_session, wait_for

OPENSTACK = os.path.join(os.path.dirname(sys.executable), "openstack")


def osc(user, project, *args, check=True):
    env = dict(os.environ, OS_AUTH_URL=KEYSTONE, OS_USERNAME=user, OS_PASSWORD=PASSWORD, OS_PROJECT_NAME=project,
               OS_USER_DOMAIN_ID="default", OS_PROJECT_DOMAIN_ID="default", OS_IDENTITY_API_VERSION="3",
               OS_VOLUME_API_VERSION="3", OS_REGION_NAME="RegionOne")
    result = subprocess.run([OPENSTACK, *args, "-f", "json"] if args[-1] != "--no-format" else [OPENSTACK, *args[:-1]],
                            capture_output=True, text=True, timeout=120, env=env)
    if check:
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
        return json.loads(result.stdout) if result.stdout.strip() else None
    return result


def volume_url(sess, path=""):
    endpoint = sess.get_endpoint(service_type="block-storage", interface="public")
    return endpoint.rstrip("/") + path


def test_openstackclient_with_password_auth_through_the_catalog(ember):
    created = osc("alice", "project-a", "volume", "create", "--size", "1", "osc-keystone")
    volume_id = created["id"]
    wait_for(lambda: osc("alice", "project-a", "volume", "show", volume_id)["status"] == "available")
    listed = osc("alice", "project-a", "volume", "list")
    assert any(item["ID"] == volume_id for item in listed)
    # Bob, in project B, neither sees nor deletes it.
    assert all(item["ID"] != volume_id for item in osc("bob", "project-b", "volume", "list"))
    refused = osc("bob", "project-b", "volume", "delete", volume_id, "--no-format", check=False)
    assert refused.returncode != 0
    osc("alice", "project-a", "volume", "delete", volume_id, "--no-format")
    wait_for(lambda: all(item["ID"] != volume_id for item in osc("alice", "project-a", "volume", "list")))


def test_cinderclient_and_openstacksdk_through_the_catalog(ember):
    cinder = cinder_client.Client("3.0", session=keystone_session("alice", "project-a"))
    volume = cinder.volumes.create(1, name="cinderclient-keystone")
    wait_for(lambda: cinder.volumes.get(volume.id).status == "available")
    assert volume.id in [item.id for item in cinder.volumes.list()]

    conn = openstack.connection.Connection(session=keystone_session("alice", "project-a"), region_name="RegionOne")
    sdk_volume = conn.block_storage.create_volume(size=1, name="sdk-keystone")
    wait_for(lambda: conn.block_storage.get_volume(sdk_volume.id).status == "available")
    names = {item.name for item in conn.block_storage.volumes()}
    assert {"cinderclient-keystone", "sdk-keystone"} <= names
    conn.block_storage.delete_volume(sdk_volume.id)
    cinder.volumes.delete(volume.id)


def test_isolation_between_projects_and_roles(ember):
    alice = keystone_session("alice", "project-a")
    volume = alice.post(volume_url(alice, "/volumes"), json={"volume": {"size": 1, "name": "a-private"}},
                        raise_exc=False)
    assert volume.status_code == 202, volume.text
    volume_id = volume.json()["volume"]["id"]

    bob = keystone_session("bob", "project-b")
    for method, path, body in (("GET", "", None), ("PUT", "", {"volume": {"name": "x"}}), ("DELETE", "", None),
                               ("GET", "/metadata", None)):
        response = bob.request(volume_url(bob, f"/volumes/{volume_id}{path}"), method, json=body, raise_exc=False)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["itemNotFound"]["message"] == f"Volume {volume_id} could not be found."

    ann = keystone_session("ann", "project-a")
    created = ann.post(volume_url(ann, "/volumes"), json={"volume": {"size": 1}}, raise_exc=False)
    assert created.status_code == 403
    assert created.json() == {"forbidden": {"code": 403,
                                            "message": "Policy doesn't allow volume:create to be performed."}}
    shown = ann.get(volume_url(ann, f"/volumes/{volume_id}"), raise_exc=False)
    assert shown.status_code == 200
    assert "os-vol-host-attr:host" not in shown.json()["volume"]
    deleted = ann.delete(volume_url(ann, f"/volumes/{volume_id}"), raise_exc=False)
    assert deleted.status_code == 403

    # all_tenants is for admins only: Bob asking for it still sees only project B.
    bob_all = bob.get(volume_url(bob, "/volumes?all_tenants=1"), raise_exc=False)
    assert volume_id not in [item["id"] for item in bob_all.json()["volumes"]]
    admin = admin_session()
    admin_all = admin.get(volume_url(admin, "/volumes/detail?all_tenants=1"), raise_exc=False)
    listed = {item["id"]: item for item in admin_all.json()["volumes"]}
    assert volume_id in listed
    assert "os-vol-host-attr:host" in listed[volume_id]

    wait_for(lambda: alice.get(volume_url(alice, f"/volumes/{volume_id}")).json()["volume"]["status"] == "available")
    assert alice.delete(volume_url(alice, f"/volumes/{volume_id}"), raise_exc=False).status_code == 202


def test_missing_garbage_and_revoked_tokens_are_401(ember):
    alice = keystone_session("alice", "project-a")
    base = volume_url(alice)
    token = alice.get_token()
    assert requests.get(base + "/volumes", headers={"X-Auth-Token": token}).status_code == 200
    revoked_session = keystone_session("bob", "project-b")
    revoked = revoked_session.get_token()
    admin = admin_session()
    admin.delete(KEYSTONE + "/auth/tokens", headers={"X-Subject-Token": revoked})
    for headers in ({}, {"X-Auth-Token": "garbage"}, {"X-Auth-Token": revoked},
                    {"X-User-Id": "x", "X-Project-Id": "y", "X-Roles": "admin"}):
        response = requests.get(base + "/volumes", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"] == f'Keystone uri="{KEYSTONE}"'
        assert response.json()["error"]["code"] == 401


def test_keystone_down_is_503_but_cached_tokens_still_work(ember):
    alice = keystone_session("alice", "project-a")
    base = volume_url(alice)
    cached = alice.get_token()
    assert requests.get(base + "/volumes", headers={"X-Auth-Token": cached}).status_code == 200
    bob = keystone_session("bob", "project-b")
    uncached = bob.get_token()
    bob_base = volume_url(bob)
    pid = int(open(os.path.join(os.environ["EMBER_KEYSTONE_DIR"], "gunicorn.pid")).read())
    os.kill(pid, 15)
    try:
        wait_for(lambda: _down(KEYSTONE))
        started = time.time()
        response = requests.get(bob_base + "/volumes", headers={"X-Auth-Token": uncached})
        assert response.status_code == 503
        assert "The Keystone service is temporarily unavailable." in response.text
        assert time.time() - started < 5
        assert requests.get(base + "/volumes", headers={"X-Auth-Token": cached}).status_code == 200
    finally:
        subprocess.run(["bash", os.environ["EMBER_KEYSTONE_START"]], check=True, timeout=120)
    assert requests.get(bob_base + "/volumes", headers={"X-Auth-Token": uncached}).status_code == 200


def _down(url):
    try:
        requests.get(url, timeout=2)
        return False
    except requests.ConnectionError:
        return True
