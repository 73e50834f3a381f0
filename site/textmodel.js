/* The model's own text tower in the browser: tokenizer and forward pass, no DOM.
   Weights come from data/text/*.js (see build_site/textmodel.py); the matrix products run
   in WebAssembly SIMD (kernels.wat), everything else here. Node's test runner loads it too. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./core.js"));
  } else {
    root.PhotoseekText = factory(root.PhotoseekCore);
  }
})(typeof self !== "undefined" ? self : this, function (core) {
  "use strict";

  /* ---- CLIP: byte-level BPE ---- */

  /* GPT-2's printable stand-in for each byte, as CLIP's vocabulary spells bytes. */
  function byteChars() {
    const chars = new Array(256);
    let extra = 0;
    for (let b = 0; b < 256; b++) {
      const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      chars[b] = String.fromCharCode(printable ? b : 256 + extra++);
    }
    return chars;
  }

  const CLIP_SPLIT = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

  function BpeTokenizer(spec) {
    this.spec = spec;
    this.ids = new Map();
    spec.tokens.forEach(function (token, i) { this.ids.set(token, i); }, this);
    this.ranks = new Map();
    spec.merges.forEach(function (merge, i) { this.ranks.set(merge, i); }, this);
    this.chars = byteChars();
    this.utf8 = new TextEncoder();
    this.cache = new Map();
  }

  BpeTokenizer.prototype.word = function (piece) {
    const known = this.cache.get(piece);
    if (known) return known;
    const symbols = [];
    for (const byte of this.utf8.encode(piece)) symbols.push(this.chars[byte]);
    symbols[symbols.length - 1] += "</w>";
    // Merge the best-ranked adjacent pair, leftmost first, until no pair is a merge.
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(symbols[i] + " " + symbols[i + 1]);
        if (rank !== undefined && rank < best) { best = rank; at = i; }
      }
      if (at < 0) break;
      symbols.splice(at, 2, symbols[at] + symbols[at + 1]);
    }
    const ids = symbols.map(function (s) {
      const id = this.ids.get(s);
      return id === undefined ? this.spec.eos : id;
    }, this);
    this.cache.set(piece, ids);
    return ids;
  };

  /* Token ids as CLIP's tokenizer gives them: start, the text's tokens, end; at most `length`. */
  BpeTokenizer.prototype.encode = function (text) {
    const clean = text.normalize("NFC").replace(/\s+/g, " ").toLowerCase();
    const ids = [];
    for (const match of clean.matchAll(CLIP_SPLIT)) {
      const piece = match[0];
      if (piece === "<|startoftext|>") ids.push(this.spec.bos);
      else if (piece === "<|endoftext|>") ids.push(this.spec.eos);
      else ids.push.apply(ids, this.word(piece));
    }
    return [this.spec.bos].concat(ids.slice(0, this.spec.length - 2), [this.spec.eos]);
  };

  /* ---- SigLIP: sentencepiece unigram ---- */

  const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
  // Python's str.isspace(), which SigLIP's canonicalisation splits on (JavaScript's \s differs).
  const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

  function UnigramTokenizer(spec) {
    this.spec = spec;
    this.pieces = new Map();
    this.longest = 1;
    let lowest = 0;
    spec.pieces.forEach(function (piece, i) {
      if (spec.types[i] !== "normal") return;
      this.pieces.set(piece, i);
      this.longest = Math.max(this.longest, Array.from(piece).length);
      lowest = Math.min(lowest, spec.scores[i]);
    }, this);
    // sentencepiece's price for a character no piece covers.
    this.unknownScore = lowest - 10;
  }

  /* SigLIP's text form: lower case, no ASCII punctuation, single spaces. */
  UnigramTokenizer.prototype.canonical = function (text) {
    if (this.spec.lower) text = text.toLowerCase();
    return text.replace(ASCII_PUNCTUATION, "").replace(PY_SPACE, " ").trim();
  };

  /* The most probable segmentation (Viterbi); runs of unknown characters become one token. */
  UnigramTokenizer.prototype.segment = function (text) {
    const normal = text.normalize("NFKC").replace(/ +/g, " ").trim();
    if (!normal) return [];
    const chars = Array.from("\u2581" + normal.replace(/ /g, "\u2581"));
    const n = chars.length;
    const score = new Float64Array(n + 1).fill(-Infinity);
    const from = new Int32Array(n + 1);
    const token = new Int32Array(n + 1);
    score[0] = 0;
    for (let i = 0; i < n; i++) {
      if (score[i] === -Infinity) continue;
      let piece = "";
      let single = false;
      for (let len = 1; len <= this.longest && i + len <= n; len++) {
        piece += chars[i + len - 1];
        const id = this.pieces.get(piece);
        if (id === undefined) continue;
        if (len === 1) single = true;
        const s = score[i] + this.spec.scores[id];
        if (s > score[i + len]) { score[i + len] = s; from[i + len] = i; token[i + len] = id; }
      }
      if (!single) {
        const s = score[i] + this.unknownScore;
        if (s > score[i + 1]) { score[i + 1] = s; from[i + 1] = i; token[i + 1] = this.spec.unk; }
      }
    }
    const ids = [];
    for (let at = n; at > 0; at = from[at]) ids.push(token[at]);
    ids.reverse();
    return ids.filter(function (id, i) { return !(id === this.spec.unk && ids[i - 1] === id); }, this);
  };

  /* Token ids as SigLIP's tokenizer gives them: text, end, padding to the full length. */
  UnigramTokenizer.prototype.encode = function (text) {
    const ids = this.segment(this.canonical(text)).slice(0, this.spec.length - 1);
    ids.push(this.spec.eos);
    while (ids.length < this.spec.length) ids.push(this.spec.pad);
    return ids;
  };

  function tokenizer(spec) {
    return spec.kind === "bpe" ? new BpeTokenizer(spec) : new UnigramTokenizer(spec);
  }

  /* ---- The forward pass ---- */

  function erf(x) {
    // erfc by a Chebyshev fit (Numerical Recipes' erfcc, relative error below 1.2e-7).
    const t = 1 / (1 + 0.5 * Math.abs(x));
    const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 +
      t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 +
      t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? y : -y;
  }

  const ACTIVATIONS = {
    quick_gelu: function (x) { return x / (1 + Math.exp(-1.702 * x)); },
    gelu: function (x) { return 0.5 * x * (1 + erf(x / Math.SQRT2)); },
    gelu_tanh: function (x) {
      return 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    },
    relu: function (x) { return x > 0 ? x : 0; },
  };

  /* y (rows x out) = x (rows x in) . W^T + bias, W as int8 with a scale per group of a
     row: the WebAssembly kernel's sums in plain JavaScript. */
  function matmulJS(heap, x, w, scale, bias, y, rows, inDim, outDim, group) {
    const X = new Float32Array(heap, x, rows * inDim);
    const W = new Int8Array(heap, w, outDim * inDim);
    const groups = inDim / group;
    const S = new Float32Array(heap, scale, outDim * groups);
    const B = new Float32Array(heap, bias, outDim);
    const Y = new Float32Array(heap, y, rows * outDim);
    for (let o = 0; o < outDim; o++) {
      const row = o * inDim;
      for (let t = 0; t < rows; t++) {
        const xr = t * inDim;
        let sum = 0;
        for (let g = 0; g < groups; g++) {
          let part = 0;
          for (let i = g * group; i < (g + 1) * group; i++) part += W[row + i] * X[xr + i];
          sum += part * S[o * groups + g];
        }
        Y[t * outDim + o] = sum + B[o];
      }
    }
  }

  const PAGE = 65536;

  /* A loaded text tower. `meta` is data/text/model; `parts` the base64 strings of its bytes. */
  function TextModel(meta, parts, options) {
    const c = meta.config;
    this.config = c;
    this.tokenizer = tokenizer(meta.tokenizer);
    this.tensors = new Map(meta.tensors.map(function (t) { return [t.name, t]; }));
    const rows = Math.ceil(c.length / 4) * 4;
    const wide = Math.max(c.dim, this.tensors.get("layers.0.fc1.weight").shape[0]);
    const scratchBytes = 4 * (rows * (5 * c.hidden + wide) + wide);
    const total = Math.ceil(meta.bytes / 64) * 64;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((total + scratchBytes) / PAGE) });
    const heap = new Uint8Array(this.memory.buffer);
    let at = 0;
    for (const part of parts) {
      const data = bytes(part);
      heap.set(data, at);
      at += data.length;
    }
    if (at !== meta.bytes) throw new Error("text model data is incomplete: " + at + " of " + meta.bytes + " bytes");
    let free = total;
    const take = function (floats) { const p = free; free += floats * 4; return p; };
    this.x = take(rows * c.hidden);
    this.a = take(rows * c.hidden);
    this.q = take(rows * c.hidden);
    this.k = take(rows * c.hidden);
    this.v = take(rows * c.hidden);
    this.wide = take(rows * wide);
    this.zeros = take(wide);
    this.matmul = matmulJS.bind(null, this.memory.buffer);
    // Whether the WebAssembly kernel runs. The export makes every row a multiple of 16
    // weights long, as the kernel needs.
    this.simd = false;
    if (!(options && options.simd === false)) {
      try {
        const module = new WebAssembly.Module(bytes(meta.kernels));
        const kernels = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
        this.matmul = kernels.matmul;
        this.simd = true;
      } catch (error) {
        // No WebAssembly SIMD here (or a policy forbids it): the same sums in JavaScript.
      }
    }
    this.activation = ACTIVATIONS[c.activation];
    if (!this.activation) throw new Error("unknown activation " + c.activation);
  }

  /* Unsigned bytes from base64, through core.js's decoder. */
  function bytes(text) {
    const signed = core.decodeBase64(text);
    return new Uint8Array(signed.buffer, signed.byteOffset, signed.length);
  }

  TextModel.prototype.f32 = function (name) {
    const t = this.tensors.get(name);
    return new Float32Array(this.memory.buffer, t.offset, t.shape.reduce(function (a, b) { return a * b; }, 1));
  };

  TextModel.prototype.linear = function (name, x, y, rows, hasBias) {
    const t = this.tensors.get(name + ".weight");
    const scales = this.tensors.get(name + ".weight.scale");
    const bias = hasBias === false ? this.zeros : this.tensors.get(name + ".bias").offset;
    this.matmul(x, t.offset, scales.offset, bias, y, rows, t.shape[1], t.shape[0], t.shape[1] / scales.shape[1]);
  };

  TextModel.prototype.layerNorm = function (name, from, to, n) {
    const h = this.config.hidden;
    const X = new Float32Array(this.memory.buffer, from, n * h);
    const Y = new Float32Array(this.memory.buffer, to, n * h);
    const g = this.f32(name + ".weight");
    const b = this.f32(name + ".bias");
    for (let t = 0; t < n; t++) {
      let mean = 0;
      for (let i = 0; i < h; i++) mean += X[t * h + i];
      mean /= h;
      let variance = 0;
      for (let i = 0; i < h; i++) { const d = X[t * h + i] - mean; variance += d * d; }
      const inv = 1 / Math.sqrt(variance / h + this.config.eps);
      for (let i = 0; i < h; i++) Y[t * h + i] = (X[t * h + i] - mean) * inv * g[i] + b[i];
    }
  };

  TextModel.prototype.attention = function (n) {
    const c = this.config;
    const h = c.hidden;
    const size = h / c.heads;
    const buf = this.memory.buffer;
    const Q = new Float32Array(buf, this.q, n * h);
    const K = new Float32Array(buf, this.k, n * h);
    const V = new Float32Array(buf, this.v, n * h);
    const out = new Float32Array(buf, this.a, n * h);
    const scale = 1 / Math.sqrt(size);
    const weights = new Float64Array(n);
    for (let head = 0; head < c.heads; head++) {
      const base = head * size;
      for (let t = 0; t < n; t++) {
        const last = c.causal ? t : n - 1;
        let top = -Infinity;
        for (let s = 0; s <= last; s++) {
          let dot = 0;
          for (let d = 0; d < size; d++) dot += Q[t * h + base + d] * K[s * h + base + d];
          weights[s] = dot * scale;
          if (weights[s] > top) top = weights[s];
        }
        let total = 0;
        for (let s = 0; s <= last; s++) { weights[s] = Math.exp(weights[s] - top); total += weights[s]; }
        for (let d = 0; d < size; d++) {
          let sum = 0;
          for (let s = 0; s <= last; s++) sum += weights[s] * V[s * h + base + d];
          out[t * h + base + d] = sum / total;
        }
      }
    }
  };

  function addInto(buf, to, from, count) {
    const A = new Float32Array(buf, to, count);
    const B = new Float32Array(buf, from, count);
    for (let i = 0; i < count; i++) A[i] += B[i];
  }

  /* Where the tower pools: CLIP at its end-of-text token (it is causal, so nothing after
     it is computed), SigLIP at the last of its padded positions. */
  TextModel.prototype.poolAt = function (ids) {
    const c = this.config;
    if (c.pool === "last") return ids.length - 1;
    if (c.pool === "argmax") return ids.indexOf(Math.max.apply(null, ids));
    const at = ids.indexOf(c.eos);
    return at < 0 ? 0 : at;
  };

  /* The normalised embedding of a list of token ids (Float32Array of `dim`). */
  TextModel.prototype.embedIds = function (ids) {
    const c = this.config;
    const h = c.hidden;
    const pool = this.poolAt(ids);
    const n = pool + 1;
    const rows = Math.ceil(n / 4) * 4;
    const buf = this.memory.buffer;
    const X = new Float32Array(buf, this.x, rows * h).fill(0);
    const tokens = this.tensors.get("token_embedding");
    const codes = new Int8Array(buf, tokens.offset, tokens.shape[0] * h);
    const scales = this.f32("token_embedding.scale");
    const groups = this.tensors.get("token_embedding.scale").shape[1];
    const group = h / groups;
    const positions = this.f32("position_embedding");
    for (let t = 0; t < n; t++) {
      const id = ids[t];
      for (let i = 0; i < h; i++) {
        X[t * h + i] = codes[id * h + i] * scales[id * groups + Math.floor(i / group)] + positions[t * h + i];
      }
    }
    const wideSize = this.tensors.get("layers.0.fc1.weight").shape[0];
    for (let l = 0; l < c.layers; l++) {
      const p = "layers." + l + ".";
      this.layerNorm(p + "ln1", this.x, this.a, n);
      this.linear(p + "q", this.a, this.q, rows);
      this.linear(p + "k", this.a, this.k, rows);
      this.linear(p + "v", this.a, this.v, rows);
      this.attention(n);
      this.linear(p + "o", this.a, this.q, rows);
      addInto(buf, this.x, this.q, n * h);
      this.layerNorm(p + "ln2", this.x, this.a, n);
      this.linear(p + "fc1", this.a, this.wide, rows);
      const W = new Float32Array(buf, this.wide, n * wideSize);
      for (let i = 0; i < W.length; i++) W[i] = this.activation(W[i]);
      this.linear(p + "fc2", this.wide, this.q, rows);
      addInto(buf, this.x, this.q, n * h);
    }
    // Only the pooled row goes on: layer norm and projection are per token.
    this.layerNorm("final_ln", this.x + pool * h * 4, this.a, 1);
    const projection = this.tensors.get("projection.weight");
    this.linear("projection", this.a, this.wide, 4, this.tensors.has("projection.bias"));
    const out = new Float32Array(buf, this.wide, projection.shape[0]).slice();
    let norm = 0;
    for (let i = 0; i < out.length; i++) norm += out[i] * out[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < out.length; i++) out[i] /= norm;
    return out;
  };

  /* The normalised embedding of a text. */
  TextModel.prototype.embed = function (text) {
    return this.embedIds(this.tokenizer.encode(text));
  };

  return { TextModel: TextModel, tokenizer: tokenizer };
});
