"""Coverage-guided fuzzing in CI: each target of tests/fuzz/harness.py (plans, messages, rule
files) runs under atheris for a bounded time, seeded with the repository's examples, fixtures,
mail and rule files and with every input the fuzzer ever found (tests/fuzz/regressions/), and
must find nothing: no exception but our documented input errors, no input slower than the
per-input timeout, every report well-formed. The budget is 54 s of fuzzing in all (about 65 s with start-up); set
ETIQUETTE_LINT_FUZZ_SECONDS for a longer run (the figures go to docs/security.md)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "atheris",
    reason="the fuzzer needs atheris: pip install atheris (wheels for x86-64 Linux, Python 3.11-3.13; "
    "it is in the `test` extra there)",
)

FUZZ = Path(__file__).parent / "fuzz"
sys.path.insert(0, str(FUZZ))
from harness import TARGETS, seed_corpus  # noqa: E402

# Shares of the total budget: the plan and rules targets run the whole lint per input (~10-30 a
# second here), the message target is cheaper (~300 a second).
SHARE = {"plan": 0.4, "message": 0.2, "rules": 0.4}
TOTAL = float(os.environ.get("ETIQUETTE_LINT_FUZZ_SECONDS", "54"))
PER_INPUT_TIMEOUT = 30  # seconds: an input that takes longer is a hang (libFuzzer reports it)


def seeded(target: str, folder: Path) -> int:
    folder.mkdir()
    seeds = seed_corpus(target) + sorted((FUZZ / "regressions" / target).glob("*"))
    for number, seed in enumerate(seeds):
        shutil.copyfile(seed, folder / f"seed-{number}")
    return len(seeds)


@pytest.mark.parametrize("target", TARGETS)
def test_the_fuzzer_finds_nothing(target, tmp_path):
    corpus, artifacts = tmp_path / "corpus", tmp_path / "artifacts"
    artifacts.mkdir()
    seeds = seeded(target, corpus)
    seconds = max(1, round(TOTAL * SHARE[target]))
    done = subprocess.run(
        [
            sys.executable,
            str(FUZZ / "harness.py"),
            target,
            f"-max_total_time={seconds}",
            f"-timeout={PER_INPUT_TIMEOUT}",
            "-max_len=65536",
            "-rss_limit_mb=3072",
            "-print_final_stats=1",
            f"-artifact_prefix={artifacts}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 10 * PER_INPUT_TIMEOUT,
        cwd=tmp_path,
    )
    log = done.stderr
    found = sorted(artifacts.iterdir())
    if done.returncode != 0 or found:
        shown = "\n".join(f"{f.name}: {f.read_bytes()[:2000]!r}" for f in found)
        tail = "\n".join(line for line in log.splitlines() if not line.startswith("INFO: Instrumenting"))[-6000:]
        pytest.fail(
            f"the {target} fuzzer found a problem (exit {done.returncode}); add the input to "
            f"tests/fuzz/regressions/{target}/ with a test, then fix it.\n{shown}\n{tail}"
        )
    runs = int(re.search(r"stat::number_of_executed_units:\s*(\d+)", log).group(1))
    coverage = re.findall(r"DONE\s+cov: (\d+) ft: (\d+)", log)
    print(f"{target}: {runs} inputs in {seconds} s, coverage {coverage[-1] if coverage else '?'} (cov, ft)")
    assert runs >= seeds, f"the fuzzer ran {runs} inputs, fewer than its {seeds} seeds:\n{log[-3000:]}"
