"""The cache folder cannot be turned against the user (issue 11, item 2): a tampered, planted or odd
file there never crashes a run, hangs it, changes its findings or makes it write elsewhere."""

from __future__ import annotations

import marshal
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from etiquette_lint import regex_cache
from etiquette_lint.core import private_cache, results

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "multi"


def check(cache_home: Path, *extra: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETIQUETTE_LINT")}
    env["XDG_CACHE_HOME"] = str(cache_home)
    env.update(env_extra or {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "etiquette_lint",
            "check",
            str(EXAMPLE),
            "--today",
            "2026-11-26",
            "--format",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture(scope="module")
def uncached(tmp_path_factory) -> subprocess.CompletedProcess:
    return check(tmp_path_factory.mktemp("nocache"), env_extra={"ETIQUETTE_LINT_NO_CACHE": "1"})


@pytest.fixture
def warm(tmp_path) -> Path:
    """A cache folder that a real run has filled."""
    result = check(tmp_path)
    assert result.returncode in (0, 1), result.stderr
    folder = tmp_path / "etiquette-lint"
    assert (folder / regex_cache.file_name()).is_file()
    for kept in folder.glob(results.PREFIX + "*"):  # so that the next run reads the patterns again
        kept.unlink()
    return folder


def same_verdict(result: subprocess.CompletedProcess, uncached: subprocess.CompletedProcess) -> None:
    assert result.returncode == uncached.returncode, result.stderr
    assert result.stdout == uncached.stdout
    assert "Traceback" not in result.stderr


def test_files_and_folder_are_private(warm):
    assert stat.S_IMODE(warm.stat().st_mode) == 0o700
    for file in warm.iterdir():
        assert stat.S_IMODE(file.lstat().st_mode) == 0o600, file
        assert file.lstat().st_uid == os.geteuid()


def test_a_changed_number_in_a_kept_program_is_refused(warm, uncached):
    """The 1.0 cache handed any program to _sre.compile: one changed number segfaulted every run
    (exit 139) or silently dropped findings. Now the digest fails and the patterns are compiled."""
    file = warm / regex_cache.file_name()
    data = file.read_bytes()
    digest, payload = data[:32], data[32:]
    programs = marshal.loads(payload)
    for key, (flags, code, groups, groupindex, indexgroup) in list(programs.items()):
        code = list(code)
        code[len(code) // 2] = 2**31 - 1  # the kind of edit that crashed the interpreter
        programs[key] = (flags, code, groups + 7, groupindex, indexgroup)
    file.write_bytes(digest + marshal.dumps(programs))
    same_verdict(check(warm.parent), uncached)
    # ... and the next save wrote a good file again
    assert file.read_bytes()[32:] != marshal.dumps(programs)


def test_a_program_without_its_digest_is_refused(warm, uncached):
    file = warm / regex_cache.file_name()
    programs = marshal.loads(file.read_bytes()[32:])
    file.write_bytes(marshal.dumps({key: (0, [1], 0, {}, ()) for key in programs}))  # the 1.0 format, emptied
    same_verdict(check(warm.parent), uncached)


def test_a_fifo_in_place_of_the_cache_file_does_not_hang(warm, uncached):
    file = warm / regex_cache.file_name()
    file.unlink()
    os.mkfifo(file, 0o600)
    same_verdict(check(warm.parent), uncached)  # the timeout in check() fails a hang


def test_a_link_to_dev_zero_is_not_followed(warm, uncached):
    file = warm / regex_cache.file_name()
    file.unlink()
    file.symlink_to("/dev/zero")
    same_verdict(check(warm.parent), uncached)
    assert not file.is_symlink()  # replaced by a file of ours, /dev/zero untouched


def test_a_planted_link_does_not_make_a_run_write_elsewhere(warm, uncached, tmp_path_factory):
    victim = tmp_path_factory.mktemp("victim") / "precious.txt"
    victim.write_text("keep me\n")
    for name in (regex_cache.file_name(), private_cache.KEY_NAME):
        (warm / name).unlink()
        (warm / name).symlink_to(victim)
    same_verdict(check(warm.parent), uncached)
    assert victim.read_text() == "keep me\n"


def test_an_oversized_file_is_not_read(warm, uncached, monkeypatch):
    file = warm / regex_cache.file_name()
    with file.open("r+b") as handle:
        handle.truncate(regex_cache.MAX_FILE_BYTES + 4096)  # sparse: costs no disk
    same_verdict(check(warm.parent), uncached)


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_can_write_is_refused(tmp_path, uncached, mode):
    folder = tmp_path / "etiquette-lint"
    folder.mkdir()
    folder.chmod(mode)
    same_verdict(check(tmp_path), uncached)
    assert list(folder.iterdir()) == []  # nothing read or written there
    assert stat.S_IMODE(folder.stat().st_mode) == mode


def test_a_folder_of_ours_others_may_only_read_is_made_private(tmp_path, uncached):
    folder = tmp_path / "etiquette-lint"
    folder.mkdir()
    folder.chmod(0o755)  # as 1.0 created it
    same_verdict(check(tmp_path), uncached)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the folder to another user")
def test_a_folder_of_another_user_is_refused(tmp_path, uncached):
    """A shared cache folder (XDG_CACHE_HOME on a shared disk): another user's folder, even
    private, is neither read nor written by a root run."""
    folder = tmp_path / "etiquette-lint"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    tmp_path.chmod(0o755)
    same_verdict(check(tmp_path), uncached)
    assert list(folder.iterdir()) == []


def test_a_link_in_place_of_the_folder_is_refused(tmp_path, uncached, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (tmp_path / "etiquette-lint").symlink_to(elsewhere, target_is_directory=True)
    same_verdict(check(tmp_path), uncached)
    assert list(elsewhere.iterdir()) == []


def test_a_damaged_key_is_replaced(warm, uncached):
    key = warm / private_cache.KEY_NAME
    key.write_bytes(b"short")
    same_verdict(check(warm.parent), uncached)
    assert len(key.read_bytes()) == private_cache.KEY_BYTES


def test_a_file_swapped_with_another_is_refused(tmp_path):
    """The digest covers the file's name: an entry copied over another's name is not used."""
    os.environ.pop("ETIQUETTE_LINT_NO_CACHE", None)
    folder = private_cache._open(tmp_path / "etiquette-lint")
    assert folder is not None
    assert folder.write("a", b"first")
    assert folder.write("b", b"second")
    assert folder.read("a", 100) == b"first"
    os.replace(tmp_path / "etiquette-lint" / "b", tmp_path / "etiquette-lint" / "a")
    assert folder.read("a", 100) is None
    assert folder.read("b", 100) is None


@pytest.mark.parametrize("plant", ["fifo", "zero", "garbage"])
def test_an_odd_kept_result_is_ignored(tmp_path, uncached, plant):
    first = check(tmp_path)
    same_verdict(first, uncached)
    (kept,) = (tmp_path / "etiquette-lint").glob(results.PREFIX + "*")
    kept.unlink()
    if plant == "fifo":
        os.mkfifo(kept, 0o600)
    elif plant == "zero":
        kept.symlink_to("/dev/zero")
    else:
        kept.write_bytes(b"\0" * 32 + b'{"deps": [], "stdout": "", "stderr": "", "status": 0}')
    same_verdict(check(tmp_path), uncached)
