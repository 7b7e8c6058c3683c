"""What the package stage reads on disk, each path once, kept as typed states (generator/fingerprint.py).

The record of a render (generator/record.py) keeps a digest of these states, so the next render can
tell without rendering whether anything it would read has changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.fingerprint import UNSETTLED, Mode, PathState, path_state


class Reads:
    """The paths a render consulted: rel (to the blueprint folder) -> the mode read and the state seen."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modes: dict[str, Mode] = {}
        self.states: dict[str, PathState] = {}
        self._real_root = os.path.realpath(root)
        self._parents: dict[str, str] = {}  # resolved folders, shared by every read of this render
        self._contents: dict[str, list] = {}  # a CODE folder's files as read, until they are zipped

    def consult(self, rel: str, mode: Mode) -> PathState:
        """Read a path once; a stronger mode reads it again and replaces the weaker state."""
        if rel not in self.states or mode.strength > self.modes[rel].strength:
            self.modes[rel] = mode
            self.states[rel] = path_state(self.root, rel, mode, self._real_root, self._parents, self._contents)
        return self.states[rel]

    def adopt(self, rel: str, state: PathState) -> None:
        """Take a CODE state read moments ago by the no-op check instead of reading the folder again."""
        self.modes[rel], self.states[rel] = Mode.CODE, state

    def unsettle(self, rel: str) -> None:
        """What was read at `rel` changed while it was read: the next render must look again."""
        self.states[rel] = UNSETTLED

    def contents(self, rel: str) -> list | None:
        """The files of a CODE folder as read (then forgotten), or None: read them again."""
        return self._contents.pop(rel, None)
