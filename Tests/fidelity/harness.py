"""The fidelity harness's machinery: sending a scenario to a server, normalising the answers,
and comparing two answers (cinder 29.0.0's and Ember's) or an answer and an expectation."""
import fnmatch
import json
import re
import time
import urllib.error
import urllib.request

# The request headers that carry the caller (the paste pipeline's `keystonecontext` without
# `authtoken`, on both servers).
ROLES = {
    "admin": "admin,member,reader",
    "member": "member,reader",
    "reader": "reader",
}
USER = "5f1f1a7ed1cb4e0d8a3b2c1d0e9f8a7b"

# Response headers whose presence (and, for some, value) the harness compares.
COMPARED_HEADERS = (
    "openstack-api-version", "vary", "location", "content-type", "x-openstack-request-id",
    "x-compute-request-id", "etag", "www-authenticate",
)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")


class Response:
    def __init__(self, status, headers, body, raw):
        self.status = status
        self.headers = headers  # lower-cased names → value
        self.body = body  # parsed JSON, or None
        self.raw = raw  # the body's text

    def json_path(self, path):
        value = self.body
        for part in path.split("."):
            if isinstance(value, list):
                value = value[int(part)]
            else:
                value = value[part]
        return value


class Step:
    """One request of a scenario.

    path may name earlier captures as {name}; `save` maps a capture name to a dotted path in
    the answer's body; `wait` polls `GET wait[0]` until the body's `wait[1]` dotted path is one
    of `wait[2]` (or, with wait[2] == 404, until the resource is gone)."""

    def __init__(self, id, method, path, body=None, version=None, role="admin", project=None,
                 save=None, wait=None, headers=None, raw_body=None, content_type=None):
        self.id = id
        self.method = method
        self.path = path
        self.body = body
        self.raw_body = raw_body
        self.content_type = content_type
        self.version = version
        self.role = role
        self.project = project
        self.save = save or {}
        self.wait = wait
        self.headers = headers or {}


class Target:
    """A server the scenario runs against, with the ids its answers produced."""

    def __init__(self, name, base, project, other_project):
        self.name = name
        self.base = base.rstrip("/")
        self.captures = {"project": project, "other_project": other_project}
        self.results = {}

    def request(self, step):
        path = step.path.format(**self.captures)
        headers = {"Accept": "application/json"}
        if step.role is not None:
            headers["X-User-Id"] = USER
            headers["X-Project-Id"] = (step.project or "{project}").format(**self.captures)
            headers["X-Roles"] = ROLES[step.role]
        if step.version is not None:
            headers["OpenStack-API-Version"] = f"volume {step.version}"
        data = None
        if step.raw_body is not None:
            data = step.raw_body.encode()
        elif step.body is not None:
            data = json.dumps(self._fill(step.body)).encode()
        if data is not None:
            headers["Content-Type"] = step.content_type or "application/json"
        headers.update({k: v.format(**self.captures) for k, v in step.headers.items()})
        return send(self.base + path, step.method, headers, data)

    def wait_ready(self, timeout=120):
        """Polls until the scheduler knows a pool and every service is up: before that a create
        can fail with "No valid backend" on a loaded machine."""
        pools = Step("ready.pools", "GET", "/v3/{project}/scheduler-stats/get_pools")
        services = Step("ready.services", "GET", "/v3/{project}/os-services")
        deadline = time.monotonic() + timeout
        while True:
            answer = self.request(pools)
            listed = self.request(services)
            if (
                answer.status == 200 and answer.body and answer.body.get("pools")
                and listed.status == 200 and listed.body
                and all(s.get("state") == "up" for s in listed.body.get("services", []))
            ):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} not ready within {timeout} s: {answer.raw[:300]} {listed.raw[:300]}")
            time.sleep(0.2)

    def _fill(self, value):
        """The body with {capture} references in its strings replaced."""
        if isinstance(value, dict):
            return {k: self._fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._fill(v) for v in value]
        if isinstance(value, str) and "{" in value:
            return value.format(**self.captures)
        return value

    def run(self, steps, timeout=120):
        for step in steps:
            # A step that cannot be sent (a capture an earlier failure did not produce) or whose
            # wait fails is recorded as status -1 and the run goes on: every step is compared.
            try:
                response = self.request(step)
            except (KeyError, IndexError, OSError) as error:
                self.results[step.id] = Response(-1, {}, None, f"not sent: {error!r}")
                continue
            self.results[step.id] = response
            try:
                for name, dotted in step.save.items():
                    self.captures[name] = response.json_path(dotted)
                if step.wait:
                    self.wait(step, timeout)
            except (AssertionError, KeyError, IndexError, TypeError) as error:
                self.results[step.id] = Response(-1, {}, None, f"{response.status}: {error!s:.500}")

    def wait(self, step, timeout):
        path, dotted, wanted = step.wait
        # The poll asks at the step's microversion (routes such as /messages need one).
        poll = Step(step.id + ".wait", "GET", path, version=step.version)
        deadline = time.monotonic() + timeout
        while True:
            response = self.request(poll)
            if wanted == 404:
                if response.status == 404:
                    return
            elif response.status == 200:
                try:
                    if response.json_path(dotted) in wanted:
                        return
                except (KeyError, IndexError, TypeError):
                    pass  # Not there yet (an empty list).
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name}: {step.id}: {path} not {wanted} within {timeout} s: "
                    f"{response.status} {response.raw[:500]}"
                )
            time.sleep(0.1)

    def normalise(self, response):
        """The answer with ids named after their captures, other ids, timestamps and the
        server's own address replaced by placeholders."""
        names = {value: name for name, value in self.captures.items() if isinstance(value, str)}

        def text(value):
            value = value.replace(self.base, "<base>")
            value = UUID.sub(lambda m: "<" + names.get(m.group(0), "uuid") + ">", value)
            value = TIME.sub(
                lambda m: "<time" + (".f" if m.group(1) else "") + (m.group(2) or "") + ">", value
            )
            for captured, name in names.items():
                if len(captured) == 32 and name.endswith("project"):
                    value = value.replace(captured, "<" + name + ">")
            return value

        def walk(value):
            if isinstance(value, dict):
                return {text(k): walk(v) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v) for v in value]
            if isinstance(value, str):
                return text(value)
            return value

        headers = {}
        for name in COMPARED_HEADERS:
            if name in response.headers:
                value = text(response.headers[name])
                if name == "vary":
                    value = ",".join(sorted(p.strip().lower() for p in value.split(",")))
                if name == "etag":
                    value = "<etag>"  # an MD5 of the body, which holds ids
                if name in ("x-openstack-request-id", "x-compute-request-id"):
                    value = re.sub(r"^req-<uuid>$", "req-<uuid>", value)
                headers[name] = value
        body = walk(response.body) if response.body is not None else None
        body = _environment(body)
        if body is None and response.raw.strip():
            body = {"<non-json>": text(response.raw.strip())}
        return {"status": response.status, "headers": headers, "body": body}


