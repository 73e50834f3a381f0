"""How a query's places and dates are read, on the cases the gallery's code also answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from photoseek.wherewhen import understand

SHARED = json.loads((Path(__file__).parent / "wherewhen_cases.json").read_text())
CASES = SHARED["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["query"] or "blank" for c in CASES])
def test_shared_cases(case):
    found = understand(case["query"], SHARED["places"])
    got = {
        "places": found.places,
        "start": found.start,
        "end": found.end,
        "months": found.months,
        "words": found.words,
        "said": found.said,
    }
    assert got == {key: case[key] for key in got}


def test_the_words_read_are_told_apart():
    found = understand("temple in kyoto july 2019", ["Kyoto"])
    assert found.place_words == [2]
    assert found.date_words == [3, 4]
    assert found.narrows
    assert not understand("temple", ["Kyoto"]).narrows
    assert understand("july", []).narrows and understand("kyoto", ["Kyoto"]).narrows
    assert understand("2019", []).narrows


def test_a_place_the_library_does_not_know_is_a_word():
    found = understand("kyoto", ["Osaka"])
    assert (found.places, found.words) == ([], "kyoto")


def test_the_month_field_offers_each_month_and_each_season():
    from photoseek.wherewhen import MONTH_CHOICES, SEASON_CHOICES

    assert MONTH_CHOICES[0] == ("1", "January") and MONTH_CHOICES[-1] == ("12", "December")
    assert len(MONTH_CHOICES) == 12
    assert SEASON_CHOICES == [
        ("Spring", "3,4,5"), ("Summer", "6,7,8"), ("Autumn", "9,10,11"), ("Winter", "1,2,12")
    ]  # fmt: skip
