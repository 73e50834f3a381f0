"""photoseek search's text-in-pictures matching on the cases the gallery's code also answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from photoseek.textmatch import best_matches, fold, match

CASES = json.loads((Path(__file__).parent / "textmatch_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["query"] or "blank" for c in CASES])
def test_shared_cases(case):
    found = match(case["query"], case["text"])
    assert (found.score if found else None) == case["score"]


def test_folding_and_ranking():
    assert fold("Straße, CAFÉ—Zürich!") == "strasse cafe zurich"
    texts = {"b": "printer of the year", "a": "WHENTHEPRINTER SAYS", "c": "", "d": "the printer"}
    ranked = [(pid, m.score) for pid, m in best_matches("the printer", texts, 10)]
    assert ranked == [("a", 3), ("d", 3), ("b", 2)]
