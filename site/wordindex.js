/* The index of the photos' words (build_site/wordindex.py), for galleries whose records
   come by block: which shards a query's words can be in, and the photos they name. No
   DOM, so node's test runner can check it too. */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.PhotoseekWords = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* For each word core.textMatches looks for (given as it folds them), its runs of letters
     and digits: [{run, exact}], every run but the last a whole word of the photo's text,
     the last its start. null when a word has no letter or digit (the index cannot help). */
  function queryRuns(words) {
    const found = [];
    for (const word of words) {
      const runs = word.match(/[\p{L}\p{N}]+/gu);
      if (!runs) return null;
      found.push(runs.map(function (run, i) {
        // A run the word goes on after (with a hyphen, an apostrophe) ends a word there too.
        const last = i === runs.length - 1 && /[\p{L}\p{N}]$/u.test(word);
        return { run: run, exact: !last };
      }));
    }
    return found;
  }

  /* The numbers of the shards (their keys sorted, as `words` lists them) that can hold a
     word equal to `run` (exact) or starting with it. A word's shard is the longest key it
     starts with. */
  function shardsFor(keys, run, exact) {
    const out = [];
    let home = -1;
    keys.forEach(function (key, i) {
      // The keys a run starts with start one another: sorted, the last is the longest.
      if (run.startsWith(key)) home = i;
      else if (!exact && key.startsWith(run)) out.push(i);
    });
    if (home >= 0) out.push(home);
    return out.sort(function (a, b) { return a - b; });
  }

  /* A shard's payload, made ready for lookups: its words, and where each one's photos
     start among the varints. */
  function openShard(payload, decodeBase64) {
    const bytes = decodeBase64(payload.photos);
    const starts = new Uint32Array(payload.words.length + 1);
    let at = 0;
    payload.counts.forEach(function (count, w) {
      starts[w] = at;
      for (let n = 0; n < count; n++) while (bytes[at++] < 0);
    });
    starts[payload.words.length] = at;
    return { words: payload.words, counts: payload.counts, bytes: bytes, starts: starts };
  }

  /* One word's photos: positions from their gaps. */
  function photosOf(shard, w) {
    const out = new Uint32Array(shard.counts[w]);
    let at = shard.starts[w];
    let position = 0;
    for (let n = 0; n < out.length; n++) {
      let gap = 0;
      let shift = 0;
      let byte;
      do {
        byte = shard.bytes[at++] & 255;
        gap += (byte & 127) * Math.pow(2, shift);
        shift += 7;
      } while (byte & 128);
      position += gap;
      out[n] = position;
    }
    return out;
  }

  /* The photos holding a word equal to `run` (exact) or starting with it, ascending. */
  function runPhotos(shards, run, exact) {
    const parts = [];
    for (const shard of shards) {
      shard.words.forEach(function (word, w) {
        if (exact ? word === run : word.startsWith(run)) parts.push(photosOf(shard, w));
      });
    }
    return union(parts);
  }

  function union(parts) {
    if (parts.length === 1) return parts[0];
    let size = 0;
    for (const part of parts) size += part.length;
    const all = new Uint32Array(size);
    let at = 0;
    for (const part of parts) { all.set(part, at); at += part.length; }
    all.sort();
    let kept = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[kept++] = all[i];
    return all.slice(0, kept);
  }

  /* The positions in every one of the ascending lists. */
  function intersect(lists) {
    if (!lists.length) return new Uint32Array(0);
    let out = lists[0];
    for (const other of lists.slice(1)) {
      const kept = [];
      let j = 0;
      for (let i = 0; i < out.length; i++) {
        while (j < other.length && other[j] < out[i]) j++;
        if (j < other.length && other[j] === out[i]) kept.push(out[i]);
      }
      out = Uint32Array.from(kept);
    }
    return out;
  }

  return {
    queryRuns: queryRuns,
    shardsFor: shardsFor,
    openShard: openShard,
    runPhotos: runPhotos,
    intersect: intersect,
  };
});
