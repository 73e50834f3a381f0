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

test("month and place filters narrow by the photo's month and its place's names", () => {
  const facets = {
    taken: [20190405, 20210714, 20210703, 0, 20181224],
    rating: [0, 0, 0, 0, 0], favourite: [0, 0, 0, 0, 0], camera: [-1, -1, -1, -1, -1],
    cameras: [], people: [], person: [[], [], [], [], []],
    places: [["Paris", "Île-de-France", "France", 2138551], ["Kyoto", "Kyoto", "Japan", 1463723],
      ["Paris", "Texas", "United States", 24782]],
    place: [1, 2, -1, 0, 0],
  };
  const kept = (filters) => Array.from(core.filterMask(facets, filters));
  assert.deepEqual(kept({ month: "7" }), [0, 1, 1, 0, 0]);
  assert.deepEqual(kept({ month: "12,1,2" }), [0, 0, 0, 0, 1]);
  assert.deepEqual(kept({ place: "paris" }), [0, 1, 0, 1, 1]);
  assert.deepEqual(kept({ place: "KYOTO" }), [1, 0, 0, 0, 0]);
  assert.deepEqual(kept({ place: "Texas, Japan" }), [1, 1, 0, 0, 0]);
  assert.deepEqual(kept({ place: "ile de france", month: "12" }), [0, 0, 0, 0, 1]);
  assert.deepEqual(kept({ place: "Osaka" }), [0, 0, 0, 0, 0]);
  assert.deepEqual(core.placeNames(facets).slice(0, 4), ["Paris", "Île-de-France", "France", "Kyoto"]);
  assert.deepEqual(kept({ month: "7" }), kept({ month: "7", place: "" }));
});

test("a place index made once reads queries as the list does", () => {
  const index = core.placeIndex(shared.places);
  for (const c of shared.cases) {
    assert.deepEqual(core.understand(c.query, index), core.understand(c.query, shared.places), c.query);
  }
});
