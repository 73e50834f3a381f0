"""Florence-2 in MLX: the DaViT vision tower, its projection into the language model, and
the BART encoder-decoder that writes a picture's description, with a key-value cache so that
each new token costs one decoder step.

Modules and weights are named as in transformers' native layout (`Florence2ForConditional
Generation`, the `florence-community/Florence-2-*` checkpoints) less the leading `model.`;
pictures flow through the vision tower as (batch, height, width, channels), MLX's layout for
convolutions, where transformers keeps channels first. Everything runs in float32: a
relative error of 1e-4 on the encoder's output changes the words a model picks.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .layers import MLP, Attention, activation, attend
from .runtime import cpu_streams, mlx_core
from .weights import converted

mx = mlx_core()
import mlx.nn as nn  # noqa: E402  (after the BLAS fix above)


def _windows(x: Any, size: int) -> tuple[Any, tuple[int, int, int, int]]:
    """(batch, height, width, channels) padded to whole windows and cut into them:
    (batch * windows, size * size, channels), with the padded shape to undo it."""
    batch, height, width, channels = x.shape
    pad_h, pad_w = (-height) % size, (-width) % size
    if pad_h or pad_w:
        x = mx.pad(x, [(0, 0), (0, pad_h), (0, pad_w), (0, 0)])
    tall, wide = (height + pad_h) // size, (width + pad_w) // size
    x = x.reshape(batch, tall, size, wide, size, channels).transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, size * size, channels), (batch, tall, wide, channels)


class DepthwiseConv(nn.Module):
    """A 3x3 convolution of each channel by itself (padding 1), as nine shifted
    multiply-adds: MLX's grouped convolution on the CPU is 2 to 4 times slower, for the
    same sums in the same order."""

    def __init__(self, dims: int) -> None:
        super().__init__()
        self.weight = mx.zeros((dims, 3, 3, 1))
        self.bias = mx.zeros((dims,))

    def __call__(self, x: Any) -> Any:
        _, height, width, _ = x.shape
        padded = mx.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)])
        out = None
        for row in range(3):
            for column in range(3):
                term = padded[:, row : row + height, column : column + width, :]
                term = term * self.weight[:, row, column, 0]
                out = term if out is None else out + term
        return out + self.bias


class WindowAttention(nn.Module):
    """Self-attention inside non-overlapping windows of the picture."""

    def __init__(self, dims: int, heads: int, window: int, bias: bool) -> None:
        super().__init__()
        self.heads, self.window = heads, window
        self.scale = (dims // heads) ** -0.5
        self.qkv = nn.Linear(dims, 3 * dims, bias=bias)
        self.proj = nn.Linear(dims, dims)

    def __call__(self, x: Any) -> Any:
        batch, height, width, dims = x.shape
        windows, (_, tall, wide, _) = _windows(x, self.window)
        count, tokens, _ = windows.shape
        qkv = self.qkv(windows).reshape(count, tokens, 3, self.heads, -1).transpose(2, 0, 3, 1, 4)
        out = attend(qkv[0], qkv[1], qkv[2], self.scale)
        out = self.proj(out.transpose(0, 2, 1, 3).reshape(count, tokens, dims))
        size = self.window
        out = out.reshape(batch, tall, wide, size, size, dims).transpose(0, 1, 3, 2, 4, 5)
        out = out.reshape(batch, tall * size, wide * size, dims)[:, :height, :width, :]
        return out.reshape(batch, height * width, dims)


class ChannelAttention(nn.Module):
    """Attention between groups of channels, over all the picture's positions at once."""

    def __init__(self, dims: int, groups: int, bias: bool) -> None:
        super().__init__()
        self.groups = groups
        self.qkv = nn.Linear(dims, 3 * dims, bias=bias)
        self.proj = nn.Linear(dims, dims)

    def __call__(self, x: Any) -> Any:
        batch, tokens, dims = x.shape
        qkv = self.qkv(x).reshape(batch, tokens, 3, self.groups, -1).transpose(2, 0, 3, 4, 1)
        out = attend(qkv[0], qkv[1], qkv[2], tokens**-0.5)
        return self.proj(out.transpose(0, 3, 1, 2).reshape(batch, tokens, dims))


