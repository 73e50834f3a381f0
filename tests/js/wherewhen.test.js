"use strict";
const test = require("node:test");
const assert = require("node:assert");
const core = require("../../site/core.js");

const shared = require("../wherewhen_cases.json");

test("every shared case is read as photoseek search reads it", () => {
  for (const c of shared.cases) {
    const found = core.understand(c.query, shared.places);
    const got = { places: found.places, start: found.start, end: found.end, months: found.months,
      words: found.words, said: found.said };
    const want = { places: c.places, start: c.start, end: c.end, months: c.months, words: c.words,
      said: c.said };
    assert.deepEqual(got, want, c.query);
  }
});

test("the words read as places and dates are told apart", () => {
  const found = core.understand("temple in kyoto july 2019", ["Kyoto"]);
  assert.deepEqual(found.placeWords, [2]);
  assert.deepEqual(found.dateWords, [3, 4]);
});
