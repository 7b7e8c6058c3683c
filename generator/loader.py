"""Loader stage: blueprint YAML text -> plain data plus a (path) -> (line, col) map for diagnostics.

Safe by construction: data is built from parser events, never by PyYAML's constructors, so no tag
can run code; aliases are expanded under a node budget and nesting is bounded.
"""

from __future__ import annotations

import gc
import os
import re
import stat
from dataclasses import dataclass

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .diagnostics import CODES, BlueprintError, Diagnostic

try:  # libyaml's event parser is ~5x faster; the pure-Python one yields the same events
    from yaml.cyaml import CParser as _FastParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _FastParser = None

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIAS_NODES = 100_000  # nodes created by expanding aliases, on top of the file's own nodes
MAX_DEPTH = 100  # also keeps the Python recursion in alias copies far from the interpreter limit
CLIP = 60

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _CORE + "map", _CORE + "seq"

# YAML 1.2 core schema, except that decimal numbers written with a leading zero stay strings:
# `account: 012345678901` must not silently lose its zero.
_DEC_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT_RE = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_OCT_RE = re.compile(r"0o[0-7]+")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+")
_ANY_DEC_RE = re.compile(r"[-+]?[0-9]+")  # explicit !!int / !!float accept leading zeros
_ANY_FLOAT_RE = re.compile(r"[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")
_INF = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf")}
_NAN = {".nan", ".NaN", ".NAN"}
_NULLS = {"~", "null", "Null", "NULL"}
_NUM_START = frozenset("0123456789+-.")
_SPECIAL_START = _NUM_START | frozenset("~nNtTfF")
_LINE_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML (and libyaml) count as a new line


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


_WANT_KEY = _Marker("<want key>")  # a mapping frame waiting for its next key
_DISCARD = _Marker("<discard>")  # the value belongs to a rejected key: check it, keep nothing
_MERGE = _Marker("<<")  # the `<<` merge key; also a path part while a merge value is being built


class Loc(tuple):
    """A (line, col) written in another file than the document's own (an org profile's).

    Compares and unpacks as the plain (line, col) pair; `file` names where it was written.
    """

    file: str

    def __new__(cls, loc: tuple, file: str):
        self = super().__new__(cls, loc)
        self.file = file
        return self


@dataclass(frozen=True)
class Document:
    data: dict
    file: str
    lines: list[str]
    locations: dict[tuple, tuple[int, int]]
    sha256: str | None = None  # of the bytes read (load_file): what a render records as its blueprint
    profiles: tuple = ()  # generator/platform/profiles.py Profile: the org profiles merged under `data`

    def locate(self, path: tuple) -> tuple[int | None, int | None]:
        """(line, col) of `path`, else of its nearest located ancestor, else (None, None)."""
        path = tuple(path)
        while True:
            loc = self.locations.get(path)
            if loc is not None:
                return loc
            if not path:
                return (None, None)
            path = path[:-1]

    def file_of(self, loc: tuple) -> str:
        """The file a location returned by `locate` was written in (a profile's, or this one)."""
        return getattr(loc, "file", self.file)

    def diag(self, code: str, path: tuple, message: str, *, hint: str | None = None,
             severity: str = "error") -> Diagnostic:
        if code not in CODES:
            raise ValueError(f"unknown diagnostic code {code!r}")
        loc = self.locate(path)
        line, col = loc
        return Diagnostic(code=code, message=message, path=tuple(path), file=self.file_of(loc), line=line,
                          col=col, severity=severity, hint=hint)