def _environment(body):
    """Removes what differs by set-up rather than by implementation, on both sides alike:

    - `ember all` always runs a backup service; the cinder under test runs none, so rows for
      `cinder-backup` are dropped from `services` and `hosts`;
    - both list services in the order they registered at start-up (a race between processes
      in cinder, between tasks in Ember), so `services` and `hosts` are sorted by binary and
      host;
    - cinder lists extensions in its contrib directory's listing order (the file system's),
      so `extensions` becomes an object keyed by alias."""
    if not isinstance(body, dict):
        return body
    extensions = body.get("extensions")
    if isinstance(extensions, list) and all(isinstance(e, dict) and "alias" in e for e in extensions):
        body["extensions"] = {e["alias"]: e for e in extensions}
    if isinstance(body.get("services"), list):
        rows = [r for r in body["services"] if not (isinstance(r, dict) and r.get("binary") == "cinder-backup")]
        body["services"] = sorted(rows, key=lambda r: (str(r.get("binary")), str(r.get("host"))))
    if isinstance(body.get("hosts"), list):
        rows = [r for r in body["hosts"] if not (isinstance(r, dict) and r.get("service") == "cinder-backup")]
        body["hosts"] = sorted(rows, key=lambda r: (str(r.get("service")), str(r.get("host_name"))))
    return body


def send(url, method, headers, data):
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            status, header_items, raw = answer.status, answer.headers.items(), answer.read()
    except urllib.error.HTTPError as error:
        status, header_items, raw = error.code, error.headers.items(), error.read()
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    return Response(status, {k.lower(): v for k, v in header_items}, body, text)


def _kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def compare(expected, actual, path=""):
    """Differences between two normalised values: (path, kind, expected, actual), kind one of
    missing (absent in actual), extra (absent in expected), type, length, value."""
    out = []
    if _kind(expected) != _kind(actual):
        return [(path, "type", expected, actual)]
    if isinstance(expected, dict):
        for key in expected:
            sub = f"{path}.{key}" if path else key
            if key not in actual:
                out.append((sub, "missing", expected[key], None))
            else:
                out.extend(compare(expected[key], actual[key], sub))
        for key in actual:
            if key not in expected:
                out.append((f"{path}.{key}" if path else key, "extra", None, actual[key]))
    elif isinstance(expected, list):
        if len(expected) != len(actual):
            out.append((path, "length", len(expected), len(actual)))
        for index, (e, a) in enumerate(zip(expected, actual)):
            out.extend(compare(e, a, f"{path}[{index}]"))
    elif expected != actual:
        out.append((path, "value", expected, actual))
    return out


def compare_answers(expected, actual):
    """Differences between two normalised answers (status, headers, body)."""
    out = []
    if expected["status"] != actual["status"]:
        out.append(("status", "value", expected["status"], actual["status"]))
    out.extend(compare(expected["headers"], actual["headers"], "headers"))
    out.extend(compare(expected["body"], actual["body"], "body"))
    return out


class Differences:
    """The reviewed file of differences: `intentional` (Ember does it on purpose) and `known`
    (not yet fixed, each with a TODO reason). An entry matches a step id, a difference path
    and optionally its kind, with shell-style wildcards."""

    def __init__(self, entries):
        self.entries = entries
        self.used = set()

    def allowed(self, step_id, difference):
        path, kind = difference[0], difference[1]
        for index, entry in enumerate(self.entries):
            if not fnmatch.fnmatchcase(step_id, entry["step"]):
                continue
            # `[` is literal in paths (list indexes), not a character class; `path` may be a
            # list of patterns.
            patterns = entry.get("path", "*")
            patterns = [patterns] if isinstance(patterns, str) else patterns
            if not any(fnmatch.fnmatchcase(path, p.replace("[", "[[]")) for p in patterns):
                continue
            if "kind" in entry and entry["kind"] != kind:
                continue
            self.used.add(index)
            return True
        return False


def describe(step_id, differences):
    lines = [f"{step_id}: {len(differences)} difference(s) (expected = cinder / reference, actual = Ember)"]
    for path, kind, expected, actual in differences:
        lines.append(
            f"  {kind:8} {path}: expected {json.dumps(expected)[:300]} actual {json.dumps(actual)[:300]}"
        )
    return "\n".join(lines)
