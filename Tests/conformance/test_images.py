"""Images with the real clients: `cinder create --image`, `openstack volume create --image`,
`cinder upload-to-image` and `openstack image create --volume`, against a real Glance
(`.ci/glance.sh`); byte for byte through Glance's own API."""
import hashlib
import json
import os
import subprocess
import urllib.request

import pytest

from conftest import GLANCE, wait_for
from test_cinderclient import cinder, field
from test_openstackclient import OPENSTACK

pytestmark = pytest.mark.skipif(
    GLANCE is None and not os.environ.get("CI"),
    reason="notice: EMBER_TEST_GLANCE_URL not set; skipping the image tests against a real Glance",
)

GIB = 1 << 30


def glance(method, path, body=None, data=None):
    """A Glance v2 request (no auth: glance.sh runs without Keystone)."""
    assert GLANCE, "CI is set but EMBER_TEST_GLANCE_URL is missing"
    headers = {}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif data is not None:
        headers["Content-Type"] = "application/octet-stream"
    request = urllib.request.Request(GLANCE + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=300) as response:
        payload = response.read()
    return json.loads(payload) if payload and response.headers.get_content_type() == "application/json" else payload


def pattern(count, seed):
    """Deterministic bytes with no zero byte."""
    out = bytearray()
    block = hashlib.sha256(str(seed).encode()).digest()
    while len(out) < count:
        block = hashlib.sha256(block).digest()
        out += bytes(b | 1 for b in block)
    return bytes(out[:count])


@pytest.fixture()
def image():
    """An active raw image with known bytes and a custom property; deleted afterwards."""
    data = pattern(2 * (1 << 20) + 999, seed=42)
    created = glance("POST", "/v2/images", {
        "name": "ember-conformance-image", "disk_format": "raw", "container_format": "bare", "ember_os": "linux",
    })
    glance("PUT", f"/v2/images/{created['id']}/file", data=data)
    yield created["id"], data
    try:
        glance("DELETE", f"/v2/images/{created['id']}")
    except Exception:
        pass


def image_data_matches(image_id, prefix, length):
    """Streams an image's data and compares it with `prefix` followed by zeros."""
    request = urllib.request.Request(f"{GLANCE}/v2/images/{image_id}/file")
    seen = 0
    with urllib.request.urlopen(request, timeout=300) as response:
        while True:
            chunk = response.read(1 << 20)
            if not chunk:
                break
            if seen < len(prefix):
                head = prefix[seen:seen + len(chunk)]
                if chunk[:len(head)] != head:
                    return False
                rest = chunk[len(head):]
            else:
                rest = chunk
            if rest.count(0) != len(rest):
                return False
            seen += len(chunk)
    return seen == length


def wait_for_image(image_id):
    return wait_for(lambda: glance("GET", f"/v2/images/{image_id}")["status"] == "active", timeout=180)


def openstack(ember, *args):
    """`openstack` with auth type none; the image service is Glance's URL (no catalog)."""
    command = [
        OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3", "--os-volume-api-version", "3",
        *args, "-f", "json",
    ]
    environment = dict(os.environ, OS_IMAGE_ENDPOINT_OVERRIDE=GLANCE or "")
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}{result.stdout}"
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_cinder_create_from_image_and_upload_to_image(ember, image):
    image_id, data = image
    created = cinder(ember, "create", "--image", image_id, "--name", "cc-from-image", "1")
    volume_id = field(created, "id")
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") in ("available", "error"), timeout=120)
    shown = cinder(ember, "show", volume_id)
    assert field(shown, "status") == "available"
    assert field(shown, "bootable") == "true"
    assert image_id in shown and "ember_os" in shown

    uploaded = cinder(ember, "upload-to-image", volume_id, "cc-uploaded")
    new_image = field(uploaded, "image_id")
    assert field(uploaded, "status") == "uploading"
    assert field(uploaded, "disk_format") == "raw"
    wait_for_image(new_image)
    wait_for(lambda: field(cinder(ember, "show", volume_id), "status") == "available", timeout=120)
    meta = glance("GET", f"/v2/images/{new_image}")
    assert meta["size"] == GIB
    assert meta["ember_os"] == "linux"
    assert image_data_matches(new_image, data, GIB)
    glance("DELETE", f"/v2/images/{new_image}")
    cinder(ember, "delete", volume_id)


def test_openstack_volume_create_from_image_and_image_create_from_volume(ember, image):
    image_id, data = image
    volume = openstack(ember, "volume", "create", "--image", image_id, "--size", "1", "osc-from-image")
    wait_for(lambda: openstack(ember, "volume", "show", volume["id"])["status"] in ("available", "error"),
             timeout=120)
    shown = openstack(ember, "volume", "show", volume["id"])
    assert shown["status"] == "available"
    assert shown["bootable"] in ("true", True)
    assert shown["volume_image_metadata"]["image_id"] == image_id

    created = openstack(ember, "image", "create", "--volume", volume["id"], "--disk-format", "raw",
                        "osc-uploaded")
    assert created["status"] == "uploading"
    assert created["volume_type"] == "__DEFAULT__"
    wait_for_image(created["image_id"])
    assert image_data_matches(created["image_id"], data, GIB)
    glance("DELETE", f"/v2/images/{created['image_id']}")
    wait_for(lambda: openstack(ember, "volume", "show", volume["id"])["status"] == "available", timeout=120)
    subprocess.run([OPENSTACK, "--os-auth-type", "none", "--os-endpoint", f"{ember}/v3", "volume", "delete",
                    volume["id"]], check=True, capture_output=True, timeout=60)


def test_unknown_image_is_cinders_400(ember):
    command = [
        os.path.join(os.path.dirname(os.sys.executable), "cinder"), "--os-auth-type", "noauth",
        "--os-user-id", "admin", "--os-project-id", "e9b8d2d1c5a44c8d9a3f2b7c6d5e4f30",
        "--os-endpoint", f"{ember}/v3/e9b8d2d1c5a44c8d9a3f2b7c6d5e4f30", "create", "--image",
        "00000000-0000-4000-8000-000000000000", "1",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Invalid image identifier or unable to access requested image. (HTTP 400)" in result.stderr
