"""The documentation a new user reads: the plan reference, the schema's descriptions (hover help
in editors), the install lines, the editor snippets and the skip reasons of the test run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import git_copy_of_package

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
PLAN_DOC = ROOT / "docs" / "plan-format.md"


def schema_properties(node, pointer="#"):
    """(pointer, name, schema) of every property declared anywhere in the schema."""
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{pointer}/properties/{name}", name, sub
        for key, value in node.items():
            yield from schema_properties(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_properties(value, f"{pointer}/{index}")


def test_every_property_of_the_plan_schema_has_a_description():
    missing = [pointer for pointer, _name, sub in schema_properties(SCHEMA) if not sub.get("description")]
    assert len(list(schema_properties(SCHEMA))) > 40
    assert not missing, f"properties without a description: {missing}"


def test_the_1_1_fields_are_in_the_schema():
    assert SCHEMA["properties"]["timezone"]["type"] == "string"
    aliases = SCHEMA["$defs"]["interviewer"]["properties"]["aliases"]
    assert aliases["type"] == "array"


def test_the_plan_reference_documents_every_field():
    doc = PLAN_DOC.read_text(encoding="utf-8")
    names = {name for _pointer, name, _sub in schema_properties(SCHEMA)}
    undocumented = sorted(name for name in names if f"`{name}`" not in doc)
    assert not undocumented, f"fields not in docs/plan-format.md: {undocumented}"


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_the_plan_reference_examples_are_valid_plans():
    """The full example in the reference is valid against the schema, and so is every smaller
    example that is a whole plan (has `version:`)."""
    blocks = [yaml.safe_load(b) for b in yaml_blocks(PLAN_DOC.read_text(encoding="utf-8"))]
    plans = [b for b in blocks if isinstance(b, dict) and "version" in b]
    assert plans
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for plan in plans:
        plan = json.loads(json.dumps(plan, default=str))  # dates as strings, as the linter reads them
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(plan)]
        assert not errors, errors
    names = {name for _pointer, name, _sub in schema_properties(SCHEMA)}
    used = set()

    def walk(value):
        if isinstance(value, dict):
            used.update(value)
            for sub in value.values():
                walk(sub)
        elif isinstance(value, list):
            for sub in value:
                walk(sub)

    walk(plans)
    assert names - used == set(), f"fields with no example: {sorted(names - used)}"


def test_skip_reasons_speak_to_an_outside_contributor():
    """Skip reasons name what a contributor can install or do, not folders of our own setup."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == "test_docs.py":
            continue
        text = path.read_text(encoding="utf-8")
        for reason in re.findall(r"(?:skip(?:if)?|importorskip)\((.*?)\)\n", text, flags=re.S):
            assert "article" not in reason and "shared/" not in reason, (path.name, reason)


INSTALL_DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "examples").rglob("*.md")),
    ROOT / "examples" / "github-workflow.yml",
    ROOT / ".pre-commit-hooks.yaml",
    ROOT / "etiquette_lint" / "cli.py",
]


def test_every_install_line_installs_from_this_repository():
    """etiquette-lint is on no package index: every `pip install` in the docs names this
    repository (`.`, `.[extra]`, or the Git URL of the workflow), or a real package."""
    import tomllib

    extras = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    )
    seen = 0
    for path in INSTALL_DOCS:
        if not path.exists():
            continue
        for match in re.finditer(r"pip install ([^`\n&]+)", path.read_text(encoding="utf-8")):
            seen += 1
            arg = match.group(1).split()[0].strip("'\")(,")
            if arg in (".", "$ETIQUETTE_LINT"):
                continue
            extra = re.fullmatch(r"\.\[(\w+)\]", arg)
            if extra:
                assert extra.group(1) in extras, (path.name, arg)
                continue
            assert not arg.startswith("etiquette-lint"), (
                f"{path.name}: {match.group(0)!r} installs from a package index"
            )
    assert seen >= 4


def pip(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )
    if result.returncode and re.search(
        r"NewConnectionError|Temporary failure in name resolution|No matching distribution found for setuptools",
        result.stdout + result.stderr,
    ):
        pytest.skip("pip could not reach the package index to fetch the build backend (setuptools)")
    return result


