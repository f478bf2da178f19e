"""Where the compiled knowledge (compiled.py) is kept, under which keys, and when it is checked again.

- The built-in knowledge of an installed wheel: `compiled.jsonl` beside its YAML files, written when the wheel
  is built (setup.py), keyed by the YAML files' contents and explainerr's version.
- Otherwise (a source tree, an editable install, every user pack): the cache folder, `EXPLAINERR_CACHE_DIR`,
  else `$XDG_CACHE_HOME/explainerr`, else `~/.cache/explainerr` (`EXPLAINERR_CACHE_DIR=off` turns it off).
  A unit there is keyed by the SHA-256 of the YAML's contents, explainerr's version and the stamps (size,
  modification time) of explainerr's code, so an edited file, an upgrade or an edited analyzer or fix
  builder each get the knowledge checked again.  One unit holds the built-in files, one each pack file
  (keyed by its content alone: its path is filled in when it is loaded).

Cache files are read only from a folder this user owns and no one else can write to (created with mode 0700),
and written atomically; a unit that is missing, stale or corrupt is checked again and rewritten; when the folder
cannot be written (a read-only home), the knowledge is checked in every process and nothing is written.
Entry points of installed packs are cached too, keyed by the distributions found on `sys.path`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import __version__
from .compiled import FORMAT, Unit, dumps_unit, loads_unit, registry_homes, unit_of

ENV_CACHE = "EXPLAINERR_CACHE_DIR"
SHIPPED = "compiled.jsonl"
#: Cache files kept per kind; older ones are removed when a new one is written.
MAX_CACHED = 32
_OFF = ("off", "0", "no", "false", "none")


def builtin_unit(folder: Path, files: Sequence[Path]) -> Unit:
    """The built-in knowledge: shipped with a wheel, else cached, else checked (a problem raises
    KnowledgeFileError) and cached."""
    from .compiled import Knowledge
    from .knowledge import KnowledgeFileError, check_bytes
    contents = [(f.name, f.read_bytes()) for f in files]
    unit = loads_unit(_read(folder / SHIPPED), key_of(contents, code=False))
    if unit is not None:
        return unit
    key = key_of(contents, code=True)
    unit = read_cached("builtin", key)
    if unit is not None:
        return unit
    kb = Knowledge({})
    for f, (_, data) in zip(files, contents):
        patterns, errors = check_bytes(str(f), data)
        kb.add(unit_of(patterns, errors, [str(f)]), [str(f)])
    if kb.errors:
        raise KnowledgeFileError(kb.errors)
    unit = unit_of(kb.patterns(), [], [str(f) for f in files], [f.name for f in files], registry_homes())
    write_cached("builtin", key, unit)
    return unit


def pack_unit(path: Path) -> Unit:
    """One user pack file: cached by its content (a file that cannot be read is not cached)."""
    from .knowledge import check_bytes, read_file
    data, errors = read_file(path)
    if data is None:
        return unit_of([], errors, [str(path)])
    key = key_of([("pack", data)], code=True)
    unit = read_cached("pack", key)
    if unit is None:
        patterns, errors = check_bytes(str(path), data)
        unit = unit_of(patterns, errors, [str(path)], homes=registry_homes())
        write_cached("pack", key, unit)
    return unit


def write_shipped(folder: Path) -> None:
    """Check the built-in YAML files in `folder` and write the unit a wheel ships (a problem raises)."""
    from .knowledge import _yaml_files, check_sources
    files = _yaml_files(folder)
    patterns, errors = check_sources([folder], {})
    if errors:
        from .knowledge import KnowledgeFileError
        raise KnowledgeFileError(errors)
    unit = unit_of(patterns, [], [str(f) for f in files], [f.name for f in files], registry_homes())
    (folder / SHIPPED).write_bytes(dumps_unit(unit, key_of([(f.name, f.read_bytes()) for f in files], code=False)))


def key_of(contents: Iterable[tuple[str, bytes]], code: bool) -> str:
    """The key of a unit: the format, explainerr's version, the files' names and contents and, with `code`,
    the stamps of explainerr's own code (see `code_stamp`)."""
    import hashlib
    h = hashlib.sha256(f"explainerr knowledge {FORMAT} {__version__}\0".encode())
    if code:
        h.update(code_stamp().encode("utf-8", "replace"))
    for name, data in contents:
        h.update(f"\0{name}\0{len(data)}\0".encode("utf-8", "replace"))
        h.update(data)
    return h.hexdigest()


