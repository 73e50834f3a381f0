// Unit tests of the gallery's search logic: node --test tests/js
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const core = require("../../site/core.js");

function concepts(entries) {
  // entries: {text: [vector]}; codes are the vectors as int8 with scale 1/100
  const texts = Object.keys(entries);
  const dims = entries[texts[0]].length;
  const codes = new Int8Array(texts.length * dims);
  texts.forEach((t, i) => entries[t].forEach((v, d) => { codes[i * dims + d] = Math.round(v * 100); }));
  return { data: { dims, texts, scales: texts.map(() => 0.01), kinds: texts.map(() => "concept") }, codes };
}

test("parseQuery splits on + and - only at word starts", () => {
  assert.deepEqual(core.parseQuery("dog on the beach + sunset - people"), [
    { sign: 1, term: "dog on the beach" }, { sign: 1, term: "sunset" }, { sign: -1, term: "people" }]);
  assert.deepEqual(core.parseQuery("red t-shirt"), [{ sign: 1, term: "red t-shirt" }]);
  assert.deepEqual(core.parseQuery("−cat"), [{ sign: -1, term: "cat" }]);
  assert.deepEqual(core.parseQuery("  "), []);
});

test("phrases are found before words, unknown words are reported", () => {
  const { data, codes } = concepts({ "hot dog": [1, 0, 0], hot: [0, 1, 0], dog: [0, 0, 1] });
  const index = core.conceptIndex(data);
  const q = core.composeQuery("Hot dog! zebra", data, codes, index);
  assert.deepEqual(q.used, [{ text: "hot dog", sign: 1 }]);
  assert.deepEqual(q.unknown, ["zebra"]);
  assert.deepEqual(Array.from(q.vector), [1, 0, 0]);
  const minus = core.composeQuery("hot - dog", data, codes, index);
  assert.deepEqual(Array.from(minus.vector), [0, 1, -1]);
});

// Two photos, one int8 axis and one byte holding two 4-bit axes (stored value + 8).
const layout = { dims: 3, high: 1, rowBytes: 2, count: 3, scales: [0.5, 2, 1], centre: [1, -1, 0] };
const codes = new Int8Array([1, (8 + 2) | ((8 - 1) << 4), 5, (8 + 0) | ((8 + 3) << 4), -3, 8 | (8 << 4)]);

test("rank scores int8 and 4-bit axes and returns the best k in order", () => {
  const best = core.rank(new Float32Array([1, 1, 1]), layout, codes, 2);
  assert.deepEqual(best.map((b) => b.index), [1, 0]);
  assert.equal(best[0].score, 5 + 0 + 3);
  assert.equal(best[1].score, 1 + 2 - 1);
});

test("photoQuery undoes centring and scaling", () => {
  const q = core.photoQuery(layout, codes, 0);
  assert.deepEqual(Array.from(q), [(1 + 1 * 0.5) * 0.5, (-1 + 2 * 2) * 2, (0 - 1 * 1) * 1]);
});

test("text matches need every positive word", () => {
  const texts = ["IMG_1.jpg · Lake Geneva · family", "IMG_2.jpg · lake", "Beach.png"];
  assert.deepEqual(core.textMatches(texts, "lake family", 10), [0]);
  assert.deepEqual(core.textMatches(texts, "LAKE - family", 10), [0, 1]);
  assert.deepEqual(core.textMatches(texts, "", 10), []);
});

test("a text match says which part of the photo's text each word was found in", () => {
  const text = "IMG_1.jpg · Red door · Trip · sea · Ana · Café du Port";
  const kinds = "ncakpt";
  assert.deepEqual(core.matchedParts(text, kinds, "ana red"), [
    { kind: "person", text: "Ana" }, { kind: "caption", text: "Red door" }]);
  assert.deepEqual(core.matchedParts(text, kinds, "cafe"), [{ kind: "title", text: "Café du Port" }]);
  assert.deepEqual(core.matchedParts(text, kinds, "door red - ana"), [{ kind: "caption", text: "Red door" }]);
  assert.deepEqual(core.matchedParts(text, kinds, "img trip sea"), [
    { kind: "name", text: "IMG_1.jpg" }, { kind: "album", text: "Trip" }, { kind: "keyword", text: "sea" }]);
  assert.deepEqual(core.matchedParts(text, kinds, "oor"), [], "a word must start a word of the text");
});

