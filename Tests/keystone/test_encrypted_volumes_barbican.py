"""Encrypted volumes end to end in keystone mode: Ember's default key manager (Barbican,
found through the caller's Keystone catalog) keeps each volume's key as a Barbican secret of
the caller's project. A volume of an encrypted type has a key in Barbican after create; a clone
gets a different key id holding the same secret; a transfer (3.70) moves the key to the
accepting project through the service's own context; delete removes the key.

Needs .ci/barbican.sh's Barbican (EMBER_TEST_BARBICAN_URL); CI fails rather than skips."""
import os
import uuid

import pytest

from conftest import admin_session, keystone_session, wait_for

BARBICAN = os.environ.get("EMBER_TEST_BARBICAN_URL")


def url(sess, path):
    return sess.get_endpoint(service_type="block-storage", interface="public").rstrip("/") + path


def secret(sess, key_id):
    """Barbican's view of a key: (status code, metadata, payload bytes or None)."""
    meta = sess.get(f"{BARBICAN}/v1/secrets/{key_id}", raise_exc=False)
    if meta.status_code != 200:
        return meta.status_code, None, None
    payload = sess.get(f"{BARBICAN}/v1/secrets/{key_id}/payload",
                       headers={"Accept": "application/octet-stream"}, raise_exc=False)
    return 200, meta.json(), payload.content


def test_an_encrypted_volume_has_its_key_in_barbican(ember):
    if not BARBICAN:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Barbican tests (EMBER_TEST_BARBICAN_URL is not set)")
        pytest.skip("EMBER_TEST_BARBICAN_URL not set: source .ci/barbican.sh")
    admin = admin_session()
    type_name = "luks-" + uuid.uuid4().hex[:8]
    created = admin.post(url(admin, "/types"), json={"volume_type": {"name": type_name}})
    assert created.status_code == 200, created.text
    type_id = created.json()["volume_type"]["id"]
    encryption = {"provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256, "control_location": "front-end"}
    response = admin.post(url(admin, f"/types/{type_id}/encryption"), json={"encryption": encryption})
    assert response.status_code == 200, response.text

    alice = keystone_session("alice", "project-a")

    def create(body):
        answer = alice.post(url(alice, "/volumes"), json={"volume": body})
        assert answer.status_code == 202, answer.text
        volume_id = answer.json()["volume"]["id"]
        wait_for(lambda: alice.get(url(alice, f"/volumes/{volume_id}")).json()["volume"]["status"] == "available",
                 timeout=60)
        metadata = alice.get(url(alice, f"/volumes/{volume_id}/encryption")).json()
        return volume_id, metadata

    source, source_meta = create({"size": 1, "volume_type": type_name, "name": "encrypted-source"})
    assert source_meta["cipher"] == "aes-xts-plain64" and source_meta["provider"] == "luks", source_meta
    status, meta, key = secret(alice, source_meta["encryption_key_id"])
    assert status == 200, status
    assert meta["algorithm"].lower() == "aes" and meta["bit_length"] == 256, meta
    assert len(key) == 32

    clone, clone_meta = create({"size": 1, "source_volid": source, "name": "encrypted-clone"})
    assert clone_meta["encryption_key_id"] != source_meta["encryption_key_id"]
    status, _, clone_key = secret(alice, clone_meta["encryption_key_id"])
    assert status == 200 and clone_key == key, "the clone's key holds the same secret"

    # A transfer at 3.70 moves the key: to the service's own project while the volume awaits
    # transfer, then to the accepting project; the secret stays the same, the old keys go.
    v370 = {"OpenStack-API-Version": "volume 3.70"}
    answer = alice.post(url(alice, "/volume-transfers"), headers=v370,
                        json={"transfer": {"volume_id": clone, "name": "encrypted-transfer"}})
    assert answer.status_code == 202, answer.text
    transfer = answer.json()["transfer"]
    bob = keystone_session("bob", "project-b")
    accepted = bob.post(url(bob, f"/volume-transfers/{transfer['id']}/accept"), headers=v370,
                        json={"accept": {"auth_key": transfer["auth_key"]}})
    assert accepted.status_code == 202, accepted.text
    moved = bob.get(url(bob, f"/volumes/{clone}/encryption")).json()
    assert moved["encryption_key_id"] not in (clone_meta["encryption_key_id"], None), moved
    status, _, moved_key = secret(bob, moved["encryption_key_id"])
    assert status == 200 and moved_key == key, "the accepting project reads the same secret"
    assert secret(alice, clone_meta["encryption_key_id"])[0] == 404, "the giver's key is gone"
    assert bob.delete(url(bob, f"/volumes/{clone}")).status_code == 202
    wait_for(lambda: bob.get(url(bob, f"/volumes/{clone}"), raise_exc=False).status_code == 404, timeout=60)
    assert secret(bob, moved["encryption_key_id"])[0] == 404

    for volume_id, meta in [(source, source_meta)]:
        assert alice.delete(url(alice, f"/volumes/{volume_id}")).status_code == 202
        wait_for(lambda: alice.get(url(alice, f"/volumes/{volume_id}"), raise_exc=False).status_code == 404,
                 timeout=60)
        assert secret(alice, meta["encryption_key_id"])[0] == 404, "delete removed the key"
    assert admin.delete(url(admin, f"/types/{type_id}/encryption/provider")).status_code == 202
    assert admin.delete(url(admin, f"/types/{type_id}")).status_code == 202
