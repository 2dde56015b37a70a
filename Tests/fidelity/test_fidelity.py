"""Sends the same request sequence to cinder 29.0.0 and to Ember and compares the answers
(status, headers, body shape and values, fault texts, list order and links) after
normalising ids, timestamps and addresses; checks the seed's /v1 and /v2 routers against
expectations written from the 2013 API. Differences listed in intentional_differences.yaml
pass; any other fails its step."""
import os
import time

import pytest
import yaml

import legacy
import scenarios
from harness import Differences, Target, compare_answers, describe

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = scenarios.steps()
LEGACY = legacy.cases()


def _load_differences():
    with open(os.path.join(HERE, "intentional_differences.yaml")) as handle:
        data = yaml.safe_load(handle)
    entries = []
    for section in ("intentional", "known"):
        for entry in data.get(section) or []:
            assert entry.get("reason"), f"an entry of {section} has no reason: {entry}"
            entries.append(dict(entry, section=section))
    return Differences(entries)


DIFFERENCES = _load_differences()
COMPARED = set()


@pytest.fixture(scope="session")
def runs(cinder, ember):
    """The scenario's answers from both servers (cinder first, then Ember)."""
    timings = {}
    targets = {}
    for name, url in (("cinder", cinder), ("ember", ember)):
        target = Target(name, url, scenarios.PROJECT, scenarios.OTHER_PROJECT)
        target.wait_ready()
        started = time.monotonic()
        target.run(STEPS)
        timings[name] = time.monotonic() - started
        targets[name] = target
    print(f"\nfidelity: {len(STEPS)} steps; cinder {timings['cinder']:.1f} s, Ember {timings['ember']:.1f} s")
    return targets


@pytest.mark.parametrize("step", STEPS, ids=[step.id for step in STEPS])
def test_same_answer_as_cinder(runs, step):
    cinder, ember = runs["cinder"], runs["ember"]
    expected = cinder.normalise(cinder.results[step.id])
    actual = ember.normalise(ember.results[step.id])
    COMPARED.add(step.id)
    assert expected["status"] != -1, f"cinder: {cinder.results[step.id].raw}"
    differences = [d for d in compare_answers(expected, actual) if not DIFFERENCES.allowed(step.id, d)]
    assert not differences, describe(step.id, differences) + "\n  Ember's raw answer: " + ember.results[step.id].raw[:800]


@pytest.fixture(scope="session")
def legacy_run(ember):
    target = Target("ember", ember, scenarios.PROJECT, scenarios.OTHER_PROJECT)
    target.wait_ready()
    target.run([case.step for case in LEGACY])
    return target


@pytest.mark.parametrize("case", LEGACY, ids=[case.step.id for case in LEGACY])
def test_legacy_router(legacy_run, case):
    COMPARED.add(case.step.id)
    actual = legacy_run.normalise(legacy_run.results[case.step.id])
    raw = legacy_run.results[case.step.id].raw
    differences = [d for d in case.check(actual, raw) if not DIFFERENCES.allowed(case.step.id, d)]
    assert not differences, describe(case.step.id, differences) + "\n  raw: " + legacy_run.results[case.step.id].raw[:800]


def test_every_listed_difference_still_occurs(runs, legacy_run):
    """Runs last (pytest keeps file order): an entry nothing matched is stale."""
    if len(COMPARED) < len(STEPS) + len(LEGACY):
        pytest.skip("only part of the scenario ran (-k): staleness is checked on full runs")
    stale = [entry for index, entry in enumerate(DIFFERENCES.entries) if index not in DIFFERENCES.used]
    assert not stale, "entries in intentional_differences.yaml that no difference matched:\n" + "\n".join(
        f"  [{e['section']}] step={e['step']} path={e.get('path', '*')}" for e in stale
    )
