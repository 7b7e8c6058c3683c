"""Stage 7 of the pipeline (write): put a render on disk without ever losing a user's work.

- manifest.py: which files of the output folder sls-gen owns, with their sha256.
- tree.py: per-file statuses (create/identical/update/conflict/remove/keep) and a journaled,
  crash-safe commit; `recover` finishes or undoes an interrupted run.
- scaffolds.py: handler scaffolds, written once.
- diff.py: what a render would change, as a unified diff (for `sls-gen diff`).
"""

from generator.writer.manifest import MANIFEST
from generator.writer.scaffolds import scaffold_statuses, write_scaffolds
from generator.writer.tree import FileStatus, WritePlan, WriteRefused, plan_write, recover, write_tree

__all__ = [
    "MANIFEST",
    "FileStatus",
    "WritePlan",
    "WriteRefused",
    "plan_write",
    "recover",
    "scaffold_statuses",
    "write_scaffolds",
    "write_tree",
]
