"""A reader for the Lua table literals Lightroom writes in preview headers and catalogs."""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<num>-?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<punct>[{}=,;\[\]])
    )""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "\n": "\n"}
_MAX_DEPTH = 64


class LuaSyntaxError(ValueError):
    """The text is not a Lua table literal we can read."""


def _unquote(token: str) -> str:
    body = token[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = _TOKEN.match(text, pos)
            if not match:
                raise LuaSyntaxError(
                    f"unexpected text at character {pos}: {text[pos : pos + 20]!r}"
                )
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.index = 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        i = self.index + offset
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise LuaSyntaxError(f"expected {value!r}, found {token[1]!r}")
        if token[0] == "end":
            raise LuaSyntaxError("the text ends too early")
        self.index += 1
        return token

    def value(self, depth: int) -> Any:
        kind, text = self.take()
        if kind == "str":
            return _unquote(text)
        if kind == "num":
            number = float(int(text, 16)) if text.lower().startswith(("0x", "-0x")) else float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if kind == "name":
            return {"true": True, "false": False, "nil": None}.get(text, text)
        if text == "{":
            return self.table(depth + 1)
        raise LuaSyntaxError(f"unexpected {text!r}")

    def table(self, depth: int) -> dict[str, Any] | list[Any]:
        if depth > _MAX_DEPTH:
            raise LuaSyntaxError("tables nested too deeply")
        items: list[Any] = []
        fields: dict[str, Any] = {}
        while self.peek()[1] != "}":
            if self.peek()[0] == "name" and self.peek(1)[1] == "=":
                key = self.take()[1]
                self.take("=")
                fields[key] = self.value(depth)
            elif self.peek()[1] == "[":
                self.take("[")
                key = self.value(depth)
                self.take("]")
                self.take("=")
                fields[str(key)] = self.value(depth)
            else:
                items.append(self.value(depth))
            if self.peek()[1] in (",", ";"):
                self.take()
            elif self.peek()[1] != "}":
                raise LuaSyntaxError(f"expected ',' or '}}', found {self.peek()[1]!r}")
        self.take("}")
        if fields and items:
            fields.update({str(i + 1): v for i, v in enumerate(items)})
            return fields
        return items if items else fields


def parse_assignments(text: str) -> dict[str, Any]:
    """Parse `name = value` statements (as in `pyramid = { ... }`) into a dict."""
    parser = _Parser(text)
    result: dict[str, Any] = {}
    while parser.peek()[0] != "end":
        kind, name = parser.take()
        if kind != "name":
            raise LuaSyntaxError(f"expected a name, found {name!r}")
        parser.take("=")
        result[name] = parser.value(0)
    return result
