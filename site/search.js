/* The search page: text matches first, then photos ranked by meaning. */
(function () {
  "use strict";
  const core = window.PhotoseekCore;
  const wordIndex = window.PhotoseekWords;
  const box = document.getElementById("q");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const usedLine = document.getElementById("used");
  // Results by relevance, or by the day they were taken (when the gallery knows dates).
  const sortField = document.getElementById("sort");
  const LIMIT = 96;
  const hint = status.textContent;
  const more = document.getElementById("more");
  // Filters (dates, month, place, rating, favourites, camera, person) narrow every search; the
  // ones set by hand live in the address with the query. Places and dates in the words narrow
  // it too, and the filters show them: changing such a filter takes those words out of the
  // box. The page has none when the gallery holds nothing to filter by.
  const filterForm = document.getElementById("filter-form");
  const filterCount = document.getElementById("filter-count");
  const FILTERS = ["from", "to", "month", "rating", "fav", "camera", "person", "place"];
  const DATE_FILTERS = ["from", "to", "month"];
  // The filters set by hand, and the query's places and dates (core.understand) as filters.
  let chosen = {};
  let data = null;
  let worded = understand("");
  // How many results are shown; "More results" raises it, a new query starts again.
  let limit = LIMIT;
  let again = null;
  // The text model (when the gallery ships one): loaded on demand, then it reads any words.
  const modelButton = document.getElementById("load-model");
  const modelNote = document.getElementById("model-note");
  const modelProgress = document.getElementById("model-progress");
  // How many photos the coarse codes hand to the finer second pass (fewer from the lists a
  // query opens: their residuals are loaded block by block).
  const CANDIDATES = 512;
  const LIST_CANDIDATES = 256;
  let model = null;
  let fine = null;
  let modelLoading = null;
  // A gallery too large to download whole ships its photos' codes as lists
  // (build_site/searchlists.py): those loaded so far, by number, and the residual blocks.
  const opened = new Map();
  const residuals = new Map();
  // At most this many photos' codes stay loaded; the lists used longest ago go first.
  const KEPT_ROWS = 400000;
  const KEPT_BLOCKS = 2048;
  // Each search's number: an answer that comes after a newer search began is dropped.
  let searches = 0;
  // Such a gallery's photo records come by block (build_site/records.py), and the words of
  // their text through an index (build_site/wordindex.py): its shards opened so far.
  const shards = new Map();

  function ready() {
    if (data) return Promise.resolve(data);
    status.textContent = "Loading search data…";
    const names = ["photos", "vectors", "concepts"];
    // The text read in pictures, when the gallery has any (the page says so: no failed load).
    if (results.dataset.pictureText) names.push("ocr");
    if (filterForm || sortField) names.push("facets");
    const loading = names.map(function (name) {
      return Photoseek.load(name).then(Photoseek.unpack);
    });
    return Promise.all(loading).then(function (parts) {
      const loaded = {};
      names.forEach(function (name, i) { loaded[name] = parts[i]; });
      const lists = loaded.vectors.lists;
      const photos = loaded.photos;
      const made = {
        pictureTexts: loaded.ocr ? loaded.ocr.texts : [],
        facets: loaded.facets || null,
        count: photos.block ? photos.count : photos.ids.length,
        // Records by block: filled in as their blocks load (need()).
        photos: photos.block ? {
          block: photos.block, loaded: new Set(), ids: new Array(photos.count),
          text: new Array(photos.count), kinds: new Array(photos.count), shape: new Array(photos.count),
        } : photos,
        words: null,
        vectors: loaded.vectors,
        codes: lists ? null : core.decodeBase64(loaded.vectors.codes),
        lists: lists ? {
          sizes: lists.sizes,
          centroids: core.decodeBase64(lists.centroids),
          scales: lists.scales,
          scan: lists.scan,
          block: lists.block,
          sample: core.decodeBase64(loaded.vectors.sample),
        } : null,
        concepts: loaded.concepts,
        conceptCodes: core.decodeBase64(loaded.concepts.codes),
        conceptTop: core.decodeBase64(loaded.concepts.top),
      };
      made.index = core.conceptIndex(made.concepts);
      // Set once whole: a search begun while this loads waits for it.
      const words = photos.block ? Photoseek.load("words") : Promise.resolve(null);
      return words.then(function (index) {
        made.words = index;
        data = made;
        return data;
      });
    });
  }

  /* Load the record blocks of these photos (a gallery with one file of records has them). */
  function need(indices) {
    const photos = data.photos;
    if (!photos.block) return Promise.resolve();
    const blocks = new Set();
    for (const index of indices) {
      const block = Math.floor(index / photos.block);
      if (!photos.loaded.has(block)) blocks.add(block);
    }
    return Promise.all(Array.from(blocks).map(function (block) {
      const name = "photos/" + block;
      return Photoseek.load(name).then(function (part) {
        Photoseek.forget(name);
        const start = block * photos.block;
        Object.keys(part).forEach(function (column) {
          part[column].forEach(function (value, j) { photos[column][start + j] = value; });
        });
        photos.loaded.add(block);
      });
    }));
  }

  /* The filters' values of every photo, loaded when a search is filtered or sorted by date:
     a large gallery ships them apart from the names of its cameras, people and places. */
  function filtering() {
    const facets = data.facets;
    if (!facets || !facets.columns || facets.taken) return Promise.resolve();
    if (!Object.keys(filters()).length && !(sortField && sortField.value)) return Promise.resolve();
    return Photoseek.load(facets.columns).then(Photoseek.unpack).then(function (columns) {
      Photoseek.forget(facets.columns);
      Object.assign(facets, columns);
    });
  }

  function openShard(number) {
    if (!shards.has(number)) {
      const name = "words/" + number;
      shards.set(number, Photoseek.load(name).then(function (payload) {
        Photoseek.forget(name);
        return wordIndex.openShard(payload, core.decodeBase64);
      }, function (error) {
        shards.delete(number);
        throw error;
      }));
    }
    return shards.get(number);
  }

  /* The photos the index says may hold the words (a superset of those that do), or null
     when it cannot tell: every photo may. */
  function candidates(text) {
    const words = wordIndex.queryRuns(core.matchWords(text));
    if (!words) return Promise.resolve(null);
    return Promise.all(words.map(function (runs) {
      return Promise.all(runs.map(function (r) {
        const numbers = wordIndex.shardsFor(data.words.keys, r.run, r.exact);
        return Promise.all(numbers.map(openShard)).then(function (opened) {
          return wordIndex.runPhotos(opened, r.run, r.exact);
        });
      })).then(wordIndex.intersect);
    })).then(wordIndex.intersect);
  }

  /* core.textMatches over the photos' records: at once from one file of records, or, for
     records by block, over the index's candidates, whose blocks load batch by batch until
     `limit` match. Resolves with the matches' positions, their records loaded. */
  function wordMatches(text, limit, mask) {
    if (!data.photos.block) return Promise.resolve(core.textMatches(data.photos.text, text, limit, mask));
    const matches = core.textMatcher(text);
    if (!matches) return Promise.resolve([]);
    return candidates(text).then(function (found) {
      const total = found ? found.length : data.count;
      const hits = [];
      let at = 0;
      function next() {
        const batch = [];
        while (at < total && batch.length < Math.max(limit - hits.length, 32)) {
          const index = found ? found[at] : at;
          at++;
          if (!mask || mask[index]) batch.push(index);
        }
        if (!batch.length) return hits;
        return need(batch).then(function () {
          for (const index of batch) {
            if (hits.length < limit && matches(data.photos.text[index])) hits.push(index);
          }
          return hits.length < limit ? next() : hits;
        });
      }
      return next();
    });
  }

  function partName(i) {
    return "text/part-" + String(i).padStart(3, "0");
  }

  /* Load the text model and the finer photo codes, showing progress; resolves when ready. */
  function loadModel() {
    if (!modelButton) return Promise.reject(new Error("this gallery was built without its text model"));
    if (modelLoading) return modelLoading;
    const started = performance.now();
    modelButton.disabled = true;
    modelProgress.hidden = false;
    modelProgress.value = 0;
    modelNote.textContent = "Loading the text model…";
    modelLoading = Promise.all([ready(), Photoseek.load("text/model")]).then(function (first) {
      const meta = first[1];
      const names = ["fine"];
      for (let i = 0; i < meta.parts; i++) names.push(partName(i));
      let done = 0;
      return Promise.all(names.map(function (name) {
        return Photoseek.load(name).then(function (payload) {
          done += 1;
          modelProgress.value = done / names.length;
          modelNote.textContent = "Loading the text model: " + Math.round(100 * done / names.length) + "%";
          return payload;
        });
      })).then(function (payloads) {
        const f = payloads[0];
        fine = {
          dim: f.dim,
          axes: core.decodeFloats(f.axes),
          // With lists, the residuals come by block, for the candidates only.
          scales: f.scales === undefined ? null : core.decodeFloats(f.scales),
          codes: f.codes === undefined ? null : core.decodeBase64(f.codes),
        };
        model = new PhotoseekText.TextModel(meta, payloads.slice(1).map(function (p) { return p.data; }));
        names.concat(["text/model"]).forEach(Photoseek.forget);
        modelProgress.hidden = true;
        modelButton.hidden = true;
        modelNote.textContent = "The text model is ready (" + ((performance.now() - started) / 1000).toFixed(1) +
          " s): searches understand any words." + (model.simd ? "" : " This browser runs it without WebAssembly SIMD, so more slowly.");
      });
    });
    modelLoading.catch(function (error) {
      modelLoading = null;
      modelProgress.hidden = true;
      modelButton.disabled = false;
      modelNote.textContent = "The text model could not be loaded (" + error.message +
        "); searches use the gallery's phrase vocabulary. Try again with the button.";
    });
    return modelLoading;
  }

  /* The model's query for a text: as typed when it has no +/- operators (as `photoseek
     search` takes it), else the sum of its terms' vectors with their signs. */
  function modelQuery(text) {
    const parts = core.parseQuery(text);
    const plain = parts.length === 1 && parts[0].sign > 0;
    const vector = new Float32Array(fine.dim);
    const used = [];
    for (const part of parts) {
      const words = plain ? text.trim() : part.term;
      const v = model.embed(words);
      for (let i = 0; i < v.length; i++) vector[i] += part.sign * v[i];
      used.push({ text: words, sign: part.sign });
    }
    return { vector: vector, used: used };
  }

  /* The line of a picture's text where the query's words were found. */
  function matchedLine(text, words) {
    const lines = text.split("\n");
    return lines.find(function (line) {
      const folded = core.foldText(line).replace(/ /g, "");
      return words.some(function (w) { return folded.includes(w); });
    }) || lines[0];
  }

  /* A justified grid's item: its class gives the row its aspect ratio, and the picture's
     size attributes keep its place before it loads. */
  function shaped(item, img, shape) {
    item.className = "s" + shape;
    img.width = shape;
    img.height = 100;
  }

  /* What made a result a result, in a few words on its tile. */
  function why(hit) {
    if (hit.words) return "text in the picture";
    if (hit.parts) {
      return hit.parts.map(function (part) {
        const text = part.text.length > 40 ? part.text.slice(0, 39) + "…" : part.text;
        return part.kind === "name" ? "name" : part.kind + ": " + text;
      }).join(", ");
    }
    if (hit.reason === "looks alike") return "looks alike";
    return hit.reason === "similar in meaning" ? "meaning" : hit.reason;
  }

  function tile(hit) {
    const index = hit.index;
    const reason = hit.reason;
    const words = hit.words;
    const sid = data.photos.ids[index];
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "photo/" + sid + ".html?in=search";
    const img = document.createElement("img");
    img.src = "img/thumb/" + sid.slice(0, 2) + "/" + sid + ".jpg";
    img.alt = data.photos.text[index].split(" · ")[0];
    img.loading = "lazy";
    shaped(item, img, data.photos.shape[index]);
    link.title = reason;
    link.appendChild(img);
    const label = document.createElement("span");
    label.className = "why";
    label.textContent = why(hit);
    link.appendChild(label);
    if (words) {
      const line = document.createElement("span");
      line.className = "matched";
      line.textContent = "“" + matchedLine(data.pictureTexts[index], words) + "”";
      link.appendChild(line);
    }
    item.appendChild(link);
    return item;
  }

  /* The day a photo was taken (20210612), 0 when undated, for sorting by date. */
  function day(index) {
    return data.facets ? data.facets.taken[index] : 0;
  }

  /* Strong matches first, then the weaker ones, each in the order the sort field asks. */
  function ordered(list) {
    const order = sortField ? sortField.value : "";
    const byDate = function (a, b) {
      const x = day(a.index);
      const y = day(b.index);
      if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1);
      return order === "old" ? x - y : y - x;
    };
    const strong = list.filter(function (hit) { return !hit.weak; });
    const weak = list.filter(function (hit) { return hit.weak; });
    if (order) {
      strong.sort(byDate);
      weak.sort(byDate);
    }
    return { strong: strong, weak: weak };
  }

  /* The results: strong matches, then, folded under a button, the weaker ones the scores
     call noise. With no strong match at all, the closest are shown as they are. */
  function render(list) {
    const groups = ordered(list);
    const items = groups.strong.map(tile);
    results.classList.remove("show-weak");
    if (groups.strong.length && groups.weak.length) {
      const fold = document.createElement("li");
      fold.className = "fold";
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("aria-expanded", "false");
      button.textContent = "Weaker matches (" + groups.weak.length + "): less likely what you asked for";
      button.addEventListener("click", function () {
        const open = results.classList.toggle("show-weak");
        button.setAttribute("aria-expanded", String(open));
      });
      fold.appendChild(button);
      items.push(fold);
      groups.weak.forEach(function (hit) {
        const item = tile(hit);
        item.classList.add("weak");
        items.push(item);
      });
    } else {
      groups.weak.forEach(function (hit) { items.push(tile(hit)); });
    }
    results.replaceChildren.apply(results, items);
    return groups;
  }

  /* Show the results (once their records are loaded, unless a newer search began); "More
     results" is offered when the page is full, or when `further` says more can be found.
     The time shown counts from `started`. */
  function show(list, used, unknown, started, note, further) {
    const ticket = searches;
    return need(list.map(function (hit) { return hit.index; })).then(function () {
      if (ticket === searches) present(list, used, unknown, (performance.now() - started) / 1000, note, further);
    });
  }

  function present(list, used, unknown, seconds, note, further) {
    const groups = render(list);
    list = groups.strong.concat(groups.weak);
    try {
      // A photo opened from the results steps through them and Escape comes back here.
      sessionStorage.setItem("photoseek-search", JSON.stringify({
        ids: list.map(function (hit) { return data.photos.ids[hit.index]; }),
        address: location.search,
      }));
    } catch (error) {
      // Storage refused (a private window's quota): the photo steps through the home order.
    }
    let strength = "";
    if (groups.strong.length && groups.weak.length) {
      strength = "; " + groups.strong.length + " strong, the weaker ones folded below";
    } else if (list.length && !groups.strong.length) {
      strength = "; no strong match, so the closest come first";
    }
    status.textContent = list.length
      ? core.count(list.length, "photo") + " (" + Math.round(seconds * 1000) + " ms)" + strength
      : Object.keys(filters()).length ? "Nothing found with these filters." : "Nothing found.";
    more.hidden = list.length < limit && !further;
    const parts = used.map(function (u) { return (u.sign < 0 ? "− " : "") + u.text; });
    const missing = unknown.map(function (w) { return "“" + w + "”"; }).join(", ");
    const why = modelButton
      ? " the text model reads them once it is loaded."
      : " this gallery has no text model to read new words, so only names, captions, keywords, albums and people were searched for them.";
    const searched = Object.keys(worded.set).length
      ? "Searched: " + worded.said.concat(parts.length ? ["by meaning: " + parts.join(", ")] : []).join(" · ") + "."
      : parts.length ? "Searched for: " + parts.join(", ") + "." : "";
    usedLine.textContent = searched +
      (unknown.length ? " Not among the gallery's words: " + missing + ";" + why : "") +
      (note ? " " + note : "");
  }

  /* The filters set in the form, by name: only those that filter. */
  function formFilters() {
    const set = {};
    if (!filterForm) return set;
    FILTERS.forEach(function (name) {
      const field = filterForm.elements[name];
      const value = field && (field.type === "checkbox" ? (field.checked ? "1" : "") : field.value);
      if (value) set[name] = value;
    });
    return set;
  }

  /* What narrows the search: the filters set by hand, and those the words set. */
  function filters() {
    const set = Object.assign({}, chosen, worded.set);
    if (filterCount) {
      const on = Object.keys(set).length;
      filterCount.textContent = on ? "(" + on + " on)" : "";
    }
    return set;
  }

  /* The query's places and dates, as filters. */
  function understand(text) {
    if (data && !data.places) data.places = core.placeIndex(data.facets ? core.placeNames(data.facets) : []);
    const found = core.understand(text, data ? data.places : []);
    const set = {};
    if (found.start) { set.from = found.start; set.to = found.end; }
    if (found.months.length) set.month = found.months.join(",");
    if (found.places.length) set.place = found.places.join(", ");
    // Only what this gallery's filters can show is read from the words.
    Object.keys(set).forEach(function (name) {
      if (!filterForm || !filterForm.elements[name]) delete set[name];
    });
    found.set = set;
    return found;
  }

  /* The form shows every filter in force, those from the words included. */
  function showFilters() {
    if (!filterForm) return;
    const set = filters();
    FILTERS.forEach(function (name) {
      const field = filterForm.elements[name];
      if (!field) return;
      const value = set[name] || "";
      if (field.type === "checkbox") {
        field.checked = value === "1";
        return;
      }
      if (field.tagName === "SELECT" && value && !Array.from(field.options).some(function (o) { return o.value === value; })) {
        // Months the words named together ("june july"): an option of their own.
        const option = document.createElement("option");
        option.value = value;
        option.textContent = value.split(",").map(function (m) {
          return filterForm.elements.month.options[Number(m)].textContent;
        }).join(" or ");
        field.appendChild(option);
      }
      field.value = value;
      field.classList.toggle("from-words", Boolean(worded.set[name]));
    });
    if (Object.keys(worded.set).length) document.getElementById("filters").open = true;
  }

  /* The words of the search box less those at these positions (core.understand's). */
  function dropWords(positions) {
    const dropped = new Set(positions);
    if (dropped.size) {
      box.value = box.value.split(/\s+/).filter(Boolean).filter(function (t, i) { return !dropped.has(i); }).join(" ");
    }
  }

  /* What is searched for by words once the places and dates the gallery can filter by are
     taken out. */
  function wordsLeft(found, text) {
    return Object.keys(found.set).length ? found.words : text;
  }

  /* A filter changed by hand: the words that had set it leave the box, and every filter
     the form shows that the words no longer set is kept as set by hand. */
  function changedByHand(name) {
    dropWords(name === "place" ? worded.placeWords : DATE_FILTERS.indexOf(name) >= 0 ? worded.dateWords : []);
    const shown = formFilters();
    worded = understand(box.value);
    chosen = {};
    Object.keys(shown).forEach(function (field) {
      if (!worded.set[field]) chosen[field] = shown[field];
    });
  }

  /* The photos the filters let through (one byte each), or null when none is set. */
  function allowed() {
    return data.facets ? core.filterMask(data.facets, filters()) : null;
  }

  /* The query lives in the address: Back, reload and bookmarks bring the search back. */
  function remember(params, push) {
    Object.assign(params, chosen);
    if (sortField && sortField.value) params.sort = sortField.value;
    const query = new URLSearchParams(params).toString();
    if ((query ? "?" + query : "") === location.search) return;
    const address = query ? "?" + query : location.pathname;
    if (push) history.pushState(null, "", address);
    else history.replaceState(null, "", address);
  }

  function clear() {
    more.hidden = true;
    results.replaceChildren();
    usedLine.textContent = "";
    status.textContent = hint;
  }

  /* A list's photos and codes, loaded once and kept while the space allows. */
  function openList(number) {
    if (opened.has(number)) {
      const block = opened.get(number);
      opened.delete(number);
      opened.set(number, block);
      return Promise.resolve(block);
    }
    const name = "lists/" + number;
    return Photoseek.load(name).then(function (payload) {
      Photoseek.forget(name);
      const block = { list: number, positions: core.decodePositions(payload.positions), codes: core.decodeBase64(payload.codes) };
      opened.set(number, block);
      let rows = 0;
      opened.forEach(function (b) { rows += b.positions.length; });
      for (const [old, b] of opened) {
        if (rows <= KEPT_ROWS || old === number) break;
        opened.delete(old);
        rows -= b.positions.length;
      }
      return block;
    });
  }

  /* The lists a query opens, best first: until they hold the lists' scan of photos and,
     with filters, k photos they allow (opening at most twice the scan for those). */
  function openLists(query, k, mask) {
    const lists = data.lists;
    const order = core.listOrder(query, data.vectors, lists.centroids, lists.scales);
    return core.gather(order, lists.sizes, lists.scan, 2 * lists.scan, openList, mask && function (blocks) {
      let allowedCount = 0;
      for (const block of blocks) for (const i of block.positions) allowedCount += mask[i];
      return allowedCount < k;
    });
  }

  /* The k best photos for a query in code space: from the one file of codes at once, or
     from the lists the query reaches once they are loaded. */
  function meaning(query, k, mask) {
    if (!data.lists) return Promise.resolve(core.rank(query, data.vectors, data.codes, k, mask));
    return openLists(query, k, mask).then(function (blocks) {
      const ranked = core.rankBlocks(query, data.vectors, blocks, k, mask, data.lists.sample);
      ranked.forEach(function (hit) { hit.list = blocks[hit.block].list; });
      return ranked;
    });
  }

  /* The second pass over the candidates, loading their residual blocks when the gallery
     has lists. */
  function refined(vector, candidates, k) {
    if (!data.lists) return Promise.resolve(core.refine(vector, fine, candidates, k));
    const size = data.lists.block;
    const names = Array.from(new Set(candidates.map(function (hit) {
      return hit.list + "-" + Math.floor(hit.row / size);
    })));
    return Promise.all(names.map(function (name) {
      if (residuals.has(name)) return residuals.get(name);
      return Photoseek.load("fine/" + name).then(function (payload) {
        Photoseek.forget("fine/" + name);
        const block = { codes: core.decodeBase64(payload.codes), scales: core.decodeFloats(payload.scales) };
        residuals.set(name, block);
        return block;
      });
    })).then(function (blocks) {
      // This query's blocks, held here: another query may let them go from the cache.
      const held = new Map();
      names.forEach(function (name, i) { held.set(name, blocks[i]); });
      for (const name of residuals.keys()) {
        if (residuals.size <= KEPT_BLOCKS) break;
        if (!held.has(name)) residuals.delete(name);
      }
      return core.refine(vector, fine, candidates, k, function (hit) {
        const block = held.get(hit.list + "-" + Math.floor(hit.row / size));
        const row = hit.row % size;
        return [block.codes, row * fine.dim, block.scales[row]];
      });
    });
  }

  /* Photos whose own text matches (names, captions, keywords; then the text in their
     pictures), and the query with the words they found taken out of "not understood". */
  function textHits(text, limit, mask) {
    return wordMatches(text, limit, mask).then(function (indices) {
      return hitsOf(indices, text, limit, mask);
    });
  }

  function hitsOf(indices, text, limit, mask) {
    const list = [];
    const found = new Set();
    const described = [];
    for (const index of indices) {
      const parts = core.matchedParts(data.photos.text[index], data.photos.kinds[index], text);
      // A photo found only by what a model wrote of it comes after the user's own words.
      const byModel = parts.length && parts.every(function (p) { return p.kind === "description"; });
      (byModel ? described : list).push({ index: index, reason: "matches the text", parts: parts });
    }
    list.push.apply(list, described);
    if (list.length) {
      core.parseQuery(text).forEach(function (part) {
        if (part.sign > 0) core.foldText(part.term).split(" ").forEach(function (w) { found.add(w); });
      });
    }
    const listed = new Set(list.map(function (hit) { return hit.index; }));
    for (const hit of core.textInPictures(data.pictureTexts, text, limit, mask)) {
      hit.words.forEach(function (w) { found.add(w); });
      if (listed.has(hit.index) || list.length >= limit) continue;
      listed.add(hit.index);
      list.push({ index: hit.index, reason: "its picture's text: " + hit.words.join(" "), words: hit.words });
    }
    const query = core.composeQuery(text, data.concepts, data.conceptCodes, data.index);
    query.unknown = query.unknown.filter(function (w) { return !found.has(core.foldText(w)); });
    return { list: list, query: query };
  }

  /* Search for the words (and the filters): text matches first, then photos by meaning.
     Resolves when the answer is shown, or dropped for a newer search. */
  function run(text, push, shown) {
    // The time a search takes counts the reading of its places and dates.
    const started = performance.now();
    const ticket = ++searches;
    const current = function () { return ticket === searches; };
    limit = shown || LIMIT;
    again = function () { run(text, false, limit + LIMIT); };
    worded = understand(text);
    showFilters();
    remember(text.trim() ? { q: text } : {}, push);
    return filtering().then(function () {
      if (!current()) return null;
      const mask = allowed();
      if (!text.trim()) {
        if (mask) return browse(mask, false, started);
        clear();
        return null;
      }
      if (Object.keys(worded.set).length) {
        // The places and dates narrow the search; what is left is searched for within them.
        text = wordsLeft(worded, text);
        if (!text.trim()) return browse(mask, true, started);
      }
      return textHits(text, limit, mask).then(function (hits) {
        return current() ? answer(text, hits, mask, started, current) : null;
      });
    }).catch(failed);
  }

  /* A search's answer after its text matches: photos by meaning, from the vocabulary's
     concepts or, for words it lacks, the text model. */
  function answer(text, hits, mask, started, current) {
    const list = hits.list;
    const seen = new Set(list.map(function (hit) { return hit.index; }));
    const query = hits.query;
    if (query.unknown.length && model) {
      // Words the vocabulary lacks: the model reads the whole text, the coarse codes pick
      // candidates, and their residual codes complete the scores that order them.
      const asked = modelQuery(text);
      const wanted = Math.max(data.lists ? LIST_CANDIDATES : CANDIDATES, 2 * limit);
      return meaning(core.projectQuery(asked.vector, fine), wanted, mask).then(function (candidates) {
        return refined(asked.vector, candidates, limit).then(function (best) {
          if (!current()) return null;
          for (const hit of best) {
            if (!seen.has(hit.index) && list.length < limit) {
              list.push({ index: hit.index, reason: "similar in meaning", weak: hit.score < candidates.strong });
            }
          }
          return show(list, asked.used, [], started, "(read by the text model)");
        });
      });
    }
    let note = "";
    if (query.unknown.length && modelButton) {
      note = "Loading the text model to read them…";
      loadModel().then(function () {
        if (box.value === text) run(text, false, limit);
      }, function () {});
    }
    if (query.entries.length === 1 && query.used[0].sign > 0) {
      // The concept's exact best photos, of which the build counted the strong ones.
      const strong = data.concepts.strong[query.entries[0]] || 0;
      core.conceptTop(data.concepts, data.conceptTop, query.entries[0]).forEach(function (index, at) {
        if (mask && !mask[index]) return;
        if (!seen.has(index) && list.length < limit) {
          seen.add(index);
          list.push({ index: index, reason: "similar in meaning", weak: at >= strong });
        }
      });
    }
    const finish = function (further) {
      return current() ? show(list, query.used, query.unknown, started, note, further) : null;
    };
    // A single concept's exact best photos are its first answer; with lists, more of them
    // (which opens lists) come when asked for.
    const exactFirst = data.lists && query.entries.length === 1 && query.used[0].sign > 0 && !mask && limit <= LIMIT;
    if (!query.vector || list.length >= limit || exactFirst) return finish(exactFirst);
    return meaning(query.vector, limit, mask).then(function (ranked) {
      for (const hit of ranked) {
        if (!seen.has(hit.index) && list.length < limit) {
          seen.add(hit.index);
          list.push({ index: hit.index, reason: "similar in meaning", weak: hit.score < ranked.strong });
        }
      }
      return finish();
    });
  }

  /* A part of the search data that would not load: said, with what to do. */
  function failed(error) {
    status.textContent = "Part of the search data could not be loaded (" + error.message + "): " +
      (error.advice || "check that the whole site was copied, then reload the page.");
  }

  /* No words, only filters: the photos they let through, newest first; for a place named
     in the words, the largest place of that name first. Then, for words read as places and
     dates, the photos outside whose own text holds them. */
  function browse(mask, fromWords, began) {
    const started = began || performance.now();
    const inside = [];
    for (let i = 0; i < mask.length; i++) if (mask[i]) inside.push(i);
    if (fromWords && worded.set.place && data.facets.place) {
      const place = data.facets.place;
      inside.sort(function (a, b) { return place[a] - place[b] || a - b; });
    }
    const list = inside.slice(0, limit).map(function (i) {
      return { index: i, reason: fromWords ? worded.said.join(" · ") : "matches the filters" };
    });
    const ticket = searches;
    const outside = fromWords ? wordMatches(box.value, limit, null) : Promise.resolve([]);
    return outside.then(function (indices) {
      for (const index of indices) {
        if (!mask[index] && list.length < limit) {
          list.push({ index: index, reason: "matches the text",
            parts: core.matchedParts(data.photos.text[index], data.photos.kinds[index], box.value) });
        }
      }
      return show(list, [], [], started);
    }).then(function () {
      if (ticket === searches && inside.length && !fromWords) {
        status.textContent = core.count(inside.length, "photo") + (inside.length === 1 ? " matches" : " match") + " the filters.";
      }
    });
  }

  /* A photo's own codes as a query: from the one file of codes, or from its list. */
  function photoQuery(index) {
    if (!data.lists) return Promise.resolve(core.photoQuery(data.vectors, data.codes, index));
    return Photoseek.load("lists/of").then(function (payload) {
      if (!data.listOf) {
        const bytes = core.decodeBase64(payload.lists);
        data.listOf = new Uint16Array(bytes.length >> 1);
        for (let i = 0; i < data.listOf.length; i++) data.listOf[i] = (bytes[2 * i] & 255) | ((bytes[2 * i + 1] & 255) << 8);
        Photoseek.forget("lists/of");
      }
      return openList(data.listOf[index]);
    }).then(function (block) {
      return core.photoQuery(data.vectors, block.codes, block.positions.indexOf(index));
    });
  }

  function like(index, shown, push) {
    limit = shown || LIMIT;
    worded = understand("");
    showFilters();
    again = function () { like(index, limit + LIMIT); };
    remember({ like: String(index) }, push);
    const started = performance.now();
    const ticket = ++searches;
    return Promise.all([filtering(), need([index])]).then(function () {
      return photoQuery(index);
    }).then(function (query) {
      return meaning(query, limit + 1, allowed());
    }).then(function (ranked) {
      if (ticket !== searches) return null;
      const hits = ranked
        .filter(function (hit) { return hit.index !== index; })
        .slice(0, limit)
        .map(function (hit) { return { index: hit.index, reason: "looks alike", weak: hit.score < ranked.strong }; });
      return show(hits, [{ text: "photos like " + data.photos.text[index].split(" · ")[0], sign: 1 }], [], started);
    }).catch(failed);
  }

  let timer = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    if (!box.value.trim()) {
      run("", false);
      return;
    }
    timer = setTimeout(function () { ready().then(function () { run(box.value, false); }); }, 120);
  });
  box.form.addEventListener("submit", function (event) {
    event.preventDefault();
    ready().then(function () { run(box.value, true); });
  });

  function fromAddress() {
    const params = new URLSearchParams(location.search);
    if (sortField) sortField.value = params.get("sort") === "new" || params.get("sort") === "old" ? params.get("sort") : "";
    chosen = {};
    worded = understand("");
    if (filterForm) {
      FILTERS.forEach(function (name) {
        if (filterForm.elements[name] && params.get(name)) chosen[name] = params.get(name);
      });
      showFilters();
      if (Object.keys(chosen).length) document.getElementById("filters").open = true;
    }
    if (params.get("like") !== null) {
      ready().then(function () {
        // The address can be edited by hand: anything but a photo's number is said, not thrown.
        const index = Number(params.get("like"));
        if (Number.isInteger(index) && index >= 0 && index < data.count) {
          like(index);
        } else {
          results.replaceChildren();
          status.textContent = "No photo number " + params.get("like") + " in this gallery.";
        }
      });
    } else if (params.get("q") || Object.keys(filters()).length) {
      box.value = params.get("q") || "";
      ready().then(function () { run(box.value, false); });
    } else {
      box.value = "";
      clear();
    }
  }

  /* A changed filter searches again, as a new step in the history. */
  function refilter() {
    ready().then(function () {
      const params = new URLSearchParams(location.search);
      const index = Number(params.get("like"));
      if (params.get("like") !== null && Number.isInteger(index) && index >= 0 &&
          index < data.count) {
        like(index, LIMIT, true);
      } else {
        run(box.value, true);
      }
    });
  }
  // The place field offers the gallery's place names, the largest places first, once the
  // search data is there (a page listing tens of thousands of names would load slowly).
  const PLACE_CHOICES = 2000;
  const placeField = filterForm && filterForm.elements.place;
  if (placeField) {
    placeField.addEventListener("focus", function () {
      const list = document.getElementById("place-names");
      if (list.children.length) return;
      ready().then(function () {
        const names = Array.from(new Set(core.placeNames(data.facets))).slice(0, PLACE_CHOICES);
        list.replaceChildren.apply(list, names.map(function (name) {
          const option = document.createElement("option");
          option.value = name;
          return option;
        }));
      });
    });
  }
  if (filterForm) {
    filterForm.addEventListener("change", function (event) {
      ready().then(function () {
        changedByHand(event.target.name);
        refilter();
      });
    });
    filterForm.addEventListener("submit", function (event) { event.preventDefault(); });
    // Clearing the filters clears those the words set too: their words leave the box.
    filterForm.addEventListener("reset", function (event) {
      event.preventDefault();
      ready().then(function () {
        dropWords(worded.placeWords.concat(worded.dateWords));
        chosen = {};
        worded = understand(box.value);
        refilter();
      });
    });
  }
  if (sortField) sortField.addEventListener("change", refilter);
  more.addEventListener("click", function () {
    if (again) again();
  });
  if (modelButton) {
    modelButton.addEventListener("click", function () {
      loadModel().then(function () {
        if (box.value.trim()) run(box.value, false);
      }, function () {});
    });
  }

  /* For tests and scripts: the model's query vector, and a search that resolves when shown. */
  window.photoseek = {
    textVector: function (text) {
      return loadModel().then(function () { return Array.from(model.embed(text)); });
    },
    /* The positions of the k photos nearest a vector of the model's, by the two passes a
       search by the text model makes. */
    nearest: function (vector, k) {
      return Promise.all([ready(), loadModel()]).then(function () {
        const query = Float32Array.from(vector);
        return meaning(core.projectQuery(query, fine), Math.max(data.lists ? LIST_CANDIDATES : CANDIDATES, k), null)
          .then(function (candidates) { return refined(query, candidates, k); })
          .then(function (best) { return best.map(function (hit) { return hit.index; }); });
      });
    },
    search: function (text) {
      box.value = text;
      return ready().then(function () {
        const words = wordsLeft(understand(text), text);
        if (!words.trim() || !modelButton) return null;
        return textHits(words, LIMIT, null).then(function (hits) {
          return hits.query.unknown.length ? loadModel() : null;
        });
      }).then(function () {
        return run(text, true);
      }).then(function () {
        return Array.from(results.querySelectorAll("a")).map(function (a) { return a.getAttribute("href"); });
      });
    },
  };
  window.addEventListener("popstate", fromAddress);
  fromAddress();
  box.focus();
})();
