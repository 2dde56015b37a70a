#!/usr/bin/env python3
"""Validates a compose file the way `docker compose config` would, without Docker:

1. YAML with anchors and merge keys resolved (PyYAML);
2. `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$$` interpolated from the environment;
3. parsed by compose_spec (PyPI `compose-spec`: the Compose Specification, strict about
   unknown keys and value formats) and validated;
4. references checked: `depends_on` names existing services; a `service_healthy` dependency
   has a health check (its own, or the Ember image's HEALTHCHECK); named volumes are declared;
   a one-shot dependency (`service_completed_successfully`) does not restart;
5. every `ember backup` service sees each volume backend's files (`EMBER_<B>__FILE_VOLUME_DIR`)
   at the same path through the same volume: its POSIX driver opens the paths the backends'
   initialize_connection gives.

Usage: validate-compose.py docker/compose.yaml   (exit 1 with the problems listed)
"""
import json
import os
import re
import sys

import compose_spec
import yaml

VARIABLE = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value):
    if isinstance(value, dict):
        return {key: interpolate(item) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, default = match.group(2), match.group(3)
        current = os.environ.get(name)
        if operator == ":-" and not current:
            return default
        if operator == "-" and current is None:
            return default
        return current or ""

    return VARIABLE.sub(replace, value)


def check_references(document):
    problems = []
    services = document.get("services") or {}
    volumes = set((document.get("volumes") or {}).keys())
    for name, service in services.items():
        for target, dependency in (service.get("depends_on") or {}).items():
            if target not in services:
                problems.append(f"services.{name}.depends_on: no service named {target}")
                continue
            condition = (dependency or {}).get("condition", "service_started")
            other = services[target]
            if condition == "service_healthy":
                own = other.get("healthcheck")
                ember_image = "docker/Dockerfile" in json.dumps(other.get("build", ""))
                if (own is None and not ember_image) or (own or {}).get("disable"):
                    problems.append(f"services.{name} waits for {target} to be healthy, which has no health check")
            if condition == "service_completed_successfully" and other.get("restart") not in (None, "no"):
                problems.append(f"services.{target} is a one-shot dependency but restarts ({other.get('restart')})")
        for mount in service.get("volumes") or []:
            source = mount.split(":", 1)[0] if isinstance(mount, str) else mount.get("source", "")
            if source and not source.startswith((".", "/", "~")) and source not in volumes:
                problems.append(f"services.{name}.volumes: named volume {source} is not declared")
    return problems


def mounts(service):
    """(source, target) of a service's volumes, short or long syntax."""
    found = []
    for mount in service.get("volumes") or []:
        if isinstance(mount, str):
            parts = mount.split(":")
            if len(parts) >= 2:
                found.append((parts[0], parts[1]))
        elif mount.get("source") and mount.get("target"):
            found.append((mount["source"], mount["target"]))
    return found


def mount_holding(service, path):
    """The (source, target) mount whose target holds path, the deepest one."""
    holding = [(source, target) for source, target in mounts(service)
               if path == target or path.startswith(target.rstrip("/") + "/")]
    return max(holding, key=lambda mount: len(mount[1]), default=None)


def check_backup_sees_volumes(document):
    problems = []
    services = document.get("services") or {}
    roles = {name: (service.get("command") or [None])[0] for name, service in services.items()}
    backups = [name for name, role in roles.items() if role == "backup"]
    for name, role in roles.items():
        if role != "volume":
            continue
        environment = services[name].get("environment") or {}
        for variable, directory in environment.items():
            if not variable.endswith("__FILE_VOLUME_DIR"):
                continue
            own = mount_holding(services[name], directory)
            if own is None:
                problems.append(f"services.{name}: {directory} ({variable}) is on no volume")
                continue
            for backup in backups:
                if mount_holding(services[backup], directory) != own:
                    problems.append(f"services.{backup} does not see {name}'s {directory} through {own[0]}:{own[1]}")
    return problems


def main(path):
    with open(path) as handle:
        document = interpolate(yaml.safe_load(handle))
    document = {key: value for key, value in document.items() if not key.startswith("x-")}
    problems = []
    try:
        compose = compose_spec.PyCompose.from_json(json.dumps(document))
        compose.validate()
    except Exception as error:  # the parser's message names the key and the problem
        problems.append(f"Compose Specification: {error}")
    problems += check_references(document)
    problems += check_backup_sees_volumes(document)
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if problems:
        return 1
    services = sorted(document["services"])
    print(f"{path}: valid ({len(services)} services: {', '.join(services)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
