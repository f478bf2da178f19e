"""Loads and checks the YAML knowledge base: the built-in files plus user knowledge packs.

Sources, in order: the built-in `knowledge/` folder shipped inside the package (`explainerr.knowledge`),
folders or files named in `EXPLAINERR_KNOWLEDGE` (os.pathsep-separated), and installed packs registered under
the entry-point group `explainerr.knowledge` (each entry point names a folder, or a callable returning one).
Files are read with `yaml.safe_load` only.  Every problem is reported as a KnowledgeError naming the file,
the pattern id and the key; `load_knowledge` keeps the built-in patterns working when a user pack is broken.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .model import Pattern

ENV_VAR = "EXPLAINERR_KNOWLEDGE"
ENTRY_POINT_GROUP = "explainerr.knowledge"
MAX_FILE_BYTES = 1 << 20
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
_KEYS = {"id", "pattern_id", "exception", "message", "when", "priority", "confidence", "title", "summary",
         "explain", "variants", "fix", "samples", "examples", "see_also"}
_REQUIRED = ("id", "exception", "message", "title", "summary", "explain", "fix", "samples")


@dataclass(frozen=True)
class KnowledgeError:
    file: str
    pattern: str | None
    key: str | None
    problem: str

    def __str__(self) -> str:
        where = self.file + (f": pattern {self.pattern!r}" if self.pattern else "") + (
            f": key {self.key!r}" if self.key else "")
        return f"{where}: {self.problem}"


class KnowledgeFileError(ValueError):
    def __init__(self, errors: list[KnowledgeError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def builtin_dir() -> Path:
    from importlib import resources
    try:
        return Path(str(resources.files("explainerr.knowledge")))
    except (ModuleNotFoundError, TypeError):
        return Path(__file__).resolve().parent.parent / "knowledge"


def _yaml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return []


def user_sources(environ: dict[str, str] | None = None) -> list[Path]:
    env = os.environ if environ is None else environ
    out = [Path(p) for p in env.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    try:
        from importlib.metadata import entry_points
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                target = ep.load()
                out.append(Path(target() if callable(target) else target))
            except Exception as e:  # a broken pack must not break explainerr
                out.append(Path(f"<entry point {ep.name}: {e}>"))
    except Exception:
        pass
    return out


def _check_template(errors: list[KnowledgeError], file: str, pid: str, key: str, text: Any) -> None:
    if not isinstance(text, str):
        errors.append(KnowledgeError(file, pid, key, "must be a string"))
        return
    for name in _PLACEHOLDER.findall(text):
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            errors.append(KnowledgeError(file, pid, key, f"placeholder {{{name}}} is not a plain name"))


def check_pattern(raw: Any, file: str, analyzers: Iterable[str], locators: Iterable[str]) -> tuple[
        Pattern | None, list[KnowledgeError]]:
    """Validate one pattern mapping; return the Pattern (None if unusable) and every problem found."""
    errors: list[KnowledgeError] = []
    if not isinstance(raw, dict):
        return None, [KnowledgeError(file, None, None, "each pattern must be a mapping")]
    pid = raw.get("id") if isinstance(raw.get("id"), str) else None
    for key in _REQUIRED:
        if key not in raw:
            errors.append(KnowledgeError(file, pid, key, "is required"))
    for key in raw:
        if key not in _KEYS:
            errors.append(KnowledgeError(file, pid, str(key), "is not a known key"))
    if pid is None or not _ID.match(pid):
        errors.append(KnowledgeError(file, pid, "id", "must be a kebab-case string"))
    pattern_id = raw.get("pattern_id", pid)
    if not isinstance(pattern_id, str) or not _ID.match(pattern_id):
        errors.append(KnowledgeError(file, pid, "pattern_id", "must be a kebab-case string"))
    exc = raw.get("exception")
    if not (isinstance(exc, list) and exc and all(isinstance(e, str) and e.isidentifier() for e in exc)):
        errors.append(KnowledgeError(file, pid, "exception", "must be a non-empty list of exception class names"))
    messages = raw.get("message")
    messages = [messages] if isinstance(messages, str) else messages
    if not (isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages)):
        errors.append(KnowledgeError(file, pid, "message", "must be a regex or a list of regexes"))
        messages = []
    for m in messages:
        try:
            rx = re.compile(m)
            if rx.groups != len(rx.groupindex) and re.search(r"\((?!\?)", m.replace(r"\(", "")):
                errors.append(KnowledgeError(file, pid, "message", f"regex {m!r} has unnamed groups"))
        except re.error as e:
            errors.append(KnowledgeError(file, pid, "message", f"regex {m!r} does not compile: {e}"))
    when = raw.get("when", [])
    known = set(analyzers)
    if not (isinstance(when, list) and all(isinstance(w, str) for w in when)):
        errors.append(KnowledgeError(file, pid, "when", "must be a list of names"))
        when = []
    for w in when:
        if w not in known:
            errors.append(KnowledgeError(file, pid, "when", f"unknown condition {w!r}; known: {sorted(known)}"))
    priority = raw.get("priority", 50)
    if type(priority) is not int:
        errors.append(KnowledgeError(file, pid, "priority", "must be an integer"))
    confidence = raw.get("confidence", "high")
    if confidence not in ("high", "medium", "low"):
        errors.append(KnowledgeError(file, pid, "confidence", "must be high, medium or low"))
    for key in ("title", "summary", "explain"):
        if key in raw:
            _check_template(errors, file, pid or "?", key, raw[key])
    variants = raw.get("variants", {})
    if not isinstance(variants, dict):
        errors.append(KnowledgeError(file, pid, "variants", "must be a mapping of name to text"))
        variants = {}
    for k, v in variants.items():
        _check_template(errors, file, pid or "?", f"variants.{k}", v)
    fix = raw.get("fix", {})
    locate = None
    if not isinstance(fix, dict) or not {"description", "code"} <= set(fix):
        errors.append(KnowledgeError(file, pid, "fix", "must be a mapping with description and code"))
        fix = {}
    else:
        _check_template(errors, file, pid or "?", "fix.description", fix["description"])
        _check_template(errors, file, pid or "?", "fix.code", fix["code"])
        locate = fix.get("locate")
        if locate is not None and locate not in set(locators):
            errors.append(KnowledgeError(file, pid, "fix.locate", f"unknown locator {locate!r}"))
    samples = raw.get("samples", [])
    if not (isinstance(samples, list) and samples and all(
            isinstance(s, dict) and isinstance(s.get("message"), str) for s in samples)):
        errors.append(KnowledgeError(file, pid, "samples", "must be a non-empty list of {message, torch}"))
        samples = []
    if errors:
        return None, errors
    return Pattern(
        id=pattern_id, exceptions=tuple(exc), message="\n".join(messages), title=raw["title"],
        summary=raw["summary"], explain=raw["explain"], fix_description=fix["description"],
        fix_code=fix["code"], when=tuple(when), locate=locate, priority=priority, confidence=confidence,
        source=f"{file}#{pid}", samples=tuple(samples), examples=tuple(raw.get("examples") or ()),
        see_also=tuple(raw.get("see_also") or ()), variants=dict(variants)), []


def load_file(path: Path) -> tuple[list[Pattern], list[KnowledgeError]]:
    import yaml  # lazy: only when knowledge is needed

    from .analyzers import load_all
    from .fix import LOCATORS
    file = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [], [KnowledgeError(file, None, None, f"file is larger than {MAX_FILE_BYTES} bytes")]
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        return [], [KnowledgeError(file, None, None, f"cannot read: {e}")]
    except yaml.YAMLError as e:
        return [], [KnowledgeError(file, None, None, f"not valid YAML: {e}")]
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        return [], [KnowledgeError(file, None, "patterns", "the file must be a mapping with a 'patterns' list")]
    out, errors = [], []
    analyzers, locators = load_all(), LOCATORS
    for raw in data["patterns"]:
        p, errs = check_pattern(raw, file, analyzers, locators)
        errors.extend(errs)
        if p is not None:
            out.append(p)
    return out, errors


def check_sources(paths: Iterable[Path], seen_ids: dict[str, str] | None = None) -> tuple[
        list[Pattern], list[KnowledgeError]]:
    """Load every YAML file under `paths`; rule ids must be unique across all of them."""
    patterns: list[Pattern] = []
    errors: list[KnowledgeError] = []
    ids = dict(seen_ids or {})
    for root in paths:
        files = _yaml_files(root)
        if not files:
            errors.append(KnowledgeError(str(root), None, None, "no such knowledge file or folder"))
        for f in files:
            ps, errs = load_file(f)
            errors.extend(errs)
            for p in ps:
                rule = p.source.rsplit("#", 1)[-1]
                if rule in ids:
                    errors.append(KnowledgeError(str(f), rule, "id", f"duplicate id, also in {ids[rule]}"))
                    continue
                ids[rule] = str(f)
                patterns.append(p)
    return patterns, errors


_CACHE: dict[tuple[Any, ...], tuple[list[Pattern], list[KnowledgeError]]] = {}


def load_knowledge() -> tuple[list[Pattern], list[KnowledgeError]]:
    """Built-in patterns plus user packs (cached on the files' paths and mtimes).  A broken built-in file is
    an error of explainerr itself and raises; a broken user pack is returned as errors and skipped."""
    builtin = _yaml_files(builtin_dir())
    users = user_sources()
    key = tuple((str(p), p.stat().st_mtime if p.exists() else 0) for p in builtin + users)
    if key in _CACHE:
        return _CACHE[key]
    patterns, errors = check_sources([builtin_dir()])
    if errors:
        raise KnowledgeFileError(errors)
    seen = {p.source.rsplit("#", 1)[-1]: p.source.split("#")[0] for p in patterns}
    extra, user_errors = check_sources(users, seen) if users else ([], [])
    result = (extra + patterns, user_errors)
    _CACHE[key] = result
    return result
