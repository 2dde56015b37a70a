"""User messages (3.3), default types per project (3.62) and resource filters (3.33) with the
real clients, unchanged, against `ember all`: `cinder message-list/-show/-delete`,
`openstack volume message list/show/delete`, `cinder default-type-set/-list/-unset`,
`cinder list-filters` and openstacksdk's message, default type and resource filter calls.

A message comes from a real failure: a create whose type names a backend that does not exist,
which the scheduler refuses (cinder's "schedule allocate volume" / "no valid backend")."""
import json
import os
import subprocess
import uuid

import openstack

from conftest import PROJECT, field, wait_for
from test_openstacksdk import connect

BIN = os.path.dirname(os.sys.executable)
NO_BACKEND_TEXT = "schedule allocate volume:Could not find any available weighted backend."


def cinder(ember, version, *args):
    command = [
        os.path.join(BIN, "cinder"), "--os-auth-type", "noauth", "--os-user-id", "admin",
        "--os-project-id", PROJECT, "--os-endpoint", f"{ember}/v3/{PROJECT}",
        "--os-volume-api-version", version, *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return result.stdout


def osc(ember, version, *args, json_output=True):
    command = [
        os.path.join(BIN, "openstack"), "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3",
        "--os-volume-api-version", version, *args,
    ] + (["-f", "json"] if json_output else [])
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if json_output and result.stdout.strip() else result.stdout


def table_cell(output, column):
    """The `column` cell of the first row of a `cinder … list`-style table."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in output.splitlines()
            if line.startswith("|")]
    return rows[1][rows[0].index(column)]


def failed_create(ember):
    """A volume no backend can take; returns its id once it is in error."""
    type_name = "nowhere-" + uuid.uuid4().hex[:8]
    cinder(ember, "3.50", "type-create", type_name)
    cinder(ember, "3.50", "type-key", type_name, "set", "volume_backend_name=no-such-backend")
    volume_id = field(cinder(ember, "3.50", "create", "1", "--volume-type", type_name), "id")
    wait_for(lambda: field(cinder(ember, "3.50", "show", volume_id), "status") == "error", timeout=60)
    return volume_id


def messages_connection(ember):
    """openstacksdk's Message resource names no microversion: without a default one the SDK
    asks at 3.0, where cinder has no /messages (404), so the caller sets 3.5 as cinder's
    docs tell SDK users to."""
    return openstack.connect(
        auth_type="none",
        auth={"endpoint": f"{ember}/v3"},
        block_storage_endpoint_override=f"{ember}/v3",
        block_storage_api_version="3",
        block_storage_default_microversion="3.5",
    )


def message_for(ember, volume_id):
    conn = messages_connection(ember)
    return wait_for(
        lambda: next((m for m in conn.block_storage.messages() if m.resource_uuid == volume_id), None),
        timeout=60,
    )


def test_cinder_message_list_show_delete(ember):
    volume_id = failed_create(ember)
    message = message_for(ember, volume_id)
    listed = cinder(ember, "3.5", "message-list", "--resource_uuid", volume_id)
    assert message.id in listed and "VOLUME_VOLUME_001_003" in listed
    shown = cinder(ember, "3.3", "message-show", message.id)
    assert field(shown, "user_message") == NO_BACKEND_TEXT
    assert field(shown, "resource_uuid") == volume_id
    assert field(shown, "message_level") == "ERROR"
    cinder(ember, "3.3", "message-delete", message.id)
    assert message.id not in cinder(ember, "3.3", "message-list")


def test_openstack_volume_message_list_show_delete(ember):
    volume_id = failed_create(ember)
    message = message_for(ember, volume_id)
    listed = osc(ember, "3.3", "volume", "message", "list")
    item = next(item for item in listed if item["ID"] == message.id)
    assert item["User Message"] == NO_BACKEND_TEXT
    assert item["Event ID"] == "VOLUME_VOLUME_001_003" and item["Resource UUID"] == volume_id
    # `show` goes through openstacksdk's get_message, whose Message resource reads the body
    # under "messages" (cinder answers {"message": …}): only the id it asked for comes back,
    # against cinder as against Ember.
    shown = osc(ember, "3.3", "volume", "message", "show", message.id)
    assert shown["ID"] == message.id
    osc(ember, "3.3", "volume", "message", "delete", message.id, json_output=False)
    assert not any(item["ID"] == message.id for item in osc(ember, "3.3", "volume", "message", "list"))


def test_openstacksdk_messages(ember):
    volume_id = failed_create(ember)
    message = message_for(ember, volume_id)
    conn = messages_connection(ember)
    assert message.user_message == NO_BACKEND_TEXT and message.resource_type == "VOLUME"
    assert message.event_id == "VOLUME_VOLUME_001_003" and message.message_level == "ERROR"
    # get_message answers (its resource_key "messages" finds no fields in {"message": …}).
    assert conn.block_storage.get_message(message.id).id == message.id
    conn.block_storage.delete_message(message.id)
    assert not any(m.id == message.id for m in conn.block_storage.messages())


def test_cinder_default_type_set_list_unset(ember):
    project = uuid.uuid4().hex
    type_name = "dt-" + uuid.uuid4().hex[:8]
    type_id = table_cell(cinder(ember, "3.50", "type-create", type_name), "ID")
    set_output = cinder(ember, "3.62", "default-type-set", type_name, project)
    assert field(set_output, "volume_type_id") == type_id and field(set_output, "project_id") == project
    listed = cinder(ember, "3.62", "default-type-list")
    assert project in listed and type_id in listed
    one = cinder(ember, "3.62", "default-type-list", "--project-id", project)
    assert field(one, "volume_type_id") == type_id
    # The type is some project's default: deleting it is refused.
    refused = subprocess.run(
        [os.path.join(BIN, "cinder"), "--os-auth-type", "noauth", "--os-user-id", "admin",
         "--os-project-id", PROJECT, "--os-endpoint", f"{ember}/v3/{PROJECT}",
         "--os-volume-api-version", "3.50", "type-delete", type_id],
        capture_output=True, text=True, timeout=60,
    )
    assert "is a default volume type and cannot be deleted" in refused.stdout + refused.stderr
    unset = cinder(ember, "3.62", "default-type-unset", project)
    assert "has been unset successfully" in unset
    assert project not in cinder(ember, "3.62", "default-type-list")
    cinder(ember, "3.50", "type-delete", type_id)


def test_default_type_is_used_at_create(ember):
    type_name = "dt-create-" + uuid.uuid4().hex[:8]
    cinder(ember, "3.50", "type-create", type_name)
    cinder(ember, "3.62", "default-type-set", type_name, PROJECT)
    try:
        volume_id = field(cinder(ember, "3.50", "create", "1"), "id")
        assert field(cinder(ember, "3.50", "show", volume_id), "volume_type") == type_name
        wait_for(lambda: field(cinder(ember, "3.50", "show", volume_id), "status") == "available")
        cinder(ember, "3.50", "delete", volume_id)
    finally:
        cinder(ember, "3.62", "default-type-unset", PROJECT)


def test_openstacksdk_default_types_and_resource_filters(ember):
    conn = connect(ember)
    project = uuid.uuid4().hex
    volume_type = conn.block_storage.create_type(name="sdk-dt-" + uuid.uuid4().hex[:8])
    conn.block_storage.set_default_type(project, volume_type)
    assert conn.block_storage.show_default_type(project).volume_type_id == volume_type.id
    assert any(item.project_id == project for item in conn.block_storage.default_types())
    conn.block_storage.unset_default_type(project)
    assert not any(item.project_id == project for item in conn.block_storage.default_types())
    filters = {item.resource: item.filters for item in conn.block_storage.resource_filters()}
    assert filters["message"] == ["resource_uuid", "resource_type", "event_id", "request_id", "message_level"]
    conn.block_storage.delete_type(volume_type)


def test_cinder_list_filters(ember):
    listed = cinder(ember, "3.33", "list-filters", "--resource", "volume")
    assert "volume" in listed and "consumes_quota" in listed
