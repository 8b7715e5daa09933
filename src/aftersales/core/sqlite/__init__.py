"""Django's SQLite backend, plus `PRAGMA optimize` as each connection closes (see base.py)."""
