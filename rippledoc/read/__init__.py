"""Reading a person's files: bounded, positioned, cached by content; YAML's syntax (``yamltree`` reads it,
``yamlscalar`` writes a value in it); and whether this clone runs rippledoc's merge driver (``gitsetup``)."""
