"""The text rules hold their floors on the labelled corpus (tests/corpus/, benchmarks/quality.py).

The floors are the project's promise (issue 3): a rule that falls below them is worse, never the
floor too high. Misjudged cases are listed in the failure message to start the investigation.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT

PRECISION_FLOOR = 0.90
RECALL_FLOOR = 0.85
# topic-not-mentioned (info) compares words, not meaning: a note that paraphrases a recorded topic
# is labelled "mentioned" by a reader and still gets the finding (its message says it may be a
# paraphrase). Its precision is bounded by how often notes paraphrase; the floor guards against
# it getting worse, not a promise of 0.90.
FLOORS = {"topic-not-mentioned": (0.70, RECALL_FLOOR)}


def _quality():
    spec = importlib.util.spec_from_file_location("quality", ROOT / "benchmarks" / "quality.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("quality", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


QUALITY = _quality()


@pytest.fixture(scope="module")
def measurement():
    return QUALITY.measure()


def test_corpus_is_there(measurement):
    assert measurement.cases >= 250
    assert measurement.pairs >= 20


@pytest.mark.parametrize("rule", QUALITY.TEXT_RULES)
def test_rule_meets_the_floors(measurement, rule):
    score = measurement.scores()[rule]
    assert score.tp + score.fn > 0, f"{rule}: the corpus holds no case where it must fire"
    wrong = [
        f"{j.case} ({'missed' if j.expected else 'false alarm'}: {', '.join(j.triggers) or '-'})"
        for j in measurement.misjudged()
        if j.rule == rule
    ]
    precision_floor, recall_floor = FLOORS.get(rule, (PRECISION_FLOOR, RECALL_FLOOR))
    assert score.precision >= precision_floor and score.recall >= recall_floor, (
        f"{rule}: precision {score.precision:.3f} (floor {precision_floor}), recall {score.recall:.3f} "
        f"(floor {recall_floor}); misjudged: {wrong}"
    )


def test_measurement_is_deterministic(measurement):
    again = QUALITY.measure()
    assert [(j.rule, j.case, j.got, j.triggers) for j in again.judgements] == [
        (j.rule, j.case, j.got, j.triggers) for j in measurement.judgements
    ]


def test_every_text_finding_quotes_words_in_its_draft(measurement):
    """Phrase findings point at the words that triggered them, inside the draft file."""
    quoted = [
        j
        for j in measurement.judgements
        if j.got
        and j.rule
        not in (
            "generic-message",
            "topic-not-mentioned",
            "no-permission-to-decline",
            "timeline-not-shared",
            "carbon-copy",
        )
    ]
    assert quoted
    for j in quoted:
        assert all(t.strip() for t in j.triggers), (j.rule, j.case, j.triggers)
