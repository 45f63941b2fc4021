"""The engine boundary: isolation between runs, state always deleted, memory flat, threads safe."""

from __future__ import annotations

import threading
from datetime import date

from etiquette_lint import engine, lint_text
from etiquette_lint.examples import wrap_draft

CLEAN = wrap_draft(
    "Hi Dana, your story about the first data contract between billing and analytics made it concrete.",
    topics=["data contracts"],
)
DIRTY = wrap_draft("Hi [Name], just checking in again.", kind="follow_up")
TODAY = date(2027, 3, 10)  # before a follow-up to the clean plan's company falls due (follow-up-due)


def test_a_clean_run_and_a_dirty_run_do_not_leak_into_each_other(tmp_path):
    for _ in range(3):
        clean = lint_text(CLEAN, base_dir=tmp_path, today=TODAY)
        dirty = lint_text(DIRTY, base_dir=tmp_path, today=TODAY)
        assert clean.findings == ()
        assert {"unfilled-placeholder", "pushy-language"} <= {f.rule for f in dirty.findings}


def test_every_session_is_deleted(tmp_path):
    for _ in range(50):
        lint_text(DIRTY, base_dir=tmp_path, today=TODAY)
        lint_text(CLEAN, base_dir=tmp_path, today=TODAY)
    assert engine._results == {}, "every run's results are dropped"
    # durable_rules allows at most 1,024 live sessions per rule set: 2,000 runs prove they are deleted.
    for _ in range(1_000):
        lint_text(CLEAN, base_dir=tmp_path, today=TODAY, select=["no-follow-up"])
        lint_text(CLEAN, base_dir=tmp_path, today=TODAY, select=["no-follow-up"])


def test_threads_get_the_same_answers(tmp_path):
    expected = lint_text(DIRTY, base_dir=tmp_path, today=TODAY).findings
    results = []

    def work():
        for _ in range(20):
            results.append(lint_text(DIRTY, base_dir=tmp_path, today=TODAY).findings)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80 and all(r == expected for r in results)


def test_an_exception_inside_an_action_becomes_an_engine_error(monkeypatch):
    import pytest

    from etiquette_lint.errors import EngineError

    def boom(rule_id):
        def run(c):
            raise RuntimeError("kaboom")

        return run

    monkeypatch.setattr(engine, "_recorder", boom)
    monkeypatch.setattr(engine, "_names", {})
    conditions = {"test-rule": [{"a": {"$and": [{"type": "action"}]}}]}
    with pytest.raises(EngineError, match="kaboom"):
        engine.evaluate(conditions, [{"type": "action", "uid": 1, "pointer": "/actions/0"}])


def test_no_deprecation_warnings_from_the_engine(tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        report = lint_text(DIRTY, base_dir=tmp_path, today=TODAY)
    assert report.findings


def test_a_hash_collision_is_retried_with_salted_facts(monkeypatch, tmp_path):
    from durable import engine as durable_engine

    real = engine._host.assert_facts
    seen = []

    def collide_once(name, batch):
        seen.append(batch[0].get("salt"))
        if len(seen) == 1:
            raise durable_engine.MessageObservedException(batch)
        return real(name, batch)

    monkeypatch.setattr(engine._host, "assert_facts", collide_once)
    report = lint_text(DIRTY, base_dir=tmp_path, today=TODAY)
    assert seen == [None, 1]
    assert {"unfilled-placeholder", "pushy-language"} <= {f.rule for f in report.findings}
    assert engine._results == {}


def test_identical_facts_end_in_an_engine_error_not_a_crash():
    import pytest

    from etiquette_lint.errors import EngineError

    conditions = {"test-rule": [{"a": {"$and": [{"type": "action"}]}}]}
    fact = {"type": "action", "uid": 1, "pointer": "/actions/0"}
    with pytest.raises(EngineError, match="same fact twice"):
        engine.evaluate(conditions, [fact, dict(fact)])
