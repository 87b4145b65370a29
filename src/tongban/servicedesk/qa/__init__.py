"""Retrieval for the Q&A assistant (智能问答): Chinese segmentation, BM25 over the knowledge
base (the catalogue's published items and the departments' FAQ entries), ask-back and
feedback boosts.

* ``text`` — question normalisation, terms (the catalogue's jieba segmentation and aliases,
  plus the assistant's everyday-language lexicon ``data/phrases.yaml``), question signatures.
* ``bm25`` — a small in-memory BM25 index over weighted fields (no outside dependency).
* ``index`` — builds the knowledge index lazily per process and rebuilds it when the catalogue
  revision or the FAQ entries change.
* ``engine`` — ranks items for a question, decides whether to ask back, applies boosts.

Pages and the API never call this package directly: they go through
``tongban.servicedesk.services.answers``.
"""
