"""The Lua table reader for Lightroom's preview headers: values, shapes and exact errors."""

from __future__ import annotations

import pytest

from photoseek.extract.luatable import LuaSyntaxError, parse_assignments


def test_values_of_every_kind():
    parsed = parse_assignments(
        "a = 3 b = 2.5 c = 1.0 d = -0x1F e = .5 f = 1e3 g = true h = false i = nil j = word "
        'k = \'it\\\'s\' l = "tab\\there\\\\ \\"q\\" \\n" m = "\\z"'
    )
    assert parsed == {
        "a": 3, "b": 2.5, "c": 1.0, "d": -31, "e": 0.5, "f": 1000, "g": True, "h": False,
        "i": None, "j": "word", "k": "it's", "l": 'tab\there\\ "q" \n', "m": "z",
    }  # fmt: skip
    # A written fraction stays a float, even when it is whole.
    assert [type(parsed[k]) for k in "abcf"] == [int, float, float, int]


def test_lists_records_and_mixed_tables():
    parsed = parse_assignments(
        'p = { 1, 2; 3 } q = { x = 1, ["y z"] = 2, [3] = "c" } r = { 10, x = 1, 20 } s = {} '
        "t = { a, b } u = { { 1 }, { } }"
    )
    assert parsed == {
        "p": [1, 2, 3],
        "q": {"x": 1, "y z": 2, "3": "c"},
        # Positional items join the named ones under their 1-based positions.
        "r": {"x": 1, "1": 10, "2": 20},
        "s": {},
        "t": ["a", "b"],
        "u": [[1], {}],
    }


def test_trailing_space_and_separators_are_fine():
    assert parse_assignments("a = { 1, 2, }  \n\t ") == {"a": [1, 2]}
    assert parse_assignments("") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = { 1, @ } and a long tail of text",
         "unexpected text at character 8: ' @ } and a long tail'"),
        ("ab = @ and then a long tail of text",
         "unexpected text at character 4: ' @ and then a long t'"),
        ("a = {", "the text ends too early"),
        ("a x", "expected '=', found 'x'"),
        ("a 1", "expected '=', found '1'"),
        ("a = }", "unexpected '}'"),
        ("a = [", "unexpected '['"),
        ("a = { 1 2 }", "expected ',' or '}', found '2'"),
        ('a = { "k" = 1 }', "expected ',' or '}', found '='"),
        ("a = 1 2 = 3", "expected a name, found '2'"),
        ("a = { [1 = 2 }", "expected ']', found '='"),
    ],
)  # fmt: skip
def test_errors_say_what_and_where(text, message):
    with pytest.raises(LuaSyntaxError) as caught:
        parse_assignments(text)
    assert str(caught.value) == message


def test_nesting_is_read_to_64_tables_and_refused_beyond():
    deepest = parse_assignments("a = " + "{" * 64 + "}" * 64)["a"]
    for _ in range(63):
        deepest = deepest[0]
    assert deepest == {}
    with pytest.raises(LuaSyntaxError, match="tables nested too deeply"):
        parse_assignments("a = " + "{" * 65 + "}" * 65)
