"""Name registries filled on import (analyzers, fix builders), looked up by importing only what is needed.

A registry maps a name to a function; the modules of a package register their functions when imported.
`homes_of` records which module defines each name (stored with the compiled knowledge, compiled.py); `lookup`
then imports that module alone, and falls back to importing every module when the record is missing or out
of date (a name moved to another module), so a stale record can only cost time.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, MutableMapping


def lookup(registry: Mapping[str, Any], homes: MutableMapping[str, str], package: str, name: str,
           load_all: Callable[[], Mapping[str, Any]]) -> Any:
    found = registry.get(name)
    if found is not None:
        return found
    home = homes.get(name)
    if home and home.isidentifier():
        from importlib import import_module
        try:
            import_module(f"{package}.{home}")
        except ImportError:
            homes.pop(name, None)
        found = registry.get(name)
        if found is not None:
            return found
    return load_all()[name]


def homes_of(registry: Mapping[str, Any], package: str) -> dict[str, str]:
    out = {}
    for name, fn in registry.items():
        module = getattr(fn, "__module__", "") or ""
        head, _, tail = module.rpartition(".")
        if head == package and tail.isidentifier():
            out[name] = tail
    return out
