"""Shared test support: fixtures loaded through ``pytest_plugins`` in tests/conftest.py,
and importable builders (sample records, real SMTP and HTTP servers, fixture sites).

Test modules import helpers from here, never from another test module.
"""
