// The browser's side of the word index (site/wordindex.js): a query word's runs, the shards
// they can be in, photos read back from varint gaps, and the intersection of their lists.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const core = require("../../site/core.js");
const words = require("../../site/wordindex.js");

test("a word's runs are whole words of the text but the last, unless the word ends there", () => {
  const runs = (list) => words.queryRuns(list).map((r) => r.map((x) => x.run + (x.exact ? "=" : "*")));
  assert.deepEqual(runs(["t-shirt", "o'", "café", "'s", "2019-05-03"]),
    [["t=", "shirt*"], ["o="], ["café*"], ["s*"], ["2019=", "05=", "03*"]]);
  assert.deepEqual(runs(["ⅻ", "北京"]), [["ⅻ*"], ["北京*"]]);
  assert.equal(words.queryRuns(["dog", "'"]), null, "a word with no letter or digit: no index");
  assert.deepEqual(words.queryRuns(core.matchWords("Red -door")), [[{ run: "red", exact: false }]]);
});

test("a run's shards: the longest key it starts with, and for a start the keys that start with it", () => {
  const keys = ["a", "ab", "abc", "abd", "b"];
  assert.deepEqual(words.shardsFor(keys, "abz", true), [1]);
  assert.deepEqual(words.shardsFor(keys, "abcd", false), [2]);
  assert.deepEqual(words.shardsFor(keys, "ab", false), [1, 2, 3]);
  assert.deepEqual(words.shardsFor(keys, "ab", true), [1]);
  assert.deepEqual(words.shardsFor(keys, "a", true), [0]);
  assert.deepEqual(words.shardsFor(keys, "a", false), [0, 1, 2, 3]);
  assert.deepEqual(words.shardsFor(["ha", "har", "hat"], "h", false), [0, 1, 2]);
  assert.deepEqual(words.shardsFor(keys, "c", false), []);
  assert.deepEqual(words.shardsFor(["ca", "cb"], "c", true), []);
});

// A shard as build_site/wordindex.py writes it: each word's count, then its positions as
// varint gaps.
function shard(entries) {
  const bytes = [];
  for (const [, positions] of entries) {
    let last = 0;
    for (const p of positions) {
      let gap = p - last;
      last = p;
      while (gap >= 128) { bytes.push((gap & 127) | 128); gap = Math.floor(gap / 128); }
      bytes.push(gap);
    }
  }
  return {
    words: entries.map((e) => e[0]),
    counts: entries.map((e) => e[1].length),
    photos: Buffer.from(bytes).toString("base64"),
  };
}

test("photos read back from gaps of one, two and three bytes, and a run's are their union", () => {
  const far = [0, 127, 255, 384, 16767, 33151, 2100000];
  const opened = words.openShard(shard([["hare", [3, 200]], ["harp", far], ["hat", [5]]]), core.decodeBase64);
  assert.deepEqual(Array.from(words.runPhotos([opened], "harp", true)), far);
  assert.deepEqual(Array.from(words.runPhotos([opened], "har", false)), [0, 3, 127, 200, 255, 384, 16767, 33151, 2100000]);
  assert.deepEqual(Array.from(words.runPhotos([opened], "hat", true)), [5]);
  assert.deepEqual(Array.from(words.runPhotos([opened], "har", true)), []);
  const other = words.openShard(shard([["harbour", [3, 9]]]), core.decodeBase64);
  assert.deepEqual(Array.from(words.runPhotos([opened, other], "harb", false)), [3, 9]);
  assert.deepEqual(Array.from(words.runPhotos([opened, other], "hare", false)), [3, 200]);
  assert.deepEqual(Array.from(words.runPhotos([opened, other], "ha", false)).length, 11, "3 once");
});

test("intersect keeps the positions every list holds", () => {
  const u = (a) => Uint32Array.from(a);
  assert.deepEqual(Array.from(words.intersect([u([1, 4, 7, 9]), u([0, 4, 9, 12])])), [4, 9]);
  assert.deepEqual(Array.from(words.intersect([u([5, 6, 7]), u([5]), u([2, 5, 7])])), [5]);
  assert.deepEqual(Array.from(words.intersect([u([1, 2]), u([])])), []);
  assert.deepEqual(Array.from(words.intersect([u([3, 8])])), [3, 8]);
  assert.deepEqual(Array.from(words.intersect([])), []);
});
