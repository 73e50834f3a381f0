/* Shared by every page: lazy data loading, completions in the search box, the "/" key. */
(function () {
  "use strict";
  const root = document.body.dataset.root || "";
  const waiting = {};
  const loaded = {};

  /* Data files are scripts calling photoseekData(): file:// pages may not fetch(). */
  window.photoseekData = function (name, payload) {
    loaded[name] = payload;
    (waiting[name] || []).forEach(function (promised) { promised.resolve(payload); });
    delete waiting[name];
  };

  function load(name) {
    if (loaded[name]) return Promise.resolve(loaded[name]);
    return new Promise(function (resolve, reject) {
      if (!waiting[name]) {
        waiting[name] = [];
        const script = document.createElement("script");
        script.src = root + "data/" + name + ".js";
        // Every caller hears of a failure, and the next call tries again.
        script.onerror = function () {
          const error = new Error("cannot load " + script.src);
          (waiting[name] || []).forEach(function (promised) { promised.reject(error); });
          delete waiting[name];
          script.remove();
        };
        // The data lives on in `loaded`; the element would only hold the file's text.
        script.onload = function () { script.remove(); };
        document.head.appendChild(script);
      }
      waiting[name].push({ resolve: resolve, reject: reject });
    });
  }

  /* Drop a loaded file's data once it has been used (the text model's parts are large). */
  function forget(name) {
    delete loaded[name];
  }

  /* A payload as written, or inflated from its deflated JSON when the build packed it
     (build_site/records.py). */
  function unpack(payload) {
    if (payload.packed === undefined) return Promise.resolve(payload);
    if (typeof DecompressionStream === "undefined") {
      const error = new Error("this browser cannot inflate the gallery's packed data");
      error.advice = "open the gallery in a current browser (Chrome, Edge or Firefox from 2023, Safari 16.4 or later).";
      return Promise.reject(error);
    }
    const bytes = PhotoseekCore.decodeBase64(payload.packed);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).json();
  }

  window.Photoseek = { root: root, load: load, forget: forget, unpack: unpack };

  const box = document.getElementById("q");
  const list = document.getElementById("completions");
  if (box && list) {
    let concepts = null;
    box.addEventListener("focus", function () {
      load("concepts").then(function (data) { concepts = data; }, function () {});
    }, { once: true });
    box.addEventListener("input", function () {
      if (!concepts) return;
      list.replaceChildren.apply(list, PhotoseekCore.completions(box.value, concepts, 8)
        .map(function (text) {
          const option = document.createElement("option");
          option.value = text;
          return option;
        }));
    });
  }
  document.addEventListener("keydown", function (event) {
    const typing = event.target instanceof HTMLInputElement;
    if (event.key === "/" && !typing && box) {
      event.preventDefault();
      box.focus();
    }
  });
})();
