"""What a parse job may touch besides its file (documents.parsing.confinement), and that jobs are confined."""

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import REPO_ROOT
from documents.parsing import ErrorCode, ParseError, SubprocessParser
from documents.parsing.confinement import available, code_folders
from tests.documents import pdfs

_PROBE = textwrap.dedent(
    """
    import json, os, socket, subprocess, sys
    from documents.parsing.confinement import confine

    readable, writable, outside = sys.argv[1:4]
    confine(read=[readable], write=[writable])

    def attempt(action):
        try:
            action()
        except PermissionError:
            return "refused"
        return "allowed"

    def write(path):
        with open(path, "w") as file:
            file.write("x")

    results = {
        "read given file": attempt(lambda: open(readable).read()),
        "read other file": attempt(lambda: open(outside).read()),
        "list other folder": attempt(lambda: os.listdir(os.path.dirname(outside))),
        "write in given folder": attempt(lambda: write(os.path.join(writable, "out.pdf"))),
        "write beside given file": attempt(lambda: write(readable + ".copy")),
        "tcp socket": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        "unix socket": attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
        "run a program": attempt(lambda: subprocess.run(["/bin/true"], check=False)),
        "late import from the standard library": attempt(lambda: __import__("lzma")),
        "late import from the virtualenv": attempt(lambda: __import__("cryptography.hazmat.primitives.ciphers")),
    }
    print(json.dumps(results))
    """
)


def test_this_machine_offers_both_sandboxes() -> None:
    """Not skipped where missing: the workers' machines are Linux 5.13 or later, as this one."""
    assert available() == {"seccomp": True, "landlock": True}


def test_a_confined_process_reads_what_it_was_given_and_python_and_nothing_else(tmp_path: Path) -> None:
    given = tmp_path / "given.pdf"
    given.write_text("the job's own file")
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    secret = elsewhere / "other-team.pdf"
    secret.write_text("another team's document")

    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(given), str(out), str(secret)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert json.loads(probe.stdout) == {
        "read given file": "allowed",
        "read other file": "refused",
        "list other folder": "refused",
        "write in given folder": "allowed",
        "write beside given file": "refused",
        "tcp socket": "refused",
        "unix socket": "refused",
        "run a program": "refused",
        "late import from the standard library": "allowed",
        "late import from the virtualenv": "allowed",
    }


def test_python_may_be_read_but_not_the_project_root_where_development_keeps_stored_files() -> None:
    assert Path(sys.prefix).resolve() in {Path(folder).resolve() for folder in code_folders()}
    assert REPO_ROOT.resolve() not in {Path(folder).resolve() for folder in code_folders()}


@pytest.fixture(scope="module")
def isolated() -> Iterator[SubprocessParser]:
    parser = SubprocessParser()
    yield parser
    parser.close()


def test_a_job_kept_for_a_team_reads_that_teams_folder_only(isolated: SubprocessParser, tmp_path: Path) -> None:
    """The worker keeps each team's files in a folder of their own; a job parsing one team's documents
    one after another may read that folder, and a file elsewhere is out of its reach (here through a
    symbolic link, the only way to hand it one)."""
    team_folder = tmp_path / "team-a"
    team_folder.mkdir()
    other_folder = tmp_path / "team-b"
    other_folder.mkdir()
    first = pdfs.write_pdf(team_folder / "first.pdf", ["The first paper of team A."])
    second = pdfs.write_pdf(team_folder / "second.pdf", ["The second paper of team A."])
    foreign = pdfs.write_pdf(other_folder / "theirs.pdf", ["A paper of team B."])
    (team_folder / "link.pdf").symlink_to(foreign)

    assert isolated.parse(first, reuse_key="team-a").pages[0].text == "The first paper of team A."
    kept = isolated.last_job_pid
    assert isolated.parse(second, reuse_key="team-a").pages[0].text == "The second paper of team A."
    assert isolated.last_job_pid == kept  # the same job, confined to team A's folder since its first file
    with pytest.raises(ParseError) as refused:
        isolated.parse(team_folder / "link.pdf", reuse_key="team-a")
    assert refused.value.code == ErrorCode.CORRUPT

    shutil.copy(foreign, team_folder / "copied.pdf")
    assert isolated.parse(team_folder / "copied.pdf", reuse_key="team-a").pages[0].text == "A paper of team B."


def test_the_template_checks_once_that_jobs_can_be_confined() -> None:
    """A kernel that offers the sandboxes but refuses them to the process keeps the template from starting
    (the worker then reports the parser unavailable and retries) rather than fail every user's file.
    (In a fresh interpreter: the check forks, which a test process with threads should not.)"""
    check = textwrap.dedent(
        """
        from documents.parsing import child, confinement

        works = child.confinement_works()

        def refused(**kwargs):
            raise PermissionError(1, "landlock_restrict_self failed")

        confinement.confine = refused
        print(works, child.confinement_works())
        """
    )
    probe = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    assert probe.stdout.split() == ["True", "False"]
    assert "parse jobs cannot be confined here: [Errno 1] landlock_restrict_self failed" in probe.stderr
