"""Runs `ember all` for the Python test suites (Tests/conformance, Tests/keystone,
Tests/fidelity): one way to start it, wait until it listens, and stop it cleanly."""
import os
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("EMBER_BINARY", os.path.join(ROOT, ".build", "debug", "ember"))


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
