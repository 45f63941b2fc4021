"""Configuration: `.etiquette-lint.yaml` found upward from the plan, else `[tool.etiquette-lint]`
in the nearest `pyproject.toml`; then the command line's --select/--extend-select/--ignore."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, EtiquetteLintError
from .limits import MAX_CONFIG_BYTES
from .rules import SEVERITIES, RuleSet
from .source import FileProblem, load_data, read_regular
from .suppressions import UNUSED_SUPPRESSION

CONFIG_NAME = ".etiquette-lint.yaml"


@dataclass(frozen=True)
class RuleSettings:
    severity: str
    parameters: tuple  # sorted (name, value) pairs


@dataclass(frozen=True)
class Settings:
    """The rules to run, each with its severity and parameters."""

    rules: dict[str, RuleSettings] = field(hash=False)
    source: str = ""
    unused_suppression: str | None = None  # its severity, or None when `unused-suppression` is off

    def key(self) -> tuple:
        return tuple(sorted((k, v.severity, v.parameters) for k, v in self.rules.items()))


def find_config(start: Path) -> tuple[Path, dict] | None:
    """The configuration for a plan at `start` (a file or folder): the nearest
    `.etiquette-lint.yaml` above it; failing that, the nearest `pyproject.toml` above it that has
    a `[tool.etiquette-lint]` section (the CLI spec's order)."""
    folder = start if start.is_dir() else start.parent
    folders = [folder.resolve(), *folder.resolve().parents]
    for candidate in folders:
        yaml_file = candidate / CONFIG_NAME
        if yaml_file.is_file():
            return yaml_file, read_config(yaml_file)
    for candidate in folders:
        toml_file = candidate / "pyproject.toml"
        if toml_file.is_file():
            section = _pyproject_section(toml_file)
            if section is not None:
                return toml_file, section
    return None


def _config_text(path: Path) -> str:
    """A configuration file's text: a regular file of at most MAX_CONFIG_BYTES, UTF-8."""
    try:
        return read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileProblem as problem:
        if problem.missing:
            raise ConfigError("no such configuration file", path=str(path)) from None
        raise ConfigError(f"{problem.reason}; expected a configuration file", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot be read: {exc}", path=str(path)) from None


def read_config(path: Path) -> dict:
    text = _config_text(path)
    if path.suffix == ".toml":
        section = _pyproject_section(path)
        return section or {}
    try:
        data = load_data(text, str(path), keep="config")  # parsed once, kept between runs
    except EtiquetteLintError as exc:
        raise ConfigError(exc.message, path=exc.path, line=exc.line, column=exc.column) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with a `rules` key", path=str(path))
    return data


def _pyproject_section(path: Path) -> dict | None:
    import tomllib  # only for a pyproject.toml

    try:
        data = tomllib.loads(_config_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot be read as TOML: {exc}", path=str(path)) from None
    return data.get("tool", {}).get("etiquette-lint")


def _ids(value, ruleset: RuleSet, option: str) -> list[str]:
    ids = [v.strip() for v in value if v and v.strip()]
    for rule_id in ids:
        if rule_id not in ruleset.rules and rule_id != UNUSED_SUPPRESSION.id:
            import difflib  # only to suggest a rule id

            close = difflib.get_close_matches(rule_id, [*ruleset.rules, UNUSED_SUPPRESSION.id], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{option}: unknown rule id {rule_id!r}{hint}; expected one of `etiquette-lint rules`")
    return ids


def resolve(
    ruleset: RuleSet,
    config: dict | None,
    config_path: str = "",
    *,
    select: list[str] | None = None,
    extend_select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> Settings:
    """The rules that run and how, from their defaults, the configuration and the options."""
    config = config or {}
    unknown_keys = set(config) - {"rules"}
    if unknown_keys:
        raise ConfigError(f"unknown key(s) {', '.join(sorted(unknown_keys))}; expected `rules`", path=config_path)
    rules_config = config.get("rules") or {}
    if not isinstance(rules_config, dict):
        raise ConfigError("`rules` must map rule ids to settings", path=config_path, pointer="/rules")
    configurable = {**ruleset.rules, UNUSED_SUPPRESSION.id: UNUSED_SUPPRESSION}  # rule files and suppressions
    enabled = {rule_id: rule.enabled for rule_id, rule in configurable.items()}
    severity = {rule_id: rule.severity for rule_id, rule in configurable.items()}
    params = {rule_id: rule.defaults() for rule_id, rule in configurable.items()}
    for rule_id, entry in rules_config.items():
        pointer = f"/rules/{rule_id}"
        if rule_id not in configurable:
            import difflib  # only to suggest a rule id

            close = difflib.get_close_matches(rule_id, list(configurable), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"unknown rule id {rule_id!r}{hint}", path=config_path, pointer=pointer)
        if entry is None:
            continue
        if isinstance(entry, bool):
            enabled[rule_id] = entry
            continue
        if not isinstance(entry, dict):
            raise ConfigError(
                f"expected a mapping such as {{enabled: true}}, got {entry!r}", path=config_path, pointer=pointer
            )
        rule = configurable[rule_id]
        for key, value in entry.items():
            if key == "enabled":
                if not isinstance(value, bool):
                    raise ConfigError(
                        f"expected true or false, got {value!r}", path=config_path, pointer=f"{pointer}/enabled"
                    )
                enabled[rule_id] = value
            elif key == "severity":
                if value not in SEVERITIES:
                    raise ConfigError(
                        f"{value!r} is not one of {', '.join(SEVERITIES)}",
                        path=config_path,
                        pointer=f"{pointer}/severity",
                    )
                severity[rule_id] = value
            elif key in rule.parameters:
                params[rule_id][key] = _parameter(rule, key, value, config_path, f"{pointer}/{key}")
            else:
                known = ", ".join(["enabled", "severity", *rule.parameters])
                raise ConfigError(
                    f"unknown setting {key!r} for {rule_id}; expected one of {known}",
                    path=config_path,
                    pointer=f"{pointer}/{key}",
                )
    if select:
        chosen = set(_ids(select, ruleset, "--select"))
        enabled = {rule_id: rule_id in chosen for rule_id in enabled}
    for rule_id in _ids(extend_select or [], ruleset, "--extend-select"):
        enabled[rule_id] = True
    for rule_id in _ids(ignore or [], ruleset, "--ignore"):
        enabled[rule_id] = False
    return Settings(
        {
            rule_id: RuleSettings(severity[rule_id], tuple(sorted(params[rule_id].items())))
            for rule_id in ruleset.rules
            if enabled[rule_id]
        },
        config_path,
        severity[UNUSED_SUPPRESSION.id] if enabled[UNUSED_SUPPRESSION.id] else None,
    )


def _parameter(rule, key: str, value, path: str, pointer: str):
    spec = rule.parameters[key]
    default = spec["default"]
    if (
        isinstance(default, bool) != isinstance(value, bool)
        or (isinstance(default, (int, float)) and not isinstance(value, (int, float)))
        or (isinstance(default, str) and not isinstance(value, str))
    ):
        raise ConfigError(
            f"expected a {type(default).__name__} like {default!r}, got {value!r}", path=path, pointer=pointer
        )
    if (
        isinstance(default, int)
        and not isinstance(default, bool)
        and isinstance(value, float)
        and not value.is_integer()
    ):
        raise ConfigError(f"expected a whole number, got {value!r}", path=path, pointer=pointer)
    if isinstance(default, int) and not isinstance(default, bool):
        value = int(value)
    for bound, test in (("minimum", lambda v, b: v >= b), ("maximum", lambda v, b: v <= b)):
        if bound in spec and not test(value, spec[bound]):
            raise ConfigError(f"expected a value with {bound} {spec[bound]}, got {value!r}", path=path, pointer=pointer)
    return value
