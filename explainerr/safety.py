"""What explainerr may read from a live value, what it may show, and how long it may take.

Reads that never run user code: `instance_dict`, `dict_items`, `type_name`, `is_subclass` go through the
C-level descriptors of `type`, `dict` and `object` directly, so a value's `__getattribute__`, `__getattr__`,
`__class__`, `__dict__` property, metaclass, `__eq__`/`__hash__`/`__bool__`/`__len__`/`__iter__` or a dict
subclass's overridden methods are never called.

What may be shown: `is_secret_name` / `looks_secret` decide which plain values (strings above all) stay out of
the Report, so no token, password or key reaches any output format or `--report` file.

How long: the analysis deadline (`EXPLAINERR_DEADLINE_MS`, default 2000) is a budget of explainerr's own CPU
time (the analysing thread's `time.thread_time`), so a machine loaded by other work does not cut explanations
short; a wall-clock cap `WALL_FACTOR` times larger stops an analysis that waits instead of computing.  It is
checked cooperatively in every loop whose length depends on the input (the work between two checks is bounded
by the size caps of each stage); `check_deadline` raises `AnalysisTimeout` (a BaseException, so no broad
`except Exception` in an analyzer swallows it).  The clocks are `cpu_clock` and `wall_clock`, looked up at
each check so tests can replace them.  While an analysis runs, Python's cyclic garbage collector is paused
(and resumed when the outermost one ends, unless it was off already): a collection in the middle would run
the `__del__` methods and weakref callbacks of the user's objects, and the first explanation in a process,
which imports explainerr's modules, would spend part of its time collecting.
This module imports only the standard library.
"""
from __future__ import annotations

import gc
import itertools
import os
import re
import threading
import time
import types
from typing import Any, Iterator

DEFAULT_DEADLINE_MS = 2000.0
#: The wall-clock cap is this many times the CPU budget.
WALL_FACTOR = 5.0

_local = threading.local()
_type_mro = type.__dict__["__mro__"].__get__
_type_ns = type.__dict__["__dict__"].__get__
_type_name = type.__dict__["__name__"].__get__
_DICT_DESCRIPTORS = (types.GetSetDescriptorType, types.MemberDescriptorType)

cpu_clock = time.thread_time
wall_clock = time.monotonic


class AnalysisTimeout(BaseException):
    """The analysis ran past its deadline (raised by `check_deadline`)."""


def deadline_ms(environ: Any = None) -> float | None:
    """The configured CPU budget in ms (EXPLAINERR_DEADLINE_MS); None when it is 0 or negative (no deadline)."""
    raw = (os.environ if environ is None else environ).get("EXPLAINERR_DEADLINE_MS", "")
    try:
        ms = float(raw) if raw.strip() else DEFAULT_DEADLINE_MS
    except ValueError:
        ms = DEFAULT_DEADLINE_MS
    return ms if ms > 0 else None


def start_deadline(ms: float | None) -> Any:
    """Start a budget of `ms` of this thread's CPU time (and WALL_FACTOR times that of wall time) for an
    analysis; returns a token for `end_deadline`.  A budget started inside another one never ends later
    than the outer one."""
    previous = getattr(_local, "end", None)
    if previous is None:
        _local.exact_keys = {}  # dicts whose keys were checked, for the length of this analysis
    pause_collection()
    if ms is None:
        end = previous
    else:
        end = (cpu_clock() + ms / 1000.0, wall_clock() + WALL_FACTOR * ms / 1000.0)
        if previous is not None:
            end = (min(end[0], previous[0]), min(end[1], previous[1]))
    _local.end = end
    return previous


def end_deadline(token: Any) -> None:
    _local.end = token
    if token is None:
        _local.exact_keys = None
    resume_collection()


def pause_collection() -> None:
    """Pause the cyclic garbage collector for an analysis (nested ones count: see the module docstring)."""
    depth = getattr(_local, "gc_depth", 0)
    if depth == 0:
        _local.gc_was_on = gc.isenabled()
        gc.disable()
    _local.gc_depth = depth + 1


def resume_collection() -> None:
    """End one `pause_collection`; the outermost turns the collector back on if it was on before."""
    depth = getattr(_local, "gc_depth", 0)
    if depth <= 0:
        return
    _local.gc_depth = depth - 1
    if depth == 1 and _local.gc_was_on:
        gc.enable()


def check_deadline() -> None:
    """Raise AnalysisTimeout when this thread's analysis budget is spent (a no-op outside an analysis)."""
    end = getattr(_local, "end", None)
    if end is not None and (cpu_clock() > end[0] or wall_clock() > end[1]):
        raise AnalysisTimeout()


# --- reads that never run user code ------------------------------------------------------------------


def is_subclass(value: object, classes: type | tuple[type, ...]) -> bool:
    """isinstance() without the `__class__` fallback lookup (which would run a hostile __getattribute__)."""
    try:
        return issubclass(type(value), classes)
    except Exception:
        return False


def type_name(value: object) -> str:
    """The name of value's class, read without the metaclass's __getattribute__."""
    try:
        return str(_type_name(type(value)))
    except Exception:
        return "object"


def instance_dict(obj: object) -> dict[str, Any] | None:
    """obj's instance `__dict__` when its class gets it from the C-level slot (never a user property)."""
    cls = type(obj)
    try:
        for klass in _type_mro(cls):
            ns = _type_ns(klass)
            if "__dict__" in ns:
                descr = ns["__dict__"]
                if type(descr) not in _DICT_DESCRIPTORS:
                    return None
                d = descr.__get__(obj, cls)
                return d if type(d) is dict else None
    except Exception:
        return None
    return None


def as_dict(value: object) -> dict[Any, Any] | None:
    """value itself when it is a dict (or a dict subclass, read through dict's own methods only)."""
    return value if is_subclass(value, dict) else None  # type: ignore[return-value]


