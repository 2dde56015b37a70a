"""Hostile input against a real `ember all`, over raw HTTP: every route below answers a clear
4xx (never a 5xx, a hang or an empty answer where a fault belongs) and stores nothing.

Bodies: invalid UTF-8, nesting 10,000 deep, numbers beyond any integer, duplicate keys, wrong
types, 100,000-element arrays. Queries: SQL metacharacters in every filter, sort key, sort
direction, limit and marker. Headers: a line over `max_header_line`, more than 100 fields.
Names with path traversal are only names: no file is made from them."""
import http.client
import json
import os
import socket
import time
import urllib.parse

import pytest

from conftest import PROJECT, wait_for

TOKEN = {"X-Auth-Token": f"admin:{PROJECT}"}
JSON = {"Content-Type": "application/json", **TOKEN}

HOSTILE_BODIES = {
    "invalid UTF-8": b'{"x": {"name": "\xff\xfe\xc3"}}',
    "nesting 10,000 deep": b"[" * 10_000 + b"]" * 10_000,
    "objects 10,000 deep": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "a number beyond any integer": b'{"x": {"size": 1e400}}',
    "a 30-digit integer": b'{"x": {"size": 999999999999999999999999999999}}',
    "an array where an object belongs": b"[1, 2, 3]",
    "a string where an object belongs": b'"volume"',
    "100,000-element array": json.dumps({"x": list(range(100_000))}).encode(),
    "truncated": b'{"x": {"size": ',
    "a NUL in a key": b'{"x\\u0000": 1}',
}


def request(ember, method, path, body=None, headers=None):
    url = urllib.parse.urlsplit(ember)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    started = time.monotonic()
    connection.request(method, path, body=body, headers=headers or JSON)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    assert time.monotonic() - started < 10, f"{method} {path} took {time.monotonic() - started:.1f} s"
    return response.status, data


def fault(status, data):
    """The fault's message; asserts it is an OpenStack JSON fault."""
    document = json.loads(data)
    (name, body), = document.items()
    assert body["code"] == status, document
    assert body["message"], document
    return body["message"]


def counts(ember):
    """How many of each resource exist: what a refused request must not change."""
    found = {}
    for collection in ["volumes", "snapshots", "backups", "types", "qos-specs", "volume-transfers", "attachments"]:
        status, data = request(
            ember, "GET", f"/v3/{PROJECT}/{collection}?all_tenants=1",
            headers={**TOKEN, "OpenStack-API-Version": "volume 3.71"},
        )
        assert status == 200, (collection, data)
        (items,) = [value for key, value in json.loads(data).items() if isinstance(value, list)]
        found[collection] = len(items)
    return found


@pytest.fixture(scope="module")
def volume(ember):
    status, data = request(ember, "POST", f"/v3/{PROJECT}/volumes",
                           json.dumps({"volume": {"size": 1, "name": "hostile-target"}}).encode())
    assert status == 202, data
    volume_id = json.loads(data)["volume"]["id"]

    def available():
        return json.loads(request(ember, "GET", f"/v3/{PROJECT}/volumes/{volume_id}")[1])["volume"]["status"] == "available"
    wait_for(available, timeout=60)
    return volume_id


def body_routes(volume):
    return [
        ("POST", f"/v3/{PROJECT}/volumes"),
        ("PUT", f"/v3/{PROJECT}/volumes/{volume}"),
        ("POST", f"/v3/{PROJECT}/volumes/{volume}/action"),
        ("POST", f"/v3/{PROJECT}/volumes/{volume}/metadata"),
        ("POST", f"/v3/{PROJECT}/snapshots"),
        ("POST", f"/v3/{PROJECT}/backups"),
        ("POST", f"/v3/{PROJECT}/types"),
        ("POST", f"/v3/{PROJECT}/qos-specs"),
        ("POST", f"/v3/{PROJECT}/volume-transfers"),
        ("POST", f"/v3/{PROJECT}/attachments"),
        ("PUT", f"/v3/{PROJECT}/os-quota-sets/{PROJECT}"),
    ]


def test_hostile_bodies_get_a_clear_4xx_and_store_nothing(ember, volume):
    before = counts(ember)
    for method, path in body_routes(volume):
        for what, body in HOSTILE_BODIES.items():
            headers = {**JSON, "OpenStack-API-Version": "volume 3.71"}
            status, data = request(ember, method, path, body, headers)
            assert status in (400, 413), f"{method} {path} with {what}: {status} {data[:200]!r}"
            if status == 400:
                fault(status, data)
    assert counts(ember) == before
    status, data = request(ember, "GET", f"/v3/{PROJECT}/volumes/{volume}")
    assert json.loads(data)["volume"]["name"] == "hostile-target"