test("completions extend the last term: entries that start with it, then words inside", () => {
  const data = { texts: ["dog", "bright sunset", "Sunset", "asunder", "sunny", "sundial"] };
  assert.deepEqual(core.completions("dog + sun", data, 5),
    ["dog + Sunset", "dog + sunny", "dog + sundial", "dog + bright sunset"]);
  assert.deepEqual(core.completions("sun", data, 2), ["Sunset", "sunny"]);
  assert.deepEqual(core.completions("dog +su", data, 1), ["dog + Sunset"]);
  assert.deepEqual(core.completions("-su", data, 1), ["- Sunset"]);
  assert.deepEqual(core.completions("dog + s", data, 3), []);
});

test("base64 decodes to signed bytes", () => {
  assert.deepEqual(Array.from(core.decodeBase64(Buffer.from([0, 127, 128, 255]).toString("base64"))), [0, 127, -128, -1]);
});

test("conceptTop reads 3-byte photo positions", () => {
  const bytes = new Int8Array([1, 0, 0, 0x10, 0x27, 0, -1, -1, 0, 2, 0, 1]);
  const data = { topCount: 2 };
  assert.deepEqual(core.conceptTop(data, bytes, 0), [1, 10000]);
  assert.deepEqual(core.conceptTop(data, bytes, 1), [65535, 65538]);
});

test("composeQuery reports the entries it used", () => {
  const { data, codes } = concepts({ dog: [1, 0], beach: [0, 1] });
  const q = core.composeQuery("dog + beach", data, codes, core.conceptIndex(data));
  assert.deepEqual(q.entries, [0, 1]);
});

test("text matches start at word starts and ignore accents and case", () => {
  const texts = ["haired dog", "Red door", "Café · red", "a-red thing", "Crème brûlée"];
  assert.deepEqual(core.textMatches(texts, "red", 10), [1, 2, 3]);
  assert.deepEqual(core.textMatches(texts, "cafe", 10), [2]);
  assert.deepEqual(core.textMatches(texts, "BRULEE creme", 10), [4]);
  assert.deepEqual(core.textMatches(texts, "red - door", 10), [1, 2, 3]);
});

test("counts say one photo, two photos", () => {
  assert.equal(core.count(1, "photo"), "1 photo");
  assert.equal(core.count(0, "photo"), "0 photos");
  assert.equal(core.count(2, "photo"), "2 photos");
});

test("refine completes the coarse scores with the residuals and orders best first", () => {
  // Three photos in two dimensions: coarse scores say 0 > 1 > 2, residuals turn it round.
  const fine = {
    dim: 2,
    axes: new Float32Array([1, 0, 0, 1]),
    scales: new Float32Array([0.01, 0.01, 0.01]),
    codes: new Int8Array([0, 0, 10, 0, 100, 0]),
  };
  const candidates = [{ index: 0, score: 0.5 }, { index: 1, score: 0.45 }, { index: 2, score: 0.4 }];
  const best = core.refine(new Float32Array([1, 0]), fine, candidates, 2);
  assert.deepEqual(best.map((h) => h.index), [2, 1]);
  assert.ok(Math.abs(best[0].score - 1.4) < 1e-6 && Math.abs(best[1].score - 0.55) < 1e-6);
  assert.deepEqual(Array.from(core.projectQuery(new Float32Array([0.25, -2]), fine)), [0.25, -2]);
});

test("rank and text matches skip the photos a filter leaves out", () => {
  const allowed = new Uint8Array([1, 0, 1]);
  assert.deepEqual(core.rank(new Float32Array([1, 1, 1]), layout, codes, 2, allowed).map((b) => b.index), [0, 2]);
  const texts = ["lake one", "lake two", "lake three"];
  assert.deepEqual(core.textMatches(texts, "lake", 10, allowed), [0, 2]);
  assert.deepEqual(core.textInPictures(["STOP", "STOP", ""], "stop", 10, allowed).map((h) => h.index), [0]);
});

