"""Tokenizers giving the reference token ids: CLIP's byte-level BPE, SigLIP's sentencepiece."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import numpy as np
from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import BPE

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
# CLIP's own pre-tokenisation: special tokens, English contractions, letter runs, single
# digits, and runs of anything else that is not a space.
_CLIP_SPLIT = (
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]"""
    r"""|[^\s\p{L}\p{N}]+"""
)


# Every file a tokenizer here may read from a checkpoint.
TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.json",
    "merges.txt",
    "spiece.model",
    "special_tokens_map.json",
    "tokenizer_config.json",
)


def tokenizer_files(folder: Path) -> list[Path]:
    """Those of TOKENIZER_FILES the checkpoint in `folder` has."""
    return [folder / name for name in TOKENIZER_FILES if (folder / name).is_file()]


def _special_tokens(folder: Path) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        path = folder / name
        if path.is_file():
            data = json.loads(path.read_text())
            for key in ("pad_token", "eos_token", "bos_token", "unk_token"):
                value = data.get(key)
                if isinstance(value, dict):
                    value = value.get("content")
                if isinstance(value, str):
                    tokens.setdefault(key, value)
    return tokens


class ClipTokenizer:
    """CLIP's tokenizer: lower-cased, byte-level BPE, wrapped in start/end tokens, fixed length."""

    def __init__(self, folder: Path, length: int = 77) -> None:
        special = _special_tokens(folder)
        self.length = length
        if (folder / "tokenizer.json").is_file():
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        elif (folder / "vocab.json").is_file() and (folder / "merges.txt").is_file():
            self.tokenizer = self._from_vocab(folder, special.get("unk_token", EOS))
        else:
            raise FileNotFoundError(
                f"{folder} has no CLIP tokenizer (tokenizer.json, or vocab.json with merges.txt)"
            )
        pad = special.get("pad_token", EOS)
        pad_id = self.tokenizer.token_to_id(pad)
        self.tokenizer.enable_truncation(max_length=length)
        # Padding to the batch's longest text, not to `length`: CLIP's text tower is causal
        # and pools at the end-of-text token, so what follows it never changes the result,
        # and short queries run several times faster.
        self.tokenizer.enable_padding(pad_id=pad_id, pad_token=pad)

    @staticmethod
    def _from_vocab(folder: Path, unk: str) -> Tokenizer:
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        merges = []
        for line in (folder / "merges.txt").read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#version"):
                left, right = line.split(" ")
                merges.append((left, right))
        tokenizer = Tokenizer(
            BPE(
                vocab=vocab,
                merges=merges,
                continuing_subword_prefix="",
                end_of_word_suffix="</w>",
                fuse_unk=False,
                unk_token=unk,
            )
        )
        tokenizer.normalizer = normalizers.Sequence(
            [normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()]
        )
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(_CLIP_SPLIT), behavior="removed", invert=True),
                pre_tokenizers.ByteLevel(add_prefix_space=False),
            ]
        )
        tokenizer.decoder = decoders.ByteLevel()
        tokenizer.post_processor = processors.RobertaProcessing(
            (EOS, vocab[EOS]), (BOS, vocab[BOS]), trim_offsets=False, add_prefix_space=False
        )
        tokenizer.add_special_tokens([BOS, EOS])
        return tokenizer

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Token ids, one row per text, truncated to the model's length, padded to the longest."""
        return np.array([e.ids for e in self.tokenizer.encode_batch(texts)], dtype=np.int32)


class SiglipTokenizer:
    """SigLIP's tokenizer: canonicalised text, sentencepiece, an end token, padded to length."""

    def __init__(self, folder: Path, length: int = 64) -> None:
        import sentencepiece

        model = folder / "spiece.model"
        if not model.is_file():
            raise FileNotFoundError(f"{folder} has no SigLIP tokenizer (spiece.model)")
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(model))
        special = _special_tokens(folder)
        self.length = length
        self.eos_id = self.sp.piece_to_id(special.get("eos_token", "</s>"))
        self.pad_id = self.sp.piece_to_id(special.get("pad_token", "</s>"))
        self.lower = True
        config = folder / "tokenizer_config.json"
        if config.is_file():
            self.lower = json.loads(config.read_text()).get("do_lower_case", True)

    def canonicalize(self, text: str) -> str:
        """Lower-case, drop ASCII punctuation, fold white space: SigLIP's training text form."""
        if self.lower:
            text = text.lower()
        text = text.translate(str.maketrans("", "", string.punctuation))
        return re.sub(r"\s+", " ", text).strip()

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Token ids, one row per text, truncated and padded to the model's length."""
        ids = np.full((len(texts), self.length), self.pad_id, dtype=np.int32)
        for row, text in enumerate(texts):
            pieces = self.sp.encode(self.canonicalize(text))[: self.length - 1] + [self.eos_id]
            ids[row, : len(pieces)] = pieces
        return ids