def test_the_lsp_extra_installs_from_the_checkout():
    result = pip("install", "--dry-run", ".[lsp]", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "etiquette-lint" in result.stdout


@pytest.fixture(scope="module")
def git_copy(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's package files as a Git repository of their own, and its commit."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (Debian/Ubuntu: apt-get install git)")
    repo = tmp_path_factory.mktemp("etiquette-lint-repo")
    return repo, git_copy_of_package(repo)


def test_the_github_workflow_installs_from_the_git_url(git_copy, tmp_path):
    """The workflow's install step, run as written with its ETIQUETTE_LINT pointed at a Git copy of
    this repository (pip in dry-run mode: it clones, builds the metadata and would install)."""
    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8"))
    url = workflow["env"]["ETIQUETTE_LINT"]
    assert re.fullmatch(r"git\+https://github\.com/[\w.-]+/etiquette-lint@[0-9a-f]{40}", url), url
    steps = workflow["jobs"]["etiquette-lint"]["steps"]
    install = next(step["run"] for step in steps if step.get("name") == "Install etiquette-lint")
    repo, sha = git_copy
    env = {
        **os.environ,
        "ETIQUETTE_LINT": f"git+file://{repo}@{sha}",
        "PYTHON": sys.executable,
    }
    # `pip` in the step is this environment's pip, told not to install anything or its dependencies, and to
    # ignore the copy already installed (CI installs the package itself, not in editable mode).
    script = 'pip() { "$PYTHON" -m pip "$@" --dry-run --no-deps --ignore-installed; }\n' + install
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode and "NewConnectionError" in result.stdout + result.stderr:
        pytest.skip("pip could not reach the package index to fetch the build backend (setuptools)")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Would install etiquette-lint" in result.stdout


def neovim_snippet(heading: str) -> str:
    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    section = doc.split(heading, 1)[1]
    return re.search(r"```lua\n(.*?)```", section, flags=re.S).group(1)


NVIM_PROBE = """
vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, string.format("%d %s %s", d.lnum + 1, tostring(d.code), d.source or ""))
end
vim.fn.writefile(out, vim.env.PROBE_OUT)
vim.cmd("qa!")
"""


def test_the_neovim_0_7_snippet_shows_findings(tmp_path):
    """The snippet for old Neovim, pasted as the user's init.lua, in a real (headless) Neovim."""
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("Neovim is not installed (Debian/Ubuntu: apt-get install neovim)")
    if shutil.which("etiquette-lint") is None and not (Path(sys.executable).parent / "etiquette-lint").exists():
        pytest.skip("the etiquette-lint command is not on PATH (pip install '.[test]')")
    init = tmp_path / "init.lua"
    init.write_text(neovim_snippet("Neovim 0.7 to 0.9"), encoding="utf-8")
    (tmp_path / "probe.lua").write_text(NVIM_PROBE, encoding="utf-8")
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "examples" / "messy", plans)
    env = {
        **os.environ,
        "PROBE_OUT": str(tmp_path / "diagnostics.txt"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    subprocess.run(
        [nvim, "--headless", "-u", str(init), "acme.plan.yaml", "-c", f"luafile {tmp_path / 'probe.lua'}"],
        cwd=plans,
        env=env,
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    diagnostics = (tmp_path / "diagnostics.txt").read_text(encoding="utf-8").splitlines()
    assert diagnostics, "no diagnostics from the language server"
    assert all(line.endswith(" etiquette-lint") for line in diagnostics)
    assert any(" email-and-call " in line for line in diagnostics)


def test_the_readme_says_what_the_first_command_prints(monkeypatch, capsys):
    """The README tells a new user what `etiquette-lint check examples --today 2026-11-26` prints;
    when the examples or the rules change, update that sentence (README.md, "Command 1")."""
    from etiquette_lint.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    promised = re.search(r"ending in `(Found [^`]*)`", readme.replace("\n", " ")).group(1)
    lines = int(re.search(r"about\s+(\d+)\s+lines", readme).group(1))
    monkeypatch.chdir(ROOT)
    code = main(["check", "examples", "--today", "2026-11-26", "--no-color"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-1] == promised, f"README.md promises {promised!r}; the command now prints {out[-1]!r}"
    assert abs(len(out) - lines) <= lines * 0.2, (len(out), lines)
