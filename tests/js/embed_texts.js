/* Runs the gallery's text model under node: `node embed_texts.js <site>/data < texts.json`
   prints {"ids": [...], "vectors": [...], "simd": bool} for the texts (a JSON list). */
"use strict";
const fs = require("fs");
const { TextModel } = require("../../site/textmodel.js");
const { readTextModel } = require("./textmodel_data.js");

const { meta, parts } = readTextModel(process.argv[2]);
const model = new TextModel(meta, parts, { simd: process.argv[3] !== "--no-simd" });
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
// All embedded before any is read: each vector must stay the caller's, whatever comes next.
const vectors = texts.map(function (t) { return model.embed(t); });
process.stdout.write(JSON.stringify({
  ids: texts.map(function (t) { return model.tokenizer.encode(t); }),
  vectors: vectors.map(function (v) { return Array.from(v); }),
  simd: model.simd,
}));
