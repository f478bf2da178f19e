"""Loads and checks the YAML knowledge base: the built-in files plus user knowledge packs.

Sources, in order: the built-in `knowledge/` folder shipped inside the package (`explainerr.knowledge`),
folders or files named in `EXPLAINERR_KNOWLEDGE` (os.pathsep-separated), and installed packs registered under
the entry-point group `explainerr.knowledge` (each entry point names a folder, or a callable returning one).
Files are read with `yaml.safe_load` only (no tag constructs an object), are at most 1 MB and 500 patterns each,
and every message regex is compiled by `compile_message_regex` with RE2 (google-re2), an engine whose matching
time is linear in the message (no backtracking: `(a|aa)*b` cannot hang), so a user pack cannot run code or make
the hook hang; a regex RE2 refuses (a backreference, a lookaround) is a pack error.  A user pattern may not reuse
a built-in id.  Every problem is reported as a KnowledgeError naming the file, the pattern id and the key;
`load_knowledge` keeps the built-in patterns working when a user pack is broken.

Each file is checked once: `knowledge()` loads the built-in knowledge and every pack from their compiled form
(compiled.py) when it is still valid, checks what changed, and keeps the result for the process;
`check_sources` always checks in full (check-knowledge, tests).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .model import Pattern, Sentence, Text

ENV_VAR = "EXPLAINERR_KNOWLEDGE"
ENTRY_POINT_GROUP = "explainerr.knowledge"
MAX_FILE_BYTES = 1 << 20
MAX_PATTERNS_PER_FILE = 500
MAX_REGEX_CHARS = 1000
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
_KEYS = {"id", "pattern_id", "exception", "message", "when", "priority", "confidence", "title", "summary",
         "explain", "variants", "fix", "samples", "examples", "see_also", "text"}
_TEXT_KEYS = {"when", "summary", "explain", "confidence", "fix", "unchecked"}
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
    """The built-in YAML folder: the `explainerr.builtin_knowledge` package of an installed wheel (the source
    tree's top-level `knowledge/`, mapped by an editable install), else `knowledge/` beside the package."""
    try:
        from . import builtin_knowledge  # type: ignore[attr-defined]
        return Path(list(builtin_knowledge.__path__)[0])
    except (ImportError, AttributeError, IndexError):
        return Path(__file__).resolve().parent.parent / "knowledge"


def _yaml_files(path: Path) -> list[Path]:
    # regular files only: a FIFO or device named *.yaml would block or never end
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return []


def user_sources(environ: dict[str, str] | None = None) -> list[Path]:
    env = os.environ if environ is None else environ
    out = [Path(p) for p in env.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    return out + list(_installed_packs())


@lru_cache(maxsize=1)
def _installed_packs() -> tuple[Path, ...]:
    """Folders registered under the entry-point group, looked up once per process (the entry points
    themselves come from knowledge_cache.entry_points: scanning every installed distribution costs ~10 ms)."""
    out: list[Path] = []
    try:
        from .knowledge_cache import entry_points
        for ep in entry_points(ENTRY_POINT_GROUP):
            try:
                target = ep.load()
                out.append(Path(target() if callable(target) else target))
            except Exception as e:  # a broken pack must not break explainerr
                out.append(Path(f"<entry point {ep.name}: {e}>"))
    except Exception:
        pass
    return tuple(out)


class RegexRefused(ValueError):
    """A message regex the linear-time engine does not accept (the text says why)."""


@lru_cache(maxsize=1024)
def compile_message_regex(regex: str) -> Any:
    """The one place knowledge regexes are compiled: RE2 (google-re2), built-in and pack regexes alike.

    RE2 matches in time linear in the text, whatever the pattern, which Python's backtracking `re` cannot
    promise.  It has no backreferences and no lookarounds; named groups `(?P<name>...)` work as in `re`.
    Raises RegexRefused with the engine's reason."""
    if len(regex) > MAX_REGEX_CHARS:
        raise RegexRefused(f"is longer than {MAX_REGEX_CHARS} characters")
    import re2  # lazy: only once knowledge is loaded
    options = re2.Options()
    options.log_errors = False  # the refusal is reported as a pack error, not logged on stderr
    try:
        return re2.compile(regex, options)
    except re2.error as e:
        why = e.args[0] if e.args else e
        why = why.decode("utf-8", "replace") if isinstance(why, bytes) else str(why)
        raise RegexRefused(f"is not accepted by the linear-time regex engine (RE2: {why}); backreferences and "
                           "lookarounds are not available") from None


def message_regexes(pattern: Pattern) -> tuple[Any, ...]:
    """The compiled message regexes of a loaded pattern (each one was compiled once when it was checked)."""
    return tuple(compile_message_regex(rx) for rx in pattern.message.split("\n"))


def _check_template(errors: list[KnowledgeError], file: str, pid: str, key: str, text: Any,
                    facts: set[str] | None = None) -> Text:
    """A template (wording.py): a string or a list of sentences with `if`/`unless` fact names."""
    from .wording import conditions, parse
    parsed, problem = parse(text)
    if parsed is None:
        errors.append(KnowledgeError(file, pid, key, problem or "is not a template"))
        return ()
    for s in parsed:
        for name in _PLACEHOLDER.findall(s.say):
            if not re.fullmatch(r"[A-Za-z_]\w*", name):
                errors.append(KnowledgeError(file, pid, key, f"placeholder {{{name}}} is not a plain name"))
    if facts is not None:
        for name in sorted(conditions(parsed) - facts):
            errors.append(KnowledgeError(file, pid, key, f"unknown fact {name!r} in if/unless; known: "
                                                          f"{sorted(facts)}"))
    return parsed


def check_pattern(raw: Any, file: str, analyzers: Iterable[str], locators: Iterable[str],
                  known_facts: Iterable[str] = ()) -> tuple[Pattern | None, list[KnowledgeError]]:
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
            rx = compile_message_regex(m)
        except RegexRefused as e:
            errors.append(KnowledgeError(file, pid, "message", f"regex {m[:200]!r} {e}"))
            continue
        if rx.groups != len(rx.groupindex):
            errors.append(KnowledgeError(file, pid, "message", f"regex {m[:200]!r} has unnamed groups"))
        if "\n" in m:
            errors.append(KnowledgeError(file, pid, "message", f"regex {m[:200]!r} holds a line break; use \\n"))
    known = set(analyzers)
    when = _check_when(errors, file, pid, "when", raw.get("when", []), known)
    priority = raw.get("priority", 50)
    if type(priority) is not int:
        errors.append(KnowledgeError(file, pid, "priority", "must be an integer"))
    confidence = raw.get("confidence", "medium")
    if confidence not in ("high", "medium", "low"):
        errors.append(KnowledgeError(file, pid, "confidence", "must be high, medium or low"))
    variants = raw.get("variants", {})
    if not isinstance(variants, dict) or not all(isinstance(k, str) for k in variants):
        errors.append(KnowledgeError(file, pid, "variants", "must be a mapping of name to text"))
        variants = {}
    facts = set(known_facts) | set(variants)
    texts: dict[str, Text] = {}
    for key in ("title", "summary", "explain"):
        if key in raw:
            texts[key] = _check_template(errors, file, pid or "?", key, raw[key], facts)
    for k, v in variants.items():  # a variant is a sentence that needs the finding named k
        if not isinstance(v, str):
            errors.append(KnowledgeError(file, pid, f"variants.{k}", "must be a string"))
            continue
        texts["explain"] = texts.get("explain", ()) + (Sentence(say=v.strip(), needs=(k,)),)
    fix = raw.get("fix", {})
    locate = None
    if not isinstance(fix, dict) or not {"description", "code"} <= set(fix):
        if "fix" in raw:  # a missing fix is already reported as a required key
            errors.append(KnowledgeError(file, pid, "fix", "must be a mapping with description and code"))
        fix = {}
    else:
        for key in ("description", "code"):
            texts[f"fix.{key}"] = _check_template(errors, file, pid or "?", f"fix.{key}", fix[key], facts)
        locate = fix.get("locate")
        if locate is not None and locate not in set(locators):
            errors.append(KnowledgeError(file, pid, "fix.locate", f"unknown locator {locate!r}"))
    samples = raw.get("samples", [])
    if not (isinstance(samples, list) and samples and all(
            isinstance(s, dict) and isinstance(s.get("message"), str) for s in samples)):
        errors.append(KnowledgeError(file, pid, "samples", "must be a non-empty list of {message, torch}"))
        samples = []
    _check_examples(errors, file, pid, raw.get("examples", []))
    text = _check_text(errors, file, pid, raw.get("text"), known, facts)
    if errors:
        return None, errors
    return Pattern(
        id=pattern_id, exceptions=tuple(exc), message="\n".join(messages), title=texts["title"],
        summary=texts["summary"], explain=texts["explain"], fix_description=texts["fix.description"],
        fix_code=texts["fix.code"], when=tuple(when), locate=locate, priority=priority, confidence=confidence,
        source=f"{file}#{pid}", samples=tuple(samples), examples=tuple(raw.get("examples") or ()),
        see_also=tuple(raw.get("see_also") or ()), text=text), []


def _check_when(errors: list[KnowledgeError], file: str, pid: str | None, key: str, when: Any,
                known: set[str]) -> list[str]:
    """A list of condition names, each from explainerr's vocabulary."""
    if not (isinstance(when, list) and all(isinstance(w, str) for w in when)):
        errors.append(KnowledgeError(file, pid, key, "must be a list of names"))
        return []
    for w in when:
        if w not in known:
            errors.append(KnowledgeError(file, pid, key, f"unknown condition {w!r}; known: {sorted(known)}"))
    return when


def _check_examples(errors: list[KnowledgeError], file: str, pid: str | None, examples: Any) -> None:
    """`examples:` a list of {name, code, fixed, requires}: code that fails with this pattern, and its fix."""
    if not isinstance(examples, list):
        errors.append(KnowledgeError(file, pid, "examples", "must be a list of {name, code, fixed}"))
        return
    for i, ex in enumerate(examples):
        key = f"examples[{i}]"
        if not isinstance(ex, dict):
            errors.append(KnowledgeError(file, pid, key, "must be a mapping with code and fixed"))
            continue
        for k in ex:
            if k not in ("name", "code", "fixed", "requires"):
                errors.append(KnowledgeError(file, pid, f"{key}.{k}", "is not a known key"))
        for k in ("code", "fixed"):
            if not isinstance(ex.get(k), str):
                errors.append(KnowledgeError(file, pid, f"{key}.{k}", "is required and must be Python source"))
            else:
                try:
                    compile(ex[k], f"{file}#{pid}.{key}.{k}", "exec")
                except SyntaxError as e:
                    errors.append(KnowledgeError(file, pid, f"{key}.{k}", f"does not parse: {e.msg} (line {e.lineno})"))
        if ex.get("requires") not in (None, "cuda"):
            errors.append(KnowledgeError(file, pid, f"{key}.requires", "must be 'cuda' when given"))


def _check_text(errors: list[KnowledgeError], file: str, pid: str | None, text: Any,
                known: set[str], facts: set[str]) -> dict[str, Any] | None:
    """The optional `text:` block: how to explain the error from a pasted traceback alone."""
    if text is None:
        return None
    if not isinstance(text, dict):
        errors.append(KnowledgeError(file, pid, "text", "must be a mapping"))
        return None
    for key in text:
        if key not in _TEXT_KEYS:
            errors.append(KnowledgeError(file, pid, f"text.{key}", "is not a known key"))
    out = dict(text)
    for key in ("summary", "explain"):
        if key not in text:
            errors.append(KnowledgeError(file, pid, f"text.{key}", "is required"))
        else:
            out[key] = _check_template(errors, file, pid or "?", f"text.{key}", text[key], facts)
    _check_when(errors, file, pid, "text.when", text.get("when", []), known)
    if text.get("confidence", "medium") not in ("high", "medium", "low"):
        errors.append(KnowledgeError(file, pid, "text.confidence", "must be high, medium or low"))
    fix = text.get("fix")
    if fix is not None:
        if not isinstance(fix, dict) or not {"description", "code"} <= set(fix):
            errors.append(KnowledgeError(file, pid, "text.fix", "must be a mapping with description and code"))
        else:
            out["fix"] = {k: _check_template(errors, file, pid or "?", f"text.fix.{k}", fix[k], facts)
                          for k in ("description", "code")}
    unchecked = text.get("unchecked", [])
    if not (isinstance(unchecked, list) and all(isinstance(u, str) for u in unchecked)):
        errors.append(KnowledgeError(file, pid, "text.unchecked", "must be a list of strings"))
    return out


def read_file(path: Path) -> tuple[bytes | None, list[KnowledgeError]]:
    """The file's bytes (at most MAX_FILE_BYTES), or None and the problem."""
    file = str(path)
    too_big = [KnowledgeError(file, None, None, f"file is larger than {MAX_FILE_BYTES} bytes")]
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, too_big
        with open(path, "rb") as f:
            raw_bytes = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return None, [KnowledgeError(file, None, None, f"cannot read: {e}")]
    return (None, too_big) if len(raw_bytes) > MAX_FILE_BYTES else (raw_bytes, [])


def load_file(path: Path) -> tuple[list[Pattern], list[KnowledgeError]]:
    raw, errors = read_file(path)
    return ([], errors) if raw is None else check_bytes(str(path), raw)


def check_bytes(file: str, raw_bytes: bytes) -> tuple[list[Pattern], list[KnowledgeError]]:
    """Check the YAML text of `file` (its bytes as read)."""
    import yaml  # lazy: only when knowledge is checked

    from .analyzers import FACTS, load_all
    from .fixes import load_all as load_locators
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        return [], [KnowledgeError(file, None, None, f"cannot read: {e}")]
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # safe_load, in C if it can
    except yaml.constructor.ConstructorError as e:
        return [], [KnowledgeError(file, None, None, f"refused: YAML tags that construct objects are not allowed "
                                                     f"(only plain YAML is read, with yaml.safe_load): {e}")]
    except yaml.YAMLError as e:
        return [], [KnowledgeError(file, None, None, f"not valid YAML: {e}")]
    except (RecursionError, MemoryError, ValueError) as e:
        return [], [KnowledgeError(file, None, None, f"not usable YAML: {type(e).__name__}: {e}")]
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        return [], [KnowledgeError(file, None, "patterns", "the file must be a mapping with a 'patterns' list")]
    if len(data["patterns"]) > MAX_PATTERNS_PER_FILE:
        return [], [KnowledgeError(file, None, "patterns", f"has {len(data['patterns'])} patterns; at most "
                                                            f"{MAX_PATTERNS_PER_FILE} are allowed per file")]
    out, errors = [], []
    analyzers, locators = load_all(), load_locators()
    for raw in data["patterns"]:
        p, errs = check_pattern(raw, file, analyzers, locators, FACTS)
        errors.extend(errs)
        if p is not None:
            out.append(p)
    return out, errors


def check_sources(paths: Iterable[Path], seen_ids: dict[str, str] | None = None) -> tuple[
        list[Pattern], list[KnowledgeError]]:
    """Load every YAML file under `paths`; rule ids must be unique across all of them, and (unless `paths`
    holds the built-in folder, or `seen_ids` is given) must not reuse a built-in id."""
    kb = gather(paths, seen_ids, checked_unit)
    return kb.patterns(), kb.errors


def checked_unit(path: Path) -> Any:
    """One file checked in full, as a compiled.Unit."""
    from .compiled import unit_of
    patterns, errors = load_file(path)
    return unit_of(patterns, errors, [str(path)])


def gather(paths: Iterable[Path], seen_ids: dict[str, str] | None, read: Any) -> Any:
    """The compiled.Knowledge of every YAML file under `paths`, each read into a unit by `read(path)`."""
    from .compiled import Knowledge
    from .safety import check_deadline
    paths = list(paths)
    if seen_ids is None and not any(_same_path(p, builtin_dir()) for p in paths):
        builtin, _ = check_sources([builtin_dir()], {})
        seen_ids = {p.source.rsplit("#", 1)[-1]: f"the built-in {p.source.split('#')[0]}" for p in builtin}
    kb = Knowledge(seen_ids)
    for root in paths:
        files = _yaml_files(root)
        if not files:
            kb.errors.append(KnowledgeError(str(root), None, None, "no such knowledge file or folder"))
        for f in files:
            check_deadline()
            kb.add(read(f), [str(f)])
    return kb


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def _stamp(p: Path) -> tuple[int, int]:
    try:
        st = p.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return 0, 0


_CACHE: dict[tuple[Any, ...], Any] = {}


def knowledge() -> Any:
    """The compiled.Knowledge of this process: the built-in patterns, then the user packs' (each file loaded
    from its compiled form when that is still valid, else checked and cached: knowledge_cache.py).  Kept
    while no file changes.  A broken built-in file raises KnowledgeFileError; a broken pack's problems are
    the knowledge's `errors`, and its broken patterns are skipped."""
    from .knowledge_cache import builtin_unit, pack_unit
    folder = builtin_dir()
    builtin = _yaml_files(folder)
    users = user_sources()
    user_files = [f for root in users for f in [root, *_yaml_files(root)]]
    key = tuple((str(p), _stamp(p)) for p in builtin + user_files)
    if key in _CACHE:
        return _CACHE[key]
    from .compiled import Knowledge
    unit = builtin_unit(folder, builtin)
    base = Knowledge({})
    base.add(unit, [str(folder / name) for name in unit.files])
    if base.errors:
        raise KnowledgeFileError(base.errors)
    kb = gather(users, dict(base.ids), pack_unit)
    kb.entries += base.entries
    _CACHE.clear()
    _CACHE[key] = kb
    return kb


def load_knowledge() -> tuple[list[Pattern], list[KnowledgeError]]:
    """Built-in patterns plus user packs: every pattern (user packs' first) and the packs' problems."""
    kb = knowledge()
    return kb.patterns(), kb.errors
