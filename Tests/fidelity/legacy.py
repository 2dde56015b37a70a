"""Expectations for the seed's /v1 and /v2 routers, which cinder 29.0.0 no longer serves:
written from the 2013 (Grizzly) API the seed (/work/shared/seed/) describes and
/work/shared/reference/cinder-api.md §1.2–1.3 ("2013 v1/v2 resource shape").

2013 status codes: v1 answered every create with 200 (its controllers had no
@wsgi.response decorator) and deletes with 202; v2 answered volume and snapshot creates with
202. v1 bodies use display_name / display_description and carry no links; v2 bodies use
name / description with links.

XML (the seed's `wsgi.Resource` with `@wsgi.serializers(xml=…)` templates and XML
deserializers): a `.xml` suffix or `Accept: application/xml` answers XML in the templates'
shapes — volumes in `http://docs.openstack.org/volume/api/v1` (v1) or
`http://docs.openstack.org/api/openstack-volume/2.0/content` (v2) with fields as attributes,
`<attachments>` and `<metadata><meta key="…">…</meta></metadata>` as elements; snapshots and
types without a namespace; limits in the common v1.0 namespace; faults as
`<itemNotFound code="404" xmlns="http://docs.openstack.org/volume/api/v1"><message>…`.
XML create bodies are read; a DTD of any kind is refused with 400 "Malformed request body"."""
import xml.etree.ElementTree as ElementTree

from harness import Step

from scenarios import MISSING

V1 = "/v1/{project}"
V2 = "/v2/{project}"


class Case:
    """A step and what its normalised answer must hold: `status`; `values` (dotted path →
    value); `has` / `lacks` (dotted path → keys that object must / must not have);
    `no_headers` (response headers that must be absent)."""

    def __init__(self, step, status, values=None, has=None, lacks=None, no_headers=(), headers=None, xml=None):
        self.step = step
        self.no_headers = no_headers
        self.headers = headers or {}
        self.xml = xml
        self.status = status
        self.values = values or {}
        self.has = has or {}
        self.lacks = lacks or {}

    def check(self, answer, raw=""):
        out = []
        if answer["status"] != self.status:
            out.append(("status", "value", self.status, answer["status"]))
        for name, value in self.headers.items():
            if answer["headers"].get(name) != value:
                out.append(("headers." + name, "value", value, answer["headers"].get(name)))
        if self.xml is not None:
            out += _check_xml(self.xml, raw)
        for name in self.no_headers:
            if name in answer["headers"]:
                out.append(("headers." + name, "extra", None, answer["headers"][name]))
        for dotted, value in self.values.items():
            found = _get(answer["body"], dotted)
            if found != value:
                out.append(("body." + dotted, "value", value, found))
        for dotted, keys in self.has.items():
            found = _get(answer["body"], dotted)
            for key in keys:
                if not isinstance(found, dict) or key not in found:
                    out.append((f"body.{dotted}.{key}", "missing", key, None))
        for dotted, keys in self.lacks.items():
            found = _get(answer["body"], dotted)
            for key in keys:
                if isinstance(found, dict) and key in found:
                    out.append((f"body.{dotted}.{key}", "extra", None, found[key]))
        return out


def _check_xml(spec, raw):
    """`spec`: `root` (the root's tag, `{namespace}name`), `attrs` (attribute → value), `has` /
    `lacks` (attributes the root must have / not have), `paths` (an ElementTree path under the
    root → {`count` or `count_min`, and `attrs`, `has`, `lacks`, `text` for the first match}),
    `absent_text` (strings the raw answer must not contain)."""
    out = []
    for text in spec.get("absent_text", ()):
        if text in raw:
            out.append(("raw", "extra", None, text))
    try:
        root = ElementTree.fromstring(raw.encode())
    except ElementTree.ParseError as error:
        return out + [("xml", "value", "an XML document", f"{error}: {raw[:200]}")]

    def element(where, node, expected):
        for name, value in expected.get("attrs", {}).items():
            if node.get(name) != value:
                out.append((f"xml.{where}@{name}", "value", value, node.get(name)))
        for name in expected.get("has", ()):
            if node.get(name) is None:
                out.append((f"xml.{where}@{name}", "missing", name, None))
        for name in expected.get("lacks", ()):
            if node.get(name) is not None:
                out.append((f"xml.{where}@{name}", "extra", None, node.get(name)))
        if "text" in expected and (node.text or "") != expected["text"]:
            out.append((f"xml.{where}.text", "value", expected["text"], node.text))

    if root.tag != spec["root"]:
        out.append(("xml.root", "value", spec["root"], root.tag))
    element("root", root, spec)
    for path, expected in spec.get("paths", {}).items():
        found = root.findall(path)
        if "count" in expected and len(found) != expected["count"]:
            out.append((f"xml.{path}", "value", expected["count"], len(found)))
        if len(found) < expected.get("count_min", 0):
            out.append((f"xml.{path}", "missing", expected["count_min"], len(found)))
        if found:
            element(path, found[0], expected)
    return out


