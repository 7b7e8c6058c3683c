"""Progress of long packaging work (a dependency install): which function, how far, on stderr.

On a terminal, one line per install that counts the seconds while it runs and ends with the time it
took; without one (CI), a plain line when the install starts and one when it ends. Nothing at all when
the install comes from the cache: the package stage only calls `start` when pip or npm is about to run.
"""

from __future__ import annotations

import sys
import threading
import time


class Progress:
    def __init__(self, position: int, total: int, stream=None) -> None:
        self.position, self.total = position, total
        self.stream = stream if stream is not None else sys.stderr
        self._label = ""
        self._started = 0.0
        self._stop: threading.Event | None = None
        self._ticker: threading.Thread | None = None

    def _tty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def start(self, what: str) -> None:
        self._label = f"sls-gen: [{self.position}/{self.total}] {what}"
        self._started = time.monotonic()
        if not self._tty():
            self._write(f"{self._label}...\n")
            return
        self._write(f"\r{self._label}... ")
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self._write(f"\r{self._label}... {time.monotonic() - self._started:.0f}s ")

    def done(self, ok: bool = True) -> None:
        if self._stop is not None:
            self._stop.set()
            self._ticker.join()
            self._stop = self._ticker = None
            end = "\r"
        else:
            end = ""
        took = time.monotonic() - self._started
        self._write(f"{end}{self._label}: {'done' if ok else 'failed'} in {took:.1f}s\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass
