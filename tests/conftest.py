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


def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` sends every test of one `xdist_group` to one worker by suffixing its node
    id with `@<group>` on the worker. pytest-xdist 3.8 does that by setting `item._nodeid`, which
    pytest 9.2 no longer reads (the node id is `str(item._id)`): every group was then spread over
    both workers, and each worker applied each emulator group itself (twice the work, two applies
    of one group at once). Where xdist's suffix did not take, it is set here the way pytest 9.2
    holds node ids; with a pytest or xdist where it takes, this does nothing."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # a pytest that keeps node ids as strings: xdist's own suffix works
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix) and isinstance(getattr(item, "_id", None), NodeId):
            # (the controller parses ids back, so summary lines show `[params]@group]`: cosmetic)
            item._id = NodeId.parse(item.nodeid + suffix)
