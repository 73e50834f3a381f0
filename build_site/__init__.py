"""Stage 3: generate the static gallery from the library and its vectors."""
