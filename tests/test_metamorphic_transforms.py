"""The metamorphic transforms on their own (tests/metamorphic): each changes what it says, leaves alone what
comes from libraries, keeps what the script does (the transformed script prints the same), and says when a
script offers it nothing to change.  The scoring helpers: line mapping, failure context, rates, thresholds."""
from __future__ import annotations

import contextlib
import io
import textwrap

import pytest

from metamorphic import rename, report, restructure, sizes, split
from metamorphic.base import Context, NotApplicable
from metamorphic.runner import ORIGINAL, Pair, failure_context, map_line


def run(source: str) -> str:
    """What the script prints, run as __main__ in a fresh namespace."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<script>", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip()


SCRIPT = src('''
    import math
    from collections import Counter as Tally

    LIMIT = 3
    counter = 0


    class Box:
        size = 2

        def __init__(self, width, depth=1):
            self.width = width * depth

        def area(self, scale):
            return self.width * self.size * scale


    def bump():
        global counter
        counter += 1
        return counter


    def total(values, start=0):
        acc = start
        for v in values:
            acc += v
        return acc


    def outer():
        seen = 0

        def inner():
            nonlocal seen
            seen += 1
        inner()
        return seen


    box = Box(width=4, depth=2)
    words = Tally("aab")
    squares = [i * i for i in range(LIMIT)]
    bump()
    print(total(squares, start=1), box.area(scale=3), words["a"], math.floor(2.5), bump(), outer(), sorted(words))
''')


def test_rename_is_consistent_and_keeps_behaviour():
    out = rename.apply(SCRIPT)
    assert run(out) == run(SCRIPT)
    for gone in ("LIMIT", "counter", "Box", "bump", "total", "values", "acc", "squares", "box", "outer", "seen",
                 "inner", "width", "depth", "start"):
        assert gone not in out.replace("self.width", ""), gone
    assert "class C1:" in out and "def f1():" in out and "global v" in out and "nonlocal v" in out
    # library names, attributes, class attributes, methods, self and dunders stay
    for kept in ("import math", "Counter as Tally", "Tally(", "math.floor", "self.width", "size = 2", "def area(self",
                 "def __init__(self", "sorted(", "range("):
        assert kept in out, kept
    # a keyword argument of the script's own function or class follows its parameter
    assert "start=1" not in out and "width=4" not in out


def test_rename_keeps_a_parameter_a_caller_passes_by_keyword_through_an_object():
    script = src('''
        class Model:
            def forward(self, ids, mask=None):
                return ids if mask is None else ids * mask

        model = Model()
        print(model.forward(3, mask=2))
    ''')
    out = rename.apply(script)
    assert "def forward(self, v1, mask=None):" in out and "v2.forward(3, mask=2)" in out
    assert run(out) == run(script)


def test_rename_avoids_names_the_script_already_uses():
    script = "v1 = 1\nx = v1 + 1\nprint(x)\n"
    out = rename.apply(script)
    assert "v2 = 1" in out and run(out) == run(script)


def test_rename_with_nothing_of_the_scripts_own():
    with pytest.raises(NotApplicable):
        rename.apply("import math\nprint(math.pi)\n")


def test_main_wraps_the_module_code_and_keeps_globals_functions_read():
    out = restructure.wrap_main(SCRIPT)
    assert run(out) == run(SCRIPT)
    assert "def main():" in out and out.rstrip().endswith('if __name__ == "__main__":\n    main()')
    body = out.split("def main():")[1]
    assert "box = Box(width=4, depth=2)" in body
    # code before the last function or class stays at module level, in its place
    assert "LIMIT = 3\ncounter = 0" in out


def test_main_unwraps_an_existing_guard_and_declares_shared_globals():
    script = src('''
        def show():
            print(model)

        if __name__ == "__main__":
            model = "tiny"
            show()
    ''')
    out = restructure.wrap_main(script)
    assert 'def main():\n    global model\n    model = "tiny"\n    show()\n' in out
    assert out.count('if __name__ == "__main__":') == 1 and run(out) == run(script) == "tiny\n"


def test_main_with_code_that_is_already_a_main_call():
    with pytest.raises(NotApplicable):
        restructure.wrap_main("def main():\n    print(1)\n\n\nif __name__ == '__main__':\n    main()\n")


def test_method_moves_the_failing_function_and_its_uses():
    script = src('''
        def double(x):
            return 2 * x

        def fact(n):
            return 1 if n < 2 else n * fact(n - 1)

        print(list(map(double, [1, 2])), fact(4), double(5))
    ''')
    out = restructure.move_to_class(script, Context(stack=("fact",)))
    assert "class Helpers:\n    def fact(self, n):" in out and "helpers = Helpers()" in out
    assert "helpers.fact(n - 1)" in out and "helpers.fact(4)" in out and "def double(x)" in out
    assert run(out) == run(script)
    first_used = restructure.move_to_class(script)
    assert "def double(self, x)" in first_used and "map(helpers.double" in first_used
    assert run(first_used) == run(script)


def test_method_not_applicable():
    with pytest.raises(NotApplicable):
        restructure.move_to_class("x = 1\nprint(x)\n")
    with pytest.raises(NotApplicable):
        restructure.move_to_class("def f():\n    __hidden = 1\n    return __hidden\n\nf()\n")


def test_sizes_scale_sizes_and_move_the_pad_id():
    script = src('''
        import torch.nn as nn
        PAD_ID, UNK_ID = 0, 1
        MAX_LEN = 16
        NUM_LABELS = 4
        VOCAB_SIZE = 100

        def build(hidden=32, dim=-1):
            return nn.Linear(hidden, NUM_LABELS), nn.Embedding(VOCAB_SIZE, 24), nn.LSTM(24, 24)

        cfg = dict(hidden_size=32, num_attention_heads=2, max_position_embeddings=64, batch_size=4)
        x = [0] * 16
        y = softmax(x, dim=1)
    ''')
    out = sizes.apply(script)
    assert "PAD_ID, UNK_ID = 2, 1" in out  # the smallest id no other named id holds
    assert "MAX_LEN = 48" in out and "NUM_LABELS = 4" in out and "VOCAB_SIZE = 100" in out
    assert "def build(hidden=96, dim=-1)" in out
    assert "nn.Embedding(VOCAB_SIZE, 72), nn.LSTM(72, 72)" in out
    assert "hidden_size=96, num_attention_heads=2, max_position_embeddings=192, batch_size=12" in out
    assert "[0] * 48" in out and "dim=1" in out


def test_sizes_with_nothing_to_scale():
    with pytest.raises(NotApplicable):
        sizes.apply("NUM_LABELS = 3\nprint(NUM_LABELS)\n")


SPLIT = src('''
    def f(a, b):
        return a + b

    def g(x):
        return x * 2

    x = 3
    y = f(g(x + 1), x) * 2
    ok = x > 1 or g(f(x, x) + 1)
    print(y, ok)
''')


def test_split_hoists_the_largest_always_evaluated_subexpression():
    out = split.apply(SPLIT, Context(line=8))
    assert "tmp = f(g(x + 1), x)\ny = tmp * 2" in out and run(out) == run(SPLIT)
    # the right of `or` is evaluated only sometimes: the left side is what can go first
    out = split.apply(SPLIT, Context(line=9))
    assert "tmp = x > 1\nok = tmp or g(f(x, x) + 1)" in out and run(out) == run(SPLIT)


def test_split_whole_value_headers_and_lines_with_several_statements():
    script = "items = [1, 2]\nn = len(items)\nfor i in range(n): print(i)\na = 1; b = abs(a - 3)\nprint(b)\n"
    assert "tmp = len(items)\nn = tmp" in split.apply(script, Context(line=2))
    assert "tmp = range(n)\nfor i in tmp:" in split.apply(script, Context(line=3))
    out = split.apply(script, Context(line=4))
    assert "a = 1; tmp = a - 3; b = abs(tmp)" in out and run(out) == run(script)


def test_split_keeps_a_multiline_subexpression_in_parentheses():
    script = "def f(a, b):\n    return a\n\ny = f(1 +\n      2, 3)\nprint(y)\n"
    out = split.apply(script, Context(line=5))
    assert "tmp = (1 +\n      2)" in out and run(out) == run(script)


@pytest.mark.parametrize("script,line", [
    ("x = 0\nwhile x < abs(-3):\n    x += 1\n", 2),             # a while test runs each round
    ("x = 1\nif x > 2:\n    pass\nelif abs(x - 5) > 1:\n    pass\n", 4),  # nowhere to put it before an elif
    ("def f(a):\n    return a\n\nx = 1\nf(x)\n", 5),              # a bare call of names only
    ("import math\n", 1),
])
def test_split_not_applicable(script, line):
    with pytest.raises(NotApplicable):
        split.apply(script, Context(line=line))


def test_map_line_follows_inserted_and_changed_lines():
    old = "a\nb\nc\nd\n"
    assert map_line(3, old, "a\nnew\nb\nc\nd\n") == 4
    assert map_line(2, old, "a\nB\nc\nd\n") == 2
    assert map_line(None, old, old) is None


def test_failure_context_from_a_report():
    rep = {"exception": {"type": "IndexError"}, "frames": [
        {"file": "/t/job/case.py", "line": 30, "function": "<module>", "library": False},
        {"file": "/t/job/case.py", "line": 12, "function": "embed", "library": False},
        {"file": "/site-packages/torch/x.py", "line": 5, "function": "forward", "library": True}]}
    assert failure_context(rep) == ("IndexError", Context(line=12, stack=("embed",)))
    assert failure_context(None) == (None, Context())


def _pairs() -> list[Pair]:
    return [Pair("a", ORIGINAL, "pass", want="p"), Pair("a", "rename", "fail", "pattern none, want p", want="p"),
            Pair("a", "split", "pass", want="p"), Pair("b", ORIGINAL, "fail", "no edits", want="q"),
            Pair("b", "rename", "n/a", "case.py: nothing", want="q"), Pair("b", "split", "fail", "no edits", want="q")]


def test_rates_count_applicable_pairs_only():
    r = report.rates(_pairs())
    assert (r["rename"].applicable, r["rename"].passed, r["rename"].not_applicable, r["rename"].regressions) == \
        (1, 0, 1, 1)
    assert (r["split"].applicable, r["split"].passed, r["split"].rate, r["split"].regressions) == (2, 1, 0.5, 0)
    assert r["main"].rate is None
    assert "rename" in report.table(_pairs()) and "50.0%" in report.table(_pairs())


def test_failures_grouped_by_pattern_and_thresholds():
    text = report.failures(_pairs())
    assert text.index("== p") < text.index("a x rename [original passes]") < text.index("== q")
    assert "b x split [original fails too]" in text
    short = report.below_thresholds(_pairs(), {"split": {"rate": 0.6, "passed": 2, "applicable": 2},
                                               "rename": {"applicable": 2}})
    assert short == ["split: 1 passing pairs, at least 2 expected", "split: pass rate 50.0%, at least 60.0% "
                     "expected (1/2)", "rename: 1 applicable pairs, at least 2 expected"]
    assert report.below_thresholds(_pairs(), {"split": {"rate": 0.5, "passed": 1, "applicable": 2}}) == []
    # a corpus that grew: the new pairs may fail today, the passing count still holds the floor
    assert report.below_thresholds(_pairs(), {"split": {"rate": 0.9, "passed": 1, "applicable": 1}}) == []


def test_transform_command_prints_the_transformed_script(tmp_path, capsys):
    from metamorphic.transform import main
    case = tmp_path / "case.py"
    case.write_text('scores = {"a": 1}\nprint(scores["b"] + 1)\n')
    assert main(["--transform", "split", str(case)]) == 0
    assert capsys.readouterr().out == 'scores = {"a": 1}\ntmp = scores["b"] + 1\nprint(tmp)\n'
    assert main(["--transform", "method", str(case)]) == 3
    assert "no module-level function" in capsys.readouterr().err


def test_split_a_generator_argument_gets_its_own_parentheses():
    script = "seqs = [[1], [2, 3]]\nlongest = max(len(s) for s in seqs)\nprint(longest)\n"
    out = split.apply(script, Context(line=2))
    assert "tmp = (len(s) for s in seqs)\nlongest = max(tmp)" in out and run(out) == run(script)


def test_recorded_thresholds_are_met_by_the_run_they_come_from(tmp_path):
    path = tmp_path / "thresholds.yaml"
    report.record_thresholds(_pairs(), path)
    recorded = report.load_thresholds(path)
    assert recorded["split"] == {"rate": 0.5, "passed": 1, "applicable": 2}
    assert recorded["main"] == {"rate": 0.0, "passed": 0, "applicable": 0}
    assert report.below_thresholds(_pairs(), recorded) == []
    assert report.below_thresholds(_pairs()[:-1], recorded) == [
        "split: 1 applicable pairs, at least 2 expected"]
