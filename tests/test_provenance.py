"""Where the values come from: the user's lines that made the tensors of a diagnosis (helpers, renamed
arguments, DataLoader collate functions and datasets, `self.` attributes), shown in every output format."""
from __future__ import annotations

import textwrap

import pytest

import explainerr
from explainerr.render import render_plain


def explain_script(tmp_path, code: str, name: str = "script.py"):
    path = tmp_path / name
    source = textwrap.dedent(code)
    path.write_text(source)
    try:
        exec(compile(source, str(path), "exec"), {"__name__": "__main__", "__file__": str(path)})
    except Exception as e:  # noqa: BLE001 - the script is meant to fail
        return explainerr.explain(e)
    pytest.fail("the script did not fail")


def steps(report, expr: str) -> list[tuple[str, str]]:
    assert report.diagnosis is not None
    return [(o.function, o.source) for o in report.diagnosis.origins if o.expr == expr]


def test_mask_built_by_a_helper_shows_the_helper_lines(tmp_path):
    report = explain_script(tmp_path, """
        import torch
        WIDTH = 8

        def make_padding_mask(lengths):
            grid = torch.arange(WIDTH).unsqueeze(0)
            return (grid < lengths.unsqueeze(1)).float()

        def pool(states, pad_mask):
            return (states * pad_mask.unsqueeze(-1)).sum(1)

        lengths = torch.tensor([3, 5])
        states = torch.randn(2, 5, 4)
        pad_mask = make_padding_mask(lengths)
        pooled = pool(states, pad_mask)
    """)
    assert report.diagnosis.pattern == "mask-length-mismatch"
    assert steps(report, "pad_mask") == [
        ("<module>", "pad_mask = make_padding_mask(lengths)"),
        ("make_padding_mask", "grid = torch.arange(WIDTH).unsqueeze(0)"),
        ("make_padding_mask", "return (grid < lengths.unsqueeze(1)).float()"),
    ]
    text = render_plain(report)
    assert "Where the values come from:" in text
    assert "script.py:6 in make_padding_mask:  grid = torch.arange(WIDTH).unsqueeze(0)" in text
    assert report.to_dict()["diagnosis"]["origins"][0]["line"] == 14


def test_batch_from_a_dataloader_names_the_collate_function(tmp_path):
    report = explain_script(tmp_path, """
        import torch
        from torch.utils.data import DataLoader

        def pad_batch(rows):
            ids = torch.zeros(len(rows), 6, dtype=torch.long)
            return {"ids": ids, "keep_mask": torch.ones(len(rows), 9)}

        loader = DataLoader(list(range(4)), batch_size=2, collate_fn=pad_batch)
        emb = torch.nn.Embedding(10, 3)
        for batch in loader:
            vecs = emb(batch["ids"])
            weighted = vecs * batch["keep_mask"].unsqueeze(-1)
    """)
    assert report.diagnosis.pattern == "mask-length-mismatch"
    got = steps(report, 'batch["keep_mask"]')
    assert got[0] == ("<module>", "for batch in loader:")
    assert got[1] == ("<module>", "loader = DataLoader(list(range(4)), batch_size=2, collate_fn=pad_batch)")
    assert got[-1] == ("pad_batch", 'return {"ids": ids, "keep_mask": torch.ones(len(rows), 9)}')


def test_renamed_argument_and_the_line_that_cut_the_inputs(tmp_path):
    report = explain_script(tmp_path, """
        import torch

        class Tagger(torch.nn.Module):
            def __init__(self, limit=4):
                super().__init__()
                self.limit = limit
                self.emb = torch.nn.Embedding(20, 8)

            def forward(self, token_ids, attention_mask):
                token_ids = token_ids[:, : self.limit]
                states = self.emb(token_ids)
                return states.masked_fill(attention_mask.unsqueeze(-1) == 0, 0.0)

        batch_ids = torch.ones(2, 6, dtype=torch.long)
        batch_mask = torch.ones(2, 6, dtype=torch.long)
        out = Tagger()(batch_ids, batch_mask)
    """)
    assert report.diagnosis.pattern == "mask-length-mismatch"
    assert ("<module>", "Tagger()(batch_ids, batch_mask)") in steps(report, "attention_mask")
    assert ("forward", "token_ids = token_ids[:, : self.limit]") in steps(report, "states")


def test_dataset_getitem_is_named_without_a_collate_function(tmp_path):
    report = explain_script(tmp_path, """
        import torch
        from torch.utils.data import DataLoader, Dataset

        class Reviews(Dataset):
            def __len__(self):
                return 4

            def __getitem__(self, i):
                return torch.tensor([1, 2, 3]), torch.tensor(i + 1)

        loader = DataLoader(Reviews(), batch_size=4)
        head = torch.nn.Linear(3, 4)
        for ids, stars in loader:
            loss = torch.nn.functional.cross_entropy(head(ids.float()), stars)
    """)
    assert report.diagnosis.pattern == "label-out-of-range"
    got = steps(report, "stars")
    assert got[0] == ("<module>", "for ids, stars in loader:")
    assert got[-1] == ("Reviews.__getitem__", "return torch.tensor([1, 2, 3]), torch.tensor(i + 1)")


def test_origin_line_holding_a_credential_is_left_out(tmp_path):
    secret = "hf_" + "Zq9" * 8
    report = explain_script(tmp_path, f"""
        import torch

        def build(lengths, auth):
            return torch.ones(len(lengths), 7)

        states = torch.randn(2, 5, 4)
        pad_mask = build([1, 2], "{secret}")
        pooled = (states * pad_mask.unsqueeze(-1)).sum(1)
    """)
    assert report.diagnosis.pattern == "mask-length-mismatch"
    assert secret not in str(report.to_dict()["diagnosis"])
    assert all("build(" not in s for _, s in steps(report, "pad_mask"))