def dict_items(d: dict[Any, Any], limit: int) -> Iterator[tuple[Any, Any]]:
    """At most `limit` items of a dict (or subclass) without calling overridden methods or copying it."""
    return itertools.islice(dict.items(d), limit)


def dict_items_ends(d: dict[Any, Any], first: int, last: int) -> Iterator[tuple[Any, Any]]:
    """The first `first` and the last `last` items of a dict, in order (a frame with 100,000 locals is read
    at both ends: its parameters, and the names assigned just before the failure)."""
    n = dict.__len__(d)
    if n <= first + last:
        return itertools.islice(dict.items(d), n)
    tail = list(itertools.islice(reversed(dict.items(d)), last))
    return itertools.chain(itertools.islice(dict.items(d), first), reversed(tail))


#: Dicts larger than this are not checked key by key; lookups in them scan the first MAX_SCANNED_ITEMS.
MAX_CHECKED_KEYS = 200_000
MAX_SCANNED_ITEMS = 2_000


def _exact_str_keys(d: dict[Any, Any]) -> bool:
    """Whether every key of `d` is an exact str.  Only then is `dict.get(d, "name")` free of user code: a
    stored key of a str subclass with the same hash would have its own `__eq__` called by the lookup."""
    memo = getattr(_local, "exact_keys", None)
    n = dict.__len__(d)
    if memo is not None:
        known = memo.get(id(d))
        if known is not None and known[0] == n:
            return known[1]
    result = n <= MAX_CHECKED_KEYS
    if result:
        for k in dict.keys(d):
            if type(k) is not str:
                result = False
                break
    if memo is not None:
        memo[id(d)] = (n, result)
    return result


def dict_get(d: dict[Any, Any], key: str, default: Any = None) -> Any:
    """d[key] (or `default`) for a dict or dict subclass, without running any user code: no overridden
    method of the dict, no `__eq__` of a key."""
    if _exact_str_keys(d):
        return dict.get(d, key, default)
    for k, v in itertools.islice(dict.items(d), MAX_SCANNED_ITEMS):
        if type(k) is str and k == key:
            return v
    return default


_MISSING = object()


def dict_has(d: dict[Any, Any], key: str) -> bool:
    return dict_get(d, key, _MISSING) is not _MISSING


def frame_locals(frame: types.FrameType) -> dict[str, Any]:
    """The frame's locals as a dict; a custom mapping (exec with a user mapping, a metaclass __prepare__)
    is never read, since its methods are user code."""
    try:
        f_locals = frame.f_locals
    except Exception:
        return {}
    return f_locals if is_subclass(f_locals, dict) else {}


def frame_globals(frame: types.FrameType) -> dict[str, Any] | None:
    g = frame.f_globals
    return g if is_subclass(g, dict) else None


def sub_dict(d: dict[str, Any], key: str) -> dict[Any, Any]:
    """d[key] when it is an exact dict (a module's `_modules` / `_parameters`), else an empty dict."""
    v = dict_get(d, key)
    return v if type(v) is dict else {}


# --- what may be shown -------------------------------------------------------------------------------

#: Name parts that mark a secret whatever the value's type.
SECRET_PARTS = frozenset({
    "password", "passwd", "pwd", "passphrase", "secret", "secrets", "credential", "credentials", "creds",
    "auth", "authorization", "apikey", "bearer", "cookie", "cookies", "jwt", "oauth", "private", "privkey",
    "signature", "ssn", "otp"})
#: Name parts that mark a secret only when the value is a string (`token_type_ids`, `key_states`, `pad_token`
#: as ints or tensors are ordinary ML names).
STRING_SECRET_PARTS = frozenset({"token", "tokens", "key", "keys", "pass", "pat", "sid", "session", "hf", "sk"})
_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SECRET_PREFIX = re.compile(r"^(hf_|sk-|sk_|rk_|pk_|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[abpors]-|"
                            r"AKIA|ASIA|AIza|ya29\.|eyJ|-----BEGIN|Bearer |Basic )")
_HEX = re.compile(r"^[0-9a-fA-F]{24,}$")
MAX_SHOWN_STRING = 40


def name_parts(name: str) -> list[str]:
    """`hfToken` → ['hf', 'token'], `API_KEY` → ['api', 'key'], `input_ids` → ['input', 'ids']."""
    return [p.lower() for p in _PARTS.findall(name)]


def is_secret_name(name: str, value: object = None) -> bool:
    parts = name_parts(name)
    if any(p in SECRET_PARTS for p in parts) or "apikey" in "".join(parts):
        return True
    stringy = type(value) in (str, bytes, bytearray)
    return stringy and any(p in STRING_SECRET_PARTS for p in parts)


def looks_secret(text: str) -> bool:
    """A string shaped like a credential: a known token prefix, a long hex string, or a long run without
    spaces that mixes upper case, lower case and digits."""
    if _SECRET_PREFIX.match(text) or _HEX.match(text):
        return True
    if len(text) >= 12 and not any(c.isspace() for c in text):
        return any(c.isupper() for c in text) and any(c.islower() for c in text) and (
            sum(c.isdigit() for c in text) >= 2)
    return False


def showable_string(name: str, value: str) -> bool:
    """Whether a string local may enter the Report: short, not secret-named, not credential-shaped."""
    return len(value) <= MAX_SHOWN_STRING and value.isprintable() and not is_secret_name(name, value) and (
        not looks_secret(value))


def showable_key(key: object) -> bool:
    """Whether a dict key may appear in an expression such as `batch["input_ids"]`."""
    return type(key) is str and 0 < len(key) <= 64 and re.fullmatch(r"[\w .:/-]+", key) is not None and (
        not looks_secret(key))