def test_duplicate_keys_are_refused_naming_the_key(ember, volume):
    before = counts(ember)
    status, data = request(ember, "POST", f"/v3/{PROJECT}/volumes", b'{"volume": {"size": 1, "size": 2}}')
    assert status == 400
    assert "'size' appears twice" in fault(status, data)
    status, data = request(ember, "PUT", f"/v3/{PROJECT}/volumes/{volume}",
                           b'{"volume": {"name": "a", "name": "b"}}')
    assert status == 400
    assert counts(ember) == before
    assert json.loads(request(ember, "GET", f"/v3/{PROJECT}/volumes/{volume}")[1])["volume"]["name"] == "hostile-target"


SQL = ["' OR 1=1 --", "\"; DROP TABLE volumes; --", "%' OR name LIKE '%", "1) UNION SELECT * FROM services --", "\\"]


@pytest.mark.parametrize("collection", [
    "volumes", "volumes/detail", "snapshots/detail", "backups/detail", "types", "qos-specs",
    "volume-transfers/detail", "attachments/detail", "messages", "default-types",
])
def test_sql_metacharacters_in_queries_are_data_or_a_4xx(ember, volume, collection):
    before = counts(ember)
    headers = {**TOKEN, "OpenStack-API-Version": "volume 3.71"}
    for text in SQL:
        quoted = urllib.parse.quote(text, safe="")
        for query in [f"name={quoted}", f"status={quoted}", f"sort={quoted}", f"sort_key={quoted}",
                      f"sort_dir={quoted}", f"marker={quoted}", f"limit={quoted}", f"offset={quoted}",
                      f"metadata={quoted}", f"{quoted}=1"]:
            status, data = request(ember, "GET", f"/v3/{PROJECT}/{collection}?{query}", headers=headers)
            assert status < 500, f"{collection}?{query}: {status} {data[:200]!r}"
            if status >= 400:
                fault(status, data)
            else:
                listed = [v for v in json.loads(data).values() if isinstance(v, list)]
                assert all(not items or text not in json.dumps(items) for items in listed), data[:300]
    assert counts(ember) == before


def test_names_with_path_traversal_are_only_names(ember):
    state_files_before = set()
    name = "../../../../tmp/ember-hostile-" + os.urandom(4).hex()
    status, data = request(ember, "POST", f"/v3/{PROJECT}/volumes",
                           json.dumps({"volume": {"size": 1, "name": name}}).encode())
    assert status == 202
    volume_id = json.loads(data)["volume"]["id"]
    wait_for(lambda: json.loads(request(ember, "GET", f"/v3/{PROJECT}/volumes/{volume_id}")[1])
             ["volume"]["status"] == "available", timeout=60)
    assert not os.path.exists(os.path.normpath(name)) and not os.path.exists(name.replace("../", "/"))
    assert json.loads(request(ember, "GET", f"/v3/{PROJECT}/volumes/{volume_id}")[1])["volume"]["name"] == name
    status, _ = request(ember, "DELETE", f"/v3/{PROJECT}/volumes/{volume_id}")
    assert status == 202
    del state_files_before


def raw(ember, text):
    url = urllib.parse.urlsplit(ember)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(text.encode())
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
        return b"".join(chunks)


def test_oversized_headers_are_refused_with_a_fault(ember):
    request_line = f"GET /v3/{PROJECT}/volumes HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:{PROJECT}\r\n"
    long_line = raw(ember, request_line + "X-Long: " + "a" * 16_400 + "\r\n\r\n")
    assert long_line.startswith(b"HTTP/1.1 400"), long_line[:200]
    assert b"max_header_line" in long_line
    many = raw(ember, request_line + "".join(f"X-H{i}: a\r\n" for i in range(120)) + "\r\n")
    assert many.startswith(b"HTTP/1.1 400"), many[:200]
    assert b"Too many headers" in many
    fine = raw(ember, request_line + "X-Fine: " + "a" * 15_000 + "\r\nConnection: close\r\n\r\n")
    assert fine.startswith(b"HTTP/1.1 200"), fine[:200]


def test_a_body_that_never_arrives_does_not_stop_other_clients(ember):
    url = urllib.parse.urlsplit(ember)
    stalled = []
    for _ in range(20):
        sock = socket.create_connection((url.hostname, url.port), timeout=30)
        sock.sendall((f"POST /v3/{PROJECT}/volumes HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:{PROJECT}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"volume\"").encode())
        stalled.append(sock)
    try:
        started = time.monotonic()
        status, _ = request(ember, "GET", f"/v3/{PROJECT}/volumes")
        assert status == 200
        assert time.monotonic() - started < 2
    finally:
        for sock in stalled:
            sock.close()
