"""openstacksdk's block storage proxy, unchanged, with auth type none."""
import openstack

from conftest import wait_for


def connect(ember):
    return openstack.connect(
        auth_type="none",
        auth={"endpoint": f"{ember}/v3"},
        block_storage_endpoint_override=f"{ember}/v3",
        block_storage_api_version="3",
    )


def test_list_create_update_delete(ember):
    conn = connect(ember)
    volume = conn.block_storage.create_volume(size=1, name="sdk-volume", metadata={"k": "v"})
    assert volume.status == "creating"
    assert any(item.id == volume.id for item in conn.block_storage.volumes())
    wait_for(lambda: conn.block_storage.get_volume(volume.id).status == "available")

    fetched = conn.block_storage.get_volume(volume.id)
    assert fetched.name == "sdk-volume"
    assert fetched.metadata == {"k": "v"}

    conn.block_storage.update_volume(volume.id, name="sdk-renamed", description="updated")
    fetched = conn.block_storage.get_volume(volume.id)
    assert fetched.name == "sdk-renamed" and fetched.description == "updated"

    conn.block_storage.delete_volume(volume.id)
    wait_for(lambda: not any(item.id == volume.id for item in conn.block_storage.volumes()))


def test_snapshot_create_list_delete_and_extend(ember):
    conn = connect(ember)
    volume = conn.block_storage.create_volume(size=1, name="sdk-snap-source")
    wait_for(lambda: conn.block_storage.get_volume(volume.id).status == "available")

    snapshot = conn.block_storage.create_snapshot(volume_id=volume.id, name="sdk-snap", description="d")
    assert snapshot.status == "creating"
    wait_for(lambda: conn.block_storage.get_snapshot(snapshot.id).status == "available")
    assert any(item.id == snapshot.id for item in conn.block_storage.snapshots())
    fetched = conn.block_storage.get_snapshot(snapshot.id)
    assert fetched.name == "sdk-snap" and fetched.volume_id == volume.id and fetched.size == 1

    conn.block_storage.delete_snapshot(snapshot.id)
    wait_for(lambda: not any(item.id == snapshot.id for item in conn.block_storage.snapshots()))

    conn.block_storage.extend_volume(volume.id, 2)
    wait_for(lambda: conn.block_storage.get_volume(volume.id).size == 2
             and conn.block_storage.get_volume(volume.id).status == "available")

    conn.block_storage.delete_volume(volume.id)
    wait_for(lambda: not any(item.id == volume.id for item in conn.block_storage.volumes()))
