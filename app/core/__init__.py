"""Colloquy's domain core.

Services here take the database (a pymongo ``Database``) and a ``Scope``
explicitly and never import flask, so the HTTP dialects stay thin and the
domain can be tested, scripted and benchmarked without a web stack.
"""
