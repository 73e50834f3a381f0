/* The gallery's text model data under node: data/text/*.js scripts, read as the page would. */
"use strict";
const path = require("path");

/* {meta, parts}: data/text/model and the base64 strings of its parts, from a site's data. */
function readTextModel(folder) {
  const store = {};
  global.photoseekData = function (name, payload) { store[name] = payload; };
  function load(name) {
    require(path.resolve(folder, name + ".js"));
    return store[name];
  }
  const meta = load("text/model");
  const parts = [];
  for (let i = 0; i < meta.parts; i++) parts.push(load("text/part-" + String(i).padStart(3, "0")).data);
  return { meta: meta, parts: parts };
}

module.exports = { readTextModel: readTextModel };