def _get(value, dotted):
    if not dotted:
        return value
    for part in dotted.split("."):
        if isinstance(value, list):
            try:
                value = value[int(part)]
            except (ValueError, IndexError):
                return None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


V1_VOLUME = ["id", "status", "size", "availability_zone", "created_at", "attachments", "display_name",
             "display_description", "volume_type", "snapshot_id", "metadata"]
V2_VOLUME = ["id", "status", "size", "availability_zone", "created_at", "attachments", "name",
             "description", "volume_type", "snapshot_id", "metadata", "links"]


def _wait_vol(prefix, name):
    return (prefix + "/volumes/{" + name + "}", "volume.status", ("available", "error"))


NS_V1 = "{http://docs.openstack.org/volume/api/v1}"
NS_V2 = "{http://docs.openstack.org/api/openstack-volume/2.0/content}"
NS_COMMON = "{http://docs.openstack.org/common/api/v1.0}"
NS_COMPUTE = "{http://docs.openstack.org/compute/api/v1.1}"
XML = {"Accept": "application/xml"}
XML_ANSWER = {"content-type": "application/xml"}
# The seed's templates: v1/volumes.py make_volume, v2/volumes.py make_volume, make_snapshot.
V1_VOLUME_XML = ["id", "status", "size", "availability_zone", "created_at", "display_name", "bootable",
                 "display_description", "volume_type", "snapshot_id", "source_volid"]
