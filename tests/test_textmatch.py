"""photoseek search's text-in-pictures matching on the cases the gallery's code also answers."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from photoseek import textmatch
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


@pytest.mark.parametrize(
    ("word", "other", "close"),
    [
        ("printer", "printer", True),
        ("printer", "prlnter", True),  # one letter wrong
        ("printer", "prlntar", False),  # two
        ("printer", "printr", True),  # one missing
        ("printer", "printers", True),  # one extra
        ("printer", "pxintxer", False),  # one longer, but not by one letter added
        ("printer", "printerss", False),
        ("printer", "print", False),
        ("東京都庁舎", "東京都庁所", True),  # characters compared by value, not identity
    ],
)
def test_close_words_differ_by_one_letter_at_most(word, other, close):
    assert textmatch._close(word, other) is close
    assert textmatch._close(other, word) is close


def test_short_words_count_inside_others_only_from_four_letters_or_in_chinese():
    words = ("abcd", "abc", "東京", "東京都", "東", "ab")
    assert [textmatch._long_enough(w, 4) for w in words] == [True, False, True, True, False, False]


def test_a_match_is_a_value_that_cannot_be_changed():
    found = match("printer", "the printer")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.score = 0  # type: ignore[misc]


def test_best_matches_are_cut_at_the_limit_best_first():
    texts = {"c": "the printer", "b": "printer", "a": "prlnter", "d": "nothing"}
    assert [pid for pid, _ in textmatch.best_matches("printer", texts, 2)] == ["b", "c"]
    assert [m.score for _, m in textmatch.best_matches("printer", texts, 9)] == [3, 3, 1]