def code_stamp() -> str:
    """Where explainerr's code is, and the size and modification time of each of its .py files: what a check
    of the knowledge depends on besides the YAML (the analyzers, fix builders and facts it may name)."""
    root = os.path.dirname(os.path.abspath(__file__))
    start = len(root) + 1
    out = [root]
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                for e in sorted(it, key=lambda e: e.name):
                    if e.name.endswith(".py") and e.is_file():
                        st = e.stat()
                        out.append(f"{e.path[start:]}:{st.st_size}:{st.st_mtime_ns}")
                    elif e.is_dir() and not e.name.startswith((".", "_")):
                        todo.append(e.path)
        except OSError:
            out.append(f"{folder}:unreadable")
    return "\n".join(out)


def cache_dir(environ: dict[str, str] | None = None) -> str | None:
    """The cache folder (see the module docstring), or None when it is turned off or there is no home."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_CACHE, "").strip()
    if chosen.lower() in _OFF:
        return None
    if chosen:
        return os.path.abspath(chosen)
    xdg = env.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "explainerr")
    home = os.path.expanduser("~")
    return None if home == "~" else os.path.join(home, ".cache", "explainerr")


def _private(folder: str) -> bool:
    """A folder only this user can write to (the owner check is skipped where there are no POSIX owners)."""
    import stat
    try:
        st = os.stat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or (st.st_uid == getuid() and not st.st_mode & 0o022)


def _read(path: Path | str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def _load(kind: str, key: str) -> bytes:
    """The cache file of this kind and key (b"" when there is none, or the folder is not private)."""
    folder = cache_dir()
    if folder is None or not _private(folder):
        return b""
    return _read(os.path.join(folder, f"{kind}-{key[:40]}.jsonl"))


def _store(kind: str, key: str, data: bytes) -> bool:
    """Write a cache file atomically into the folder (created private); False when it cannot be written."""
    folder = cache_dir()
    if folder is None:
        return False
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _private(folder):
            return False
        _write_atomic(os.path.join(folder, f"{kind}-{key[:40]}.jsonl"), data)
        _prune(folder, kind)
        return True
    except OSError:
        return False


def read_cached(kind: str, key: str) -> Unit | None:
    return loads_unit(_load(kind, key), key)


def write_cached(kind: str, key: str, unit: Unit) -> bool:
    """Cache the unit; False when it is not (no folder, read-only, not private, a pattern the encoding
    cannot carry exactly): the knowledge is then checked again in the next process."""
    from .compiled import Unencodable
    try:
        data = dumps_unit(unit, key)
    except (Unencodable, UnicodeError):
        return False
    return _store(kind, key, data)


def _write_atomic(path: str, data: bytes) -> None:
    import tempfile
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prune(folder: str, kind: str) -> None:
    """Keep the MAX_CACHED newest units of this kind."""
    found = []
    with os.scandir(folder) as it:
        for e in it:
            if e.name.startswith(f"{kind}-") and e.name.endswith(".jsonl"):
                found.append((e.stat().st_mtime_ns, e.path))
    for _, path in sorted(found)[:-MAX_CACHED]:
        try:
            os.unlink(path)
        except OSError:
            pass


def entry_points(group: str) -> list[Any]:
    """The installed entry points of `group`, from the cache while the distributions on `sys.path` stay the
    same (see `distribution_stamps`)."""
    import json
    from importlib.metadata import EntryPoint
    key = key_of([(group, "\n".join(distribution_stamps()).encode("utf-8", "replace"))], code=False)
    try:
        found = json.loads(_load("entry-points", key) or b"null")
        if type(found) is dict and found["key"] == key and all(
                type(x) is list and len(x) == 2 and all(type(s) is str for s in x) for x in found["points"]):
            return [EntryPoint(name, value, group) for name, value in found["points"]]
    except (ValueError, KeyError, TypeError):
        pass
    from importlib.metadata import entry_points as scan
    points = list(scan(group=group))
    _store("entry-points", key, json.dumps({"key": key, "points": [[p.name, p.value] for p in points]}).encode())
    return points


_DIST_SUFFIXES = (".dist-info", ".egg-info")


def distribution_stamps() -> list[str]:
    """What the installed entry points depend on, in `sys.path` order: the modification time of each folder
    that holds a distribution (installing or removing one changes it) and of each zip or egg file.  A folder
    without any distribution counts for nothing, so the script's own folder (first on sys.path, different for
    every project, changed by every file a run writes) does not make the installed packs be looked up again."""
    import sys
    out = []
    for p in sys.path:
        folder = p or "."
        try:
            with os.scandir(folder) as it:
                if not any(e.name.lower().endswith(_DIST_SUFFIXES) for e in it):
                    continue
        except NotADirectoryError:
            pass
        except OSError:
            continue
        try:
            out.append(f"{p}:{os.stat(folder).st_mtime_ns}")
        except OSError:
            pass
    return out
