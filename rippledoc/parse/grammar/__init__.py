"""The grammar of the log: one parser and one set of writers for every line a person or rippledoc writes.

::

    - DATE KIND [OUTCOME] [by WHO][: NOTE]                 touch.py   (parse_touch, read_touch)
      NOTE: words, #tags, @names, next: DATE, and the marks  note.py    (parse_line)
        handoff: [DEPT] [@OWNER] by DATE [done: DATE]
        #kudos @NAME "words"   #success[ID]   #story-asked[REF] …   #intel[KIND: TOPIC]   #handoff-done[DATE]
    writing a line or a mark                                write.py   (format_touch, compose_note, …)
    the loose lines of inbox.md                             capture.py (read_capture)
    which part of a line is being typed (completion)        place.py   (place)
    the ## Log section, its order, where a line goes        log.py     (find_log, log_order, insertion_index)

The kinds and their outcomes are one table, ``rippledoc.model.TOUCH_KINDS``.
``tests/fixtures/grammar/`` specifies it all, case by case (input line ->
parsed record, or -> the line written), and ``log``, ``inbox``, ``check``,
the merge driver and the site are tested against the same cases.
"""
