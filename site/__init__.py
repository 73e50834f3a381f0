"""The gallery's browser code and styles, copied into every site."""
