"""SigLIP's image and text towers in MLX, sized entirely from a Hugging Face config."""

from __future__ import annotations

from typing import Any

from .layers import MLP, Encoder, TextEmbeddings, attend, mx, nn

TEXT_DEFAULTS = {
    "vocab_size": 32000,
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "max_position_embeddings": 64,
    "hidden_act": "gelu_pytorch_tanh",
    "layer_norm_eps": 1e-6,
}
VISION_DEFAULTS = {
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "num_channels": 3,
    "image_size": 224,
    "patch_size": 16,
    "hidden_act": "gelu_pytorch_tanh",
    "layer_norm_eps": 1e-6,
    "vision_use_head": True,
}


class VisionEmbeddings(nn.Module):
    """Patches and learned positions (no class token)."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims, patch = config["hidden_size"], config["patch_size"]
        self.patch_embedding = nn.Conv2d(config["num_channels"], dims, patch, stride=patch)
        self.position_embedding = nn.Embedding((config["image_size"] // patch) ** 2, dims)

    def __call__(self, pixels: Any) -> Any:
        patches = self.patch_embedding(pixels)
        patches = patches.reshape(patches.shape[0], -1, patches.shape[-1])
        return patches + self.position_embedding.weight


class PoolingAttention(nn.Module):
    """torch.nn.MultiheadAttention's layout: one packed input projection."""

    def __init__(self, dims: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.in_proj_weight = mx.zeros((3 * dims, dims))
        self.in_proj_bias = mx.zeros((3 * dims,))
        self.out_proj = nn.Linear(dims, dims)

    def __call__(self, query: Any, keys: Any) -> Any:
        dims = query.shape[-1]
        w, b = self.in_proj_weight, self.in_proj_bias
        q = query @ w[:dims].T + b[:dims]
        k = keys @ w[dims : 2 * dims].T + b[dims : 2 * dims]
        v = keys @ w[2 * dims :].T + b[2 * dims :]

        def split(t: Any) -> Any:
            return t.reshape(t.shape[0], t.shape[1], self.heads, -1).transpose(0, 2, 1, 3)

        out = attend(split(q), split(k), split(v), (dims // self.heads) ** -0.5)
        return self.out_proj(out.transpose(0, 2, 1, 3).reshape(query.shape[0], -1, dims))


class PoolingHead(nn.Module):
    """Multihead attention pooling with a learned probe."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims = config["hidden_size"]
        self.probe = mx.zeros((1, 1, dims))
        self.attention = PoolingAttention(dims, config["num_attention_heads"])
        self.layernorm = nn.LayerNorm(dims, eps=config["layer_norm_eps"])
        self.mlp = MLP(dims, config["intermediate_size"], config["hidden_act"])

    def __call__(self, x: Any) -> Any:
        probe = mx.broadcast_to(self.probe, (x.shape[0], 1, x.shape[-1]))
        x = self.attention(probe, x)
        x = x + self.mlp(self.layernorm(x))
        return x[:, 0]


class VisionTransformer(nn.Module):
    """The image tower up to the pooled embedding."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.embeddings = VisionEmbeddings(config)
        self.encoder = Encoder(config)
        self.post_layernorm = nn.LayerNorm(config["hidden_size"], eps=config["layer_norm_eps"])
        if not config["vision_use_head"]:
            raise ValueError("SigLIP checkpoints without a pooling head are not supported")
        self.head = PoolingHead(config)

    def __call__(self, pixels: Any) -> Any:
        return self.head(self.post_layernorm(self.encoder(self.embeddings(pixels))))


class TextTransformer(nn.Module):
    """The text tower: full attention over the padded sequence, pooled at the last position."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims = config["hidden_size"]
        self.embeddings = TextEmbeddings(config)
        self.encoder = Encoder(config)
        self.final_layer_norm = nn.LayerNorm(dims, eps=config["layer_norm_eps"])
        self.head = nn.Linear(dims, config.get("projection_size") or dims)

    def __call__(self, ids: Any) -> Any:
        x = self.final_layer_norm(self.encoder(self.embeddings(ids)))
        return self.head(x[:, -1])


class SiglipModel(nn.Module):
    """Both towers; SigLIP's towers end in the shared space, with no separate projection."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        text = {**TEXT_DEFAULTS, **config.get("text_config", {})}
        vision = {**VISION_DEFAULTS, **config.get("vision_config", {})}
        self.dim = text.get("projection_size") or text["hidden_size"]
        if self.dim != vision["hidden_size"]:
            raise ValueError("SigLIP text and vision towers disagree on the embedding size")
        self.image_size = vision["image_size"]
        self.text_length = text["max_position_embeddings"]
        self.text_model = TextTransformer(text)
        self.vision_model = VisionTransformer(vision)

    def encode_image(self, pixels: Any) -> Any:
        """Image embeddings (not normalised) from NHWC float pixels."""
        return self.vision_model(pixels)

    def encode_text(self, ids: Any) -> Any:
        """Text embeddings (not normalised) from token ids padded to the full length."""
        return self.text_model(ids)