class MixingBlock(nn.Module):
    """A depthwise convolution and attention, then a depthwise convolution and the feed-
    forward layer, each added to what it read: DaViT's spatial or channel block."""

    def __init__(self, config: dict[str, Any], stage: int, spatial: bool) -> None:
        super().__init__()
        dims = config["embed_dim"][stage]
        self.conv1 = DepthwiseConv(dims)
        self.norm1 = nn.LayerNorm(dims)
        bias = config.get("qkv_bias", True)
        if spatial:
            self.window_attn = WindowAttention(
                dims, config["num_heads"][stage], config["window_size"], bias
            )
        else:
            self.channel_attn = ChannelAttention(dims, config["num_groups"][stage], bias)
        self.conv2 = DepthwiseConv(dims)
        self.norm2 = nn.LayerNorm(dims)
        hidden = int(dims * config.get("mlp_ratio", 4.0))
        self.ffn = MLP(dims, hidden, config.get("activation_function", "gelu"))
        self.spatial = spatial

    def __call__(self, x: Any) -> Any:
        batch, height, width, dims = x.shape
        x = (self.conv1(x) + x).reshape(batch, height * width, dims)
        normed = self.norm1(x)
        if self.spatial:
            x = x + self.window_attn(normed.reshape(batch, height, width, dims))
        else:
            x = x + self.channel_attn(normed)
        grid = x.reshape(batch, height, width, dims)
        x = (self.conv2(grid) + grid).reshape(batch, height * width, dims)
        x = x + self.ffn(self.norm2(x))
        return x.reshape(batch, height, width, dims)


class VisionBlock(nn.Module):
    """A spatial block, then a channel block."""

    def __init__(self, config: dict[str, Any], stage: int) -> None:
        super().__init__()
        self.spatial_block = MixingBlock(config, stage, spatial=True)
        self.channel_block = MixingBlock(config, stage, spatial=False)

    def __call__(self, x: Any) -> Any:
        return self.channel_block(self.spatial_block(x))


class ConvEmbed(nn.Module):
    """A stage's patch embedding: a strided convolution, with a layer norm before (on its
    input channels) or after it."""

    def __init__(self, config: dict[str, Any], stage: int) -> None:
        super().__init__()
        channels_in = config.get("in_channels", 3) if stage == 0 else config["embed_dim"][stage - 1]
        dims = config["embed_dim"][stage]
        self.pre_norm = config["patch_prenorm"][stage]
        self.conv = nn.Conv2d(
            channels_in,
            dims,
            config["patch_size"][stage],
            stride=config["patch_stride"][stage],
            padding=config["patch_padding"][stage],
        )
        self.norm = nn.LayerNorm(channels_in if self.pre_norm else dims)

    def __call__(self, x: Any) -> Any:
        if self.pre_norm:
            return self.conv(self.norm(x))
        return self.norm(self.conv(x))


