"""Contact lists in, data out.

The import pipeline: a file -> ``Incoming`` records and rejected rows
(``csvin``, ``vcardin``) -> a ``Plan`` of creations, fills, conflicts
(``merge``) -> written files (``apply``). Exports render the loaded model
(``csvout``, ``vcardout``, ``jsonout``, ``sqlite``).
"""
