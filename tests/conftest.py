"""The test suite's root: tests/ is on sys.path (pytest's rootdir conftest), so test modules
import shared builders as ``support.<module>``; the fixtures come from the plugins below.

Tests live in tests/<capability>/, mirroring the packages; no test module imports another
(tests/test_layout.py checks it).
"""

pytest_plugins = [
    "support.database",
    "support.app",
    "support.web",
    "support.redis_queue",
    "support.browser",
    "support.smtp_server",
]
