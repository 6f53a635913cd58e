"""One module per command (or small family of commands); each is a thin click layer."""