test("filters keep photos within the dates, rating, favourites, camera and person asked", () => {
  const facets = {
    taken: [20210612, 20210601, 20210531, 0],
    rating: [5, 3, 2, 0],
    favourite: [1, 0, 1, 0],
    cameras: ["X100V", "EOS R6"],
    camera: [0, 1, 0, -1],
    people: ["Ana", "Bo"],
    person: [[0, 1], [1], [], []],
  };
  const kept = (filters) => Array.from(core.filterMask(facets, filters));
  assert.equal(core.filterMask(facets, {}), null);
  // Both ends are inclusive; an undated photo is outside every date range.
  assert.deepEqual(kept({ from: "2021-06-01" }), [1, 1, 0, 0]);
  assert.deepEqual(kept({ to: "2021-06-01" }), [0, 1, 1, 0]);
  assert.deepEqual(kept({ from: "2021-06-01", to: "2021-06-01" }), [0, 1, 0, 0]);
  assert.deepEqual(kept({ rating: "3" }), [1, 1, 0, 0]);
  assert.deepEqual(kept({ fav: "1" }), [1, 0, 1, 0]);
  assert.deepEqual(kept({ camera: "EOS R6" }), [0, 1, 0, 0]);
  assert.deepEqual(kept({ person: "Bo" }), [1, 1, 0, 0]);
  assert.deepEqual(kept({ person: "Nobody" }), [0, 0, 0, 0]);
  assert.deepEqual(kept({ camera: "X100V", rating: "5", person: "Ana" }), [1, 0, 0, 0]);
});

test("the first of two equal concepts wins, and a phrase falls back to its words", () => {
  const { data, codes } = concepts({ Dog: [1, 0], hot: [0, 1], "dog ": [5, 5], "hot dog": [2, 2] });
  const index = core.conceptIndex(data);
  assert.deepEqual(core.composeQuery("dog", data, codes, index).entries, [0]);
  const q = core.composeQuery("dog hot", data, codes, index);
  assert.deepEqual(q.used, [{ text: "Dog", sign: 1 }, { text: "hot", sign: 1 }]);
  assert.deepEqual(q.unknown, []);
});

test("punctuation separates words and a minus counts after a space only", () => {
  assert.equal(core.normalise("Dog,cat!  Über-cool's"), "dog cat über-cool's");
  assert.deepEqual(core.parseQuery("dog -people"), [{ sign: 1, term: "dog" }, { sign: -1, term: "people" }]);
});

test("text matches stop at the limit, in the photos' order", () => {
  const texts = ["lake a", "sea", "lake b", "lake c"];
  assert.deepEqual(core.textMatches(texts, "lake", 2), [0, 2]);
  const found = core.textInPictures(["STOP", "GO", "STOP sign", "STOPP"], "stop", 10);
  assert.deepEqual(found.map((h) => [h.index, h.score]), [[0, 3], [2, 3], [3, 3]]);
});

test("text in pictures folds case, accents, ligatures and ß", () => {
  assert.equal(core.foldText("Café ÉTÉ – Straße, ﬁsh!"), "cafe ete strasse fish");
});

test("a camera or person the library lacks keeps no photo, and a time of day is ignored", () => {
  const facets = {
    taken: [20210612, 0], rating: [0, 0], favourite: [0, 0],
    cameras: ["X100V"], camera: [0, -1], people: ["Ana"], person: [[0], []],
  };
  assert.deepEqual(Array.from(core.filterMask(facets, { camera: "Nope" })), [0, 0]);
  assert.deepEqual(Array.from(core.filterMask(facets, { person: "Nope" })), [0, 0]);
  assert.deepEqual(Array.from(core.filterMask(facets, { to: "2021-06-12T08:00" })), [1, 0]);
});

test("in a browser, core.js defines PhotoseekCore on the page", () => {
  const vm = require("node:vm");
  const fs = require("node:fs");
  const path = require("node:path");
  const page = { atob: atob };
  page.self = page;
  vm.runInNewContext(fs.readFileSync(path.join(__dirname, "../../site/core.js"), "utf8"), page);
  assert.equal(page.PhotoseekCore.count(2, "photo"), "2 photos");
});
