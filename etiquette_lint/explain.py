"""`etiquette-lint explain RULE`: the rule's fixed sections, rendered as text."""

from __future__ import annotations

import textwrap

from .rules import Rule


def _para(text: str, indent: str = "  ") -> str:
    return "\n".join(
        textwrap.fill(p, width=96, initial_indent=indent, subsequent_indent=indent) for p in text.strip().split("\n\n")
    )


def _example(example: dict) -> str:
    lines = []
    if example.get("description"):
        lines.append(_para(example["description"], "  # "))
    body = example.get("draft") or example.get("plan") or ""
    lines.extend("    " + line for line in body.rstrip().splitlines())
    return "\n".join(lines)


def explain_rule(rule: Rule) -> str:
    out = [f"{rule.id} ({rule.severity}{'' if rule.enabled else ', off by default'})", "", _para(rule.summary, ""), ""]
    out += ["Why", _para(rule.rationale), ""]
    if rule.source:
        out += ["Source", _para(rule.source), ""]
    if rule.parameters:
        out.append("Parameters")
        for name, spec in rule.parameters.items():
            out.append(f"  {name} (default {spec['default']}): {spec['description']}")
        out.append("")
    out.append("Bad")
    for example in rule.examples["bad"][:2]:
        out += [_example(example), ""]
    out.append("Good")
    for example in rule.examples["good"][:2]:
        out += [_example(example), ""]
    out += ["Fix", _para(rule.fix_text()), ""]
    out.append(
        f"Configure: in .etiquette-lint.yaml, rules: {{{rule.id}: {{enabled: true|false, severity: error|warning|info"
        + "".join(f", {n}: ..." for n in rule.parameters)
        + "}}"
    )
    out.append(f"Since: {rule.since}")
    return "\n".join(out) + "\n"
