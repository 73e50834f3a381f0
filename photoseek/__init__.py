"""photoseek: recover, embed and search a photo library, privately, on your own machine."""

__version__ = "0.1.0"
