"""Renderers: `forms` is the one JSON form of each result type (Finding, Change, Witness, the
compat report, Review); `findings`, `compat` and `review` render text, JSON, GitHub annotations
and Markdown from the data the checks and compat return. Import the modules directly."""
