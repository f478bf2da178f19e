"""Fixes derived from the facts of the script at hand, each on a small script of its own (other names and code
shapes than the corpus cases that led to them): the edit goes where the facts point, applying it makes the
script run, and where the facts point elsewhere the rule stays out."""
from __future__ import annotations

import textwrap

from corpus_runner import run_case


def _run(tmp_path, pattern: str, code: str):
    res = run_case(tmp_path, script=textwrap.dedent(code), meta={"pattern": pattern})
    assert res.got == pattern, res.stderr
    return res


def _edited_lines(res) -> list[str]:
    return [e["replacement"].strip() for e in res.edits]


_TAGGER = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Tagger(nn.Module):
        def __init__(self, n_feat, n_tags):
            super().__init__()
            self.rnn = nn.GRU(n_feat, 16, batch_first=True)
            self.out = nn.Linear(16, n_tags)

        def forward(self, x):
            h, _ = self.rnn(x)
            return self.out(h)

    def accuracy(scores, gold):
        return (scores.{read} == gold).float().mean().item()

    torch.manual_seed(0)
    net = Tagger(3, 5)
    x, y = torch.randn(4, 12, 3), torch.randint(0, 5, (4, 12))
    scores = net(x)
    loss = F.cross_entropy(scores, y)
    print(loss.item(), accuracy(scores, y))
"""


def test_classes_read_at_dimension_1_elsewhere_move_in_the_models_forward(tmp_path):
    res = _run(tmp_path, "class-dim-misplaced", _TAGGER.replace("{read}", "argmax(dim=1)"))
    # the accuracy helper reads the classes at dimension 1 too: flattening at the loss would leave it wrong
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["return self.out(h).transpose(1, 2)"]


def test_a_reader_with_the_classes_last_keeps_the_fix_at_the_loss(tmp_path):
    # once a line reads the classes last, the model's layout is what the script expects: no edit of forward
    res = _run(tmp_path, "class-dim-misplaced", _TAGGER.replace("{read}", "argmax(dim=-1)"))
    assert not any("transpose" in line and "return" in line for line in _edited_lines(res))
    assert res.fixed, res.fix_error


def test_a_hand_written_count_beside_the_list_it_counts_becomes_len_of_the_list(tmp_path):
    res = _run(tmp_path, "hidden-size-mismatch", """
        import torch
        import torch.nn as nn

        SENSORS = ["flow", "pressure", "turbidity", "ph"]
        EXTRA = 3

        def features(rows):
            return torch.tensor([[row[s] for s in SENSORS] for row in rows])

        rows = [{s: float(i + j) for j, s in enumerate(SENSORS)} for i in range(6)]
        head = nn.Sequential(nn.Linear(EXTRA, 8), nn.ReLU(), nn.Linear(8, 1))
        print(head(features(rows)).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["EXTRA = len(SENSORS)"]


def test_a_class_map_numbered_from_one_split_walks_every_split_given_beside_it(tmp_path):
    res = _run(tmp_path, "label-out-of-range", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Rows:
            def __init__(self, rows, ids):
                self.rows, self.ids = rows, ids

            def labels(self):
                for r in self.rows:
                    self.ids.setdefault(r["kind"], len(self.ids))
                return torch.tensor([self.ids[r["kind"]] for r in self.rows])

        fit_rows = [{"kind": k} for k in "abcab"]
        held_rows = [{"kind": k} for k in "abde"]
        kind_ids = {}
        for r in fit_rows:
            if r["kind"] not in kind_ids:
                kind_ids[r["kind"]] = len(kind_ids)
        n_kinds = len(kind_ids)
        clf = nn.Linear(4, n_kinds)
        fit_set, held_set = Rows(fit_rows, kind_ids), Rows(held_rows, kind_ids)
        for part in (fit_set, held_set):
            y = part.labels()
            loss = F.cross_entropy(clf(torch.randn(len(y), 4)), y)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res)[0].startswith("for r in [*fit_rows, *held_rows]:")


def test_a_padding_collate_the_script_never_passes_is_given_where_the_builder_is_called(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.nn.utils.rnn import pad_sequence
        from torch.utils.data import DataLoader

        def stack_padded(items):
            return pad_sequence(items, batch_first=True)

        def make_loader(data, batch=4, collate_fn=None):
            return DataLoader(data, batch_size=batch, collate_fn=collate_fn)

        tracks = [torch.randn(n) for n in (5, 3, 7, 2, 6, 4)]
        loader = make_loader(tracks)
        for b in loader:
            print(b.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["loader = make_loader(tracks, collate_fn=stack_padded)"]


def test_a_token_the_module_adds_before_its_position_table_grows_the_table_by_one(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        import torch.nn as nn

        SPAN = 10

        class Encoder(nn.Module):
            def __init__(self, dim=8, span=SPAN):
                super().__init__()
                self.summary = nn.Parameter(torch.zeros(1, 1, dim))
                self.where = nn.Embedding(span, dim)
                self.proj = nn.Linear(2, dim)

            def forward(self, steps):
                h = self.proj(steps)
                h = torch.cat([self.summary.expand(h.size(0), -1, -1), h], dim=1)
                at = torch.arange(h.size(1))
                return h + self.where(at)

        print(Encoder()(torch.randn(3, SPAN, 2)).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["self.where = nn.Embedding(span + 1, dim)"]
    assert "adds a token" in res.stderr


def test_a_window_slice_that_fills_the_table_leaves_room_for_the_token_put_before_it(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        import torch.nn as nn

        CONTEXT = 16
        START = 1
        table = nn.Embedding(CONTEXT, 4)
        words = nn.Embedding(50, 4)
        history = list(range(2, 40))
        window = [START] + history[-CONTEXT:]
        ids = torch.tensor([window])
        out = words(ids) + table(torch.arange(ids.size(1)))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["window = [START] + history[-(CONTEXT - 1):]"]


def test_labels_without_a_zero_are_not_called_1_based_when_few_of_many_classes_are_seen(tmp_path):
    res = _run(tmp_path, "label-out-of-range", """
        import torch
        import torch.nn.functional as F

        torch.manual_seed(0)
        scores = torch.randn(8, 300)
        labels = torch.tensor([40, 300, 77, 120, 250, 19, 88, 160])
        loss = F.cross_entropy(scores, labels)
    """)
    assert "1-based" not in res.stderr