def load_file(path: str | os.PathLike) -> Document:
    file = os.fspath(path)
    try:  # O_NONBLOCK: a FIFO opens without waiting for a writer, and is then refused below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise BlueprintError([Diagnostic("SLS001", f"cannot read the blueprint: {reason}", file=file)])
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a socket" \
                if stat.S_ISSOCK(mode) else "a device"
            raise BlueprintError([Diagnostic("SLS001", f"cannot read the blueprint: it is {what}, not a file",
                                             file=file, hint="name the blueprint's YAML file")])
        chunks, size = [], 0
        while size <= MAX_BYTES and (chunk := os.read(fd, MAX_BYTES + 1 - size)):  # bounded: a huge file costs nothing
            chunks.append(chunk)
            size += len(chunk)
        raw = b"".join(chunks)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise BlueprintError([Diagnostic("SLS001", f"cannot read the blueprint: {reason}", file=file)])
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise BlueprintError([_too_big(file)])
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BlueprintError([Diagnostic(
            "SLS001", f"the blueprint is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", file=file,
            line=line, col=exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1,
            hint="save the file as UTF-8")])
    import dataclasses
    import hashlib

    return dataclasses.replace(load_text(text, file), sha256=hashlib.sha256(raw).hexdigest())


def load_text(text: str, file: str = "<string>") -> Document:
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise BlueprintError([_too_big(file)])
    lines = _LINE_BREAK_RE.split(text)
    builder = _Builder(file)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # building 100k+ small containers triggers full collections that double load time
    try:
        data = builder.run(text, lines)
    finally:
        if gc_was_enabled:
            gc.enable()
    return Document(data=data, file=file, lines=lines, locations=builder.locations)


# ---------------------------------------------------------------------------------------------


