/* Runs the gallery's text model under node: `node embed_texts.js <site>/data < texts.json`
   prints {"ids": [...], "vectors": [...], "simd": bool} for the texts (a JSON list). */
"use strict";
const fs = require("fs");
const path = require("path");
const { TextModel } = require("../../site/textmodel.js");

const folder = process.argv[2];
const store = {};
global.photoseekData = function (name, payload) { store[name] = payload; };
function load(name) {
  require(path.resolve(folder, name + ".js"));
  return store[name];
}
const meta = load("text/model");
const parts = [];
for (let i = 0; i < meta.parts; i++) parts.push(load("text/part-" + String(i).padStart(3, "0")).data);
const model = new TextModel(meta, parts, { simd: process.argv[3] !== "--no-simd" });
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
  ids: texts.map(function (t) { return model.tokenizer.encode(t); }),
  vectors: texts.map(function (t) { return Array.from(model.embed(t)); }),
  simd: model.simd,
}));
