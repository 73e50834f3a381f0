/* A photo page: the arrow keys step through the list the photo was opened from (an album, a
   keyword, a tag, a period, a search; the home grid otherwise) and Escape returns to it, at
   the photo's place. The list comes in the address: photo/ID.html?in=albums/trip-1a2b3c. */
(function () {
  "use strict";
  const root = Photoseek.root;
  const article = document.querySelector("article.photo");
  const sid = article.dataset.sid;
  const steps = document.querySelector("nav.step");
  let back = root + article.dataset.home + "#p-" + sid;
  let settle = null;
  // Settled once the previous and next links follow the list (the viewer waits for it).
  Photoseek.steps = new Promise(function (resolve) { settle = resolve; });

  function place(rel, target) {
    let link = document.getElementById(rel);
    if (!target) {
      if (link) link.remove();
      return;
    }
    if (!link) {
      link = document.createElement("a");
      link.id = rel;
      link.rel = rel;
      link.textContent = rel === "prev" ? "← Previous" : "Next →";
      if (rel === "prev") steps.prepend(link);
      else steps.append(link);
    }
    link.href = target;
  }

  function follow(ids, context, backTo) {
    const at = ids.indexOf(sid);
    if (at < 0) return;
    const address = function (id) {
      // Written as the grids write it: the slash stays a slash.
      const list = encodeURIComponent(context).replace(/%2F/g, "/");
      return id ? root + "photo/" + id + ".html?in=" + list : null;
    };
    place("prev", address(ids[at - 1]));
    place("next", address(ids[at + 1]));
    // The viewer's counter: the place in this list, not in the whole gallery.
    document.getElementById("position").textContent = (at + 1) + " / " + ids.length;
    back = backTo(at);
    // Says the page now follows the list (scripts and tests can wait for it).
    article.dataset.list = context;
  }

  const context = new URLSearchParams(location.search).get("in") || "";
  if (context === "search") {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem("photoseek-search") || "null");
    } catch (error) {
      saved = null;
    }
    if (saved && Array.isArray(saved.ids)) {
      follow(saved.ids, context, function () { return root + "search.html" + (saved.address || ""); });
    }
    settle();
  } else if (/^(albums|keywords|tags|timeline|people|favourites|ratings|cameras)\/[A-Za-z0-9_.-]+$/.test(context)) {
    Photoseek.load("in/" + context).then(function (list) {
      follow(list.ids, context, function (at) {
        const page = Math.floor(at / list.per_page) + 1;
        return root + context + (page === 1 ? "" : "-" + page) + ".html#p-" + sid;
      });
    }, function () {}).then(settle);
  } else {
    settle();
  }

  document.addEventListener("keydown", function (event) {
    if (event.target instanceof HTMLInputElement || event.altKey || event.ctrlKey || event.metaKey) return;
    // The open viewer has keys of its own (its Escape closes it).
    if (document.querySelector("dialog[open]")) return;
    const target = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
    const link = target && document.getElementById(target);
    if (link) {
      location.href = link.href;
    } else if (event.key === "Escape") {
      location.href = back;
    }
  });
})();
