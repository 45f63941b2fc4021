"""The text rules hold their floors on the development corpus (benchmarks/quality.py).

The development corpus is tests/corpus/ plus the two retired held-out sets (tests/corpus-holdout/,
tests/corpus-holdout-2/), which were measured once each and then folded into development data.

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
# Below the common floors, set at what the rule reaches on the whole development corpus (rounded
# down) since the retired held-out sets joined it: it guards against getting worse while the rule
# catches up. topic-not-mentioned (info) compares words, not meaning: a note that paraphrases a
# recorded topic is labelled "mentioned" by a reader and still gets the finding (its message says
# it may be a paraphrase); and a short note whose only detail is common words ("driving for eleven
# years") reads as generic-message, not as detail about something else.
FLOORS = {"topic-not-mentioned": (0.60, 0.75)}


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
    assert {"dev", "bd", "ho", "h2"} <= {QUALITY.case_set(j.case) for j in measurement.judgements}


def test_one_set_alone_and_the_named_reading():
    """--set keeps one set's cases and pairs; a paraphrased topic_touch is a miss when only named topics count."""
    ho = QUALITY.measure(sets=["ho"])
    assert ho.cases == 110 and ho.pairs == 30
    assert {QUALITY.case_set(j.case) for j in ho.judgements} == {"ho"}
    case = {"kind": "thank_you", "topic_touch": "paraphrased"}
    assert QUALITY.named_reading(case, set())
    assert not QUALITY.named_reading(case, {"generic-message"})
    assert not QUALITY.named_reading({**case, "topic_touch": "named"}, set())
    assert QUALITY.named_reading({**case, "topic_touch": "absent"}, {"topic-not-mentioned"})


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


def test_case_fields_of_1_1_become_the_plan():
    """aliases, colleagues and other_companies (tests/corpus/README.md) reach the plan the case is judged in."""
    case = {
        "id": "x",
        "kind": "thank_you",
        "company": "Harbor Analytics",
        "recipient": {"name": "Oksana Petrenko", "aliases": ["Ksenia"], "topics": ["on-call"]},
        "colleagues": [{"name": "Wen Zhao", "title": "Director"}],
        "other_companies": ["Meridian Health Partners"],
    }
    plan = QUALITY.case_plan(case, "drafts/x.md")
    first, other = plan["interviews"]
    assert [p["name"] for p in first["interviewers"]] == ["Oksana Petrenko", "Wen Zhao"]
    assert first["interviewers"][0]["aliases"] == ["Ksenia"]
    assert other["company"] == "Meridian Health Partners"
    assert [a["to"] for a in plan["actions"]] == ["dana"]
    assert {"wrong-name", "other-company-named", "topic-not-mentioned"} <= set(QUALITY.judged_rules(case))
