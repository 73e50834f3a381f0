/* Time the gallery's text model under node: `node textmodel_speed.js <site>/data < texts.json`
   prints, per text, its token count and the median milliseconds with and without SIMD. */
"use strict";
const fs = require("fs");
const { TextModel } = require("../site/textmodel.js");
const { readTextModel } = require("../tests/js/textmodel_data.js");

const { meta, parts } = readTextModel(process.argv[2]);
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
for (const simd of [true, false]) {
  const model = new TextModel(meta, parts, { simd: simd });
  texts.forEach(function (text, i) {
    // The plain path is 15 times slower and has nothing to warm up worth the wait.
    if (simd) model.embed(text);
    const times = [];
    for (let r = 0; r < (simd ? 5 : 1); r++) {
      const started = performance.now();
      model.embed(text);
      times.push(performance.now() - started);
    }
    times.sort(function (a, b) { return a - b; });
    out[i] = out[i] || { text: text, tokens: model.poolAt(model.tokenizer.encode(text)) + 1 };
    out[i][simd ? "simd_ms" : "plain_ms"] = times[times.length >> 1];
  });
}
process.stdout.write(JSON.stringify(out));
