// rank(), photoQuery(), decodeFloats() and refine() against plain arithmetic on random codes.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const core = require("../../site/core.js");

// A small linear congruential generator: the same codes on every run.
function generator(seed) {
  let state = seed;
  return function (n) {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n);
  };
}

// Photos of 7 axes: 3 int8 axes, then 4 axes as two bytes of 4-bit pairs (stored value + 8,
// the first axis of a pair in the low half). `values` holds each photo's decoded axes.
function library(count, seed) {
  const next = generator(seed);
  const layout = {
    dims: 7, high: 3, rowBytes: 5, count: count,
    scales: [0.5, 0.25, 2, 1, 0.125, 4, 0.75], centre: [1, -2, 0.5, 0, 3, -1, 0.25],
  };
  const codes = new Int8Array(count * 5);
  const values = [];
  for (let i = 0; i < count; i++) {
    // Every fourth photo repeats the one before it, so that scores tie.
    if (i % 4 === 3) {
      codes.copyWithin(i * 5, (i - 1) * 5, i * 5);
      values.push(values[i - 1].slice());
      continue;
    }
    const row = [];
    for (let d = 0; d < 3; d++) {
      codes[i * 5 + d] = next(256) - 128;
      row.push(codes[i * 5 + d]);
    }
    for (let j = 0; j < 2; j++) {
      const low = next(16);
      const high = next(16);
      codes[i * 5 + 3 + j] = (low | (high << 4)) << 24 >> 24;
      row.push(low - 8, high - 8);
    }
    values.push(row);
  }
  return { layout, codes, values };
}

// The k best by exact scores, ties to the earlier photo.
function reference(query, values, k, allowed) {
  const scored = [];
  values.forEach(function (row, index) {
    if (allowed && !allowed[index]) return;
    scored.push({ index: index, score: row.reduce((sum, v, d) => sum + v * query[d], 0) });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.slice(0, k);
}

// Small whole numbers keep every float32 sum exact, so ties are real ties.
const query = new Float32Array([2, -1, 1, 3, -2, 1, -3]);

test("rank returns the exact k best, ties to the earlier photo", () => {
  const { layout, codes, values } = library(40, 7);
  for (const k of [1, 5, 17, 40, 45]) {
    assert.deepEqual([...core.rank(query, layout, codes, k)], reference(query, values, k), "k = " + k);
  }
  const ties = reference(query, values, 40);
  assert.ok(ties.some((hit, n) => n > 0 && ties[n - 1].score === hit.score), "the data has ties");
});

test("rank with a filter ranks only the photos it allows", () => {
  const { layout, codes, values } = library(40, 11);
  const next = generator(3);
  const allowed = Uint8Array.from({ length: 40 }, () => next(3) === 0 ? 1 : 0);
  const expected = reference(query, values, 10, allowed);
  assert.ok(expected.length >= 5);
  assert.deepEqual([...core.rank(query, layout, codes, 10, allowed)], expected);
});

test("rank says where strong matches start: three robust deviations above the median", () => {
  const { layout, codes, values } = library(40, 13);
  const next = generator(5);
  const allowed = Uint8Array.from({ length: 40 }, () => next(2));
  const median = (list) => {
    const sorted = [...list].sort((a, b) => a - b);
    const n = sorted.length;
    return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  };
  for (const mask of [undefined, allowed]) {
    const scores = reference(query, values, 40, mask).map((hit) => hit.score);
    const middle = median(scores);
    const spread = median(scores.map((s) => Math.abs(s - middle)));
    const strong = core.rank(query, layout, codes, 3, mask).strong;
    assert.ok(Math.abs(strong - (middle + 3 * 1.4826 * spread)) < 1e-9, `${strong}`);
  }
  assert.equal(core.rank(query, layout, codes, 3, new Uint8Array(40)).strong, Infinity);
  // Odd and even counts, and scores out of order.
  assert.equal(core.strongFloor(Float64Array.from([5, 1, 3])), 3 + 3 * 1.4826 * 2);
  assert.equal(core.strongFloor(Float64Array.from([4, 1, 2, 3])), 2.5 + 3 * 1.4826 * 1);
  assert.equal(core.strongFloor(new Float64Array(0)), Infinity);
});

test("strongFloor finds the medians by selection as sorting would, ties and all", () => {
  const median = (sorted) => {
    const n = sorted.length;
    return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  };
  const next = generator(17);
  for (let round = 0; round < 400; round++) {
    const values = Array.from({ length: 1 + next(40) }, () => next(6) - 2);
    const middle = median([...values].sort((a, b) => a - b));
    const spread = median(values.map((v) => Math.abs(v - middle)).sort((a, b) => a - b));
    assert.equal(core.strongFloor(Float64Array.from(values)), middle + 3 * 1.4826 * spread, String(values));
  }
});

test("photoQuery undoes the centring and scaling of every axis", () => {
  const { layout, codes, values } = library(12, 5);
  values.forEach(function (row, i) {
    const expected = row.map((v, d) => (layout.centre[d] + v * layout.scales[d]) * layout.scales[d]);
    assert.deepEqual(Array.from(core.photoQuery(layout, codes, i)), expected.map(Math.fround), "photo " + i);
  });
});

test("decodeFloats reads little-endian float32 numbers from base64", () => {
  const numbers = [1.5, -2.25, 3e-7, 1024];
  const text = Buffer.from(new Float32Array(numbers).buffer).toString("base64");
  assert.deepEqual(Array.from(core.decodeFloats(text)), numbers.map(Math.fround));
});

test("refine breaks equal scores towards the earlier photo, whatever the candidates' order", () => {
  const fine = {
    dim: 1,
    axes: new Float32Array([1]),
    scales: new Float32Array([1, 1, 1, 1, 1, 1]),
    codes: new Int8Array([0, 0, 1, 0, 0, 0]),
  };
  const candidates = [{ index: 5, score: 2 }, { index: 2, score: 1 }, { index: 0, score: 0.5 }];
  assert.deepEqual(core.refine(new Float32Array([1]), fine, candidates, 3),
    [{ index: 2, score: 2 }, { index: 5, score: 2 }, { index: 0, score: 0.5 }]);
});
