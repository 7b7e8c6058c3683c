import os
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))
# Compiled templates go to a throw-away folder, not the user's ~/.cache (subprocesses inherit it).
os.environ.setdefault("SLS_GEN_CACHE_DIR", tempfile.mkdtemp(prefix="sls-gen-cache-"))
# ... and the key that signs cache entries is kept in a throw-away state folder, not ~/.local/state.
os.environ.setdefault("XDG_STATE_HOME", tempfile.mkdtemp(prefix="sls-gen-state-"))


def pytest_addoption(parser):
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="rewrite tests/snapshots/ from the current renderer (review the diff before committing)",
    )
