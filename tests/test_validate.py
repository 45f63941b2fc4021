"""The generated plan validator (core/validate.py) says "valid" exactly when jsonschema does, on
every example and fixture and on thousands of damaged variants of them; it is current with the
schema; and it never fills defaults into a plan."""

from __future__ import annotations

import copy
import json

import pytest

from etiquette_lint.core import validate
from etiquette_lint.plan import _validator
from etiquette_lint.source import load_document

from conftest import EXAMPLES, FIXTURES, ROOT

PLANS = sorted([*EXAMPLES.rglob("*.plan.*"), *FIXTURES.rglob("*.plan.*")])
DAMAGED = set(EXAMPLES.rglob("*.plan.*"))  # damaged every way; the others at a stride
DAMAGE = [None, 12345, -1, 2.5, True, "", "not a valid value!", "2027-13-45", [], {}, ["x"], {"unknown": 1}]


def _data(path):
    try:
        return load_document(path.read_text(encoding="utf-8"), str(path)).data
    except Exception:
        return None


def _pointers(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _pointers(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _pointers(item, (*prefix, index))


def _variants(data):
    for pointer in list(_pointers(data)):
        if not pointer:
            continue
        *parent_path, last = pointer
        for damage in [*DAMAGE, "delete"]:
            variant = copy.deepcopy(data)
            parent = variant
            for part in parent_path:
                parent = parent[part]
            if damage == "delete":
                del parent[last]
            else:
                parent[last] = damage
            yield variant


def test_the_generated_validator_is_current():
    assert validate._fast() is not None, "regenerate it: python -m etiquette_lint.core.validate"
    assert validate.GENERATED.read_text(encoding="utf-8") == validate.generate(), (
        "regenerate it: python -m etiquette_lint.core.validate"
    )


@pytest.mark.parametrize("path", PLANS, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_verdict_as_jsonschema(path):
    data = _data(path)
    if data is None:
        pytest.skip("not a readable document")
    checked = 0
    variants = _variants(data) if path in DAMAGED else (v for i, v in enumerate(_variants(data)) if i % 61 == 0)
    for variant in [data, *variants]:
        before = json.dumps(variant, sort_keys=True, default=str)
        fast = validate.is_valid(variant) is True
        slow = not any(True for _ in _validator().iter_errors(variant))
        assert fast == slow, json.dumps(variant, default=str)[:300]
        assert json.dumps(variant, sort_keys=True, default=str) == before  # nothing filled in
        checked += 1
    assert checked > 1
