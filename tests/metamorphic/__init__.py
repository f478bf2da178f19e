"""Metamorphic tests of explainerr: the case corpus rewritten mechanically (the user's names renamed, the
module code wrapped in main(), a function moved into a class, the sizes and pad id changed, the failing
expression split in two) must keep its diagnosis and its working fix.

Modules: base (shared context and helpers), rename, restructure (main, method), sizes, split (the
transforms, on libcst trees), runner (one case in this process, scored pair by pair), pool (a corpus in
worker interpreters), report (the table, the failures, the thresholds), transform (`python -m
tests.metamorphic.transform`: one transform of one script), __main__ (`python -m tests.metamorphic PATH`).
"""
