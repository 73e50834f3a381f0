/* A photo page: arrow keys step through the photos, Escape goes back to the grid. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.target instanceof HTMLInputElement || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
    const link = target && document.getElementById(target);
    if (link) {
      location.href = link.href;
    } else if (event.key === "Escape") {
      location.href = Photoseek.root + "index.html";
    }
  });
})();
