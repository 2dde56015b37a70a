"""Expectations for the seed's /v1 and /v2 routers, which cinder 29.0.0 no longer serves:
written from the 2013 (Grizzly) API the seed (/work/shared/seed/) describes and
/work/shared/reference/cinder-api.md §1.2–1.3 ("2013 v1/v2 resource shape").

2013 status codes: v1 answered every create with 200 (its controllers had no
@wsgi.response decorator) and deletes with 202; v2 answered volume and snapshot creates with
202. v1 bodies use display_name / display_description and carry no links; v2 bodies use
name / description with links."""
from harness import Step

from scenarios import MISSING

V1 = "/v1/{project}"
V2 = "/v2/{project}"


class Case:
    """A step and what its normalised answer must hold: `status`; `values` (dotted path →
    value); `has` / `lacks` (dotted path → keys that object must / must not have);
    `no_headers` (response headers that must be absent)."""

    def __init__(self, step, status, values=None, has=None, lacks=None, no_headers=()):
        self.step = step
        self.no_headers = no_headers
        self.status = status
        self.values = values or {}
        self.has = has or {}
        self.lacks = lacks or {}

    def check(self, answer):
        out = []
        if answer["status"] != self.status:
            out.append(("status", "value", self.status, answer["status"]))
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
