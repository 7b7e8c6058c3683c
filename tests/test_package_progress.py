"""generator/package/progress.py: long installs say which function and how far; plain lines without a TTY."""

from __future__ import annotations

import io
import re
import time

from generator.package.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_two_plain_lines():
    out = io.StringIO()
    progress = Progress(2, 3, out)
    progress.start("fn: installing Python dependencies")
    progress.done()
    lines = out.getvalue().split("\n")
    assert lines[0] == "sls-gen: [2/3] fn: installing Python dependencies..."
    assert re.fullmatch(r"sls-gen: \[2/3\] fn: installing Python dependencies: done in \d+\.\ds", lines[1])
    assert lines[2:] == [""] and "\r" not in out.getvalue()


def test_on_a_terminal_the_line_counts_the_seconds_then_ends_with_the_time():
    out = Terminal()
    progress = Progress(1, 1, out)
    progress.start("fn: installing Node.js dependencies")
    time.sleep(1.3)
    progress.done(ok=False)
    text = out.getvalue()
    assert text.startswith("\rsls-gen: [1/1] fn: installing Node.js dependencies... ")
    assert "\rsls-gen: [1/1] fn: installing Node.js dependencies... 1s " in text
    assert re.search(r"\rsls-gen: \[1/1\] fn: installing Node.js dependencies: failed in 1\.\ds\n$", text)
