"""2,000 idle and slow (slowloris) connections on `ember all` (SQLite): other clients are still
served within their p99, measured side by side in one run (the same 200 requests without, then
with, the slow connections open); `client_socket_timeout` closes the slow ones (a client that
trickles a request's headers a byte at a time is closed that long after it connected, however
often it sends); `osapi_volume_max_connections` closes a connection accepted beyond it at once.

Raises this process's soft file-descriptor limit (ember inherits it). Bounded: about 40 s.
Port EMBER_SLOW_TEST_PORT (18755), below the ephemeral range.
"""
import http.client
import os
import resource
import socket
import sys
import tempfile
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ember_process import ROOT, run_ember  # noqa: E402

PORT = int(os.environ.get("EMBER_SLOW_TEST_PORT", "18755"))
PROJECT = "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1"
HEADERS = {"X-Auth-Token": f"admin:{PROJECT}"}
SLOW = 2000
CLIENT_SOCKET_TIMEOUT = 12
MAX_CONNECTIONS = 2100


@pytest.fixture(scope="module")
def ember():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = SLOW * 2 + 1000
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.fail(f"the hard file-descriptor limit {hard} is below {wanted}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    state = tempfile.mkdtemp(prefix="ember-slow-")
    conf = (
        "[DEFAULT]\n"
        "osapi_volume_listen = 127.0.0.1\n"
        f"osapi_volume_listen_port = {PORT}\n"
        f"api_paste_config = {ROOT}/etc/ember/api-paste.ini\n"
        f"state_path = {state}\n"
        f"client_socket_timeout = {CLIENT_SOCKET_TIMEOUT}\n"
        f"osapi_volume_max_connections = {MAX_CONNECTIONS}\n"
    )
    yield from run_ember(state, conf, PORT, start_timeout=60)


def latencies(count):
    """`count` requests one after another, each on a fresh connection: seconds each took."""
    took = []
    for _ in range(count):
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        try:
            connection.request("GET", f"/v3/{PROJECT}/volumes?limit=5", headers=HEADERS)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
        finally:
            connection.close()
        took.append(time.monotonic() - started)
    return took


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def closed_by_server(sock):
    """True when the server closed `sock` (EOF or reset), without waiting (a blocking socket)."""
    try:
        return sock.recv(1, socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_slow_connections_do_not_slow_other_clients_and_are_closed(ember):
    latencies(20)  # warm up
    without = latencies(200)

    # Half idle (connected, nothing sent), half slowloris (a request line, then one header
    # byte every second from a thread).
    slow = []
    for number in range(SLOW):
        sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        sock.settimeout(None)  # blocking: MSG_DONTWAIT then answers at once
        if number % 2:
            sock.sendall(b"GET /healthcheck HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        slow.append(sock)
    opened_at = time.monotonic()
    stop = threading.Event()

    def trickle():
        while not stop.wait(1.0):
            for sock in slow[1::2]:
                try:
                    sock.send(b"a")
                except OSError:
                    pass

    trickler = threading.Thread(target=trickle)
    trickler.start()
    try:
        time.sleep(1)
        alive = sum(not closed_by_server(sock) for sock in slow)
        assert alive == SLOW, f"only {alive} of {SLOW} slow connections were kept (below the limit)"
        with_slow = latencies(200)

        # Beyond osapi_volume_max_connections a new connection is closed at once.
        extra = [socket.create_connection(("127.0.0.1", PORT), timeout=10)
                 for _ in range(MAX_CONNECTIONS - SLOW + 20)]
        for sock in extra:
            sock.settimeout(None)
        time.sleep(1)
        refused = sum(closed_by_server(sock) for sock in extra)
        for sock in extra:
            sock.close()
        assert refused >= 20, f"{refused} of the connections beyond the limit were closed"

        # client_socket_timeout closes idle and slow connections alike, counted from connect.
        deadline = opened_at + CLIENT_SOCKET_TIMEOUT + 8
        while time.monotonic() < deadline and not all(closed_by_server(sock) for sock in slow):
            time.sleep(0.5)
        still_open = sum(not closed_by_server(sock) for sock in slow)
        closed_after = time.monotonic() - opened_at
    finally:
        stop.set()
        trickler.join()
        for sock in slow:
            sock.close()

    base, loaded = p99(without), p99(with_slow)
    print(f"\np99 without {SLOW} slow connections: {base * 1000:.1f} ms, with: {loaded * 1000:.1f} ms; "
          f"median {sorted(without)[100] * 1000:.1f} ms / {sorted(with_slow)[100] * 1000:.1f} ms; "
          f"slow connections closed after {closed_after:.1f} s")
    assert loaded <= max(3 * base, base + 0.25), f"p99 {loaded:.3f} s with slow connections, {base:.3f} s without"
    assert still_open == 0, f"{still_open} slow connections still open {closed_after:.0f} s after they connected"
