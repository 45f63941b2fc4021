"""Text analysis helpers that keep every stage linear and fast (see docs/benchmarks.md, "Text analysis").

`etiquette_lint/text.py` holds the judgement (phrase lists, contexts, topics, detail, near copies);
the modules here make it cheap: `dispatch` finds where a phrase list can match from the first
characters of each word, so the big alternations run only where they may succeed.
(STYLE.md's `text/` folder cannot exist beside the `text.py` module this session moves nothing of.)
"""
