"""Fixtures for the example acceptance tests.

The throw-away PostgreSQL server (``postgres``) is a session fixture of tests/conftest.py
(defined in tests/pg_cluster.py), so nothing needs re-exporting here.
"""
