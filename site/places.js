/* places.html: where the photos were taken, on a world map drawn from the site's own outline
   (world.js), with no tile server. Photos close together on the screen are counted in one
   mark; a mark zooms into its photos, or lists them once they share a spot. Drag to pan, wheel
   or the buttons to zoom. The view lives in the address: places.html?at=LAT,LON&z=ZOOM.
   A gallery with many located photos ships them as tiles (build_site/placetiles.py): a tile
   that fits in one mark is drawn from the overview; a view loads its tiles when they hold
   few photos, else only those larger than a mark, at most TILES_AT_ONCE. */
(function () {
  "use strict";
  const root = Photoseek.root;
  const count = PhotoseekCore.count;
  const frame = document.getElementById("map");
  const svg = frame.querySelector("svg");
  const marks = frame.querySelector(".marks");
  const status = document.getElementById("map-status");
  const heading = document.getElementById("listed-heading");
  const listed = document.getElementById("listed");
  const MAX_ZOOM = 16;
  const CELL_PX = 48;
  const LISTED = 96;
  const TILES_AT_ONCE = 24;
  // The photos loaded so far (all of them from one file), and with tiles the overview.
  let photos = null;
  let tiles = null;
  // Each loaded tile's photos: [first, last + 1] in `photos`.
  const loadedTiles = new Map();
  const loadingTiles = new Set();
  let located = 0;
  let view = { lon: 0, lat: 20, zoom: 0 };
  let chosen = null;

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function land() {
    const world = window.PhotoseekWorld;
    const step = world.step;
    const parts = world.rings.map(function (ring) {
      let d = "M" + ring[0] * step + " " + -ring[1] * step + "l";
      for (let i = 2; i < ring.length; i += 2) {
        d += (ring[i] * step).toFixed(2) + " " + (-ring[i + 1] * step).toFixed(2) + " ";
      }
      return d + "z";
    });
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", parts.join(""));
    path.setAttribute("class", "land");
    svg.appendChild(path);
  }

  /* The visible box in degrees: the map is as many degrees wide as the zoom allows. */
  function box() {
    const width = frame.clientWidth;
    const height = frame.clientHeight;
    const degrees = 360 / Math.pow(2, view.zoom);
    const perPx = degrees / width;
    return { left: view.lon - (width / 2) * perPx, top: view.lat + (height / 2) * perPx,
      perPx: perPx, width: width, height: height };
  }

  function screen(b, lon, lat) {
    return [(lon - b.left) / b.perPx, (b.top - lat) / b.perPx];
  }

  function tile(index) {
    const sid = photos.ids[index];
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = root + "photo/" + sid + ".html";
    const image = document.createElement("img");
    image.src = root + "img/thumb/" + sid.slice(0, 2) + "/" + sid + ".jpg";
    image.alt = photos.alt[index];
    image.loading = "lazy";
    // Its class gives the justified grid the picture's aspect ratio (shapes.css).
    item.className = "s" + photos.shape[index];
    image.width = photos.shape[index];
    image.height = 100;
    link.appendChild(image);
    item.appendChild(link);
    return item;
  }

  function list(indices, title) {
    heading.textContent = title;
    listed.replaceChildren.apply(listed, indices.slice(0, LISTED).map(tile));
  }

  function inside(b, at) {
    return at[0] >= 0 && at[1] >= 0 && at[0] <= b.width && at[1] <= b.height;
  }

  /* A mark's members are photos ({photo: index}) and tiles not loaded ({tile: number}). */
  function weight(member) {
    return member.tile === undefined ? 1 : tiles.counts[member.tile];
  }

  function position(member) {
    if (member.tile === undefined) return [photos.lat[member.photo], photos.lon[member.photo]];
    return tiles.centres[member.tile];
  }

  /* The tiles this view loads: all of those in view when they hold few photos (the
     overview's inView), else those larger than a mark, the largest on the screen first,
     until TILES_AT_ONCE are loaded in view. */
  function tilesWanted(b) {
    const wanted = [];
    let held = 0;
    let loadedInView = 0;
    tiles.tiles.forEach(function (key, t) {
      const edges = tiles.boxes[t];
      const southWest = screen(b, edges[1], edges[0]);
      const northEast = screen(b, edges[3], edges[2]);
      if (northEast[0] < 0 || southWest[1] < 0 || southWest[0] > b.width || northEast[1] > b.height) return;
      if (loadedTiles.has(t) || loadingTiles.has(t)) {
        loadedInView += 1;
        return;
      }
      held += tiles.counts[t];
      wanted.push({ tile: t, size: Math.max(northEast[0] - southWest[0], southWest[1] - northEast[1]) });
    });
    wanted.sort(function (x, y) { return y.size - x.size || x.tile - y.tile; });
    if (held <= tiles.inView) return wanted.map(function (w) { return w.tile; });
    return wanted.filter(function (w) { return w.size >= CELL_PX; })
      .slice(0, Math.max(0, TILES_AT_ONCE - loadedInView)).map(function (w) { return w.tile; });
  }

  /* Load tiles and add their photos; resolves when all are in. */
  function loadTiles(numbers) {
    return Promise.all(numbers.filter(function (t) { return !loadedTiles.has(t); }).map(function (t) {
      const name = "places/" + tiles.tiles[t];
      loadingTiles.add(t);
      return Photoseek.load(name).then(function (part) {
        loadingTiles.delete(t);
        if (loadedTiles.has(t)) return;
        Photoseek.forget(name);
        loadedTiles.set(t, [photos.ids.length, photos.ids.length + part.ids.length]);
        ["ids", "lat", "lon", "alt", "shape"].forEach(function (column) {
          Array.prototype.push.apply(photos[column], part[column]);
        });
      }, function (error) {
        loadingTiles.delete(t);
        throw error;
      });
    }));
  }

  function draw() {
    const b = box();
    svg.setAttribute("viewBox", [b.left, -b.top, b.width * b.perPx, b.height * b.perPx].join(" "));
    const cells = new Map();
    const seen = [];
    let inView = 0;
    function place(member, at) {
      const key = Math.floor(at[0] / CELL_PX) + "," + Math.floor(at[1] / CELL_PX);
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(member);
      inView += weight(member);
    }
    photos.lat.forEach(function (lat, i) {
      const at = screen(b, photos.lon[i], lat);
      if (!inside(b, at)) return;
      seen.push(i);
      place({ photo: i }, at);
    });
    if (tiles) {
      tiles.tiles.forEach(function (key, t) {
        if (loadedTiles.has(t)) return;
        const at = screen(b, tiles.centres[t][1], tiles.centres[t][0]);
        if (inside(b, at)) place({ tile: t }, at);
      });
      const wanted = tilesWanted(b);
      if (wanted.length) {
        loadTiles(wanted).then(draw, function () {
          status.textContent = "Part of the places could not be loaded: check that the whole site was copied, then reload the page.";
        });
      }
    }
    marks.replaceChildren.apply(marks, Array.from(cells.values()).map(function (members) {
      let lon = 0;
      let lat = 0;
      let n = 0;
      members.forEach(function (member) {
        const w = weight(member);
        const where = position(member);
        lat += where[0] * w;
        lon += where[1] * w;
        n += w;
      });
      const at = screen(b, lon / n, lat / n);
      const mark = document.createElement("button");
      mark.type = "button";
      mark.className = "mark";
      mark.textContent = String(n);
      mark.setAttribute("aria-label", count(n, "photo") + " here");
      mark.style.transform = "translate(" + at[0] + "px, " + at[1] + "px)";
      mark.addEventListener("click", function () { open(members); });
      return mark;
    }));
    status.textContent = count(inView, "photo") + " in view, of " + located + " with a place";
    if (!chosen) {
      list(seen, count(inView, "photo") + " in view" +
        (seen.length < inView && seen.length < LISTED ? ": zoom in to list them all" : ""));
    }
    const url = new URL(location.href);
    url.searchParams.set("at", view.lat.toFixed(5) + "," + view.lon.toFixed(5));
    url.searchParams.set("z", view.zoom.toFixed(2).replace(/\.?0+$/, ""));
    history.replaceState(null, "", url.href);
  }

  function move(lon, lat, zoom) {
    view = { lon: clamp(lon, -180, 180), lat: clamp(lat, -85, 85), zoom: clamp(zoom, 0, MAX_ZOOM) };
    draw();
  }

  /* A mark zooms into its photos' box; photos that share a spot (or at the deepest zoom) are
     listed under the map instead, a tile in the mark loaded first. */
  function open(members) {
    const south = [];
    const west = [];
    const north = [];
    const east = [];
    members.forEach(function (member) {
      if (member.tile === undefined) {
        south.push(photos.lat[member.photo]);
        north.push(photos.lat[member.photo]);
        west.push(photos.lon[member.photo]);
        east.push(photos.lon[member.photo]);
      } else {
        const edges = tiles.boxes[member.tile];
        south.push(edges[0]);
        west.push(edges[1]);
        north.push(edges[2]);
        east.push(edges[3]);
      }
    });
    const spanLon = Math.max.apply(null, east) - Math.min.apply(null, west);
    const spanLat = Math.max.apply(null, north) - Math.min.apply(null, south);
    const b = box();
    const wide = Math.max(spanLon, (spanLat * b.width) / b.height);
    const zoom = wide > 0 ? Math.log2((360 * 0.6) / wide) : MAX_ZOOM;
    const total = members.reduce(function (sum, member) { return sum + weight(member); }, 0);
    if (total === 1 || view.zoom >= MAX_ZOOM || zoom > MAX_ZOOM) {
      const folded = members.filter(function (member) { return member.tile !== undefined; });
      if (folded.length) {
        loadTiles(folded.map(function (member) { return member.tile; })).then(function () {
          const added = [];
          folded.forEach(function (member) {
            const range = loadedTiles.get(member.tile);
            for (let i = range[0]; i < range[1]; i++) added.push({ photo: i });
          });
          open(members.filter(function (member) { return member.tile === undefined; }).concat(added));
        });
        return;
      }
      chosen = members.map(function (member) { return member.photo; });
      list(chosen, count(chosen.length, "photo") + " taken here");
      return;
    }
    chosen = null;
    const centreLon = (Math.max.apply(null, east) + Math.min.apply(null, west)) / 2;
    const centreLat = (Math.max.apply(null, north) + Math.min.apply(null, south)) / 2;
    move(centreLon, centreLat, Math.max(view.zoom + 1, zoom));
  }

  function zoomAt(factor, x, y) {
    const b = box();
    const lon = b.left + x * b.perPx;
    const lat = b.top - y * b.perPx;
    const zoom = clamp(view.zoom + Math.log2(factor), 0, MAX_ZOOM);
    const perPx = 360 / Math.pow(2, zoom) / b.width;
    chosen = null;
    // The spot under the pointer stays under it.
    move(lon - (x - b.width / 2) * perPx, lat + (y - b.height / 2) * perPx, zoom);
  }

  document.getElementById("zoom-in").addEventListener("click", function () {
    zoomAt(2, frame.clientWidth / 2, frame.clientHeight / 2);
  });
  document.getElementById("zoom-out").addEventListener("click", function () {
    zoomAt(0.5, frame.clientWidth / 2, frame.clientHeight / 2);
  });
  document.getElementById("whole-world").addEventListener("click", function () {
    chosen = null;
    move(0, 20, 0);
  });
  frame.addEventListener("wheel", function (event) {
    event.preventDefault();
    const b = frame.getBoundingClientRect();
    zoomAt(event.deltaY < 0 ? 1.5 : 1 / 1.5, event.clientX - b.left, event.clientY - b.top);
  }, { passive: false });

  let drag = null;
  frame.addEventListener("pointerdown", function (event) {
    if (event.target.closest(".mark")) return;
    frame.setPointerCapture(event.pointerId);
    drag = { x: event.clientX, y: event.clientY, lon: view.lon, lat: view.lat };
  });
  frame.addEventListener("pointermove", function (event) {
    if (!drag) return;
    const perPx = box().perPx;
    move(drag.lon - (event.clientX - drag.x) * perPx, drag.lat + (event.clientY - drag.y) * perPx,
      view.zoom);
  });
  frame.addEventListener("pointerup", function () { drag = null; });
  frame.addEventListener("pointercancel", function () { drag = null; });
  window.addEventListener("resize", function () { if (photos) draw(); });

  land();
  Photoseek.load("places").then(function (data) {
    if (data.tiles) {
      tiles = data;
      photos = { ids: [], lat: [], lon: [], alt: [], shape: [] };
      located = data.counts.reduce(function (sum, n) { return sum + n; }, 0);
    } else {
      photos = data;
      located = data.ids.length;
    }
    const params = new URLSearchParams(location.search);
    const at = (params.get("at") || "").split(",").map(Number);
    const zoom = Number(params.get("z"));
    if (at.length === 2 && at.every(Number.isFinite)) {
      move(at[1], at[0], Number.isFinite(zoom) && params.get("z") ? zoom : 10);
    } else {
      move(view.lon, view.lat, view.zoom);
    }
  }, function () {
    status.textContent = "The places could not be loaded.";
  });
})();
