/* photoseek search logic: no DOM, so node's test runner can check it too. */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.PhotoseekCore = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* Base64 to signed bytes (every browser and node since 16 have atob). */
  function decodeBase64(text) {
    const raw = atob(text);
    const bytes = new Int8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i) << 24 >> 24;
    return bytes;
  }

  /* Lower case, punctuation (but not the +/- operators) to spaces, single spaces. */
  function normalise(text) {
    return text.toLowerCase().replace(/[^\p{L}\p{N}'\s-]+/gu, " ").replace(/\s+/g, " ").trim();
  }

  /* "dog + beach - people" -> [{sign: 1, term: "dog"}, {sign: 1, ...}, {sign: -1, ...}].
     An operator counts only at the start or after a space, so "t-shirt" stays whole. */
  function parseQuery(text) {
    const terms = [];
    let sign = 1;
    let current = "";
    function flush() {
      const term = normalise(current);
      if (term) terms.push({ sign: sign, term: term });
      current = "";
      sign = 1;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if ((c === "+" || c === "-" || c === "\u2212") && (i === 0 || /\s/.test(text[i - 1]))) {
        flush();
        sign = c === "+" ? 1 : -1;
      } else {
        current += c;
      }
    }
    flush();
    return terms;
  }

  function conceptIndex(concepts) {
    const map = new Map();
    let longest = 1;
    concepts.texts.forEach(function (text, i) {
      const key = normalise(text);
      if (!map.has(key)) map.set(key, i);
      longest = Math.max(longest, key.split(" ").length);
    });
    return { map: map, longest: longest };
  }

  /* Find concepts in a term, the longest phrase first at each word. */
  function matchTerm(term, index) {
    const words = term.split(" ");
    const found = [];
    const unknown = [];
    let i = 0;
    while (i < words.length) {
      let hit = -1;
      let size = Math.min(index.longest, words.length - i);
      for (; size > 0; size--) {
        const phrase = words.slice(i, i + size).join(" ");
        if (index.map.has(phrase)) { hit = index.map.get(phrase); break; }
      }
      if (hit >= 0) { found.push(hit); i += size; } else { unknown.push(words[i]); i += 1; }
    }
    return { found: found, unknown: unknown };
  }

  function conceptVector(concepts, codes, i) {
    const dims = concepts.dims;
    const out = new Float32Array(dims);
    const scale = concepts.scales[i];
    for (let d = 0; d < dims; d++) out[d] = codes[i * dims + d] * scale;
    return out;
  }

  /* The query vector a text asks for, with the entries used and the words not understood. */
  function composeQuery(text, concepts, codes, index) {
    const used = [];
    const unknown = [];
    const entries = [];
    let vector = null;
    for (const part of parseQuery(text)) {
      const match = matchTerm(part.term, index);
      unknown.push.apply(unknown, match.unknown);
      for (const i of match.found) {
        const v = conceptVector(concepts, codes, i);
        if (!vector) vector = new Float32Array(v.length);
        for (let d = 0; d < v.length; d++) vector[d] += part.sign * v[d];
        used.push({ text: concepts.texts[i], sign: part.sign });
        entries.push(i);
      }
    }
    return { vector: vector, used: used, unknown: unknown, entries: entries };
  }

  /* The code value of axis d of photo i: int8 for the strong axes, then 4-bit pairs. */
  function codeValue(vectors, codes, i, d) {
    const row = i * vectors.rowBytes;
    if (d < vectors.high) return codes[row + d];
    const j = d - vectors.high;
    const byte = codes[row + vectors.high + (j >> 1)] & 255;
    return ((j & 1) ? byte >> 4 : byte & 15) - 8;
  }

  /* A photo's own vector as a query, undoing the centring and scaling of its codes. */
  function photoQuery(vectors, codes, index) {
    const out = new Float32Array(vectors.dims);
    for (let d = 0; d < vectors.dims; d++) {
      const s = vectors.scales[d];
      out[d] = (vectors.centre[d] + codeValue(vectors, codes, index, d) * s) * s;
    }
    return out;
  }

  /* photoseek/relevance.py's rule: a strong match stands STRONG_Z deviations or more above
     the median of every photo's score for the query, the deviation being the median absolute
     deviation scaled to a normal one; the rest are weaker. */
  const STRONG_Z = 3;
  const MAD_TO_SD = 1.4826;

  /* The k-th smallest of values[lo..], which it reorders so that the k-th stands where it
     would sorted, the smaller before it and the larger after (Hoare's selection: linear time,
     where sorting a million scores took a fifth of a second). */
  function select(values, k) {
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const pivot = values[(lo + hi) >> 1];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (values[i] < pivot) i++;
        while (values[j] > pivot) j--;
        if (i <= j) {
          const swap = values[i];
          values[i++] = values[j];
          values[j--] = swap;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else break;
    }
    return values[k];
  }

  /* The median of values (reordered). */
  function median(values) {
    const n = values.length;
    const upper = select(values, n >> 1);
    if (n % 2) return upper;
    // The lower middle is the largest of the half before the upper one.
    let lower = values[0];
    for (let i = 1; i < n >> 1; i++) if (values[i] > lower) lower = values[i];
    return (lower + upper) / 2;
  }

  /* The least score of a strong match among these scores (a Float64Array, reordered). */
  function strongFloor(scores) {
    if (!scores.length) return Infinity;
    const middle = median(scores);
    for (let i = 0; i < scores.length; i++) scores[i] = Math.abs(scores[i] - middle);
    return middle + STRONG_Z * MAD_TO_SD * median(scores);
  }

  /* The 256-entry tables that score a byte of 4-bit pairs in one lookup each. */
  function pairTables(query, vectors) {
    const high = vectors.high;
    const pairs = (vectors.dims - high) >> 1;
    const tables = new Float32Array(pairs * 256);
    for (let j = 0; j < pairs; j++) {
      const a = query[high + 2 * j];
      const b = query[high + 2 * j + 1];
      for (let byte = 0; byte < 256; byte++) {
        tables[j * 256 + byte] = a * ((byte & 15) - 8) + b * ((byte >> 4) - 8);
      }
    }
    return tables;
  }

  /* The score of row r of codes for a query in code space. */
  function rowScore(query, vectors, tables, codes, unsigned, r) {
    const high = vectors.high;
    const pairs = (vectors.dims - high) >> 1;
    const base = r * vectors.rowBytes;
    let score = 0;
    for (let d = 0; d < high; d++) score += query[d] * codes[base + d];
    for (let j = 0; j < pairs; j++) score += tables[j * 256 + unsigned[base + high + j]];
    return score;
  }

  function unsignedView(codes) {
    return new Uint8Array(codes.buffer, codes.byteOffset, codes.length);
  }

  /* The k best photos for a query in code space among blocks of codes: [{index, score,
     block, row}], best first, equal scores by photo position; only those `allowed` marks
     (one byte a photo) when it is given. A block is {codes, positions}: its rows are the
     photos at those positions (or at 0, 1, 2... without positions). The list's `strong` is
     the least score of a strong match (strongFloor) among the rows of `sample` when given,
     else among all the photos scored. */
  function rankBlocks(query, vectors, blocks, k, allowed, sample) {
    const tables = pairTables(query, vectors);
    const best = [];
    let floor = -Infinity;
    let total = 0;
    blocks.forEach(function (block) { total += block.codes.length / vectors.rowBytes; });
    const scores = sample ? null : new Float64Array(total);
    let n = 0;
    blocks.forEach(function (block, b) {
      const codes = block.codes;
      const unsigned = unsignedView(codes);
      const positions = block.positions;
      const rows = codes.length / vectors.rowBytes;
      for (let r = 0; r < rows; r++) {
        const i = positions ? positions[r] : r;
        if (allowed && !allowed[i]) continue;
        const score = rowScore(query, vectors, tables, codes, unsigned, r);
        if (scores) scores[n++] = score;
        if (best.length < k || score > floor || (score === floor && i < best[best.length - 1].index)) {
          let at = best.length;
          while (at > 0 && (best[at - 1].score < score || (best[at - 1].score === score && best[at - 1].index > i))) at--;
          best.splice(at, 0, { index: i, score: score, block: b, row: r });
          if (best.length > k) best.pop();
          floor = best[best.length - 1].score;
        }
      }
    });
    if (sample) {
      const unsigned = unsignedView(sample);
      const own = new Float64Array(sample.length / vectors.rowBytes);
      for (let r = 0; r < own.length; r++) own[r] = rowScore(query, vectors, tables, sample, unsigned, r);
      best.strong = strongFloor(own);
    } else {
      best.strong = strongFloor(scores.subarray(0, n));
    }
    return best;
  }

  /* The k best photos for a query in code space over one file of every photo's codes. */
  function rank(query, vectors, codes, k, allowed) {
    const block = { codes: codes.subarray(0, vectors.count * vectors.rowBytes) };
    const best = rankBlocks(query, vectors, [block], k, allowed, null);
    const out = best.map(function (hit) { return { index: hit.index, score: hit.score }; });
    out.strong = best.strong;
    return out;
  }

  /* The lists of a gallery that has them, best first for a query in code space: by the
     score of each list's centroid (int8 rows with one scale each), equal scores by number. */
  function listOrder(query, vectors, centroids, scales) {
    const dims = vectors.dims;
    const scores = new Float64Array(scales.length);
    for (let l = 0; l < scales.length; l++) {
      let sum = 0;
      for (let d = 0; d < dims; d++) sum += query[d] * centroids[l * dims + d];
      scores[l] = sum * scales[l];
    }
    const order = Array.from(scores.keys());
    order.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    return order;
  }

  /* The next lists to open from `order`, starting at `from`: as few as hold `want` photos
     (always one, while any is left). */
  function probe(order, sizes, from, want) {
    const out = [];
    let held = 0;
    for (let at = from; at < order.length && (held < want || !out.length); at++) {
      out.push(order[at]);
      held += sizes[order[at]];
    }
    return out;
  }

  /* Open lists in `order` (open(n) resolves to a block of its photos' positions and codes)
     until those opened hold `scan` photos and, when `short(blocks)` is given, it is false
     (filters that let too few through); never past `most` photos, or when none is left.
     Resolves to the blocks, best first. */
  function gather(order, sizes, scan, most, open, short) {
    const blocks = [];
    let scanned = 0;
    let next = 0;
    function more() {
      const wanting = scanned < scan || (short && short(blocks));
      if (!wanting || scanned >= most || next >= order.length) return Promise.resolve(blocks);
      const batch = probe(order, sizes, next, Math.min(Math.max(scan - scanned, 1), most - scanned));
      next += batch.length;
      return Promise.all(batch.map(open)).then(function (found) {
        found.forEach(function (block) {
          blocks.push(block);
          scanned += block.positions.length;
        });
        return more();
      });
    }
    return more();
  }

  /* Photo positions written as 3-byte little-endian numbers. */
  function decodePositions(text) {
    return readPositions(decodeBase64(text), 0, -1);
  }

  /* `count` 3-byte positions from `bytes` at the `from`-th (all that follow for -1). */
  function readPositions(bytes, from, count) {
    const n = count < 0 ? bytes.length / 3 - from : count;
    const out = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      const at = (from + j) * 3;
      out[j] = (bytes[at] & 255) | ((bytes[at + 1] & 255) << 8) | ((bytes[at + 2] & 255) << 16);
    }
    return out;
  }

  /* Float32 numbers from base64 (copied, so that the bytes are aligned). */
  function decodeFloats(text) {
    const bytes = decodeBase64(text);
    const out = new Float32Array(bytes.length >> 2);
    new Uint8Array(out.buffer).set(new Uint8Array(bytes.buffer, bytes.byteOffset, out.length * 4));
    return out;
  }

  /* A model's query vector in code space (what rank() takes): the axes carry the scales. */
  function projectQuery(vector, fine) {
    const dims = fine.axes.length / fine.dim;
    const out = new Float32Array(dims);
    for (let d = 0; d < dims; d++) {
      let sum = 0;
      for (let i = 0; i < fine.dim; i++) sum += fine.axes[d * fine.dim + i] * vector[i];
      out[d] = sum;
    }
    return out;
  }

  /* The k best of the candidates once each score is completed with what the photo's coarse
     codes left out (its int8 residual): the second, finer pass. `vector` is the model's
     query; candidates come from rank() or rankBlocks() with projectQuery(vector). The
     residuals are fine.codes and fine.scales by photo position, or where `residual(hit)`
     says: [codes, the row's first byte, its scale]. */
  function refine(vector, fine, candidates, k, residual) {
    const dim = fine.dim;
    const scored = candidates.map(function (hit) {
      const found = residual ? residual(hit) : [fine.codes, hit.index * dim, fine.scales[hit.index]];
      const codes = found[0];
      const base = found[1];
      let sum = 0;
      for (let i = 0; i < dim; i++) sum += vector[i] * codes[base + i];
      return { index: hit.index, score: hit.score + sum * found[2] };
    });
    scored.sort(function (a, b) { return b.score - a.score || a.index - b.index; });
    return scored.slice(0, k);
  }

  /* The photos a single concept ranks best, computed exactly at build time. */
  function conceptTop(concepts, topBytes, i) {
    const k = concepts.topCount;
    return Array.from(readPositions(topBytes, i * k, k));
  }

  /* Lower case without accents, so that "cafe" finds "Café". */
  function folded(text) {
    return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* The positive words of a query, folded as a photo's text is for matching. */
  function matchWords(query) {
    const words = [];
    for (const part of parseQuery(query)) {
      if (part.sign > 0) words.push.apply(words, folded(part.term).split(" "));
    }
    return words;
  }

  /* Whether a photo's text holds every positive word of the query, each at the start of a
     word of the text: "red" finds "Red door" but not "haired". null for a query with no
     positive word. */
  function textMatcher(query) {
    const patterns = matchWords(query).map(function (word) {
      return new RegExp("(?:^|[^\\p{L}\\p{N}])" + escapeRegExp(word), "u");
    });
    if (!patterns.length) return null;
    return function (text) {
      const hay = folded(text);
      return patterns.every(function (p) { return p.test(hay); });
    };
  }

  /* The first `limit` photos whose text matches (textMatcher), in their order. `allowed`,
     when given, as for rank(). */
  function textMatches(texts, query, limit, allowed) {
    const matches = textMatcher(query);
    const found = [];
    if (!matches) return found;
    for (let i = 0; i < texts.length && found.length < limit; i++) {
      if (allowed && !allowed[i]) continue;
      if (matches(texts[i])) found.push(i);
    }
    return found;
  }

  const PART_KINDS = {
    n: "name", c: "caption", t: "title", k: "keyword", a: "album", p: "person", d: "description",
  };

  /* What a text match matched: for each positive word, the kind and text of the first part
     of the photo's text (parts joined by " · ", their kinds one letter each) holding it at
     the start of a word, each part once: [{kind, text}]. */
  function matchedParts(text, kinds, query) {
    const parts = text.split(" · ");
    const found = [];
    for (const part of parseQuery(query)) {
      if (part.sign <= 0) continue;
      for (const word of folded(part.term).split(" ")) {
        const pattern = new RegExp("(?:^|[^\\p{L}\\p{N}])" + escapeRegExp(word), "u");
        const at = parts.findIndex(function (p) { return pattern.test(folded(p)); });
        if (at < 0) continue;
        const kind = PART_KINDS[kinds[at]] || "name";
        if (!found.some(function (f) { return f.text === parts[at]; })) {
          found.push({ kind: kind, text: parts[at] });
        }
      }
    }
    return found;
  }

  /* Finding photos by the text read in their pictures: the rules of photoseek/textmatch.py
     (tests/textmatch_cases.json holds cases both must answer alike). */
  const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;

  /* folded(), with compatibility forms split ("ﬁ" is "fi"), "ß" as "ss", and anything but
     letters and digits as single spaces. */
  function foldText(text) {
    return folded(text.normalize("NFKD")).replace(/ß/g, "ss").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function close(word, other) {
    if (Math.abs(word.length - other.length) > 1) return false;
    if (word.length === other.length) {
      let diff = 0;
      for (let i = 0; i < word.length; i++) if (word[i] !== other[i]) diff++;
      return diff <= 1;
    }
    const short = word.length < other.length ? word : other;
    const long = word.length < other.length ? other : word;
    for (let i = 0; i < long.length; i++) {
      if (long.slice(0, i) + long.slice(i + 1) === short) return true;
    }
    return false;
  }

  function longEnough(word, size) {
    return Array.from(word).length >= size || (Array.from(word).length >= 2 && CJK.test(word));
  }

  /* {score: 3 phrase, 2 every word, 1 forgiven; words: the query words found}, or null. */
  function textMatch(query, text) {
    const folded = foldText(text);
    const words = foldText(query).split(" ").filter(Boolean);
    if (!words.length || !folded) return null;
    const squashed = folded.replace(/ /g, "");
    const phrase = words.join("");
    if (longEnough(phrase, 4) && squashed.includes(phrase)) return { score: 3, words: words };
    const textWords = folded.split(" ");
    const long = words.filter(function (w) { return longEnough(w, 3); });
    const needed = long.length ? long : words;
    let score = 2;
    for (const word of needed) {
      if (textWords.some(function (t) { return t.startsWith(word); })) continue;
      if (longEnough(word, 4) && squashed.includes(word)) score = 1;
      else if (Array.from(word).length >= 5 && textWords.some(function (t) { return close(word, t); })) score = 1;
      else return null;
    }
    return { score: score, words: needed };
  }

  /* Photos whose picture's text matches: [{index, score, words}], best first. */
  function textInPictures(texts, query, limit, allowed) {
    const found = [];
    texts.forEach(function (text, index) {
      if (!text || (allowed && !allowed[index])) return;
      const m = textMatch(query, text);
      if (m) found.push({ index: index, score: m.score, words: m.words });
    });
    // The sort is stable, so equal scores keep the photos' order.
    found.sort(function (a, b) { return b.score - a.score; });
    return found.slice(0, limit);
  }

  /* Where and when in a query's words: the rules of photoseek/wherewhen.py
     (tests/wherewhen_cases.json holds cases both must answer alike). */
  const YEARS = [1826, 2200];
  const MONTH_NAMES = [
    "january jan gennaio enero janvier januar",
    "february feb febbraio febrero fevrier februar",
    "march marzo mars marz",
    "april apr aprile abril avril",
    "may maggio mayo mai",
    "june jun giugno junio juin juni",
    "july jul luglio julio juillet juli",
    "august aug agosto aout",
    "september sep sept settembre septiembre setiembre septembre",
    "october oct ottobre octubre octobre oktober",
    "november nov novembre noviembre",
    "december dec dicembre diciembre decembre dezember",
  ];
  const MONTH_LABELS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  const SEASON_NAMES = {
    spring: "spring primavera printemps fruhling fruhjahr",
    summer: "summer estate verano ete sommer",
    autumn: "autumn fall autunno otono automne herbst",
    winter: "winter inverno invierno hiver",
  };
  const SEASON_MONTHS = { spring: [3, 4, 5], summer: [6, 7, 8], autumn: [9, 10, 11], winter: [1, 2, 12] };
  const MONTH_WORDS = new Map();
  MONTH_NAMES.forEach(function (names, i) {
    names.split(" ").forEach(function (word) { MONTH_WORDS.set(word, i + 1); });
  });
  const SEASON_WORDS = new Map();
  Object.keys(SEASON_NAMES).forEach(function (season) {
    SEASON_NAMES[season].split(" ").forEach(function (word) { SEASON_WORDS.set(word, season); });
  });
  const LONGEST_PLACE = 5;

  function daysIn(year, month) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function monthSpan(months) {
    const names = months.map(function (m) { return MONTH_LABELS[m - 1]; });
    return names.length === 1 ? names[0] : names.slice(0, -1).join(", ") + " or " + names[names.length - 1];
  }

  /* The days, the months and the words a period's parts make. */
  function period(years, months, season) {
    months = Array.from(new Set(months)).sort(function (a, b) { return a - b; });
    // Months named outright say more than a season.
    if (months.length) season = null;
    else if (season) months = SEASON_MONTHS[season].slice();
    if (!years.length) {
      if (!months.length) return { start: null, end: null, months: [], said: "" };
      return { start: null, end: null, months: months, said: "in " + (season || monthSpan(months)) };
    }
    const first = Math.min.apply(null, years);
    const last = Math.max.apply(null, years);
    const label = first === last ? String(first) : first + " to " + last;
    if (!months.length) return { start: first + "-01-01", end: last + "-12-31", months: [], said: label };
    if (season === "winter") {
      return { start: first + "-12-01", end: (last + 1) + "-02-" + pad(daysIn(last + 1, 2)), months: months,
        said: "winter " + label };
    }
    const low = months[0];
    const high = months[months.length - 1];
    return {
      start: first + "-" + pad(low) + "-01",
      end: last + "-" + pad(high) + "-" + pad(daysIn(last, high)),
      months: months,
      said: (season || monthSpan(months)) + " " + label,
    };
  }

  /* Place names by their folded form, the first spelling of each kept: what understand()
     reads a query against (made once, since a gallery can know tens of thousands). */
  function placeIndex(names) {
    const known = new Map();
    names.forEach(function (name) {
      const key = foldText(name);
      if (!known.has(key)) known.set(key, name);
    });
    return known;
  }

  /* {places, start, end, months, words, said, placeWords, dateWords} of a query, given the
     place names the gallery knows (a list, or placeIndex() of it). */
  function understand(query, placeNames) {
    const known = placeNames instanceof Map ? placeNames : placeIndex(placeNames);
    const tokens = query.split(/\s+/).filter(Boolean);
    const foldedTokens = tokens.map(foldText);
    const plain = [];
    let quoted = false;
    tokens.forEach(function (token) {
      const opens = /^["\u201c]/.test(token);
      plain.push(!quoted && !opens && !/^[-\u2212]/.test(token));
      if (opens && !(token.length > 1 && /["\u201d]$/.test(token))) quoted = true;
      else if (quoted && /["\u201d]$/.test(token)) quoted = false;
    });
    const found = { places: [], placeWords: [], dateWords: [], said: [] };
    const years = [];
    const months = [];
    let season = null;
    const used = new Set();
    let at = 0;
    while (at < tokens.length) {
      if (!plain[at] || !foldedTokens[at]) { at += 1; continue; }
      let size = Math.min(LONGEST_PLACE, tokens.length - at);
      for (; size > 0; size--) {
        const span = [];
        for (let i = at; i < at + size; i++) span.push(i);
        const name = span.map(function (i) { return foldedTokens[i]; }).join(" ");
        if (span.every(function (i) { return plain[i]; }) && known.has(name)) {
          if (found.places.indexOf(known.get(name)) < 0) found.places.push(known.get(name));
          span.forEach(function (i) { found.placeWords.push(i); used.add(i); });
          break;
        }
      }
      if (size) { at += size; continue; }
      const word = foldedTokens[at];
      if (/^\d{4}$/.test(word) && Number(word) >= YEARS[0] && Number(word) <= YEARS[1]) years.push(Number(word));
      else if (MONTH_WORDS.has(word)) months.push(MONTH_WORDS.get(word));
      else if (SEASON_WORDS.has(word) && season === null) season = SEASON_WORDS.get(word);
      else { at += 1; continue; }
      found.dateWords.push(at);
      used.add(at);
      at += 1;
    }
    const when = period(years, months, season);
    found.start = when.start;
    found.end = when.end;
    found.months = when.months;
    if (found.places.length) found.said.push("in " + found.places.join(" or "));
    if (when.said) found.said.push(when.said);
    found.words = tokens.filter(function (t, i) { return !used.has(i); }).join(" ");
    return found;
  }

  /* The places of the gallery (facets.places rows: town, region, country, population) a
     filter's names ("Nice, France") name: a Set of their positions. */
  function placesNamed(facets, text) {
    const wanted = new Set(text.split(",").map(foldText).filter(Boolean));
    const found = new Set();
    (facets.places || []).forEach(function (row, i) {
      for (let part = 0; part < 3; part++) if (row[part] && wanted.has(foldText(row[part]))) found.add(i);
    });
    return found;
  }

  /* Every town, region and country name of the gallery, the largest places first. */
  function placeNames(facets) {
    const names = [];
    (facets && facets.places || []).forEach(function (row) {
      for (let part = 0; part < 3; part++) if (row[part]) names.push(row[part]);
    });
    return names;
  }

  /* The photos a search's filters let through: one byte a photo, or null when nothing is
     filtered. Dates are inclusive days ("2021-06-01"); an undated photo fails any date. A
     month filter lists months ("6,7,8"); a place filter names places ("Nice, France"), and a
     photo without a place fails it. */
  function filterMask(facets, filters) {
    const day = function (text) { return text ? Number(text.replace(/-/g, "").slice(0, 8)) : 0; };
    const from = day(filters.from);
    const to = day(filters.to);
    const rating = Number(filters.rating) || 0;
    const camera = filters.camera ? facets.cameras.indexOf(filters.camera) : -1;
    const person = filters.person ? facets.people.indexOf(filters.person) : -1;
    const months = filters.month ? new Set(String(filters.month).split(",").map(Number)) : null;
    const places = filters.place ? placesNamed(facets, filters.place) : null;
    if (!from && !to && !rating && !filters.fav && !filters.camera && !filters.person && !months && !places) {
      return null;
    }
    const count = facets.taken.length;
    const mask = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const taken = facets.taken[i];
      mask[i] = Number(
        (!from || (taken && taken >= from)) &&
        (!to || (taken && taken <= to)) &&
        (!months || (taken && months.has(Math.floor(taken / 100) % 100))) &&
        (!places || (facets.place && places.has(facets.place[i]))) &&
        facets.rating[i] >= rating &&
        (!filters.fav || facets.favourite[i] === 1) &&
        (!filters.camera || (camera >= 0 && facets.camera[i] === camera)) &&
        (!filters.person || facets.person[i].indexOf(person) >= 0)
      );
    }
    return mask;
  }

  /* "1 photo", "2 photos". */
  function count(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  /* Vocabulary entries that complete what is being typed (its last term). */
  function completions(text, concepts, limit) {
    const parts = text.split(/(?:^|\s)[+\u2212-]/);
    const tail = normalise(parts[parts.length - 1]);
    if (tail.length < 2) return [];
    const head = text.slice(0, text.length - parts[parts.length - 1].length);
    const starts = [];
    const inside = [];
    for (const entry of concepts.texts) {
      const key = entry.toLowerCase();
      if (key.startsWith(tail)) starts.push(entry);
      else if (key.indexOf(" " + tail) >= 0) inside.push(entry);
    }
    return starts.concat(inside).slice(0, limit).map(function (entry) {
      return head + (head && !/\s$/.test(head) ? " " : "") + entry;
    });
  }

  return {
    decodeBase64: decodeBase64,
    normalise: normalise,
    parseQuery: parseQuery,
    conceptIndex: conceptIndex,
    composeQuery: composeQuery,
    conceptTop: conceptTop,
    photoQuery: photoQuery,
    rank: rank,
    rankBlocks: rankBlocks,
    listOrder: listOrder,
    probe: probe,
    gather: gather,
    decodePositions: decodePositions,
    strongFloor: strongFloor,
    matchedParts: matchedParts,
    decodeFloats: decodeFloats,
    projectQuery: projectQuery,
    refine: refine,
    textMatches: textMatches,
    textMatcher: textMatcher,
    matchWords: matchWords,
    folded: folded,
    count: count,
    filterMask: filterMask,
    placeNames: placeNames,
    foldText: foldText,
    textMatch: textMatch,
    textInPictures: textInPictures,
    understand: understand,
    placeIndex: placeIndex,
    completions: completions,
  };
});
