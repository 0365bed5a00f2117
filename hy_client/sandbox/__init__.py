"""The local stand-in for the trading platform (FastAPI + SQLite): see docs/sandbox.md.

Nothing in the core imports this package; FastAPI is imported only by its HTTP modules.
"""
