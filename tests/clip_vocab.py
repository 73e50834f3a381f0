"""A small CLIP vocabulary learned here, for clones without ../shared's real one.

It has the real one's form, so CLIPTokenizer (transformers) and photoseek read it alike: the
256 byte symbols of byte-level BPE, each again with CLIP's end-of-word `</w>`, the merges
learned from a corpus in the order they were learned, then `<|startoftext|>` and
`<|endoftext|>` as the last two ids.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

# CLIP's own split of cleaned, lower-cased text into words (letters, digits one by one, and
# runs of other symbols), as CLIPTokenizer applies it before BPE.
_WORD = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+")


def byte_symbols() -> list[str]:
    """Byte-level BPE's printable stand-in for each byte value, in byte order."""
    kept = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    symbols = {}
    extra = 0
    for byte in range(256):
        if byte in kept:
            symbols[byte] = chr(byte)
        else:
            symbols[byte] = chr(256 + extra)
            extra += 1
    return [symbols[b] for b in range(256)]


def learn(corpus: list[str], merges: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """(vocab, merges) of a byte-level BPE with `merges` merges learned on `corpus`."""
    table = byte_symbols()
    words: Counter[tuple[str, ...]] = Counter()
    for text in corpus:
        for word in _WORD.findall(text.lower()):
            symbols = [table[b] for b in word.encode("utf-8")]
            symbols[-1] += "</w>"
            words[tuple(symbols)] += 1
    learned: list[tuple[str, str]] = []
    for _ in range(merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for word, count in words.items():
            for pair in zip(word[:-1], word[1:], strict=True):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs.items(), key=lambda item: (item[1], item[0]))[0]
        learned.append(best)
        merged: Counter[tuple[str, ...]] = Counter()
        for word, count in words.items():
            out: list[str] = []
            i = 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += count
        words = merged
    tokens = table + [s + "</w>" for s in table] + ["".join(pair) for pair in learned]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    return {token: i for i, token in enumerate(dict.fromkeys(tokens))}, learned


def write(folder: Path, corpus: list[str], merges: int = 600) -> Path:
    """Write vocab.json and merges.txt, the Hugging Face layout of CLIP's vocabulary."""
    vocab, learned = learn(corpus, merges)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    lines = ["#version: 0.2", *(f"{a} {b}" for a, b in learned)]
    (folder / "merges.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "clip-tokenizer"


def generated() -> Path:
    """The generated vocabulary, learned once into the temporary folder and kept there."""
    from photoseek.build_site.vocabulary import concepts

    from .kept import kept_folder

    return kept_folder("photoseek-tests-clip-vocab-v2", lambda folder: write(folder, concepts()))


def real_or_generated() -> Path:
    """The real CLIP vocabulary where ../shared has it, else the generated one."""
    return REAL if REAL.is_dir() else generated()
