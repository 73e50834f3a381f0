"""CLIP's image and text towers in MLX, sized entirely from a Hugging Face config."""

from __future__ import annotations

from typing import Any

from .layers import Encoder, TextEmbeddings, mx, nn

TEXT_DEFAULTS = {
    "vocab_size": 49408,
    "hidden_size": 512,
    "intermediate_size": 2048,
    "num_hidden_layers": 12,
    "num_attention_heads": 8,
    "max_position_embeddings": 77,
    "hidden_act": "quick_gelu",
    "layer_norm_eps": 1e-5,
    "eos_token_id": 49407,
}
VISION_DEFAULTS = {
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "num_channels": 3,
    "image_size": 224,
    "patch_size": 32,
    "hidden_act": "quick_gelu",
    "layer_norm_eps": 1e-5,
}


class VisionEmbeddings(nn.Module):
    """Patches, class token and learned positions."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims, patch = config["hidden_size"], config["patch_size"]
        self.class_embedding = mx.zeros((dims,))
        self.patch_embedding = nn.Conv2d(
            config["num_channels"], dims, patch, stride=patch, bias=False
        )
        positions = (config["image_size"] // patch) ** 2 + 1
        self.position_embedding = nn.Embedding(positions, dims)

    def __call__(self, pixels: Any) -> Any:
        patches = self.patch_embedding(pixels)
        batch = patches.shape[0]
        patches = patches.reshape(batch, -1, patches.shape[-1])
        cls = mx.broadcast_to(self.class_embedding, (batch, 1, patches.shape[-1]))
        return mx.concatenate([cls, patches], axis=1) + self.position_embedding.weight


class VisionTransformer(nn.Module):
    """The image tower up to the pooled class token."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims, eps = config["hidden_size"], config["layer_norm_eps"]
        self.embeddings = VisionEmbeddings(config)
        self.pre_layrnorm = nn.LayerNorm(dims, eps=eps)
        self.encoder = Encoder(config)
        self.post_layernorm = nn.LayerNorm(dims, eps=eps)

    def __call__(self, pixels: Any) -> Any:
        x = self.encoder(self.pre_layrnorm(self.embeddings(pixels)))
        return self.post_layernorm(x[:, 0])


class TextTransformer(nn.Module):
    """The causal text tower, pooled at the end-of-text token."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.eos_token_id = config["eos_token_id"]
        self.embeddings = TextEmbeddings(config)
        self.encoder = Encoder(config)
        self.final_layer_norm = nn.LayerNorm(config["hidden_size"], eps=config["layer_norm_eps"])

    def __call__(self, ids: Any) -> Any:
        length = ids.shape[1]
        mask = nn.MultiHeadAttention.create_additive_causal_mask(length).astype(mx.float32)
        x = self.final_layer_norm(self.encoder(self.embeddings(ids), mask))
        if self.eos_token_id == 2:
            # Early checkpoints carry a wrong eos id; the reference then pools at the
            # highest token id, which is end-of-text in CLIP's vocabulary.
            where = mx.argmax(ids, axis=-1)
        else:
            where = mx.argmax((ids == self.eos_token_id).astype(mx.int32), axis=-1)
        return x[mx.arange(x.shape[0]), where]


class CLIPModel(nn.Module):
    """Both towers and their projections into the shared embedding space."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        text = {**TEXT_DEFAULTS, **config.get("text_config", {})}
        vision = {**VISION_DEFAULTS, **config.get("vision_config", {})}
        projection = config.get("projection_dim", 512)
        self.dim = projection
        self.image_size = vision["image_size"]
        self.text_length = text["max_position_embeddings"]
        self.text_model = TextTransformer(text)
        self.vision_model = VisionTransformer(vision)
        self.visual_projection = nn.Linear(vision["hidden_size"], projection, bias=False)
        self.text_projection = nn.Linear(text["hidden_size"], projection, bias=False)

    def encode_image(self, pixels: Any) -> Any:
        """Image embeddings (not normalised) from NHWC float pixels."""
        return self.visual_projection(self.vision_model(pixels))

    def encode_text(self, ids: Any) -> Any:
        """Text embeddings (not normalised) from token ids."""
        return self.text_projection(self.text_model(ids))
