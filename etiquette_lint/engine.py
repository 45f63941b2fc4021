"""The rule engine: the only module that imports durable_rules.

Compiled rule sets are registered once per process (durable_rules refuses a name twice) and
cached by their content. Each evaluation gets its own session id; a sentinel fact, matched by a
no-op rule, guarantees an action ran before the session's state is deleted (deleting a session
in which no action ran crashes the process); a catch-all pattern keeps every fact "handled";
exceptions swallowed inside actions are surfaced as EngineError. Runs are serialized by one
lock: the C engine holds the GIL anyway.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import json
import sys
import threading

from .errors import EngineError


def _load_pyeval_shim() -> None:
    """On Python 3.13 and later, export PyEval_CallObject (removed there) for durable's engine."""
    if sys.version_info < (3, 13):
        return
    import ctypes
    import importlib.util

    spec = importlib.util.find_spec("_etiquette_lint_pyeval_shim")
    if spec is None or not spec.origin:
        raise ImportError("etiquette-lint's PyEval_CallObject shim is not installed; reinstall with `pip install .`")
    ctypes.CDLL(spec.origin, mode=ctypes.RTLD_GLOBAL)


_load_pyeval_shim()

from durable import engine as _durable  # noqa: E402

_SENTINEL = "__end__"
_NEVER = "__never__"


_EPOCH = datetime.datetime(1970, 1, 1)


def _unix_now() -> float:
    """durable's own clock, without `utcfromtimestamp` (deprecated in Python 3.12: a warning per
    action, and an error under -W error). Same value: local wall time counted from the epoch."""
    return (datetime.datetime.now() - _EPOCH).total_seconds()


_durable._unix_now = _unix_now


class _QuietHost(_durable.Host):
    """A host without the background dispatch threads of durable's default host."""

    def _run(self) -> None:  # no timers, no background dispatch
        pass


_host = _QuietHost()
_lock = threading.Lock()
_names: dict[str, str] = {}
_results: dict[str, list] = {}
_sids = itertools.count(1)
_ruleset_numbers = itertools.count(1)


def _recorder(rule_id: str):
    def run(c) -> None:
        bound = c._m if isinstance(c._m, dict) else {}
        _results[c.s["sid"]].append((rule_id, {alias: dict(fact) for alias, fact in bound.items()}))

    return run


def _noop(c) -> None:
    return None


def _register(conditions: dict[str, list]) -> str:
    key = json.dumps(conditions, sort_keys=True)
    name = _names.get(key)
    if name is not None:
        return name
    name = f"etiquette-lint-{next(_ruleset_numbers)}"
    definition = {
        rule_id: {"all": json.loads(json.dumps(patterns)), "run": _recorder(rule_id)}
        for rule_id, patterns in conditions.items()
    }
    definition[_SENTINEL] = {"all": [{"end": {"type": _SENTINEL}}], "run": _noop}
    definition[_NEVER] = {"all": [{"any": {"$ex": {"uid": 1}}}, {"never": {"type": _NEVER}}], "run": _noop}
    try:
        _host.set_rulesets({name: definition})
    except Exception as exc:  # durable reports definition errors as bare numbers
        raise EngineError(f"the rule set could not be compiled by durable_rules: {exc}") from None
    _names[key] = name
    return name


_ATTEMPTS = 6  # a collision is ~2 in 100,000 facts; plans within docs/security.md's limits stay far below


def evaluate(conditions: dict[str, list], facts: list[dict]) -> list[tuple[str, dict]]:
    """Run `facts` (in order) through the compiled rule conditions; return (rule id, bound facts)
    for every match.

    durable_rules identifies facts by a 32-bit hash and refuses a batch in which two facts collide
    (MessageObservedException, about 2 in 100,000 facts): the run is then repeated in a new session
    with a `salt` field on every fact, which no rule reads, so the hashes differ."""
    with _lock:
        name = _register(conditions)
        for attempt in range(_ATTEMPTS):
            sid = str(next(_sids))
            _results[sid] = []
            extra = {"sid": sid, "salt": attempt} if attempt else {"sid": sid}
            batch = [{**fact, **extra} for fact in facts]
            batch.append({**extra, "type": _SENTINEL, "uid": len(facts) + 1, "pointer": ""})
            try:
                state = _host.assert_facts(name, batch)
            except _durable.MessageObservedException:
                _close(name, sid, failed=True)
                continue
            except Exception as exc:
                _close(name, sid, failed=True)
                raise EngineError(f"the rule engine failed on this plan: {type(exc).__name__}: {exc}"[:500]) from None
            if isinstance(state, dict) and state.get("exception"):
                _close(name, sid, failed=False)
                raise EngineError(f"a rule action failed: {state['exception']}"[:500])
            return _close(name, sid, failed=False)
        raise EngineError(f"the rule engine saw the same fact twice in {_ATTEMPTS} attempts (a hash collision)")


def _close(name: str, sid: str, *, failed: bool) -> list:
    results = _results.pop(sid, [])
    if failed:
        # Make sure an action ran in this session before deleting it (see the module docstring).
        try:
            _host.assert_fact(name, {"sid": sid, "type": _SENTINEL, "uid": 0, "pointer": ""})
        except Exception:
            return results
    with contextlib.suppress(Exception):
        _host.delete_state(name, sid)
    return results
