"""Stage 2: embed photos and text with CLIP or SigLIP in MLX, and index the vectors."""
