/* The full-screen viewer of a photo page. Zoom with the buttons, the wheel, a pinch, a double
   click or + and -, up to the picture's own pixels and never beyond; drag to pan. Swipe or press
   the arrow keys for the previous or next photo of the list the page follows, or run a
   slideshow. Stepping loads that photo's page with ?view=1 (view=play in a slideshow), which
   opens the viewer there again; Escape closes it. */
(function () {
  "use strict";
  const dialog = document.getElementById("viewer");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const stage = dialog.querySelector(".stage");
  const image = stage.querySelector("img");
  const own = { width: Number(dialog.dataset.width), height: Number(dialog.dataset.height) };
  const buttons = {};
  dialog.querySelectorAll("button[data-act]").forEach(function (button) {
    buttons[button.dataset.act] = button;
  });
  const SLIDE_MS = 4000;
  const SWIPE_PX = 60;
  let fit = 1; // screen pixels per picture pixel when the picture fits the screen
  let scale = 1; // zoom over the fitted size: 1 fits, 1 / fit shows the picture's own pixels
  let x = 0;
  let y = 0;
  let timer = null;

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function fitToStage() {
    const box = stage.getBoundingClientRect();
    fit = Math.min(1, box.width / own.width, box.height / own.height);
    image.style.width = own.width * fit + "px";
    image.style.height = own.height * fit + "px";
  }

  function link(rel) {
    return document.getElementById(rel);
  }

  function apply() {
    const box = stage.getBoundingClientRect();
    scale = clamp(scale, 1, Math.max(1, 1 / fit));
    // The picture may be moved only as far as it overflows the screen.
    const spareX = Math.max(0, (own.width * fit * scale - box.width) / 2);
    const spareY = Math.max(0, (own.height * fit * scale - box.height) / 2);
    x = clamp(x, -spareX, spareX);
    y = clamp(y, -spareY, spareY);
    image.style.transform = "translate(" + x + "px, " + y + "px) scale(" + scale + ")";
    if (scale > 1 && image.getAttribute("src") !== dialog.dataset.full) {
      image.src = dialog.dataset.full;
    }
    buttons["zoom-in"].disabled = scale >= 1 / fit - 1e-9;
    buttons["zoom-out"].disabled = buttons.fit.disabled = scale <= 1;
    buttons.prev.disabled = !link("prev");
    buttons.next.disabled = !link("next");
    dialog.dataset.scale = String(scale);
  }

  /* Zoom by `factor` keeping the point (cx, cy), from the stage's centre, where it is. */
  function zoom(factor, cx, cy) {
    const before = scale;
    scale = clamp(scale * factor, 1, Math.max(1, 1 / fit));
    const kept = scale / before;
    x = (cx || 0) - ((cx || 0) - x) * kept;
    y = (cy || 0) - ((cy || 0) - y) * kept;
    apply();
  }

  function fromCentre(event) {
    const box = stage.getBoundingClientRect();
    return [event.clientX - box.left - box.width / 2, event.clientY - box.top - box.height / 2];
  }

  function address(view) {
    const url = new URL(location.href);
    if (view) url.searchParams.set("view", view);
    else url.searchParams.delete("view");
    return url.href;
  }

  function go(rel) {
    const target = link(rel);
    if (!target) return false;
    const url = new URL(target.href);
    url.searchParams.set("view", timer ? "play" : "1");
    location.href = url.href;
    return true;
  }

  function play(on) {
    clearTimeout(timer);
    timer = null;
    if (on && link("next")) {
      timer = setTimeout(function () {
        if (!go("next")) play(false);
      }, SLIDE_MS);
    }
    buttons.play.setAttribute("aria-pressed", String(Boolean(timer)));
    buttons.play.textContent = timer ? "❚❚" : "▶";
    history.replaceState(history.state, "", address(timer ? "play" : "1"));
  }

  function open(slideshow) {
    if (!image.getAttribute("src")) image.src = dialog.dataset.large;
    if (!dialog.open) dialog.showModal();
    fitToStage();
    scale = 1;
    x = y = 0;
    apply();
    play(slideshow);
  }

  dialog.addEventListener("close", function () {
    clearTimeout(timer);
    timer = null;
    history.replaceState(history.state, "", address(null));
  });

  const actions = {
    prev: function () { go("prev"); },
    next: function () { go("next"); },
    "zoom-in": function () { zoom(1.5); },
    "zoom-out": function () { zoom(1 / 1.5); },
    fit: function () { zoom(0); },
    play: function () { play(!timer); },
    close: function () { dialog.close(); },
  };
  Object.keys(buttons).forEach(function (act) {
    buttons[act].addEventListener("click", actions[act]);
  });

  dialog.addEventListener("keydown", function (event) {
    const keys = {
      ArrowLeft: actions.prev,
      ArrowRight: actions.next,
      "+": actions["zoom-in"],
      "=": actions["zoom-in"],
      "-": actions["zoom-out"],
      "0": actions.fit,
      " ": actions.play,
    };
    const action = keys[event.key];
    if (action && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      action();
    }
  });

  stage.addEventListener("wheel", function (event) {
    event.preventDefault();
    const at = fromCentre(event);
    zoom(event.deltaY < 0 ? 1.25 : 1 / 1.25, at[0], at[1]);
  }, { passive: false });

  stage.addEventListener("dblclick", function (event) {
    const at = fromCentre(event);
    zoom(scale > 1 ? 0 : Infinity, at[0], at[1]);
  });

  // Pointers: one drags (or swipes, when the picture fits), two pinch.
  const pointers = new Map();
  let drag = null;
  let pinch = null;

  function spread() {
    const p = Array.from(pointers.values());
    return Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
  }

  stage.addEventListener("pointerdown", function (event) {
    stage.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 1) {
      drag = { x: event.clientX, y: event.clientY, fromX: x, fromY: y, pinched: false };
    } else if (pointers.size === 2) {
      pinch = { spread: spread(), scale: scale };
      if (drag) drag.pinched = true;
    }
  });

  stage.addEventListener("pointermove", function (event) {
    if (!pointers.has(event.pointerId)) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pinch && pointers.size === 2) {
      zoom((pinch.scale * spread()) / pinch.spread / scale, 0, 0);
    } else if (drag && scale > 1) {
      x = drag.fromX + event.clientX - drag.x;
      y = drag.fromY + event.clientY - drag.y;
      apply();
    }
  });

  function release(event) {
    if (!pointers.delete(event.pointerId)) return;
    if (pointers.size < 2) pinch = null;
    if (pointers.size > 0 || !drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    // A swipe steps only while the picture fits: zoomed in, a drag pans.
    if (!drag.pinched && scale === 1 && Math.abs(dx) > SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
      go(dx < 0 ? "next" : "prev");
    }
    drag = null;
  }
  stage.addEventListener("pointerup", release);
  stage.addEventListener("pointercancel", release);

  window.addEventListener("resize", function () {
    if (!dialog.open) return;
    fitToStage();
    apply();
  });

  document.querySelector("a.view").addEventListener("click", function (event) {
    event.preventDefault();
    open(false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "f" && !dialog.open && !(event.target instanceof HTMLInputElement)) {
      open(false);
    }
  });

  const asked = new URLSearchParams(location.search).get("view");
  if (asked) {
    // The list's previous and next links are placed once photo.js has read the list.
    Photoseek.steps.then(function () { open(asked === "play"); });
  }
})();
