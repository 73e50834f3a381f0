// The gallery's text-in-pictures matching answers the shared cases as photoseek/textmatch.py.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const core = require("../../site/core.js");
const cases = require("../textmatch_cases.json");

test("every shared case gets its score", () => {
  for (const c of cases) {
    const m = core.textMatch(c.query, c.text);
    assert.equal(m ? m.score : null, c.score, JSON.stringify(c));
  }
});

test("textInPictures ranks phrases first, then by list order, and skips empty texts", () => {
  const texts = ["printer of the year", "", "WHENTHEPRINTER SAYS", "the printer said"];
  const found = core.textInPictures(texts, "the printer", 10);
  assert.deepEqual(found.map((f) => [f.index, f.score]), [[2, 3], [3, 3], [0, 2]]);
  assert.equal(core.textInPictures(texts, "the printer", 1).length, 1);
});
