/* places.html: where the photos were taken, on a world map drawn from the site's own outline
   (world.js), with no tile server. Photos close together on the screen are counted in one
   mark; a mark zooms into its photos, or lists them once they share a spot. Drag to pan, wheel
   or the buttons to zoom. The view lives in the address: places.html?at=LAT,LON&z=ZOOM. */
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
  let photos = null;
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

  function draw() {
    const b = box();
    svg.setAttribute("viewBox", [b.left, -b.top, b.width * b.perPx, b.height * b.perPx].join(" "));
    const cells = new Map();
    const seen = [];
    photos.lat.forEach(function (lat, i) {
      const at = screen(b, photos.lon[i], lat);
      if (at[0] < 0 || at[1] < 0 || at[0] > b.width || at[1] > b.height) return;
      seen.push(i);
      const key = Math.floor(at[0] / CELL_PX) + "," + Math.floor(at[1] / CELL_PX);
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(i);
    });
    marks.replaceChildren.apply(marks, Array.from(cells.values()).map(function (members) {
      let lon = 0;
      let lat = 0;
      members.forEach(function (i) { lon += photos.lon[i]; lat += photos.lat[i]; });
      const at = screen(b, lon / members.length, lat / members.length);
      const mark = document.createElement("button");
      mark.type = "button";
      mark.className = "mark";
      mark.textContent = String(members.length);
      mark.setAttribute("aria-label", count(members.length, "photo") + " here");
      mark.style.transform = "translate(" + at[0] + "px, " + at[1] + "px)";
      mark.addEventListener("click", function () { open(members); });
      return mark;
    }));
    status.textContent = count(seen.length, "photo") + " in view, of " + photos.ids.length + " with a place";
    if (!chosen) list(seen, count(seen.length, "photo") + " in view");
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
     listed under the map instead. */
  function open(members) {
    const lons = members.map(function (i) { return photos.lon[i]; });
    const lats = members.map(function (i) { return photos.lat[i]; });
    const spanLon = Math.max.apply(null, lons) - Math.min.apply(null, lons);
    const spanLat = Math.max.apply(null, lats) - Math.min.apply(null, lats);
    const b = box();
    const wide = Math.max(spanLon, (spanLat * b.width) / b.height);
    const zoom = wide > 0 ? Math.log2((360 * 0.6) / wide) : MAX_ZOOM;
    if (members.length === 1 || view.zoom >= MAX_ZOOM || zoom > MAX_ZOOM) {
      chosen = members;
      list(members, count(members.length, "photo") + " taken here");
      return;
    }
    chosen = null;
    const centreLon = (Math.max.apply(null, lons) + Math.min.apply(null, lons)) / 2;
    const centreLat = (Math.max.apply(null, lats) + Math.min.apply(null, lats)) / 2;
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
    photos = data;
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
