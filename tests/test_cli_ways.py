"""The command line as a user meets it: a closed pipe, a site given for a library, a file
name for a photo, the first build offline, a wrong source, where the library went."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from photoseek import samples

from .conftest import pictures, run_cli, two_reds


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A site of 200 small photos and its library, where `build` keeps it."""
    base = tmp_path_factory.mktemp("built")
    pics = pictures(base / "pics", 200)
    result = run_cli("build", str(pics), "--out", str(base / "site"), "--model", "colour",
                     "--no-ocr", "--no-full-size")  # fmt: skip
    library = base / "site-library"
    assert f"library: {library}" in result.stdout.splitlines()
    return base / "site", library


def test_a_closed_pipe_ends_the_output_quietly(built):
    site, library = built
    for args in (["ls", "--json"], ["ls"]):
        # ls --json of 200 photos is well past a pipe's buffer: the writer meets the closed end.
        command = f"{sys.executable} -m photoseek {' '.join(args)} --library {library}"
        script = f"{command} 2>{site.parent}/err | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
        assert done.stdout.strip() == "0", done
        assert (site.parent / "err").read_text() == ""


def test_reading_commands_follow_a_site_to_its_library(built, tmp_path):
    site, library = built
    direct = run_cli("ls", "--library", str(library)).stdout
    through = run_cli("ls", "--library", str(site))
    assert through.stdout == direct and len(direct.splitlines()) == 200
    assert through.stderr == f"note: {site} is a gallery; reading its library {library}\n"
    found = run_cli("similar", "--library", str(site), "p007.jpg", "-k", "3", "--json")
    assert len(found.stdout.splitlines()) == 3
    run_cli("search", "--library", str(site), "red", "-k", "2")
    run_cli("export", "--library", str(site), "--out", str(tmp_path / "v.npz"))
    assert (tmp_path / "v.npz").is_file()


def test_a_site_whose_library_lies_elsewhere_says_which_folder_to_give(tmp_path):
    pics = pictures(tmp_path / "pics", 2)
    run_cli("build", str(pics), "--out", str(tmp_path / "site"), "--library",
            str(tmp_path / "elsewhere"), "--model", "colour", "--no-ocr")  # fmt: skip
    result = run_cli("ls", "--library", str(tmp_path / "site"), check=False)
    assert result.returncode == 2
    assert "is a gallery photoseek built, not a library" in result.stderr
    assert "give the --library it was built with" in result.stderr
    assert "photoseek extract" not in result.stderr


def test_similar_takes_an_id_a_path_or_a_file_name(built, tmp_path):
    site, library = built
    by_name = run_cli("similar", "--library", str(library), "p042.jpg", "--json").stdout
    by_path = run_cli("similar", "--library", str(library), str(site.parent / "pics" / "p042.jpg"),
                      "--json").stdout  # fmt: skip
    assert by_name == by_path and by_name
    assert "p042.jpg" not in by_name, "the photo itself is left out"
    missing = run_cli("similar", "--library", str(library), "nothere.jpg", check=False)
    assert missing.returncode == 1
    assert (
        "no photo in" in missing.stderr and "id, path or file name 'nothere.jpg'" in missing.stderr
    )


def test_a_file_name_shared_by_two_photos_asks_for_an_id(tmp_path):
    for part in ("a", "b"):
        (tmp_path / "pics" / part).mkdir(parents=True)
        samples.picture(ord(part), (48, 32)).save(tmp_path / "pics" / part / "IMG_1.jpg")
    library = tmp_path / "lib"
    run_cli("extract", str(tmp_path / "pics"), "--library", str(library))
    run_cli("embed", "--library", str(library), "--model", "colour")
    result = run_cli("similar", "--library", str(library), "IMG_1.jpg", check=False)
    assert result.returncode == 1
    assert "2 photos in" in result.stderr and "are named IMG_1.jpg" in result.stderr


@pytest.mark.parametrize(
    ("env", "why"),
    [
        ({"HF_HUB_OFFLINE": "1"}, "HF_HUB_OFFLINE is set"),
        # Nothing listens on the discard port of this machine: the hub cannot be reached.
        ({"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"}, "the hub cannot be reached"),
    ],
)
def test_the_first_build_offline_is_one_line_naming_the_model_free_choice(tmp_path, env, why):
    pics = pictures(tmp_path / "pics", 2)
    home = tmp_path / "hf"
    result = run_cli("build", str(pics), "--out", str(tmp_path / "site"), check=False,
                     env={**os.environ, "HF_HOME": str(home), **env})  # fmt: skip
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert why in result.stderr and "--model colour" in result.stderr
    assert "openai/clip-vit-base-patch32" in result.stderr


def test_doctor_says_the_default_model_is_missing_and_what_to_do(tmp_path):
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    result = run_cli("doctor", check=False, env=env)
    row = next(line for line in result.stdout.splitlines() if line.startswith("default model"))
    assert "openai/clip-vit-base-patch32 is not in the Hugging Face cache" in row
    assert "--model colour" in row and "checkpoint folder" in row


def test_a_run_that_fails_before_doing_anything_leaves_no_folder(tmp_path):
    result = run_cli("build", str(tmp_path / "nothere"), "--out", str(tmp_path / "site"),
                     "--model", "colour", check=False)  # fmt: skip
    assert result.returncode == 2 and "no such file or folder" in result.stderr
    result = run_cli("extract", str(tmp_path / "nothere"), "--library", str(tmp_path / "lib"),
                     check=False)  # fmt: skip
    assert result.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def reds(tmp_path_factory) -> Path:
    """A library of 40 pictures of other colours and two solid red ones, one of them dated."""
    base = tmp_path_factory.mktemp("reds")
    pics = two_reds(base / "pics")
    library = base / "lib"
    run_cli("extract", str(pics), "--library", str(library))
    run_cli("embed", "--library", str(library), "--model", "colour")
    return library


def _search(library: Path, *args: str) -> list[dict]:
    result = run_cli("search", "--library", str(library), *args, "--json")
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_search_says_what_matched_and_where_relevance_ends(reds):
    hits = _search(reds, "red", "-k", "10")
    assert len(hits) == 10
    names = [Path(h["path"]).name for h in hits]
    assert sorted(names[:2]) == ["solid-a.jpg", "solid-b.jpg"]
    assert [h["strong"] for h in hits] == [True, True] + [False] * 8, names
    assert all(h["matched"] == [{"kind": "meaning", "text": ""}] for h in hits)
    text = run_cli("search", "--library", str(reds), "red", "-k", "4").stdout.splitlines()
    assert "meaning" in text[0] and "solid-" in text[0] + text[1]
    assert text[2] == "weaker matches (their scores are within the noise):"
    # A word of the photo's own name is a match of words, said as such, first and strong.
    named = _search(reds, "p007", "-k", "3")
    assert named[0]["matched"] == [{"kind": "name", "text": "p007.jpg"}] and named[0]["strong"]
    assert named[0]["score"] is None


def test_search_by_date_puts_the_newest_first_within_strong_and_weaker(reds):
    by_date = [Path(h["path"]).name for h in _search(reds, "red", "-k", "6", "--sort", "date")]
    by_relevance = [Path(h["path"]).name for h in _search(reds, "red", "-k", "6")]
    assert by_date[0] == "solid-a.jpg", "the one dated photo comes first among the strong"
    assert sorted(by_date[:2]) == sorted(by_relevance[:2])
    assert by_date[2:] == by_relevance[2:], "undated photos keep their order"