def clip(value: object, limit: int = CLIP) -> str:
    """repr-like text for messages, never longer than about `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _too_big(file: str) -> Diagnostic:
    return Diagnostic("SLS007", f"the blueprint is larger than {MAX_BYTES // (1024 * 1024)} MB", file=file,
                      hint="split the service into several blueprints")


def _show_tag(tag: str) -> str:
    return clip("!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag)


def _plain(value: str):
    """Type of an untagged plain scalar: only true/false are booleans, so `on`, `yes`, `no` stay strings."""
    if not value:
        return None
    c = value[0]
    if c not in _SPECIAL_START:
        return value
    if c in _NUM_START:
        if _DEC_RE.fullmatch(value):
            try:
                return int(value)
            except ValueError:  # beyond Python's int digit limit: keep the text
                return value
        if _FLOAT_RE.fullmatch(value):
            return float(value)
        if c == "0" and len(value) > 2:
            if _OCT_RE.fullmatch(value):
                return int(value[2:], 8)
            if _HEX_RE.fullmatch(value):
                return int(value[2:], 16)
        sign = -1.0 if c == "-" else 1.0
        rest = value[1:] if c in "+-" else value
        if rest in _INF:
            return sign * _INF[rest]
        if value in _NAN:
            return float("nan")
        return value
    if value in _NULLS:
        return None
    if c in "tTfF" and len(value) in (4, 5):
        low = value.lower()
        if low == "true":
            return True
        if low == "false":
            return False
    return value


def _explicit(tag: str, value: str):
    """Value of a scalar with an explicit core tag; raises ValueError if it cannot be one."""
    text = value.strip()
    if tag == _INT:
        for regex, base, skip in ((_ANY_DEC_RE, 10, 0), (_OCT_RE, 8, 2), (_HEX_RE, 16, 2)):
            if regex.fullmatch(text):
                return int(text[skip:], base)
        raise ValueError
    if tag == _FLOAT:
        parsed = _plain(text)
        if isinstance(parsed, (int, float)) and not isinstance(parsed, bool):
            return float(parsed)
        if _ANY_FLOAT_RE.fullmatch(text):
            return float(text)
        raise ValueError
    if tag == _BOOL:
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise ValueError
    if text in _NULLS or not text:  # tag == _NULL
        return None
    raise ValueError


class _Frame:
    """An open mapping or sequence while its events stream in."""

    __slots__ = ("is_map", "container", "path", "key", "start", "anchor", "log_start",
                 "merge_seen", "merge_loc", "merge_start", "merges")

    def __init__(self, is_map: bool, path: tuple | None, start: tuple[int, int]):
        self.is_map = is_map
        self.container = {} if is_map else []
        self.path = path  # None: the value is being checked but not kept (rejected key, complex key)
        self.key = _WANT_KEY if is_map else None
        self.start = start
        self.anchor = None
        self.merge_seen = False
        self.merges = None


class _Stop(Exception):
    """A problem after which reading on is pointless or unsafe (expansion bomb, absurd nesting)."""


class _OverBudget(Exception):
    pass


class _TooDeep(Exception):
    pass


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.diags: list[Diagnostic] = []
        self.locations: dict[tuple, tuple[int, int]] = {(): (1, 1)}
        # Anchors map to (value, [(relative path, loc)]), or to their _Frame while still open.
        self.anchors: dict[str, object] = {}
        # While an anchor or a merge value is open, recorded locations are also logged so they can be
        # replayed under another path (alias use) or moved (merge).
        self.log: list[tuple[tuple, tuple[int, int]]] = []
        self.capturing = 0
        self.budget = MAX_ALIAS_NODES
        self.root_loc: tuple[int, int] = (1, 1)

    # -- diagnostics --------------------------------------------------------------------------

    def error(self, code: str, message: str, path: tuple | None, loc: tuple[int | None, int | None],
              hint: str | None = None) -> Diagnostic:
        path = tuple("<<" if p is _MERGE else p for p in path) if path else ()
        diag = Diagnostic(code, message, path, self.file, loc[0], loc[1], "error", hint)
        self.diags.append(diag)
        return diag

    def stop(self, code: str, message: str, path: tuple | None, loc: tuple, hint: str | None = None):
        self.error(code, message, path, loc, hint)
        raise _Stop

    # -- driver -------------------------------------------------------------------------------

    def run(self, text: str, lines: list[str]) -> dict:
        parser = None
        try:
            parser = (_FastParser or _PyParser)(text)
            root = self.stream(parser)
        except _Stop:
            raise BlueprintError(self.diags) from None
        except yaml.MarkedYAMLError as exc:
            self.syntax_error(exc, lines)
            raise BlueprintError(self.diags) from None
        except yaml.reader.ReaderError as exc:
            # libyaml reports a byte offset, the pure-Python reader a character offset
            prefix = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore") if _FastParser else \
                text[: exc.position]
            before = _LINE_BREAK_RE.split(prefix)
            line, col = len(before), len(before[-1]) + 1
            char = exc.character if isinstance(exc.character, int) else ord(exc.character)
            self.error("SLS002", f"character #x{char:02X} is not allowed in YAML: {exc.reason}", (),
                       (line, col), hint="remove control characters from the file")
            raise BlueprintError(self.diags) from None
        except UnicodeError:
            self.error("SLS002", "the text is not valid Unicode", (), (None, None))
            raise BlueprintError(self.diags) from None
        finally:
            if parser is not None and hasattr(parser, "dispose"):
                parser.dispose()
        if root is None:
            self.error("SLS006", "the blueprint is empty", (), (None, None),
                       hint="start with `service: <name>`")
        elif not isinstance(root, dict):
            kind = {list: "a list", str: "a string", bool: "a boolean"}.get(type(root), "a number")
            self.error("SLS006", f"the top level of a blueprint must be a mapping of keys, found {kind}", (),
                       self.root_loc, hint="start with `service: <name>`")
        if self.diags:
            raise BlueprintError(self.diags)
        return root

    def syntax_error(self, exc: yaml.MarkedYAMLError, lines: list[str]) -> None:
        mark = exc.problem_mark or exc.context_mark
        message = clip(exc.problem or exc.context or "invalid YAML", 120)
        if exc.context and exc.problem:
            where = f" on line {exc.context_mark.line + 1}" if exc.context_mark else ""
            message += f" ({clip(exc.context, 60)}{where})"
        hint = None
        if mark and mark.line < len(lines):
            src = lines[mark.line]
            if "\t" in src[: len(src) - len(src.lstrip())] or src[mark.column: mark.column + 1] == "\t":
                hint = "indent with spaces, not tabs"
        loc = (mark.line + 1, mark.column + 1) if mark else (None, None)
        if "maximum nesting depth" in (exc.problem or ""):
            # PyYAML >= 6.0.4 has its own depth guard; report it like ours.
            self.error("SLS007", f"the blueprint nests deeper than {MAX_DEPTH} levels", (), loc)
            return
        self.error("SLS002", message, (), loc, hint)

    def stream(self, parser):
        get_event = parser.get_event
        stack: list[_Frame] = []
        locations, log = self.locations, self.log
        root = None
        started = False
        while True:
            ev = get_event()
            kind = type(ev)
            top = stack[-1] if stack else None
            if kind is ScalarEvent:
                if top is not None and top.key is _WANT_KEY:
                    self.key_event(top, ev)
                    continue
                tag = ev.tag
                if tag is None:
                    value = _plain(ev.value) if ev.implicit[0] else ev.value
                elif tag == "!" or tag == _STR:
                    value = ev.value
                else:
                    value = self.tagged_scalar(ev, top)
                if ev.anchor is not None:
                    self.anchors[ev.anchor] = (value, ())
                if top is None:
                    root = value
                    self.root_loc = (ev.start_mark.line + 1, ev.start_mark.column + 1)
                elif top.is_map:
                    key = top.key
                    if key.__class__ is str:
                        top.container[key] = value
                        top.key = _WANT_KEY
                    else:
                        self.special_value(top, value)
                else:
                    path = top.path
                    if path is not None:
                        mark = ev.start_mark
                        loc = (mark.line + 1, mark.column + 1)
                        path = path + (len(top.container),)
                        locations[path] = loc
                        if self.capturing:
                            log.append((path, loc))
                    top.container.append(value)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                mark = ev.start_mark
                loc = (mark.line + 1, mark.column + 1)
                if len(stack) >= MAX_DEPTH:
                    self.stop("SLS007", f"the blueprint nests deeper than {MAX_DEPTH} levels", None, loc)
                path = self.child_path(top, loc)
                frame = _Frame(kind is MappingStartEvent, path, loc)
                tag = ev.tag
                if tag is not None and tag != "!" and tag != (_MAP if frame.is_map else _SEQ):
                    self.bad_tag(tag, path, loc)
                if ev.anchor is not None:
                    frame.anchor = ev.anchor
                    frame.log_start = len(log)
                    self.capturing += 1
                    self.anchors[ev.anchor] = frame
                stack.append(frame)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                value = frame.container
                if frame.merges:
                    value = self.apply_merges(frame)
                if frame.anchor is not None:
                    self.close_anchor(frame, value)
                top = stack[-1] if stack else None
                if top is None:
                    root = value
                elif top.is_map:
                    key = top.key
                    if key.__class__ is str:
                        top.container[key] = value
                        top.key = _WANT_KEY
                    elif key is _WANT_KEY:  # the frame was a mapping or list used as a key
                        self.error("SLS102", "mapping keys must be strings, found a "
                                   + ("mapping" if frame.is_map else "list"), top.path, frame.start)
                        top.key = _DISCARD
                    else:
                        self.special_value(top, value)
                else:
                    top.container.append(value)
            elif kind is AliasEvent:
                self.alias_event(ev, top, len(stack))
            elif kind is DocumentStartEvent:
                if started:
                    mark = ev.start_mark
                    self.error("SLS002", "a blueprint is a single YAML document, found a second one", (),
                               (mark.line + 1, mark.column + 1), hint="remove the `---` line")
                    return root
                started = True
            elif kind is StreamEndEvent:
                return root

    def child_path(self, top: _Frame | None, loc: tuple[int, int]) -> tuple | None:
        """Path of the node starting now under `top`; records a sequence item's location."""
        if top is None:
            self.root_loc = loc
            return ()
        path = top.path
        if path is None:
            return None
        if top.is_map:
            key = top.key
            if key is _DISCARD or key is _WANT_KEY:
                return None
            return path + (key,)
        path = path + (len(top.container),)
        self.record(path, loc)
        return path

    def record(self, path: tuple, loc: tuple[int, int]) -> None:
        self.locations[path] = loc
        if self.capturing:
            self.log.append((path, loc))

    # -- keys ---------------------------------------------------------------------------------

    def key_event(self, top: _Frame, ev: ScalarEvent) -> None:
        mark = ev.start_mark
        loc = (mark.line + 1, mark.column + 1)
        tag, value = ev.tag, ev.value
        if tag is None and ev.implicit[0]:
            key = _MERGE if value == "<<" else _plain(value)
        elif tag is None or tag == "!" or tag == _STR:
            key = value
        else:
            key = self.tagged_scalar(ev, top)
        if ev.anchor is not None:
            self.anchors[ev.anchor] = ("<<" if key is _MERGE else key, ())
        self.set_key(top, key, loc, value)

    def set_key(self, top: _Frame, key: object, loc: tuple[int, int], text: str = "") -> None:
        path = top.path
        if key.__class__ is str:
            if key in top.container:
                first = self.locations.get(path + (key,)) if path is not None else None
                where = f" (first on line {first[0]})" if first else ""
                self.error("SLS003", f"duplicate key '{clip(key)}'{where}",
                           path + (key,) if path is not None else None, loc,
                           hint="YAML keeps only one of them; remove or rename the other")
                top.key = _DISCARD
                return
            top.key = key
            if path is not None:
                path = path + (key,)
                self.locations[path] = loc
                if self.capturing:
                    self.log.append((path, loc))
            return
        if key is _MERGE:
            if top.merge_seen:
                self.error("SLS003", "duplicate merge key '<<'", path, loc,
                           hint="merge several mappings with `<<: [*first, *second]`")
                top.key = _DISCARD
                return
            top.merge_seen = True
            top.merge_loc = loc
            top.merge_start = len(self.log)
            self.capturing += 1
            top.key = _MERGE
            return
        if key is None:
            shown = "an empty key"
        else:
            text = clip(text or key)
            shown = f"`{text}` is read as a {'boolean' if isinstance(key, bool) else 'number'}"
        self.error("SLS102", f"mapping keys must be strings; {shown}", path, loc,
                   hint=None if key is None else f"quote it: \"{text}\"")
        top.key = _DISCARD

    # -- values with special handling --------------------------------------------------------

    def tagged_scalar(self, ev: ScalarEvent, top: _Frame | None):
        tag = ev.tag
        mark = ev.start_mark
        loc = (mark.line + 1, mark.column + 1)
        path = self.diag_path(top)
        if tag in (_INT, _FLOAT, _BOOL, _NULL):
            try:
                return _explicit(tag, ev.value)
            except ValueError:
                self.error("SLS102", f"'{clip(ev.value)}' is not a valid {_show_tag(tag)}", path, loc)
                return ev.value
        self.bad_tag(tag, path, loc)
        return ev.value

    def bad_tag(self, tag: str, path: tuple | None, loc: tuple[int, int]) -> None:
        if tag in (_MAP, _SEQ, _STR):
            message = f"tag {_show_tag(tag)} does not fit this kind of value"
        else:
            message = f"unsupported YAML tag {_show_tag(tag)}"
        hint = ("Python tags are refused and never executed" if tag.startswith(_CORE + "python/")
                else "blueprints are plain YAML: remove the tag")
        self.error("SLS004", message, path, loc, hint)

    def diag_path(self, top: _Frame | None) -> tuple | None:
        if top is None:
            return ()
        if top.path is None:
            return None
        if not top.is_map:
            return top.path + (len(top.container),)
        if top.key.__class__ is str:
            return top.path + (top.key,)
        return top.path

    def special_value(self, top: _Frame, value: object) -> None:
        """Attach a value whose key is the merge key or a rejected key."""
        key, top.key = top.key, _WANT_KEY
        if key is not _MERGE:
            return  # _DISCARD: already reported, checked, dropped
        captured = self.log[top.merge_start:]
        self.end_capture()
        for path, _ in captured:  # these were recorded under path + (<<, ...); apply_merges moves them
            self.locations.pop(path, None)
        cut = len(top.path) + 1 if top.path is not None else 0
        relative = [(path[cut:], loc) for path, loc in captured]
        if isinstance(value, dict):
            top.merges = [(value, relative)]
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            top.merges = [(item, [(p[1:], loc) for p, loc in relative if p[0] == i and len(p) > 1])
                          for i, item in enumerate(value)]
        else:
            self.error("SLS102", "a merge key `<<` takes a mapping or a list of mappings", top.path,
                       top.merge_loc, hint="for example `<<: *defaults`")

    def apply_merges(self, frame: _Frame) -> dict:
        """Merged keys first, earlier sources win; explicit keys always win and are never duplicates."""
        explicit = frame.container
        merged: dict = {}
        origin: dict = {}
        for index, (source, _) in enumerate(frame.merges):
            for key, value in source.items():
                if key not in explicit and key not in merged:
                    merged[key] = value
                    origin[key] = index
        merged.update(explicit)
        if frame.path is not None:
            for index, (_, relative) in enumerate(frame.merges):
                for suffix, loc in relative:
                    if _MERGE not in suffix and origin.get(suffix[0]) == index:
                        self.record(frame.path + suffix, loc)
        return merged

    # -- anchors and aliases ------------------------------------------------------------------

    def close_anchor(self, frame: _Frame, value: object) -> None:
        if frame.path is None:
            relative = []
        else:
            cut = len(frame.path)
            relative = [(path[cut:], loc) for path, loc in self.log[frame.log_start:]]
            relative = [(suffix, loc) for suffix, loc in relative if _MERGE not in suffix]
        if self.anchors.get(frame.anchor) is frame:  # not redefined inside itself
            self.anchors[frame.anchor] = (value, relative)
        self.end_capture()

    def end_capture(self) -> None:
        self.capturing -= 1
        if not self.capturing:
            self.log.clear()

    def alias_event(self, ev: AliasEvent, top: _Frame | None, depth: int) -> None:
        mark = ev.start_mark
        loc = (mark.line + 1, mark.column + 1)
        entry = self.anchors.get(ev.anchor)
        if isinstance(entry, _Frame):
            self.stop("SLS005", f"alias *{clip(ev.anchor)} refers to a value that contains it",
                      self.diag_path(top), loc, hint="an anchor cannot be used inside itself")
        if entry is None:
            self.error("SLS002", f"alias *{clip(ev.anchor)} has no anchor &{clip(ev.anchor)} before it",
                       self.diag_path(top), loc)
            value, relative = None, ()
        else:
            value, relative = entry
            try:
                value = self.copy(value, depth + 1)
            except _OverBudget:
                self.stop("SLS005", f"expanding alias *{clip(ev.anchor)} creates more than "
                          f"{MAX_ALIAS_NODES:,} values", self.diag_path(top), loc,
                          hint="repeated aliases multiply; write the values out or use `defaults`")
            except _TooDeep:
                self.stop("SLS007", f"the blueprint nests deeper than {MAX_DEPTH} levels", None, loc)
        if top is not None and top.key is _WANT_KEY:
            if isinstance(value, str):
                self.set_key(top, value, loc)
            else:
                self.error("SLS102", "mapping keys must be strings", top.path, loc)
                top.key = _DISCARD
            return
        path = self.child_path(top, loc)
        if path is not None:
            for suffix, sub_loc in relative:
                self.record(path + suffix, sub_loc)
        if top is None:  # a root alias: its anchor cannot exist, so it was reported above
            return
        if top.is_map:
            key = top.key
            if key.__class__ is str:
                top.container[key] = value
                top.key = _WANT_KEY
            else:
                self.special_value(top, value)
        else:
            top.container.append(value)

    def copy(self, value: object, depth: int) -> object:
        """A fresh copy of an anchored value, charged to the alias budget."""
        self.budget -= 1
        if self.budget < 0:
            raise _OverBudget
        kind = type(value)
        if kind is dict:
            if depth >= MAX_DEPTH:
                raise _TooDeep
            return {key: self.copy(item, depth + 1) for key, item in value.items()}
        if kind is list:
            if depth >= MAX_DEPTH:
                raise _TooDeep
            return [self.copy(item, depth + 1) for item in value]
        return value


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """Pure-Python event parser, used when PyYAML was built without libyaml."""

    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
