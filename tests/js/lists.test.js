// The lists a query opens (gather, probe) and the ranking across them (rankBlocks).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const core = require("../../site/core.js");

// Lists of these sizes; list n's photos are at positions 100n, 100n + 1, ...
const SIZES = [5, 3, 4, 2];
function opener(log) {
  return function (n) {
    log.push(n);
    const positions = Uint32Array.from({ length: SIZES[n] }, (_, j) => 100 * n + j);
    return Promise.resolve({ list: n, positions: positions });
  };
}

test("gather opens lists in the query's order until they hold the photos wanted", async () => {
  const log = [];
  const blocks = await core.gather([2, 0, 3, 1], SIZES, 8, 100, opener(log), null);
  assert.deepEqual(log, [2, 0]);
  assert.deepEqual(blocks.map((b) => b.list), [2, 0]);
  assert.deepEqual(core.probe([2, 0, 3, 1], SIZES, 2, 0), [3], "always one more while any is left");
  assert.deepEqual(core.probe([2, 0, 3, 1], SIZES, 0, 9), [2, 0], "as few as hold the photos wanted");
  // The lists of a batch are asked for at once, not one after another.
  const asked = [];
  const pending = core.gather([2, 0, 3, 1], SIZES, 9, 100, opener(asked), null);
  assert.deepEqual(asked, [2, 0]);
  await pending;
  const exact = await core.gather([2, 0, 3, 1], SIZES, 9, 100, opener([]), null);
  assert.deepEqual(exact.map((b) => b.list), [2, 0], "no list past the scan once it is reached");
  assert.deepEqual(core.probe([2, 0, 3, 1], SIZES, 4, 5), []);
});

test("with filters that let too few through, gather opens more lists", async () => {
  const log = [];
  // Only photos 1 of each list are allowed; three are wanted.
  const short = (blocks) => blocks.length < 3;
  const blocks = await core.gather([1, 0, 2, 3], SIZES, 4, 100, opener(log), short);
  assert.deepEqual(blocks.map((b) => b.list), [1, 0, 2]);
  assert.deepEqual(log, [1, 0, 2]);
  const enough = await core.gather([1, 0, 2, 3], SIZES, 4, 100, opener([]), () => false);
  assert.deepEqual(enough.map((b) => b.list), [1, 0]);
});

test("gather stops at the most photos it may scan, or when no list is left", async () => {
  const capped = await core.gather([0, 1, 2, 3], SIZES, 1, 8, opener([]), () => true);
  assert.deepEqual(capped.map((b) => b.list), [0, 1]);
  const all = await core.gather([3, 2, 1, 0], SIZES, 100, 1000, opener([]), null);
  assert.deepEqual(all.map((b) => b.list), [3, 2, 1, 0]);
});

test("rankBlocks reads each block's positions and breaks ties by position", () => {
  // Two axes, both int8: codes are the photo's values.
  const vectors = { dims: 2, high: 2, rowBytes: 2, count: 6 };
  const blocks = [
    { positions: Uint32Array.from([5, 1]), codes: Int8Array.from([3, 0, 1, 0]) },
    { positions: Uint32Array.from([0, 4]), codes: Int8Array.from([3, 0, 7, 0]) },
  ];
  const ranked = core.rankBlocks(Float32Array.from([1, 0]), vectors, blocks, 3, null, Int8Array.from([0, 0, 1, 0, 2, 0]));
  assert.deepEqual(ranked.map((h) => [h.index, h.score, h.block, h.row]), [[4, 7, 1, 1], [0, 3, 1, 0], [5, 3, 0, 0]]);
  // The strong floor comes from the sample's scores (0, 1, 2): median 1, deviation 1.
  assert.equal(ranked.strong, 1 + 3 * 1.4826 * 1);
  const allowed = Uint8Array.from([0, 1, 0, 0, 0, 1]);
  assert.deepEqual(core.rankBlocks(Float32Array.from([1, 0]), vectors, blocks, 3, allowed, null).map((h) => h.index), [5, 1]);
});

test("listOrder ranks lists by their centroid's score, equal scores by number", () => {
  const vectors = { dims: 2 };
  // Scores 2, 2, 5, 1, 2 and, scaled by a half, 3.
  const centroids = Int8Array.from([0, 1, 2, 0, 3, 1, 1, 0, 0, 1, 2, 2]);
  const order = core.listOrder(Float32Array.from([1, 2]), vectors, centroids, [1, 1, 1, 1, 1, 0.5]);
  assert.deepEqual(order, [2, 5, 0, 1, 4, 3]);
});

test("rankBlocks lets a photo in at the floor's score when its position comes first", () => {
  const vectors = { dims: 1, high: 1, rowBytes: 1, count: 10 };
  const blocks = [
    { positions: Uint32Array.from([5, 9]), codes: Int8Array.from([3, 8]) },
    { positions: Uint32Array.from([0, 7]), codes: Int8Array.from([3, 3]) },
  ];
  const ranked = core.rankBlocks(Float32Array.from([1]), vectors, blocks, 2, null, Int8Array.from([0]));
  assert.deepEqual(ranked.map((h) => h.index), [9, 0]);
});

test("decodePositions reads 3-byte little-endian numbers", () => {
  const bytes = Buffer.from([1, 0, 0, 0xff, 0xff, 0xff, 0x34, 0x12, 0x01]).toString("base64");
  assert.deepEqual(Array.from(core.decodePositions(bytes)), [1, 16777215, 0x011234]);
});