V2_VOLUME_XML = ["id", "status", "size", "availability_zone", "created_at", "name", "description",
                 "volume_type", "snapshot_id", "source_volid"]
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE volume [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<volume size="1" name="&d;" display_name="&d;"/>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE volume [<!ENTITY leak SYSTEM "file:///etc/passwd">]>
<volume size="1" name="&leak;" display_name="&leak;"><metadata><meta key="leak">&leak;</meta></metadata></volume>"""


def _malformed(version):
    return {"root": NS_V1 + "badRequest", "attrs": {"code": "400"},
            "paths": {NS_V1 + "message": {"count": 1, "text": "Malformed request body"}},
            "absent_text": ["root:"]}


def _xml_cases(version, prefix, ns, name_key, volume_attrs, create_status, updated_name):
    """The XML expectations for one seed router (run while its volume `{version}vol`, snapshot
    `{version}snap` and at least one type exist)."""
    vol = "{" + version + "vol}"
    snap = "{" + version + "snap}"
    other_names = ["name", "description"] if version == "v1" else ["display_name", "display_description"]
    c = []
    add = c.append
    add(Case(Step(version + ".xml.volumes.show", "GET", prefix + "/volumes/" + vol, headers=XML), 200,
             headers=XML_ANSWER,
             xml={"root": ns + "volume", "has": volume_attrs, "lacks": other_names + ["links"],
                  "paths": {ns + "attachments": {"count": 1}, ns + "metadata": {"count": 1}}}))
    add(Case(Step(version + ".xml.volumes.show.suffix", "GET", prefix + "/volumes/" + vol + ".xml"), 200,
             headers=XML_ANSWER, xml={"root": ns + "volume", "has": volume_attrs}))
    add(Case(Step(version + ".xml.volumes.list", "GET", prefix + "/volumes.xml"), 200, headers=XML_ANSWER,
             xml={"root": ns + "volumes", "paths": {ns + "volume": {"count_min": 1, "has": ["id", name_key]}}}))
    add(Case(Step(version + ".xml.volumes.detail", "GET", prefix + "/volumes/detail",
                  headers={"Accept": "application/vnd.openstack.volume+xml"}), 200,
             headers={"content-type": "application/vnd.openstack.volume+xml"},
             xml={"root": ns + "volumes", "paths": {ns + "volume": {"count_min": 1, "has": volume_attrs}}}))
    add(Case(Step(version + ".xml.volumes.json-suffix-wins", "GET", prefix + "/volumes/" + vol + ".json",
                  headers=XML), 200, headers={"content-type": "application/json"}, has={"volume": ["id"]}))
    add(Case(Step(version + ".xml.volumes.show.missing", "GET", prefix + "/volumes/" + MISSING, headers=XML), 404,
             headers=XML_ANSWER,
             xml={"root": NS_V1 + "itemNotFound", "attrs": {"code": "404"},
                  "paths": {NS_V1 + "message": {"count": 1}}}))
    add(Case(Step(version + ".xml.snapshots.show", "GET", prefix + "/snapshots/" + snap, headers=XML), 200,
             headers=XML_ANSWER,
             xml={"root": "snapshot", "has": ["id", "status", "size", "created_at", name_key, "volume_id"],
                  "paths": {"metadata": {"count": 1}}}))
    add(Case(Step(version + ".xml.snapshots.list", "GET", prefix + "/snapshots.xml"), 200, headers=XML_ANSWER,
             xml={"root": "snapshots", "paths": {"snapshot": {"count_min": 1, "has": ["id", name_key]}}}))
    add(Case(Step(version + ".xml.volumes.metadata", "GET", prefix + "/volumes/" + vol + "/metadata.xml"), 200,
             headers=XML_ANSWER, xml={"root": NS_COMPUTE + "metadata"}))
    add(Case(Step(version + ".xml.types.list", "GET", prefix + "/types", headers=XML), 200, headers=XML_ANSWER,
             xml={"root": "volume_types", "paths": {"volume_type": {"count_min": 1, "has": ["id", "name"]},
                                                   "volume_type/extra_specs": {"count_min": 1}}}))
    add(Case(Step(version + ".xml.limits", "GET", prefix + "/limits", headers=XML), 200, headers=XML_ANSWER,
             xml={"root": NS_COMMON + "limits",
                  "paths": {NS_COMMON + "rates": {"count": 1},
                            NS_COMMON + "absolute/" + NS_COMMON + "limit": {"count_min": 1, "has": ["name", "value"]}}}))
    # XML bodies: a create, then the volume found by name and deleted (no id to save from XML).
    created = "legacy-" + version + "-xml"
    add(Case(Step(version + ".xml.volumes.create", "POST", prefix + "/volumes", headers=XML,
                  content_type="application/xml",
                  raw_body=f'<volume size="1" {name_key}="{created}"><metadata><meta key="from">xml</meta>'
                           "</metadata></volume>"),
             create_status, headers=XML_ANSWER,
             xml={"root": ns + "volume", "attrs": {name_key: created, "size": "1"},
                  "paths": {ns + "metadata/" + ns + "meta": {"count": 1, "attrs": {"key": "from"}, "text": "xml"}}}))
    found = version + "xmlvol"
    # The newest volume comes first (the seed sorted by created_at desc).
    add(Case(Step(version + ".xml.volumes.find", "GET", prefix + "/volumes/detail",
                  save={found: "volumes.0.id"}, wait=_wait_vol(prefix, found)), 200,
             values={"volumes.0." + name_key: created, "volumes.0.metadata": {"from": "xml"}}))
    add(Case(Step(version + ".xml.volumes.delete", "DELETE", prefix + "/volumes/{" + found + "}",
                  wait=(prefix + "/volumes/{" + found + "}", None, 404)), 202))
    for kind, body in (("billion-laughs", BILLION_LAUGHS), ("external-entity", EXTERNAL_ENTITY)):
        add(Case(Step(version + ".xml.volumes.create." + kind, "POST", prefix + "/volumes", headers=XML,
                      content_type="application/xml", raw_body=body),
                 400, headers=XML_ANSWER, xml=_malformed(version)))
    # Nothing was created: the newest volume is still the router's own.
    add(Case(Step(version + ".xml.volumes.after-hostile", "GET", prefix + "/volumes/detail"),
             200, values={"volumes.0." + name_key: updated_name}))
    return c


def cases():
    c = []
    add = c.append
    # Version documents: /v2/ describes v2.0, /v1/ v1.0.
    add(Case(Step("v2.version", "GET", "/v2/"), 200, values={"versions.0.id": "v2.0"}))
    add(Case(Step("v1.version", "GET", "/v1/"), 200, values={"versions.0.id": "v1.0"}))

    # v2: volumes.
    add(Case(Step("v2.volumes.create", "POST", V2 + "/volumes",
                  body={"volume": {"size": 1, "name": "legacy-v2", "description": "d"}},
                  save={"v2vol": "volume.id"}, wait=_wait_vol(V2, "v2vol")),
             202, values={"volume.name": "legacy-v2"}, has={"volume": ["id", "links", "name"]}))
    add(Case(Step("v2.volumes.show", "GET", V2 + "/volumes/{v2vol}"), 200,
             values={"volume.name": "legacy-v2", "volume.description": "d"},
             has={"volume": V2_VOLUME}, lacks={"volume": ["display_name", "display_description"]}))
    add(Case(Step("v2.volumes.list", "GET", V2 + "/volumes"), 200,
             values={"volumes.0.name": "legacy-v2"}, has={"volumes.0": ["id", "links", "name"]}))
    add(Case(Step("v2.volumes.detail", "GET", V2 + "/volumes/detail"), 200, has={"volumes.0": V2_VOLUME}))
    add(Case(Step("v2.volumes.update", "PUT", V2 + "/volumes/{v2vol}", body={"volume": {"name": "legacy-v2b"}}),
             200, values={"volume.name": "legacy-v2b"}))
    add(Case(Step("v2.volumes.show.missing", "GET", V2 + "/volumes/" + MISSING), 404,
             has={"itemNotFound": ["code", "message"]}))
    # Microversion headers mean nothing on /v2.
    add(Case(Step("v2.volumes.microversion-ignored", "GET", V2 + "/volumes", version="3.71"), 200,
             no_headers=("openstack-api-version", "vary")))
    # v2: snapshots.
    add(Case(Step("v2.snapshots.create", "POST", V2 + "/snapshots",
                  body={"snapshot": {"volume_id": "{v2vol}", "name": "legacy-v2-snap"}},
                  save={"v2snap": "snapshot.id"},
                  wait=(V2 + "/snapshots/{v2snap}", "snapshot.status", ("available", "error"))),
             202, values={"snapshot.name": "legacy-v2-snap"}))
    add(Case(Step("v2.snapshots.show", "GET", V2 + "/snapshots/{v2snap}"), 200,
             has={"snapshot": ["id", "name", "description", "volume_id", "status", "size"]},
             lacks={"snapshot": ["display_name"]}))
    add(Case(Step("v2.snapshots.update", "PUT", V2 + "/snapshots/{v2snap}",
                  body={"snapshot": {"name": "legacy-v2-snap-b"}}), 200,
             values={"snapshot.name": "legacy-v2-snap-b"}))
    add(Case(Step("v2.snapshots.list", "GET", V2 + "/snapshots"), 200, has={"snapshots.0": ["id", "name"]}))
    add(Case(Step("v2.volumes.metadata", "GET", V2 + "/volumes/{v2vol}/metadata"), 200, has={"": ["metadata"]}))
    c += _xml_cases("v2", V2, NS_V2, "name", V2_VOLUME_XML, 202, "legacy-v2b")
    add(Case(Step("v2.snapshots.delete", "DELETE", V2 + "/snapshots/{v2snap}",
                  wait=(V2 + "/snapshots/{v2snap}", None, 404)), 202))
    add(Case(Step("v2.volumes.delete", "DELETE", V2 + "/volumes/{v2vol}",
                  wait=(V2 + "/volumes/{v2vol}", None, 404)), 202))
    add(Case(Step("v2.types.list", "GET", V2 + "/types"), 200, has={"volume_types.0": ["id", "name", "extra_specs"]}))
    add(Case(Step("v2.limits", "GET", V2 + "/limits"), 200, has={"limits": ["rate", "absolute"]}))

    # v1: volumes (display_name, no links; create answered 200).
    add(Case(Step("v1.volumes.create", "POST", V1 + "/volumes",
                  body={"volume": {"size": 1, "display_name": "legacy-v1", "display_description": "d"}},
                  save={"v1vol": "volume.id"}, wait=_wait_vol(V1, "v1vol")),
             200, values={"volume.display_name": "legacy-v1"}, lacks={"volume": ["links", "name"]}))
    add(Case(Step("v1.volumes.show", "GET", V1 + "/volumes/{v1vol}"), 200,
             values={"volume.display_name": "legacy-v1", "volume.display_description": "d"},
             has={"volume": V1_VOLUME}, lacks={"volume": ["name", "description", "links"]}))
    add(Case(Step("v1.volumes.list", "GET", V1 + "/volumes"), 200,
             values={"volumes.0.display_name": "legacy-v1"}, lacks={"volumes.0": ["links"], "": ["volumes_links"]}))
    add(Case(Step("v1.volumes.detail", "GET", V1 + "/volumes/detail"), 200, has={"volumes.0": V1_VOLUME}))
    add(Case(Step("v1.volumes.show.missing", "GET", V1 + "/volumes/" + MISSING), 404,
             has={"itemNotFound": ["code", "message"]}))
    # v1: snapshots (create answered 200).
    add(Case(Step("v1.snapshots.create", "POST", V1 + "/snapshots",
                  body={"snapshot": {"volume_id": "{v1vol}", "display_name": "legacy-v1-snap"}},
                  save={"v1snap": "snapshot.id"},
                  wait=(V1 + "/snapshots/{v1snap}", "snapshot.status", ("available", "error"))),
             200, values={"snapshot.display_name": "legacy-v1-snap"}))
    add(Case(Step("v1.snapshots.show", "GET", V1 + "/snapshots/{v1snap}"), 200,
             has={"snapshot": ["id", "display_name", "display_description", "volume_id", "status", "size"]},
             lacks={"snapshot": ["name", "links"]}))
    # v1: more of the 2013 surface.
    add(Case(Step("v1.volumes.update", "PUT", V1 + "/volumes/{v1vol}",
                  body={"volume": {"display_name": "legacy-v1b"}}), 200,
             values={"volume.display_name": "legacy-v1b"}, lacks={"volume": ["name", "links"]}))
    add(Case(Step("v1.volumes.metadata", "POST", V1 + "/volumes/{v1vol}/metadata",
                  body={"metadata": {"k": "v"}}), 200, values={"metadata.k": "v"}))
    add(Case(Step("v1.snapshots.list", "GET", V1 + "/snapshots"), 200,
             has={"snapshots.0": ["id", "display_name", "status"]}, lacks={"snapshots.0": ["name", "links"]}))
    add(Case(Step("v1.snapshots.detail", "GET", V1 + "/snapshots/detail"), 200,
             has={"snapshots.0": ["id", "display_name", "display_description", "volume_id"]}))
    add(Case(Step("v1.snapshots.metadata", "GET", V1 + "/snapshots/{v1snap}/metadata"), 200,
             has={"": ["metadata"]}))
    add(Case(Step("v1.types.list", "GET", V1 + "/types"), 200, has={"volume_types.0": ["id", "name", "extra_specs"]}))
    add(Case(Step("v1.volumes.create.bad-size", "POST", V1 + "/volumes", body={"volume": {"size": 0}}), 400,
             has={"badRequest": ["code", "message"]}))
    add(Case(Step("v1.no-microversion-headers", "GET", V1 + "/volumes", version="3.71"), 200,
             no_headers=("openstack-api-version", "vary")))
    c += _xml_cases("v1", V1, NS_V1, "display_name", V1_VOLUME_XML, 200, "legacy-v1b")
    add(Case(Step("v1.snapshots.delete", "DELETE", V1 + "/snapshots/{v1snap}",
                  wait=(V1 + "/snapshots/{v1snap}", None, 404)), 202))
    add(Case(Step("v1.volumes.delete", "DELETE", V1 + "/volumes/{v1vol}",
                  wait=(V1 + "/volumes/{v1vol}", None, 404)), 202))
    # v1: types (os-types-manage; extra spec values were not checked to be strings).
    add(Case(Step("v1.types.create.non-string-spec", "POST", V1 + "/types",
                  body={"volume_type": {"name": "legacy-v1-type", "extra_specs": {"priority": 3}}},
                  save={"v1type": "volume_type.id"}),
             200, values={"volume_type.name": "legacy-v1-type"}))
    add(Case(Step("v1.types.delete", "DELETE", V1 + "/types/{v1type}"), 202))
    add(Case(Step("v1.limits", "GET", V1 + "/limits"), 200, has={"limits": ["rate", "absolute"]}))
    return c
