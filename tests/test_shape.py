"""The project's shape, kept: the gallery's options declared once and the command line made
from them, the README's commands table and options in step with `--help`, and the command
line reaching each stage through its package face only."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import click
import pytest

from photoseek.build_site import SiteOptions, declared_options
from photoseek.cli import main, site_options

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("extract", "embed", "build_site")


def _options(command: str) -> dict[str, click.Option]:
    params = main.commands[command].params
    return {flag: p for p in params if isinstance(p, click.Option) for flag in p.opts}


@pytest.mark.parametrize("command", ["site", "build"])
def test_every_gallery_option_is_a_flag_with_the_declared_help_and_default(command):
    options = _options(command)
    for name, flag, help_text, default, _metavar in declared_options():
        option = options[flag.split("/")[0]]
        assert option.name == name and option.help == help_text
        if not isinstance(default, tuple):
            assert option.default == default, flag
    context = main.commands[command].make_context(
        command, ["--library", "L", "--out", "S", "source"][: 4 + (command == "build")]
    )
    assert site_options(context.params) == SiteOptions()


def test_command_line_values_reach_the_options(tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("# comment\nsunrise over the harbour\n\n  \nred car\n")
    args = ["--library", "L", "--out", "S", "--title", "  Trip  ", "--strip-location",
            "--show-paths", "--no-full-size", "--no-text-model", "--ocr-private",
            "--people-private", "--publish-unnamed-people", "--captions-private",
            "--queries", str(queries)]  # fmt: skip
    options = site_options(main.commands["site"].make_context("site", args).params)
    assert options == SiteOptions(
        title="Trip",
        strip_location=True,
        show_paths=True,
        full_size=False,
        text_model=False,
        ocr_private=True,
        captions_private=True,
        people_private=True,
        publish_unnamed_people=True,
        queries=("sunrise over the harbour", "red car"),
    )
    hidden = {"location", "picture text", "people", "faces", "description"}
    assert options.privacy.hidden == frozenset(hidden)
    assert options.privacy.unnamed_people
    # Faces' boxes are never published; everything else by default but paths.
    assert SiteOptions().privacy.hidden == frozenset({"path", "faces"})
    assert not SiteOptions().privacy.unnamed_people
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.title = "other"  # type: ignore[misc]
    assert SiteOptions(title=" " * 3).title == "Photos"
    assert len(SiteOptions(title="x" * 500).title) == 200


def _readme_commands() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `photoseek (\w+)([^`]*)` \| (.+) \|$", table, re.M)
    return {name: args for name, args, _ in rows}


def test_the_readme_lists_every_command_and_no_other():
    assert sorted(_readme_commands()) == sorted(main.commands)


def test_the_readme_commands_use_options_the_commands_have():
    for name, args in _readme_commands().items():
        have = {flag for p in main.commands[name].params for flag in p.opts}
        for flag in re.findall(r"(--?[\w-]+)", args):
            assert flag in have, f"photoseek {name} has no {flag}"


def test_the_readme_explains_every_gallery_option():
    text = (ROOT / "README.md").read_text()
    for _name, flag, _help, _default, _metavar in declared_options():
        for spelling in flag.split("/"):
            assert f"`{spelling}" in text, f"the README does not explain {spelling}"


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("module", ["cli.py", "doctor.py", "steps.py", "model_choice.py"])
def test_the_command_line_uses_each_stage_through_its_package_face(module):
    inner = [
        name
        for name in _imports(ROOT / "photoseek" / module)
        if name.split(".")[:2] in (["photoseek", stage] for stage in STAGES)
        and len(name.split(".")) > 2
    ]
    assert inner == [], f"{module} reaches past a stage's face: {inner}"