class VisionTower(nn.Module):
    """DaViT: stages of patch embedding and blocks; (batch, height, width, 3) pixels in."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        stages = range(len(config["embed_dim"]))
        self.convs = [ConvEmbed(config, stage) for stage in stages]
        self.blocks = [
            [VisionBlock(config, stage) for _ in range(config["depths"][stage])] for stage in stages
        ]

    def __call__(self, pixels: Any) -> Any:
        x = pixels
        for conv, blocks in zip(self.convs, self.blocks, strict=True):
            x = conv(x)
            for block in blocks:
                x = block(x)
        return x


class PositionEmbedding2D(nn.Module):
    """Learned row and column embeddings, each a half of the channels (columns first)."""

    def __init__(self, positions: int, dims: int) -> None:
        super().__init__()
        self.row_embeddings = nn.Embedding(positions, dims // 2)
        self.column_embeddings = nn.Embedding(positions, dims - dims // 2)

    def __call__(self, height: int, width: int) -> Any:
        columns = self.column_embeddings.weight[:width]
        rows = self.row_embeddings.weight[:height]
        return mx.concatenate(
            [
                mx.broadcast_to(columns[None], (height, width, columns.shape[-1])),
                mx.broadcast_to(rows[:, None], (height, width, rows.shape[-1])),
            ],
            axis=-1,
        )


def temporal_embedding(dims: int) -> Any:
    """The sinusoidal embedding of the first (and, for a photo, only) frame: sin(0) at even
    channels, cos(0) at odd ones."""
    return mx.array([float(channel % 2) for channel in range(dims)], dtype=mx.float32)


class Projector(nn.Module):
    """The vision tower's grid into the language model's tokens: the mean of all positions,
    then every position, projected and normalised."""

    def __init__(self, vision: dict[str, Any]) -> None:
        super().__init__()
        dims = vision["embed_dim"][-1]
        self.image_projection = nn.Linear(dims, vision["projection_dim"], bias=False)
        self.image_proj_norm = nn.LayerNorm(vision["projection_dim"])
        self.image_position_embed = PositionEmbedding2D(vision["max_position_embeddings"], dims)

    def __call__(self, grid: Any) -> Any:
        batch, height, width, dims = grid.shape
        x = grid + self.image_position_embed(height, width)[None]
        x = x.reshape(batch, height * width, dims) + temporal_embedding(dims)
        x = mx.concatenate([mx.mean(x, axis=1, keepdims=True), x], axis=1)
        return self.image_proj_norm(self.image_projection(x))


class BartAttention(Attention):
    """Multi-head attention over keys and values made apart (a cache, the encoder's)."""

    def split(self, x: Any) -> Any:
        batch, length, _ = x.shape
        return x.reshape(batch, length, self.heads, -1).transpose(0, 2, 1, 3)

    def keys_values(self, source: Any) -> tuple[Any, Any]:
        """The keys and values of `source`, split into heads."""
        return self.split(self.k_proj(source)), self.split(self.v_proj(source))

    def __call__(self, x: Any, keys: Any, values: Any, mask: Any = None) -> Any:
        batch, length, dims = x.shape
        out = attend(self.split(self.q_proj(x)), keys, values, self.scale, mask)
        return self.out_proj(out.transpose(0, 2, 1, 3).reshape(batch, length, dims))


class EncoderLayer(nn.Module):
    """BART's encoder layer: attention and feed-forward, each normalised after its sum."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims = config["d_model"]
        self.self_attn = BartAttention(dims, config["encoder_attention_heads"])
        self.self_attn_layer_norm = nn.LayerNorm(dims)
        self.act = activation(config.get("activation_function", "gelu"))
        self.fc1 = nn.Linear(dims, config["encoder_ffn_dim"])
        self.fc2 = nn.Linear(config["encoder_ffn_dim"], dims)
        self.final_layer_norm = nn.LayerNorm(dims)

    def __call__(self, x: Any) -> Any:
        keys, values = self.self_attn.keys_values(x)
        x = self.self_attn_layer_norm(x + self.self_attn(x, keys, values))
        return self.final_layer_norm(x + self.fc2(self.act(self.fc1(x))))


class DecoderLayer(nn.Module):
    """BART's decoder layer: causal self-attention, attention to the encoder's output,
    feed-forward; each normalised after its sum."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims = config["d_model"]
        heads = config["decoder_attention_heads"]
        self.self_attn = BartAttention(dims, heads)
        self.self_attn_layer_norm = nn.LayerNorm(dims)
        self.encoder_attn = BartAttention(dims, heads)
        self.encoder_attn_layer_norm = nn.LayerNorm(dims)
        self.act = activation(config.get("activation_function", "gelu"))
        self.fc1 = nn.Linear(dims, config["decoder_ffn_dim"])
        self.fc2 = nn.Linear(config["decoder_ffn_dim"], dims)
        self.final_layer_norm = nn.LayerNorm(dims)

    def __call__(self, x: Any, cache: LayerCache, mask: Any, position: Any) -> Any:
        """The layer on one new token `x`, whose keys and values are written at `position`
        of the cache (made whole in advance; `mask` hides the places past it)."""
        keys, values = self.self_attn.keys_values(x)
        cache.keys = mx.slice_update(cache.keys, keys, position, axes=(2,))
        cache.values = mx.slice_update(cache.values, values, position, axes=(2,))
        x = self.self_attn_layer_norm(x + self.self_attn(x, cache.keys, cache.values, mask))
        x = self.encoder_attn_layer_norm(
            x + self.encoder_attn(x, cache.encoder_keys, cache.encoder_values)
        )
        return self.final_layer_norm(x + self.fc2(self.act(self.fc1(x))))


@dataclass
class LayerCache:
    """One decoder layer's keys and values so far, and those of the encoder's output."""

    encoder_keys: Any
    encoder_values: Any
    keys: Any
    values: Any


class Embeddings(nn.Module):
    """Learned positions, offset by two as BART's are."""

    OFFSET = 2

    def __init__(self, positions: int, dims: int) -> None:
        super().__init__()
        self.weight = mx.zeros((positions + self.OFFSET, dims))

    def __call__(self, start: int, length: int) -> Any:
        return self.weight[start + self.OFFSET : start + self.OFFSET + length]


class Encoder(nn.Module):
    """BART's encoder, over token embeddings already made."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims = config["d_model"]
        self.embed_positions = Embeddings(config["max_position_embeddings"], dims)
        self.layernorm_embedding = nn.LayerNorm(dims)
        self.layers = [EncoderLayer(config) for _ in range(config["encoder_layers"])]

    def __call__(self, embeddings: Any) -> Any:
        x = self.layernorm_embedding(embeddings + self.embed_positions(0, embeddings.shape[1]))
        for layer in self.layers:
            x = layer(x)
        return x


class Decoder(nn.Module):
    """BART's decoder, one new token at a time against its cache."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims = config["d_model"]
        self.embed_positions = Embeddings(config["max_position_embeddings"], dims)
        self.layernorm_embedding = nn.LayerNorm(dims)
        self.layers = [DecoderLayer(config) for _ in range(config["decoder_layers"])]

    def one(self, embedding: Any, position: Any, caches: list[LayerCache]) -> Any:
        """One new token (batch, 1, dims) at `position` (an array of one index), against
        caches made whole in advance, whose places past it are masked: every call has the
        same shapes, so the step compiles once."""
        weight = self.embed_positions.weight
        x = self.layernorm_embedding(embedding + mx.take(weight, position + Embeddings.OFFSET, 0))
        length = caches[0].keys.shape[2]
        mask = mx.where(mx.arange(length) <= position, 0.0, -math.inf)[None]
        for layer, cache in zip(self.layers, caches, strict=True):
            x = layer(x, cache, mask, position)
        return x


class LanguageModel(nn.Module):
    """BART's shared token table, encoder and decoder."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.shared = nn.Embedding(config["vocab_size"], config["d_model"])
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)
        self.embed_scale = math.sqrt(config["d_model"]) if config.get("scale_embedding") else 1.0

    def embed(self, ids: Any) -> Any:
        """Token embeddings, scaled as the checkpoint says."""
        return self.shared(ids) * self.embed_scale


class Florence2(nn.Module):
    """Florence-2: the vision tower, its projector and the language model, with the head
    that turns the decoder's states into token scores (tied to the token table unless the
    checkpoint has its own)."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.vision_tower = VisionTower(config["vision_config"])
        self.multi_modal_projector = Projector(config["vision_config"])
        self.language_model = LanguageModel(config["text_config"])
        self.lm_head: nn.Linear | None = None
        self.image_token_id = config["image_token_id"]
        # Underscored: neither is a parameter. The step is traced at its first call, once the
        # weights are in place.
        self._streams = [mx.new_stream(mx.default_device()) for _ in range(cpu_streams())]
        self._step = mx.compile(self.one_step)

    def encode(self, pixels: Any, ids: Any) -> Any:
        """The encoder's output for pictures (batch, height, width, 3, normalised) and the
        prompt's token ids, whose image tokens stand for the picture's features."""
        features = self.multi_modal_projector(self.vision_tower(pixels))
        embeddings = self.language_model.embed(ids)
        is_image = ids == self.image_token_id
        # The image tokens, in order, take the features one by one.
        order = mx.cumsum(is_image.astype(mx.int32), axis=1) - 1
        picked = mx.take_along_axis(
            features, mx.clip(order, 0, features.shape[1] - 1)[..., None], axis=1
        )
        embeddings = mx.where(is_image[..., None], picked, embeddings)
        return self.language_model.encoder(embeddings)

    def encode_split(self, pixels: Any, ids: Any) -> Any:
        """encode(), each picture on a stream of its own: MLX runs a stream's element-wise
        work on one thread, and the vision tower is mostly such work. As many pictures as
        streams are encoded at once, so that one picture's activations at most are held a
        stream (4 pictures on 2 streams at once peaked 1.3 GB higher, and ran slower)."""
        encoded = []
        count = len(self._streams)
        for start in range(0, pixels.shape[0], count):
            group = []
            for index in range(start, min(start + count, pixels.shape[0])):
                with mx.stream(self._streams[index - start]):
                    group.append(self.encode(pixels[index : index + 1], ids[index : index + 1]))
            mx.eval(group)
            encoded.extend(group)
        return mx.concatenate(encoded)

    def scores(self, states: Any) -> Any:
        """Token scores of decoder states."""
        if self.lm_head is not None:
            return self.lm_head(states)
        return states @ self.language_model.shared.weight.T

    def whole_caches(self, encoded: Any, length: int) -> list[LayerCache]:
        """Decoder caches for `length` tokens, made whole in advance (for `one_step`), each
        holding the encoder's keys and values for its layer."""
        caches = []
        for layer in self.language_model.decoder.layers:
            attention = layer.self_attn
            dims = attention.q_proj.weight.shape[0]
            shape = (encoded.shape[0], attention.heads, length, dims // attention.heads)
            caches.append(
                LayerCache(
                    *layer.encoder_attn.keys_values(encoded), mx.zeros(shape), mx.zeros(shape)
                )
            )
        return caches

    def one_step(self, token: Any, position: Any, state: list[list[Any]]) -> tuple[Any, list]:
        """Scores after one token (batch, 1) at `position`, with the caches as plain arrays
        ([encoder keys, encoder values, keys, values] a layer) in and out, for mx.compile."""
        caches = [LayerCache(*arrays) for arrays in state]
        decoder = self.language_model.decoder
        states = decoder.one(self.language_model.embed(token), position, caches)
        return self.scores(states), [
            [c.encoder_keys, c.encoder_values, c.keys, c.values] for c in caches
        ]


@dataclass(frozen=True)
class Decoding:
    """Greedy decoding as a checkpoint's generation_config.json sets it (its beams aside):
    the first decoder token, the end token, the tokens forced first and at the length limit,
    the n-grams never repeated and the least length."""

    start_id: int
    end_id: int
    max_new_tokens: int = 64
    forced_first: int | None = None
    forced_last: int | None = None
    no_repeat_ngram: int = 0
    min_length: int = 0

    @classmethod
    def of(cls, settings: dict[str, Any], text: dict[str, Any], max_new_tokens: int) -> Decoding:
        """The decoding a generation config (falling back on the text config) describes."""

        def value(name: str) -> Any:
            found = settings.get(name)
            return text.get(name) if found is None else found

        end = value("eos_token_id")
        return cls(
            start_id=int(value("decoder_start_token_id")),
            end_id=int(end[0] if isinstance(end, list) else end),
            max_new_tokens=max_new_tokens,
            forced_first=value("forced_bos_token_id"),
            forced_last=value("forced_eos_token_id"),
            no_repeat_ngram=int(value("no_repeat_ngram_size") or 0),
            min_length=int(value("min_length") or 0),
        )


def _banned(tokens: list[int], size: int) -> set[int]:
    """Tokens that would repeat an n-gram of `size` already in `tokens`."""
    if size <= 0 or len(tokens) + 1 < size:
        return set()
    tail = tuple(tokens[len(tokens) - size + 1 :])
    return {
        tokens[i + size - 1]
        for i in range(len(tokens) - size + 1)
        if tuple(tokens[i : i + size - 1]) == tail
    }


def choose(scores: Any, tokens: list[int], decoding: Decoding) -> int:
    """The next token: the best-scored one the decoding's rules allow, at `tokens`' length
    (the first best on a tie, as argmax gives)."""
    length = len(tokens)
    limit = 1 + decoding.max_new_tokens
    if length == 1 and decoding.forced_first is not None:
        return int(decoding.forced_first)
    if length == limit - 1 and decoding.forced_last is not None:
        return int(decoding.forced_last)
    banned = _banned(tokens, decoding.no_repeat_ngram)
    if length < decoding.min_length:
        banned.add(decoding.end_id)
    row = np.array(scores, dtype=np.float32)
    if banned:
        row[sorted(banned)] = -np.inf
    return int(row.argmax())


def generate(model: Florence2, pixels: Any, ids: Any, decoding: Decoding) -> list[int]:
    """The tokens greedy decoding writes for one picture (pixels of batch 1) and its prompt,
    the first decoder token included, the end token too when it came."""
    return generate_batch(model, pixels, ids, decoding)[0]


def generate_batch(model: Florence2, pixels: Any, ids: Any, decoding: Decoding) -> list[list[int]]:
    """The tokens greedy decoding writes for each picture of a batch (one prompt, repeated in
    `ids`); each picture's tokens are what it alone would get. Decoding reads every weight of
    the decoder once a step for the whole batch, so a batch costs little more than a picture.
    Each step is one compiled call of the same shapes."""
    encoded = model.encode_split(pixels, ids)
    length = 1 + decoding.max_new_tokens
    state = [
        [c.encoder_keys, c.encoder_values, c.keys, c.values]
        for c in model.whole_caches(encoded, length)
    ]
    step = model._step
    rows = [[decoding.start_id] for _ in range(encoded.shape[0])]
    done = [False] * len(rows)
    for at in range(1, length):
        # A finished row goes on with its end token; what it writes is not kept.
        last = mx.array([[row[-1]] for row in rows])
        scores, state = step(last, mx.array([at - 1]), state)
        for index, row in enumerate(rows):
            if not done[index]:
                row.append(choose(scores[index, -1], row, decoding))
                done[index] = row[-1] == decoding.end_id
        if all(done):
            break
    return rows


def convert(tensors: dict[str, Any]) -> dict[str, Any]:
    """transformers' tensors laid out for these modules, in float32: convolutions' kernels
    channels last, the tied copies of the token table and the fixed temporal table left out."""
    out = {}
    for name, value in tensors.items():
        name = name.removeprefix("model.")
        if name.endswith("pos_idx_to_embed") or ".embed_tokens." in name:
            continue
        value = value.astype(mx.float32)
        if value.ndim == 4:
            value = value.transpose(0, 2, 3, 1)  # OIHW (PyTorch) -> OHWI (MLX)
        out[name] = value
    return out


def load(folder: Path, max_new_tokens: int = 64) -> tuple[Florence2, Decoding]:
    """The Florence-2 checkpoint in `folder` (transformers' native layout) and the greedy
    decoding its generation config asks for."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    model = Florence2(config)
    weights = converted(folder, "florence2.safetensors", convert)
    if "lm_head.weight" in weights:
        vocab, dims = weights["lm_head.weight"].shape
        model.lm_head = nn.Linear(dims, vocab, bias=False)
    model.load_weights(list(weights.items()))
    model.eval()
    mx.eval(model.parameters())
    settings_file = folder / "generation_config.json"
    settings = (
        json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.is_file() else {}
    )
    return model, Decoding.of(settings, config["text_config"], max_new_tokens)
