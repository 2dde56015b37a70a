"""`GET /metrics` of a real `ember all` with `[metrics] enabled = true`, scraped the way
Prometheus scrapes it, while openstacksdk creates and deletes volumes: requests by route
template, volumes by status and backend, pool capacity from the scheduler, the database
pool and the process."""
import re
import urllib.request

from conftest import wait_for
from test_openstacksdk import connect

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')


def scrape(ember):
    with urllib.request.urlopen(f"{ember}/metrics", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample: {line!r}"
        name, labels, value = match.groups()
        pairs = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels or ""))
        samples.append((name, pairs, float(value)))
    return samples


def total(samples, name, **labels):
    return sum(v for n, l, v in samples if n == name and all(l.get(k) == x for k, x in labels.items()))


def test_metrics_follow_the_volumes_and_requests(ember_metrics):
    conn = connect(ember_metrics)
    volumes = [conn.block_storage.create_volume(size=1, name=f"metrics-{i}") for i in range(2)]
    for volume in volumes:
        conn.block_storage.wait_for_status(volume, status="available", wait=60)

    samples = scrape(ember_metrics)
    assert total(samples, "ember_volumes", status="available") == 2
    backends = {l["backend"] for n, l, _ in samples if n == "ember_volumes"}
    assert all("@" in backend for backend in backends), backends
    creates = [
        (l, v) for n, l, v in samples
        if n == "ember_http_requests_total" and l["method"] == "POST" and l["status"] == "202"
    ]
    assert [l["route"] for l, _ in creates] == ["/v3/volumes"], creates
    assert creates[0][1] == 2
    assert total(samples, "ember_http_request_duration_seconds_count", route="/v3/volumes", method="POST") == 2
    assert all(volume.id not in l.get("route", "") for volume in volumes for _, l, _ in samples)
    assert total(samples, "process_resident_memory_bytes") > 10_000_000
    assert total(samples, "process_open_fds") > 3
    assert any(n == "ember_db_connections_in_use" for n, _, _ in samples)

    # The scheduler reports pools once the backend's capabilities reached it.
    def capacity():
        current = scrape(ember_metrics)
        return total(current, "ember_backend_capacity_gib", kind="total") > 0 and current
    current = wait_for(capacity, timeout=30, interval=0.5)
    pools = {l["pool"] for n, l, _ in current if n == "ember_backend_capacity_gib"}
    assert pools and all("#" in pool for pool in pools), pools

    for volume in volumes:
        conn.block_storage.delete_volume(volume)
    for volume in volumes:
        conn.block_storage.wait_for_delete(volume, wait=60)
    after = scrape(ember_metrics)
    assert total(after, "ember_volumes", status="available") == 0
    assert total(after, "ember_http_requests_total", route="/v3/volumes/{id}", method="DELETE", status="202") == 2
