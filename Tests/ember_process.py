"""Runs `ember all` for the Python test suites (Tests/conformance, Tests/keystone,
Tests/fidelity): one way to start it, wait until it listens, and stop it cleanly."""
import os
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("EMBER_BINARY", os.path.join(ROOT, ".build", "debug", "ember"))


def default_conf(state, port):
    """The `[DEFAULT]` lines every suite's `ember all` starts with: loopback on `port`, the
    repository's paste file, `state` as its state path."""
    return (
        "[DEFAULT]\n"
        "osapi_volume_listen = 127.0.0.1\n"
        f"osapi_volume_listen_port = {port}\n"
        f"api_paste_config = {ROOT}/etc/ember/api-paste.ini\n"
        f"state_path = {state}\n"
    )


def keystone_conf(keystone):
    """`auth_strategy = keystone` and the `[keystone_authtoken]` section for the Keystone that
    `.ci/keystone.sh` runs at `keystone` (its service user from the environment)."""
    return (
        "auth_strategy = keystone\n"
        "[keystone_authtoken]\n"
        f"www_authenticate_uri = {keystone}\n"
        f"auth_url = {keystone}\n"
        "auth_type = password\n"
        f"username = {os.environ.get('EMBER_KEYSTONE_SERVICE_USER', 'ember')}\n"
        f"password = {os.environ.get('EMBER_KEYSTONE_SERVICE_PASSWORD', '')}\n"
        "project_name = service\n"
        "user_domain_name = Default\n"
        "project_domain_name = Default\n"
        "token_cache_time = 300\n"
    )


def run_ember(state, conf_text, port, start_timeout=30):
    """Writes `conf_text` to STATE/ember.conf, starts `ember all` with it and yields
    http://127.0.0.1:PORT once it listens; on exit sends SIGTERM and checks it exited 0.
    The log is STATE/ember.log."""
    conf = os.path.join(state, "ember.conf")
    with open(conf, "w") as handle:
        handle.write(conf_text)
    log_path = os.path.join(state, "ember.log")
    log = open(log_path, "w")
    process = subprocess.Popen([BINARY, "all", "--config-file", conf], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline:
        with open(log_path) as handle:
            if re.search(r"Started osapi_volume on", handle.read()):
                break
        if process.poll() is not None:
            raise RuntimeError("ember exited: " + open(log_path).read())
        time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("ember did not start")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    assert process.wait(timeout=30) == 0, open(log_path).read()
