"""A tensor made on one device and kept in a module-level cache, read from the user's source (nothing runs):
the helper that made the stray operand memoises what it makes in a module-level dict keyed without the device
(`_PE_CACHE[(n_pos, dim)] = table`), so a tensor made in an earlier call on another device (a probe run under
`with torch.device("meta")`, a CPU warm-up) is handed back to every later call with the same key."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import module_defs, user_files

CACHED_ACROSS = fact("cached-across", "`helper` keeps what it makes in the module-level `cache`, keyed by `key` "
                                      "without the device, and hands a kept tensor back to later calls")
CACHED_UNDER_CONTEXT = fact("cached-under-context", "the user's code runs `with context:` in `context_fn` (line "
                            "`context_line`), where the tensors it makes go to `stray_device`")


def cached_across(ctx: Context, f: Finding) -> None:
    """Adds the cache's story to a finding whose stray operand a user helper made (`helper` value)."""
    helper = f.values.get("helper")
    if not helper:
        return
    for file in user_files(ctx):
        tree = src.tree_of(file)
        fn = next((n for n in src.nodes(tree, ast.FunctionDef) if n.name == helper.split(".")[-1]), None) \
            if tree is not None else None
        if fn is None:
            continue
        caches = {n for n, a in module_defs(tree).items() if isinstance(a.value, ast.Dict) and not a.value.keys
                  or isinstance(a.value, ast.Call) and src.call_name(a.value) == "dict" and not a.value.args}
        stores = [t for st in src.statements(fn) if isinstance(st, ast.Assign) for t in st.targets
                  if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in caches]
        returned = [r for r in src.nodes(fn, ast.Return) if r.value is not None and any(
            isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id in caches
            for n in ast.walk(r.value))]
        if len(stores) != 1 or not returned:
            continue
        key = stores[0].slice
        if "device" in ast.unparse(key):
            return
        if isinstance(key, ast.Name):
            made = src.last_assignment(tree, key.id, stores[0].lineno)
            key_text = src.segment(file, made.value) if made is not None else key.id
            if "device" in key_text:
                return
        else:
            key_text = src.segment(file, key)
        f.facts.add(CACHED_ACROSS)
        f.values.update(cache=stores[0].value.id, key=key_text)
        stray = str(f.values.get("stray_device") or "")
        for w in src.nodes(tree, ast.With):
            for item in w.items:
                text = ast.unparse(item.context_expr)
                if stray and f"'{stray}'" in text or stray == "meta" and "init_empty_weights" in text:
                    owner = src.enclosing_scope(tree, w.lineno)
                    f.facts.add(CACHED_UNDER_CONTEXT)
                    f.values.update(context=text, context_line=w.lineno,
                                    context_fn=getattr(owner, "name", "the module"))
                    return
        return
