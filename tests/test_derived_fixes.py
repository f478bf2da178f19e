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



_MONTHS = """
    import torch

    def month_of(stamp):
        year, month = {parse}
        return year, month

    stamps = ["2024-01-15", "2024-06-30", "2024-12-02"]
    per_month = torch.zeros(12)
    for stamp in stamps:
        _, m = month_of(stamp)
        per_month[m] += 1
    print(per_month.sum().item())
"""


def test_a_number_read_from_text_that_reaches_the_size_counts_from_zero_where_it_is_read(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", _MONTHS.replace("{parse}", "int(stamp[:4]), int(stamp[5:7])"))
    assert res.report["diagnosis"]["confidence"] == "medium"
    # the helper returns a tuple built inline: follow the tuple item, not the whole result
    assert _edited_lines(res) == ["year, month = int(stamp[:4]), int(stamp[5:7]) - 1"]
    assert res.fixed, res.fix_error


def test_a_number_made_by_arithmetic_is_not_called_counted_from_one(tmp_path):
    # `int(len(stamp) / 10 * 12)` makes a number rather than reading one: no claim about counting from one
    res = run_case(tmp_path, script=textwrap.dedent(_MONTHS.replace("{parse}", "0, int(len(stamp) / 10 * 12)")),
                   meta={"pattern": "loop-out-of-bounds"})
    said = res.report["diagnosis"] or {}
    assert "count from one" not in f"{said.get('summary')} {said.get('explanation')} {said.get('title')}"


def test_a_dataset_built_without_the_length_option_its_sibling_gets_is_given_it(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader, Dataset

        WIDTH = 6

        class Clips(Dataset):
            def __init__(self, clips, pad_to=None):
                self.clips, self.pad_to = clips, pad_to

            def __len__(self):
                return len(self.clips)

            def __getitem__(self, k):
                c = self.clips[k][: self.pad_to] if self.pad_to else self.clips[k]
                if self.pad_to:
                    c = c + [0] * (self.pad_to - len(c))
                return torch.tensor(c)

        def score(dl):
            return sum(float(x.float().mean()) for x in dl)

        fit = Clips([[1, 2, 3], [4, 5], [6]], pad_to=WIDTH)
        held = Clips([[1, 2], [3, 4, 5, 6], [7]])
        print(score(DataLoader(fit, batch_size=3)))
        held_dl = DataLoader(held, batch_size=3)
        print(score(held_dl))
    """)
    assert _edited_lines(res) == ["held = Clips([[1, 2], [3, 4, 5, 6], [7]], pad_to=WIDTH)"]
    assert res.fixed, res.fix_error


def test_a_mask_sized_by_a_setting_in_the_collate_follows_the_longest_row_it_fills(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        import torch
        import torch.nn as nn
        from torch.nn.utils.rnn import pad_sequence

        SETTINGS = {"max_items": 7}

        def gather(examples):
            cap = SETTINGS["max_items"]
            hide = torch.ones(len(examples), cap, dtype=torch.bool)
            for r, ex in enumerate(examples):
                hide[r, :len(ex)] = False
            return pad_sequence(examples, batch_first=True), hide

        att = nn.MultiheadAttention(4, 1, batch_first=True)
        feats, hide = gather([torch.randn(3, 4), torch.randn(5, 4)])
        out, _ = att(feats, feats, feats, key_padding_mask=hide)
        print(out.shape)
    """)
    assert _edited_lines(res) == ['cap = max(len(ex) for ex in examples)']
    assert res.fixed, res.fix_error


def test_float_ids_from_a_numpy_buffer_a_helper_returns_are_made_integers_there(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        import numpy as np
        import torch
        import torch.nn as nn

        class Bag(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(20, 4)

            def forward(self, tokens, weights):
                return (self.emb(tokens) * weights.unsqueeze(-1)).sum(1)

        def to_grid(rows, width):
            grid = np.zeros((len(rows), width))
            for r, row in enumerate(rows):
                grid[r, :len(row)] = row
            return torch.from_numpy(grid), torch.ones(len(rows), width)

        toks, w = to_grid([[1, 2], [3]], 3)
        batch = {"tokens": toks, "weights": w}
        print(Bag()(**batch).shape)
    """)
    assert res.report["diagnosis"]["confidence"] == "high"
    assert _edited_lines(res) == ["grid = np.zeros((len(rows), width), dtype=np.int64)"]
    assert res.fixed, res.fix_error


def test_a_class_switch_that_starts_the_ids_at_one_is_turned_off_by_default(tmp_path):
    res = _run(tmp_path, "label-out-of-range", """
        from dataclasses import dataclass
        import torch
        import torch.nn.functional as F

        @dataclass
        class Tags:
            names: list
            skip_background: bool = True

            @property
            def ids(self):
                shift = 1 if self.skip_background else 0
                return {n: k + shift for k, n in enumerate(self.names)}

        tags = Tags(["road", "roof", "tree", "water"])
        gold = torch.tensor([tags.ids[n] for n in ["road", "tree", "water", "roof", "water"]])
        scores = torch.randn(5, len(tags.names))
        print(F.cross_entropy(scores, gold).item())
    """)
    assert _edited_lines(res) == ["skip_background: bool = False"]
    assert res.fixed, res.fix_error


def test_an_item_padded_only_when_shorter_is_cut_when_longer(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        import torch.nn.functional as F
        from torch.utils.data import DataLoader, Dataset

        class Beats(Dataset):
            def __init__(self, series, span):
                self.series, self.span = series, span

            def __len__(self):
                return len(self.series)

            def __getitem__(self, k):
                x = torch.tensor(self.series[k], dtype=torch.float32)
                if x.shape[0] < self.span:
                    x = F.pad(x, (0, self.span - x.shape[0]))
                return x

        data = Beats([[1.0] * 5, [2.0] * 9, [3.0] * 4], span=6)
        for batch in DataLoader(data, batch_size=3):
            print(batch.shape)
    """)
    assert _edited_lines(res)[-1].split("\n")[-1].strip() == "x = x[..., :self.span]"
    assert res.fixed, res.fix_error


def test_a_mask_from_its_own_tokenizer_call_is_padded_like_the_ids(tmp_path):
    vocab = tmp_path / "v.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b", "c", "d"]) + "\n")
    res = _run(tmp_path, "mask-length-mismatch", f"""
        import torch
        from transformers import BertConfig, BertModel, BertTokenizer

        tok = BertTokenizer({str(vocab)!r})
        LIMIT = 12
        docs = ["a b", "a b c d a", "c"]
        ids = tok(docs, padding="max_length", truncation=True, max_length=LIMIT, return_tensors="pt").input_ids
        attention = lambda texts: tok(texts, padding=True, return_tensors="pt").attention_mask
        net = BertModel(BertConfig(vocab_size=8, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                   intermediate_size=16, max_position_embeddings=16))
        print(net(input_ids=ids, attention_mask=attention(docs)).last_hidden_state.shape)
    """)
    assert res.fixed, res.fix_error
    assert any("max_length=LIMIT" in line and "attention_mask" in line for line in _edited_lines(res))


def test_a_position_table_sized_below_the_cut_the_inputs_get_follows_the_cut(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        from transformers import BertConfig, BertModel

        class Hp:
            train_steps = 20
            longest = 64

        class Reader(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.body = BertModel(BertConfig(vocab_size=4, hidden_size=8, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=16,
                                                 max_position_embeddings=Hp.train_steps))

            def forward(self, x):
                return self.body(inputs_embeds=x).last_hidden_state

        series = torch.randn(1, 50, 8)[:, : Hp.longest]
        print(Reader()(series).shape)
    """)
    assert len(res.edits) == 1 and "max_position_embeddings=Hp.longest" in res.edits[0]["replacement"]
    assert res.fixed, res.fix_error


def test_frames_counted_past_what_unfold_makes_are_counted_as_unfold_does(tmp_path):
    res = _run(tmp_path, "label-length-mismatch", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        SIZE, STEP = 50, 25

        def n_windows(length):
            return 1 + length // STEP

        sig = torch.randn(1000)
        windows = sig.unfold(0, SIZE, STEP)
        head = nn.Linear(SIZE, 1)
        tags = torch.zeros(n_windows(sig.shape[0]))
        print(F.binary_cross_entropy_with_logits(head(windows).squeeze(-1), tags).item())
    """)
    assert _edited_lines(res) == ["return 1 + (length - SIZE) // STEP"]
    assert res.fixed, res.fix_error


def test_a_size_taken_as_the_largest_value_gets_one_more_for_position_zero(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import numpy as np
        import torch

        visits = np.array([3, 0, 5, 2])
        width = max(visits)
        seen = torch.zeros(len(visits), width)
        for row, v in enumerate(visits):
            seen[row, v] = 1.0
        print(seen.sum())
    """)
    assert _edited_lines(res) == ["width = max(visits) + 1"]
    assert res.fixed, res.fix_error


def test_an_unknown_bucket_at_the_maps_length_is_a_vocabulary_overflow(tmp_path):
    res = _run(tmp_path, "token-id-out-of-vocab", """
        import torch
        import torch.nn as nn

        class Lookup:
            def __init__(self, keys):
                self.names = sorted(set(keys))
                self.index = {k: i for i, k in enumerate(self.names)}

            def __call__(self, k):
                return self.index.get(k, len(self.names))

        shops = Lookup(["north", "south", "east"])
        table = nn.Embedding(len(shops.names), 4)
        ids = torch.tensor([shops(s) for s in ["north", "west"]])
        print(table(ids).shape)
    """)
    assert "len(shops.names)" in " ".join(_edited_lines(res)) and "+ 1" in " ".join(_edited_lines(res))
    assert res.fixed, res.fix_error


def test_float_id_columns_of_a_helper_with_a_dtype_parameter_ask_it_for_long(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        import numpy as np
        import torch
        import torch.nn as nn

        def as_t(a, dtype=None):
            t = torch.from_numpy(np.ascontiguousarray(a))
            return t if dtype is None else t.to(dtype)

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.b = nn.Embedding(5, 2), nn.Embedding(7, 2)

            def forward(self, feats):
                return torch.cat([self.a(feats["shop"]), self.b(feats["item"])], -1)

        def columns(grid):
            return {"shop": as_t(grid[:, 0]), "item": as_t(grid[:, 1]), "price": as_t(grid[:, 2])}

        grid = np.array([[1, 2, 0.5], [3, 6, 0.1]], dtype=np.float32)
        print(Net()(columns(grid)).shape)
    """)
    edited = " ".join(_edited_lines(res))
    assert 'as_t(grid[:, 0], dtype=torch.long)' in edited and 'as_t(grid[:, 1], dtype=torch.long)' in edited
    assert 'as_t(grid[:, 2], dtype' not in edited
    assert res.fixed, res.fix_error


def test_windows_started_up_to_the_end_of_a_signal_stop_where_a_whole_one_fits(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader

        def chunks(sig, n, hop):
            for s in range(0, len(sig), hop):
                yield sig[s:s + n]

        pieces = list(chunks(torch.arange(20.0), 8, 4))
        for batch in DataLoader(pieces, batch_size=6):
            print(batch.shape)
    """)
    assert _edited_lines(res) == ["for s in range(0, len(sig) - n + 1, hop):"]
    assert res.fixed, res.fix_error


def test_a_keyword_only_dtype_parameter_of_the_helper_is_asked_for_long_too(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        import numpy as np
        import torch
        import torch.nn as nn

        def as_t(a, *, dtype=None):
            t = torch.from_numpy(np.ascontiguousarray(a))
            return t if dtype is None else t.to(dtype)

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.b = nn.Embedding(5, 2), nn.Embedding(7, 2)

            def forward(self, feats):
                return torch.cat([self.a(feats["shop"]), self.b(feats["item"])], -1)

        def columns(grid):
            return {"shop": as_t(grid[:, 0]), "item": as_t(grid[:, 1]), "price": as_t(grid[:, 2])}

        grid = np.array([[1, 2, 0.5], [3, 6, 0.1]], dtype=np.float32)
        print(Net()(columns(grid)).shape)
    """)
    edited = " ".join(_edited_lines(res))
    assert 'as_t(grid[:, 0], dtype=torch.long)' in edited and 'as_t(grid[:, 1], dtype=torch.long)' in edited
    assert res.fixed, res.fix_error


def test_a_label_map_left_at_its_default_while_the_settings_hold_another_value_gets_the_setting(tmp_path):
    res = _run(tmp_path, "label-out-of-range", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        DEFAULT_GRAIN = "fine"

        class Settings:
            grain = "coarse"
            epochs = 1

            @property
            def n_classes(self):
                return 3 if self.grain == "coarse" else 5

        def make_label_index(grain=DEFAULT_GRAIN):
            names = ["neg", "neu", "pos"] if grain == "coarse" else ["vneg", "neg", "neu", "pos", "vpos"]
            return {n: i for i, n in enumerate(names)}

        def run(settings: Settings):
            label_index = make_label_index()
            head = nn.Linear(6, settings.n_classes)
            gold = ["neg", "pos", "neu", "pos"]
            y = torch.tensor([label_index[g] for g in gold])
            for _ in range(settings.epochs):
                loss = F.cross_entropy(head(torch.randn(4, 6)), y)
                print(loss.item())

        run(Settings())
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["label_index = make_label_index(grain=settings.grain)"]


def test_ids_padded_to_the_longest_beside_a_mask_helper_given_a_width_are_padded_to_that_width(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        from pathlib import Path

        import torch
        import torch.nn as nn
        from transformers import BertTokenizer

        WORDS = ["alpha", "beta", "gamma", "delta", "eps"]
        vocab = Path("vocab.txt")
        vocab.write_text("\\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\\n")
        tok = BertTokenizer(str(vocab))
        CFG = {"width": 12}

        def keep_mask(word_lists, width):
            m = torch.zeros(len(word_lists), width)
            for r, ws in enumerate(word_lists):
                m[r, :min(len(ws) + 2, width)] = 1
            return m

        def encode(texts, cfg):
            enc = tok(texts, padding="longest", return_tensors="pt")
            return enc["input_ids"], keep_mask([t.split() for t in texts], cfg["width"])

        emb = nn.Embedding(tok.vocab_size, 8)
        ids, mask = encode(["alpha beta", "gamma delta eps beta"], CFG)
        pooled = (emb(ids) * mask.unsqueeze(-1)).sum(1)
        print(pooled.shape)
    """)
    assert res.fixed, res.fix_error
    assert any('padding="max_length", max_length=cfg["width"], truncation=True' in line
               for line in _edited_lines(res)), res.edits


def test_a_sum_counting_a_whole_enum_where_the_part_is_built_over_a_slice_of_it_counts_the_slice(tmp_path):
    res = _run(tmp_path, "hidden-size-mismatch", """
        from enum import Enum

        import torch
        import torch.nn as nn

        class Band(Enum):
            RED = 0
            GREEN = 1
            BLUE = 2
            NIR = 3
            SWIR = 4

        OPTICAL = tuple(b.name for b in Band)[:3]

        def band_means(pixels):
            return torch.stack([pixels[name].mean(dim=1) for name in OPTICAL], dim=1)

        class Scorer(nn.Module):
            def __init__(self, emb_dim=16):
                super().__init__()
                self.enc = nn.Linear(4, emb_dim)
                self.head = nn.Linear(emb_dim + len(Band), 2)

            def forward(self, x, means):
                return self.head(torch.cat([self.enc(x), means], dim=1))

        pixels = {b.name: torch.rand(8, 30) for b in Band}
        print(Scorer()(torch.randn(8, 4), band_means(pixels)).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["self.head = nn.Linear(emb_dim + len(OPTICAL), 2)"]


def test_windows_cut_from_sequences_a_shorter_filter_kept_are_filtered_by_the_window(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader, Dataset

        SPAN = 20
        SHORTEST = 8

        class Clips(Dataset):
            def __init__(self, tracks, span):
                self.tracks, self.span = tracks, span

            def __len__(self):
                return len(self.tracks)

            def __getitem__(self, k):
                x = self.tracks[k]
                begin = max(0, (len(x) - self.span) // 2)
                return x[begin:begin + self.span]

        torch.manual_seed(1)
        tracks = [torch.randn(n, 3) for n in (30, 12, 25, 9, 40, 22)]
        kept = [t for t in tracks if len(t) >= SHORTEST]
        for clip in DataLoader(Clips(kept, SPAN), batch_size=3):
            print(clip.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["kept = [t for t in tracks if len(t) >= SPAN]"]


def test_ids_numbered_from_one_by_a_map_sized_table_get_one_more_row(tmp_path):
    res = _run(tmp_path, "token-id-out-of-vocab", """
        import torch
        import torch.nn as nn

        STATIONS = ["north", "south", "east", "west", "harbour"]
        station_index = {name: k + 1 for k, name in enumerate(STATIONS)}

        class Net(nn.Module):
            def __init__(self, n_station):
                super().__init__()
                self.station = nn.Embedding(n_station, 4)
                self.out = nn.Linear(4, 1)

            def forward(self, s):
                return self.out(self.station(s))

        readings = ["north", "harbour", "east", "harbour"]
        net = Net(len(station_index))
        print(net(torch.tensor([station_index[r] for r in readings])).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["net = Net(len(station_index) + 1)"]


def test_bins_of_digitize_over_edges_with_both_limits_use_the_inner_edges(tmp_path):
    res = _run(tmp_path, "label-out-of-range", """
        import numpy as np
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        LEVELS = 4
        rng = np.random.default_rng(3)
        load = rng.gamma(2.0, 1.5, size=64)
        cuts = np.quantile(load, np.linspace(0, 1, LEVELS + 1))
        grade = np.digitize(load, cuts)
        x = torch.tensor(rng.normal(size=(64, 5)), dtype=torch.float32)
        head = nn.Linear(5, LEVELS)
        print(F.cross_entropy(head(x), torch.as_tensor(grade, dtype=torch.long)).item())
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["grade = np.digitize(load, cuts[1:-1])"]


def test_a_per_row_count_one_too_high_behind_divmod_is_lowered_where_it_is_written(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import torch
        from torch.utils.data import DataLoader, Dataset

        class Sensors(Dataset):
            def __init__(self, table, hist):
                self.table, self.hist = table, hist
                self.per_unit = table.shape[1] - hist + 1

            def __len__(self):
                return self.table.shape[0] * self.per_unit

            def __getitem__(self, i):
                unit, pos = divmod(i, self.per_unit)
                return self.table[unit, pos:pos + self.hist], self.table[unit, pos + self.hist]

        table = torch.randn(3, 50)
        for x, y in DataLoader(Sensors(table, 10), batch_size=16):
            print(x.shape, y.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["self.per_unit = table.shape[1] - hist"]


def test_a_mask_helper_given_a_setting_beside_ids_padded_to_another_width_gets_the_ids_width(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        from functools import partial
        from pathlib import Path

        import torch
        from transformers import BertConfig, BertModel, BertTokenizer

        WORDS = ["up", "down", "flat", "gap", "halt"]
        Path("vocab.txt").write_text("\\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\\n")
        tok = BertTokenizer("vocab.txt")
        SETTINGS = {"events": 10}

        def span_mask(counts, width):
            return (torch.arange(width)[None, :] < counts[:, None]).long()

        def batchify(texts, tokenizer, pad_to):
            enc = tokenizer(texts, padding="max_length", truncation=True, max_length=pad_to, return_tensors="pt")
            counts = torch.tensor([len(t.split()) + 2 for t in texts])
            return enc["input_ids"], span_mask(counts, SETTINGS["events"])

        encode = partial(batchify, tokenizer=tok, pad_to=SETTINGS["events"] + 2)
        model = BertModel(BertConfig(vocab_size=10, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=32))
        ids, mask = encode(["up down gap", "flat halt up down"])
        print(model(input_ids=ids, attention_mask=mask).last_hidden_state.shape)
    """)
    assert res.fixed, res.fix_error
    assert any("span_mask(counts, pad_to)" in line for line in _edited_lines(res)), res.edits


def test_a_batch_of_records_cut_by_the_batch_size_is_no_cut_of_the_pieces(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        from pathlib import Path

        import torch
        from transformers import BertConfig, BertModel, BertTokenizer

        WORDS = ["red", "blue", "green", "wool", "silk", "coat", "hat"]
        Path("vocab.txt").write_text("\\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\\n")
        tok = BertTokenizer("vocab.txt")
        POSITIONS = 8
        model = BertModel(BertConfig(vocab_size=12, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=POSITIONS))

        def batches(pairs, size=32):
            for s in range(0, len(pairs), size):
                rows = pairs[s:s + size]
                names = [n for _, n in rows]
                yield tok(names, padding="max_length", truncation=True, max_length=POSITIONS, return_tensors="pt")

        catalog = [(0, "red wool coat"), (1, "blue silk hat blue silk hat red wool coat green")]
        for enc in batches(catalog):
            model(**enc)
        full = tok([n for _, n in catalog], padding=True, return_tensors="pt")
        print(model(**full).last_hidden_state.shape)
    """)
    assert res.fixed, res.fix_error
    assert not any("size=" in line for line in _edited_lines(res)), res.edits


def test_a_float_field_passed_again_later_in_the_function_is_cast_there_too(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        from typing import NamedTuple

        import torch
        import torch.nn as nn

        class Pair(NamedTuple):
            left: torch.Tensor
            right: torch.Tensor

        class Scorer(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = nn.Embedding(20, 4)

            def forward(self, p: Pair):
                a = (self.table(p.left) * self.table(p.right)).sum(-1)
                b = self.table(p.left).norm(dim=-1)
                return a / b

        log = torch.tensor([[1, 4, 0.5], [3, 7, 1.0], [2, 9, 0.25]])
        print(Scorer()(Pair(log[:, 0], log[:, 1])).shape)
    """)
    assert res.fixed, res.fix_error


def test_a_loop_numbering_its_items_from_one_and_indexing_with_the_number_counts_from_zero(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import torch

        CHANNELS = ["ecg", "resp", "spo2"]
        signals = {name: torch.randn(50) for name in CHANNELS}
        stacked = torch.zeros(len(CHANNELS), 50)
        for row, name in enumerate(CHANNELS, 1):
            stacked[row] = signals[name]
        print(stacked.mean(dim=1))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res)[0].startswith("for row, name in enumerate(CHANNELS):")


def test_sequences_made_the_tables_size_plus_the_overshoot_lose_the_extra(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        import torch.nn as nn

        class Settings:
            steps = 16
            width = 8

        def chop(series, size):
            return [series[i:i + size] for i in range(0, len(series) - size + 1, size)]

        class Encoder(nn.Module):
            def __init__(self, s):
                super().__init__()
                self.inp = nn.Linear(1, s.width)
                self.where = nn.Embedding(s.steps, s.width)

            def forward(self, x):
                pos = torch.arange(x.size(1)).unsqueeze(0)
                return self.inp(x.unsqueeze(-1)) + self.where(pos)

        s = Settings()
        pieces = torch.stack(chop(torch.randn(200), s.steps + 2))
        print(Encoder(s)(pieces).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["pieces = torch.stack(chop(torch.randn(200), s.steps))"]


def test_an_index_after_an_ellipsis_is_bounded_by_the_last_axis_not_the_reported_one(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import math

        import torch

        CHANNELS = 5
        readings = torch.randn(4, 30, 4) * 4
        for c in range(CHANNELS):
            readings[..., c] = torch.remainder(readings[..., c] + math.pi, 2 * math.pi) - math.pi
        print(readings.abs().max())
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["for c in range(readings.size(-1)):"]


def test_a_loader_without_the_padding_function_its_sibling_is_given_gets_that_one(tmp_path):
    # the user's own function fills a zero tensor as wide as the longest row and returns a mask the model reads:
    # a generic padding function would not make the mask, so the sibling loader's function is the fix
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader

        def fill_rows(pairs):
            widths = torch.tensor([len(x) for x, _ in pairs])
            out = torch.zeros(len(pairs), int(widths.max()), 3)
            for r, (x, _) in enumerate(pairs):
                out[r, :len(x)] = x
            keep = torch.arange(out.size(1))[None, :] < widths[:, None]
            return out, keep, torch.tensor([y for _, y in pairs])

        def score(x, keep):
            return (x.sum(-1) * keep).sum(1)

        g = torch.Generator().manual_seed(1)
        tracks = [(torch.randn(int(n), 3, generator=g), k % 2) for k, n in enumerate(torch.randint(4, 9, (12,), generator=g))]
        fit = DataLoader(tracks[:8], batch_size=4, collate_fn=fill_rows)
        held = DataLoader(tracks[8:], batch_size=4)
        for x, keep, y in fit:
            score(x, keep)
        for x, keep, y in held:
            print(score(x, keep))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["held = DataLoader(tracks[8:], batch_size=4, collate_fn=fill_rows)"]
    assert res.report["diagnosis"]["confidence"] == "high"


def test_inputs_kept_whole_beside_targets_shifted_by_one_drop_their_last_step(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        import torch.nn as nn

        SPAN = 10

        class Next(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok = nn.Embedding(50, 8)
                self.where = nn.Embedding(SPAN, 8)
                self.head = nn.Linear(8, 50)

            def forward(self, ids):
                return self.head(self.tok(ids) + self.where(torch.arange(ids.size(1))))

        stream = torch.randint(0, 50, (80,))
        pairs = []
        for at in range(0, 60, SPAN):
            piece = stream[at:at + SPAN + 1]
            src, tgt = piece, piece[1:]
            pairs.append((src, tgt))
        net = Next()
        xs, ys = map(torch.stack, zip(*pairs))
        print(nn.functional.cross_entropy(net(xs).transpose(1, 2), ys))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["src, tgt = piece[:-1], piece[1:]"]


def test_labels_aligned_on_a_call_padded_to_a_maximum_make_the_batch_call_pad_there_too(tmp_path):
    res = _run(tmp_path, "label-length-mismatch", """
        from pathlib import Path

        import torch
        from transformers import BertConfig, BertForTokenClassification, BertTokenizer

        WORDS = ["the", "cat", "sat", "on", "mat", "dog", "ran"]
        Path("vocab.txt").write_text("\\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\\n")
        tok = BertTokenizer("vocab.txt")
        WIDTH = 12

        def tags_for(words, tags):
            enc = tok(words, is_split_into_words=True, truncation=True, padding="max_length", max_length=WIDTH)
            return [-100 if w is None else tags[w] for w in enc.word_ids()]

        class Batcher:
            def __call__(self, rows):
                enc = tok([w for w, _ in rows], is_split_into_words=True, padding="longest", return_tensors="pt")
                enc["labels"] = torch.tensor([tags_for(w, t) for w, t in rows])
                return enc

        model = BertForTokenClassification(BertConfig(vocab_size=12, hidden_size=16, num_hidden_layers=1,
                                                      num_attention_heads=2, intermediate_size=32, num_labels=3))
        rows = [(["the", "cat", "sat"], [0, 1, 2]), (["the", "dog", "ran", "on", "mat"], [0, 1, 2, 0, 1])]
        print(model(**Batcher()(rows)).loss)
    """)
    assert res.fixed, res.fix_error
    assert any('padding="max_length", max_length=WIDTH' in line for line in _edited_lines(res)), res.edits


def test_values_binned_by_their_largest_value_get_the_divisor_one_more(tmp_path):
    # brightness 0..255 into LEVELS classes by `int(b / 255 * LEVELS)`: 255 itself lands one class past the last
    res = _run(tmp_path, "label-out-of-range", """
        import torch
        import torch.nn as nn

        LEVELS = 8

        def level_of(brightness):
            return int(brightness / 255 * LEVELS)

        pixels = [0, 17, 120, 200, 254, 255, 31, 90]
        feats = torch.tensor([[p / 255.0] for p in pixels])
        target = torch.tensor([level_of(p) for p in pixels])
        head = nn.Linear(1, LEVELS)
        print(nn.CrossEntropyLoss()(head(feats), target))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["return int(brightness / 256 * LEVELS)"]
    assert res.report["diagnosis"]["confidence"] == "high"


def test_a_padding_mask_made_from_the_whole_sequence_beside_its_shifted_inputs_takes_the_shift(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        import torch
        import torch.nn as nn

        PAD = 0

        def make_batch(rows):
            width = max(len(r) for r in rows)
            seq = torch.tensor([r + [PAD] * (width - len(r)) for r in rows])
            return {"inputs": seq[:, :-1], "gold": seq[:, 1:], "pads": seq == PAD}

        class Reader(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(20, 8)
                self.mix = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)

            def forward(self, inputs, gold, pads):
                return self.mix(self.emb(inputs), src_key_padding_mask=pads)

        print(Reader()(**make_batch([[1, 5, 6, 7, 2], [1, 9, 2]])).shape)
    """)
    assert res.fixed, res.fix_error
    assert any('"pads": seq[:, :-1] == PAD' in line for line in _edited_lines(res)), res.edits


def test_a_count_without_the_reserved_entries_its_sibling_counts_gets_them(tmp_path):
    res = _run(tmp_path, "token-id-out-of-vocab", """
        import torch
        import torch.nn as nn

        RESERVED = ["<pad>", "<s>", "</s>"]
        CHORDS = ["C", "F", "G", "Am", "Dm"]
        NOTES = ["c", "d", "e", "f", "g", "a", "b"]
        sizes = {"chords": len(CHORDS) + 3, "notes": len(NOTES)}
        note_id = {n: i for i, n in enumerate(RESERVED + NOTES)}

        melody = nn.Embedding(sizes["notes"], 4)
        harmony = nn.Embedding(sizes["chords"], 4)
        tune = torch.tensor([[note_id[n] for n in "cdefgab"]])
        print(melody(tune).shape, harmony(torch.tensor([[3, 4]])).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ['sizes = {"chords": len(CHORDS) + 3, "notes": len(NOTES) + 3}']


def test_a_vocabulary_whose_len_leaves_out_its_reserved_ids_counts_them(tmp_path):
    res = _run(tmp_path, "token-id-out-of-vocab", """
        import torch
        import torch.nn as nn

        RESERVED = ("<pad>", "<unk>")

        class Lexicon:
            def __init__(self, words):
                self.words = sorted(set(words))
                self.index = {w: k + len(RESERVED) for k, w in enumerate(self.words)}

            def __len__(self):
                return len(self.words)

        lex = Lexicon("we sort the list then we return the list".split())
        table = nn.Embedding(len(lex), 6)
        ids = torch.tensor([[lex.index[w] for w in ["we", "return", "the", "list"]]])
        print(table(ids).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["return len(RESERVED) + len(self.words)"]


def test_a_field_only_cut_beside_a_padded_sibling_is_padded_by_the_same_helper(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader, Dataset

        def fit(seq, n, fill=0):
            seq = seq[:n]
            return seq + [fill] * (n - len(seq))

        class Pairs(Dataset):
            def __init__(self, rows):
                self.rows = rows

            def __len__(self):
                return len(self.rows)

            def __getitem__(self, i):
                head, body = self.rows[i]
                a = fit(head, 4)
                b = body[:6]
                return torch.tensor(a), torch.tensor(b)

        rows = [([1, 2], [3, 4, 5, 6, 7, 8, 9]), ([5], [6, 7])]
        for a, b in DataLoader(Pairs(rows), batch_size=2):
            print(a.shape, b.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["b = fit(body, 6)"]


def test_a_mask_helper_left_at_its_default_width_gets_the_ids_width(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        from pathlib import Path

        import torch
        from transformers import BertTokenizer

        WORDS = ["def", "return", "self", "x", "y", "if", "else"]
        Path("vocab.txt").write_text("\\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\\n")
        tok = BertTokenizer("vocab.txt")
        WIDEST = 20

        def keyword_flags(ids, keep, width=WIDEST):
            rows = [[1.0 if i in keep else 0.0 for i in row.tolist()] for row in ids]
            return torch.tensor([r + [0.0] * (width - len(r)) for r in rows])

        def encode(texts, limit):
            enc = tok(texts, padding="max_length", truncation=True, max_length=limit, return_tensors="pt")
            return enc["input_ids"], keyword_flags(enc["input_ids"], {5, 6})

        ids, keyword_mask = encode(["def x return y", "if x else y"], 12)
        hidden = torch.randn(2, ids.size(1), 4)
        print((hidden * keyword_mask.unsqueeze(-1)).sum(1))
    """)
    assert res.fixed, res.fix_error
    assert any('keyword_flags(enc["input_ids"], {5, 6}, width=limit)' in line for line in _edited_lines(res)), res.edits


def test_a_self_numbering_map_handed_through_a_class_is_read_without_adding(tmp_path):
    res = _run(tmp_path, "token-id-out-of-vocab", """
        from collections import defaultdict

        import torch
        import torch.nn as nn

        UNK_ID = 1

        def index_words(lines):
            ids = defaultdict(lambda: len(ids))
            ids["<pad>"], ids["<unk>"]
            for line in lines:
                for w in line.split():
                    ids[w]
            return ids

        class Encoder:
            def __init__(self, table):
                self.table = table

            def __call__(self, line):
                return torch.tensor([self.table[w] for w in line.split()])

        words = index_words(["red fox", "blue fox"])
        embed = nn.Embedding(len(words), 4)
        enc = Encoder(words)
        for line in ["red fox", "green fox"]:
            ids = enc(line)
            print(embed(ids).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["return torch.tensor([self.table.get(w, UNK_ID) for w in line.split()])"]


def test_line_numbers_of_the_ast_module_used_as_rows_count_from_zero(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import ast

        import torch

        SOURCE = "x = 1\\ny = x + 2\\nprint(y)\\n"

        def call_rows(code):
            rows = []
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.Call):
                    at = node.lineno
                    rows.append(at)
            return rows

        per_line = torch.zeros(len(SOURCE.splitlines()))
        for r in call_rows(SOURCE):
            per_line[r] += 1
        print(per_line)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["at = node.lineno - 1"]


def test_a_window_loop_leaves_room_for_the_steps_its_inner_loop_reads_ahead(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import torch

        LOOKBACK, AHEAD = 6, 2
        load = torch.rand(3, 40)
        pairs = []
        for s in range(load.shape[1] - LOOKBACK + 1):
            past = load[:, s:s + LOOKBACK]
            future = []
            for j in range(AHEAD):
                future.append(load[:, s + LOOKBACK + j])
            pairs.append((past, torch.stack(future, 1)))
        print(len(pairs))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["for s in range(load.shape[1] - LOOKBACK - AHEAD + 1):"]
    assert res.report["diagnosis"]["confidence"] == "high"


def test_a_mask_of_per_word_flags_gets_places_for_the_tokens_the_tokenizer_adds(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        from pathlib import Path

        import torch
        from transformers import BertConfig, BertModel, BertTokenizer

        WORDS = ["up", "down", "left", "right", "stop"]
        Path("vocab.txt").write_text("\\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\\n")
        tok = BertTokenizer("vocab.txt")
        model = BertModel(BertConfig(vocab_size=10, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32))

        def batch_of(moves):
            enc = tok([" ".join(m) for m in moves], padding=True, return_tensors="pt")
            valid = torch.tensor([[w != "stop" for w in m] for m in moves]).long()
            return {"input_ids": enc["input_ids"], "attention_mask": valid}

        batch = batch_of([["up", "left", "stop"], ["down", "down", "right"]])
        print(model(**batch).last_hidden_state.shape)
    """)
    assert res.fixed, res.fix_error
    assert any("torch.nn.functional.pad(" in line and "(1, 1), value=1)" in line for line in _edited_lines(res)), res.edits


def test_classes_counted_from_one_split_give_way_to_the_scripts_own_list(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import torch
        import torch.nn as nn

        GRADES = ["benign", "low", "mid", "high", "severe"]

        def per_grade_scores(scores):
            return {g: scores[:, k].mean().item() for k, g in enumerate(GRADES)}

        train_y = torch.tensor([0, 1, 2, 3, 1, 0])
        k_out = len(set(train_y.tolist()))
        head = nn.Linear(4, k_out)
        scores = head(torch.randn(6, 4)).softmax(-1)
        print(per_grade_scores(scores))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["k_out = len(GRADES)"]


def test_a_crop_clamped_at_its_end_is_clamped_at_its_start_instead(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader, Dataset

        class Clips(Dataset):
            def __init__(self, wave, onsets, width):
                self.wave, self.onsets, self.width = wave, onsets, width

            def __len__(self):
                return len(self.onsets)

            def __getitem__(self, i):
                lo = max(self.onsets[i] - self.width // 4, 0)
                hi = min(lo + self.width, self.wave.numel())
                return self.wave[lo:hi]

        for clip in DataLoader(Clips(torch.randn(100), [10, 50, 95], 16), batch_size=3):
            print(clip.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["lo = min(max(self.onsets[i] - self.width // 4, 0), self.wave.numel() - self.width)"]


def test_a_table_with_a_row_per_value_seen_is_sized_by_the_count_its_ids_range_over(tmp_path):
    # ids counted with torch.arange over every store are store ids, not positions: the table counts them all
    res = _run(tmp_path, "token-id-out-of-vocab", """
        import torch
        import torch.nn as nn

        N_STORES = 12

        class StoreModel(nn.Module):
            def __init__(self, dim, n_stores=4):
                super().__init__()
                self.store_vec = nn.Embedding(n_stores, dim)
                self.head = nn.Linear(dim, 1)

            def forward(self, store_ids):
                return self.head(self.store_vec(store_ids)).squeeze(-1)

        sales = [(s, float(s) * 2.0) for s in (0, 3, 3, 7, 1, 5, 2, 4, 6, 8)]
        stores = set(s for s, _ in sales)
        n_known = len(stores)
        model = StoreModel(8, n_stores=n_known)
        every_store = torch.arange(N_STORES)
        print(model(every_store).shape, n_known)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["n_known = N_STORES"]
    assert "9 of them" in res.report["diagnosis"]["explanation"]


def test_a_padding_helper_left_at_its_default_width_gets_the_width_its_caller_pads_to(tmp_path):
    res = _run(tmp_path, "label-length-mismatch", """
        import torch
        import torch.nn.functional as F

        def fill(tags, size=20):
            return tags[:size] + [-100] * (size - len(tags[:size]))

        def make_row(ids, tags, width=8):
            ids = ids[:width]
            row_ids = ids + [0] * (width - len(ids))
            return row_ids, fill(tags)

        rows = [make_row([5, 6, 7], [1, 0, 2]), make_row([3, 4], [2, 2])]
        ids = torch.tensor([r[0] for r in rows])
        tags = torch.tensor([r[1] for r in rows])
        scores = torch.randn(ids.shape[0], ids.shape[1], 3)
        print(F.cross_entropy(scores.reshape(-1, 3), tags.reshape(-1), ignore_index=-100))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["return row_ids, fill(tags, size=width)"]


def test_a_key_the_collate_stacks_is_listed_with_the_keys_it_pads(tmp_path):
    # the loop's key is read from the items' entries whose shapes met: a string local named `key` is not reported
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.nn.utils.rnn import pad_sequence

        PADDED = ["tokens", "tags"]
        FILL = {"tokens": 0, "tags": -1, "spans": 0}

        def gather(items):
            out = {}
            for key in items[0]:
                column = [item[key] for item in items]
                if key in PADDED:
                    out[key] = pad_sequence(column, batch_first=True, padding_value=FILL[key])
                else:
                    out[key] = torch.stack(column)
            return out

        items = [{"tokens": torch.ones(n, dtype=torch.long), "tags": torch.zeros(n, dtype=torch.long),
                  "spans": torch.zeros(n, 2)} for n in (3, 6)]
        print({k: v.shape for k, v in gather(items).items()})
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ['PADDED = ["tokens", "tags", "spans"]']


def test_a_mask_of_ones_is_counted_from_the_ids_of_its_record(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        import torch

        def record(words, split):
            pieces = [101]
            for w in words:
                pieces.extend(split(w))
            pieces.append(102)
            keep = [1] * (len(words) + 2)
            return {"ids": pieces, "keep": keep}

        recs = [record(["ab", "cde"], lambda w: [7] * len(w))]
        ids = torch.tensor([r["ids"] for r in recs])
        keep = torch.tensor([r["keep"] for r in recs])
        batch = {"ids": ids, "keep": keep}
        emb = torch.nn.Embedding(200, 4)(batch["ids"])
        print((emb * batch["keep"].unsqueeze(-1)).sum(1))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["keep = [1] * (len(pieces))"]


def test_windows_sliced_by_a_default_as_long_as_the_table_leave_room_for_the_tokens_added(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        import torch.nn as nn

        LIMIT = 10

        def chunks(seq, size=LIMIT):
            for at in range(0, len(seq), size):
                yield [1] + seq[at:at + size] + [2]

        class Enc(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok = nn.Embedding(50, 4)
                self.pos = nn.Embedding(LIMIT, 4)

            def forward(self, ids):
                return self.tok(ids) + self.pos(torch.arange(ids.shape[1]))

        rows = [c for c in chunks(list(range(3, 30)))]
        width = max(len(r) for r in rows)
        rows = [r + [0] * (width - len(r)) for r in rows]
        print(Enc()(torch.tensor(rows)).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["def chunks(seq, size=LIMIT - 2):"]


def test_a_batch_entry_the_collate_does_not_pad_like_its_siblings_gets_the_batch_width(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        import torch

        CAP = 16

        def to_batch(recs):
            longest = max(len(r["ids"]) for r in recs)
            grow = lambda xs: xs + [0] * (longest - len(xs))
            return {"ids": torch.tensor([grow(r["ids"]) for r in recs]),
                    "answerable": torch.tensor([r["answerable"] for r in recs]).bool()}

        recs = [{"ids": [4] * n, "answerable": [1] * n + [0] * (CAP - n)} for n in (5, 9)]
        b = to_batch(recs)
        scores = torch.randn(b["ids"].shape)
        print(scores.masked_fill(~b["answerable"], -1e4).argmax(-1))
    """)
    assert res.fixed, res.fix_error
    assert [line.splitlines()[-1].strip() for line in _edited_lines(res)] == [
        '"answerable": torch.tensor([r["answerable"][:longest] for r in recs]).bool()}']


def test_ids_split_off_a_float_tensor_are_cast_once_where_it_is_read(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        import torch
        import torch.nn as nn

        class Corners(nn.Module):
            def __init__(self):
                super().__init__()
                self.col = nn.Embedding(101, 4)
                self.row = nn.Embedding(101, 4)

            def forward(self, corners):
                left, top = corners.unbind(-1)
                return self.col(left) + self.row(top)

        def scale(points, size):
            return points / size * 100

        pts = scale(torch.tensor([[10.0, 20.0], [30.0, 40.0]]), 50.0)
        print(Corners()(pts).shape)
    """)
    assert res.fixed, res.fix_error
    assert len(res.edits) == 1 and ".long()" in _edited_lines(res)[0]


def test_labels_made_in_a_loop_over_the_texts_a_tokenizer_cut_into_windows_walk_the_windows(tmp_path):
    vocab = tmp_path / "v.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "w", "x", "y", "z"]) + "\n")
    res = _run(tmp_path, "label-length-mismatch", f"""
        import torch
        import torch.nn.functional as F
        from transformers import BertTokenizer

        tok = BertTokenizer({str(vocab)!r})
        records = [("w x", "y z " * 12, 3), ("x", "z y " * 3, 1)]

        def featurize(recs):
            enc = tok([q for q, _, _ in recs], [c for _, c, _ in recs], truncation="only_second",
                      max_length=12, stride=2, return_overflowing_tokens=True, padding="max_length")
            owners = enc["overflow_to_sample_mapping"]
            enc["first"] = []
            for n, (q, c, at) in enumerate(recs):
                enc["first"].append(at if at < 12 else 0)
            return enc

        enc = featurize(records)
        scores = torch.randn(len(enc["input_ids"]), 12)
        print(F.cross_entropy(scores, torch.tensor(enc["first"])))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["for n, (q, c, at) in enumerate(recs[j] for j in owners):"]


def test_a_list_made_without_the_length_option_its_sibling_call_gives_gets_it(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader, Dataset

        WIDTH = 6

        def rows_of(lengths, fill_to=None):
            out = []
            for n in lengths:
                row = list(range(1, n + 1))
                if fill_to is not None:
                    row = row + [0] * (fill_to - n)
                out.append(torch.tensor(row))
            return out

        class Rows(Dataset):
            def __init__(self, rows):
                self.rows = rows

            def __len__(self):
                return len(self.rows)

            def __getitem__(self, i):
                return self.rows[i]

        fit_rows = rows_of([2, 5, 3], fill_to=WIDTH)
        held_rows = rows_of([4, 1])
        fit_loader = DataLoader(Rows(fit_rows), batch_size=2)
        held_loader = DataLoader(Rows(held_rows), batch_size=2)
        for batch in fit_loader:
            print(batch.shape)
        for batch in held_loader:
            print(batch.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["held_rows = rows_of([4, 1], fill_to=WIDTH)"]


def test_a_batch_entry_cut_where_it_is_used_is_cut_once_for_every_line_that_reads_it(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        import torch

        def spans(batch, head):
            first, last = head(batch["ids"]).unbind(-1)
            first = first.masked_fill(~batch["allowed"], -1e4)
            last = last.masked_fill(~batch["allowed"], -1e4)
            return first.argmax(-1), last.argmax(-1)

        head = lambda ids: torch.randn(ids.shape[0], ids.shape[1], 2)
        rows = [[3, 4, 5], [6, 7, 0]]
        allowed = torch.zeros(2, 10, dtype=torch.bool)
        allowed[:, 1:3] = True
        print(spans({"ids": torch.tensor(rows), "allowed": allowed}, head))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res)[0].startswith('batch["allowed"] = batch["allowed"][..., :')


def test_a_table_whose_size_setting_also_feeds_the_data_is_grown_alone(tmp_path):
    # growing the setting would lengthen the windows with the table: the table alone gets the row
    res = _run(tmp_path, "sequence-too-long", """
        from dataclasses import dataclass

        import torch
        import torch.nn as nn

        @dataclass
        class Opts:
            steps: int = 5
            dim: int = 4

        def windows(series, steps):
            return [series[s:s + steps + 1] for s in range(0, len(series) - steps - 1, steps)]

        class Net(nn.Module):
            def __init__(self, opts):
                super().__init__()
                self.when = nn.Embedding(opts.steps, opts.dim)

            def forward(self, x):
                return x.unsqueeze(-1) + self.when(torch.arange(x.shape[1]))

        opts = Opts()
        batch = torch.stack(windows(torch.randn(40), opts.steps))
        print(Net(opts)(batch).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["self.when = nn.Embedding(opts.steps + 1, opts.dim)"]


def test_a_float_mask_a_batch_carries_is_made_bool_where_the_batch_is_made(tmp_path):
    res = _run(tmp_path, "mask-dtype", """
        import torch

        def groups(sizes, width):
            for chunk in (sizes[:2], sizes[2:]):
                holes = torch.zeros(len(chunk), width)
                for r, n in enumerate(chunk):
                    for c in range(n, width):
                        holes[r, c] = 1
                yield {"scores": torch.randn(len(chunk), width), "holes": holes}

        def top(scores, holes):
            return scores.masked_fill(holes, -1e9).argmax(-1)

        def spread(scores, holes):
            return scores.masked_fill(holes, 0.0).std(-1)

        for g in groups([2, 3, 1, 4], 4):
            print(top(g["scores"], g["holes"]), spread(g["scores"], g["holes"]))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["holes = torch.zeros(len(chunk), width, dtype=torch.bool)"]


def test_a_layer_name_two_classes_share_is_read_in_the_class_that_ran(tmp_path):
    res = _run(tmp_path, "hidden-size-mismatch", """
        import torch
        import torch.nn as nn

        EXTRA = 2
        SIDE = ["age", "height", "weight"]

        class Left(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.mix = nn.Sequential(nn.Linear(d, 8), nn.ReLU())

            def forward(self, x):
                return self.mix(x)

        class Right(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.mix = nn.Sequential(nn.Linear(d + EXTRA, 8), nn.ReLU())

            def forward(self, x, side):
                return self.mix(torch.cat([x, side], -1))

        x = torch.randn(3, 6)
        side = torch.randn(3, len(SIDE))
        print(Left(6)(x).shape, Right(6)(x, side).shape)
    """)
    assert res.fixed, res.fix_error
    assert all("Left" not in line and "nn.Linear(d, 8)" not in line for line in _edited_lines(res))


def test_a_numpy_mask_of_another_dtype_is_made_bool_where_the_batch_is_made(tmp_path):
    res = _run(tmp_path, "mask-dtype", """
        import numpy as np
        import torch

        def pack(rows):
            width = max(len(r) for r in rows)
            vals = torch.zeros(len(rows), width)
            blank = np.zeros((len(rows), width), dtype=np.int8)
            for i, r in enumerate(rows):
                vals[i, :len(r)] = torch.tensor(r)
                blank[i, len(r):] = 1
            return {"vals": vals, "blank": torch.from_numpy(blank)}

        b = pack([[1.0, 2.0], [3.0, 4.0, 5.0]])
        print(b["vals"].masked_fill(b["blank"], float("nan")).nanmean(-1))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["blank = np.zeros((len(rows), width), dtype=bool)"]


def test_a_sequence_cut_to_the_tables_setting_then_given_a_token_is_cut_one_shorter(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        from types import SimpleNamespace

        import torch
        import torch.nn as nn

        def prepare(codes, opts):
            body = [c % 50 + 2 for c in codes][: opts.span]
            return body + [1]

        class Reader(nn.Module):
            def __init__(self, opts):
                super().__init__()
                self.sym = nn.Embedding(60, 4)
                self.place = nn.Embedding(opts.span, 4)

            def forward(self, ids):
                return self.sym(ids) + self.place(torch.arange(ids.shape[1]))

        opts = SimpleNamespace(span=6)
        ids = torch.tensor([prepare(range(100, 120), opts)])
        print(Reader(opts)(ids).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["body = [c % 50 + 2 for c in codes][: opts.span - 1]"]


def test_a_call_left_without_the_length_its_sibling_call_gives_is_given_it_for_the_position_table(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        import torch.nn as nn

        SPAN = 8

        def encode_all(docs, cap=None):
            out = []
            for d in docs:
                ids = [ord(c) % 20 for c in d]
                out.append(ids[:cap] if cap is not None else ids)
            return out

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok = nn.Embedding(20, 4)
                self.pos = nn.Embedding(SPAN, 4)

            def forward(self, ids):
                return self.tok(ids) + self.pos(torch.arange(ids.shape[1]))

        fit = encode_all(["abcdefghijkl", "mnopqrstuvwx"], cap=SPAN)
        check = encode_all(["abcdefghijkl", "mnopqrstuvwx"])
        model = Model()
        print(model(torch.tensor(fit)).shape, model(torch.tensor(check)).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ['check = encode_all(["abcdefghijkl", "mnopqrstuvwx"], cap=SPAN)']


def test_a_model_sized_by_the_count_a_selector_was_asked_for_is_sized_by_what_it_kept(tmp_path):
    res = _run(tmp_path, "hidden-size-mismatch", """
        import numpy as np
        import torch
        import torch.nn as nn

        WANTED = 24

        def strongest(table, k):
            order = np.argsort(-table.var(0))[:k]
            return order[table[:, order].mean(0) > 1.0]

        table = np.abs(np.random.default_rng(0).normal(size=(30, 40)))
        table[:, ::2] *= 3.0
        table[:, 1::4] *= 0.01
        cols = strongest(table, WANTED)
        feats = torch.tensor(table[:, cols], dtype=torch.float32)
        net = nn.Sequential(nn.Linear(WANTED, 4), nn.ReLU(), nn.Linear(4, 1))
        print(net(feats).shape, len(cols))
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["net = nn.Sequential(nn.Linear(len(cols), 4), nn.ReLU(), nn.Linear(4, 1))"]


def test_inputs_cut_to_the_table_where_they_are_given_are_cut_with_their_mask_at_every_call(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        from transformers import BertConfig, BertModel

        net = BertModel(BertConfig(vocab_size=30, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                   intermediate_size=16, max_position_embeddings=16))

        def make(n):
            ids = torch.randint(5, 30, (2, n))
            return {"ids": ids, "keep": torch.ones_like(ids)}

        def pooled(ids, keep):
            return net(input_ids=ids, attention_mask=keep).last_hidden_state[:, 0]

        b = make(20)
        out = pooled(b["ids"], b["keep"])
        b = make(20)
        print(out.shape, pooled(b["ids"], b["keep"]).shape)
    """)
    assert res.fixed, res.fix_error
    assert len(res.edits) == 2 and all('b["keep"][:, :' in line for line in _edited_lines(res))


def test_a_cast_comparison_mask_that_later_arithmetic_needs_keeps_its_cast(tmp_path):
    res = _run(tmp_path, "mask-dtype", """
        import torch

        def attend(scores, lengths):
            t = scores.shape[-1]
            pad = (torch.arange(t)[None, :] >= lengths[:, None]).float()
            weights = scores.masked_fill(pad, -1e9).softmax(-1)
            return weights * (1.0 - pad)

        print(attend(torch.randn(2, 5), torch.tensor([3, 5])))
    """)
    assert res.fixed, res.fix_error
    assert not any(line.startswith("pad = ") for line in _edited_lines(res))


def test_a_loader_without_the_graph_batching_function_its_sibling_gets_is_given_it(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        import torch
        from torch.utils.data import DataLoader

        def join_graphs(items):
            nodes, links, shift = [], [], 0
            for x, e in items:
                nodes.append(x)
                links.append(e + shift)
                shift += x.shape[0]
            return torch.cat(nodes), torch.cat(links, dim=1)

        graphs = [(torch.randn(n, 3), torch.randint(0, n, (2, n))) for n in (3, 5, 4, 6)]
        fit = DataLoader(graphs[:2], batch_size=2, collate_fn=join_graphs)
        held = DataLoader(graphs[2:], batch_size=2)
        for nodes, links in fit:
            print(nodes.shape, links.shape)
        for nodes, links in held:
            print(nodes.shape, links.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["held = DataLoader(graphs[2:], batch_size=2, collate_fn=join_graphs)"]


def test_a_length_measured_on_the_training_split_alone_is_measured_over_every_split(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        from transformers import BertConfig, BertModel

        train_rows = [list(range(5, 5 + n)) for n in (6, 9, 7)]
        test_rows = [list(range(5, 5 + n)) for n in (8, 12)]
        longest = max(len(r) for r in train_rows)
        net = BertModel(BertConfig(vocab_size=40, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                   intermediate_size=16, max_position_embeddings=longest))
        for rows in (train_rows, test_rows):
            width = max(len(r) for r in rows)
            ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
            print(net(ids).last_hidden_state.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["longest = max(len(r) for r in [*train_rows, *test_rows])"]


def test_ctc_labels_past_the_heads_vocab_size_size_the_config_with_the_tokenizer(tmp_path):
    res = _run(tmp_path, "label-out-of-range", """
        import json
        from pathlib import Path
        import torch
        from transformers import HubertConfig, HubertForCTC, Wav2Vec2CTCTokenizer

        letters = list("abcdefgh")
        table = {"<pad>": 0, "<unk>": 1, "|": 2, **{c: i + 3 for i, c in enumerate(letters)}}
        where = Path(__file__).with_name("chars.json")
        where.write_text(json.dumps(table))
        chars = Wav2Vec2CTCTokenizer(str(where), unk_token="<unk>", pad_token="<pad>", word_delimiter_token="|")
        torch.manual_seed(0)
        cfg = HubertConfig(vocab_size=len(letters), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                           intermediate_size=32, conv_dim=(16, 16), conv_stride=(5, 4), conv_kernel=(10, 8),
                           num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=2, mask_time_prob=0.0,
                           pad_token_id=chars.pad_token_id)
        asr = HubertForCTC(cfg)
        words = ["bad cafe", "head"]
        targets = [torch.tensor(chars(w).input_ids) for w in words]
        labels = torch.nn.utils.rnn.pad_sequence(targets, batch_first=True, padding_value=-100)
        wave = torch.randn(2, 1600)
        print(asr(wave, labels=labels).loss.item())
    """)
    assert res.fixed, res.fix_error
    assert any(line.startswith("cfg = HubertConfig(vocab_size=len(chars),") for line in _edited_lines(res)), res.edits


def test_a_token_the_module_puts_before_a_config_models_positions_gets_room_in_the_config(tmp_path):
    res = _run(tmp_path, "sequence-too-long", """
        import torch
        import torch.nn as nn
        from transformers import BertConfig, BertModel

        WINDOW = 24
        enc_cfg = BertConfig(vocab_size=8, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                             intermediate_size=32, max_position_embeddings=WINDOW)

        class SeriesClassifier(nn.Module):
            def __init__(self, cfg, n_feat):
                super().__init__()
                self.inp = nn.Linear(n_feat, cfg.hidden_size)
                self.summary = nn.Parameter(torch.zeros(1, 1, cfg.hidden_size))
                self.encoder = BertModel(cfg, add_pooling_layer=False)

            def forward(self, series):
                h = self.inp(series)
                h = torch.cat((self.summary.repeat(h.size(0), 1, 1), h), -2)
                return self.encoder(inputs_embeds=h).last_hidden_state[:, 0]

        net = SeriesClassifier(enc_cfg, 5)
        print(net(torch.randn(3, WINDOW, 5)).shape)
    """)
    assert res.fixed, res.fix_error
    assert any("max_position_embeddings=WINDOW + 1" in line for line in _edited_lines(res)), res.edits


def test_labels_walking_another_enumeration_of_the_inputs_items_walk_the_inputs_list(tmp_path):
    res = _run(tmp_path, "label-length-mismatch", """
        import itertools
        import torch
        import torch.nn.functional as F

        def build(queries, docs):
            combos = list(itertools.product(queries, docs))
            feats = torch.stack([torch.tensor([float(len(q)), float(len(d))]) for q, d in combos])
            targets = torch.tensor([int(q[0] == d[0]) for q, d in zip(queries, docs)])
            return feats, targets

        scorer = torch.nn.Linear(2, 2)
        x, y = build(["apple", "bolt", "cart"], ["axe", "bin", "cup"])
        print(F.cross_entropy(scorer(x), y).item())
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["targets = torch.tensor([int(q[0] == d[0]) for q, d in combos])"]


def test_a_float_table_stored_as_a_buffer_and_handed_to_a_helper_is_made_integer_where_it_is_made(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        import numpy as np
        import torch
        import torch.nn as nn

        def chain_links(n):
            prev = np.empty(n)
            prev[0] = 0
            for i in range(1, n):
                prev[i] = i - 1
            return prev

        def gather_prev(h, idx):
            return torch.index_select(h, 1, idx)

        class Smoother(nn.Module):
            def __init__(self, links):
                super().__init__()
                self.register_buffer("links", torch.as_tensor(links))

            def forward(self, h):
                return h - gather_prev(h, self.links)

        net = Smoother(chain_links(6))
        print(net(torch.randn(2, 6)).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["prev = np.empty(n, dtype=np.int64)"]


def test_a_float_batch_entry_computed_into_an_index_is_made_integer_where_the_collate_makes_it(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        import torch
        import torch.nn as nn

        def collate(rows):
            picks = torch.empty(len(rows), 3)
            for i, r in enumerate(rows):
                picks[i] = torch.tensor(r["slots"])
            return {"x": torch.stack([r["x"] for r in rows]), "picks": picks}

        class Picker(nn.Module):
            def forward(self, x, picks):
                where = picks.unsqueeze(-1).expand(-1, -1, x.size(-1))
                return torch.gather(x, 1, where).sum(1)

        rows = [{"x": torch.randn(7, 4), "slots": [0, 2, 5]} for _ in range(3)]
        print(Picker()(**collate(rows)).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["picks = torch.empty(len(rows), 3, dtype=torch.long)"]


def test_a_mask_left_out_of_the_keys_a_comprehension_cuts_is_listed_there(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        import torch
        import torch.nn as nn

        CUT = ["tokens", "types"]
        layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        emb = nn.Embedding(20, 8)
        batch = {"tokens": torch.randint(1, 20, (3, 12)), "types": torch.zeros(3, 12, dtype=torch.long),
                 "pad": torch.zeros(3, 12, dtype=torch.bool)}
        width = 9
        batch = {name: (t[:, :width] if name in CUT else t) for name, t in batch.items()}
        print(layer(emb(batch["tokens"]), src_key_padding_mask=batch["pad"]).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ['CUT = ["tokens", "types", "pad"]']


def test_segment_ids_numbered_over_the_parts_of_a_collection_size_the_config_by_its_length(tmp_path):
    res = _run(tmp_path, "token-type-out-of-range", """
        import torch
        from transformers import BertConfig, BertModel

        SENSORS = ("accel", "gyro", "mag", "baro", "temp")
        settings = {"kinds": 3}

        def collate(n_steps, n_rows):
            kinds = len(SENSORS)
            seg = torch.arange(kinds).repeat(n_steps)
            return seg.unsqueeze(0).expand(n_rows, -1)

        cfg = BertConfig(vocab_size=8, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=32, type_vocab_size=settings["kinds"])
        enc = BertModel(cfg)
        types = collate(4, 2)
        print(enc(input_ids=torch.ones_like(types), token_type_ids=types).last_hidden_state.shape)
    """)
    assert res.fixed, res.fix_error
    assert any("type_vocab_size=len(SENSORS)" in line for line in _edited_lines(res)), res.edits


def test_padding_to_the_longest_left_as_a_settings_default_in_a_per_item_call_pads_to_max_length(tmp_path):
    res = _run(tmp_path, "unpadded-batch", """
        from dataclasses import dataclass
        from pathlib import Path
        import torch
        from torch.utils.data import DataLoader, Dataset
        from transformers import BertTokenizer

        words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "red", "fox", "runs", "far", "away", "now"]
        vocab = Path(__file__).with_name("words.txt")
        vocab.write_text("\\n".join(words))

        @dataclass
        class Opts:
            width: int = 12
            pad: object = "longest"

        class Lines(Dataset):
            def __init__(self, lines, tok, opts):
                self.lines, self.tok, self.opts = lines, tok, opts

            def __len__(self):
                return len(self.lines)

            def __getitem__(self, i):
                enc = self.tok(self.lines[i], max_length=self.opts.width, truncation=True,
                               padding=self.opts.pad, return_tensors="pt")
                return enc["input_ids"].squeeze(0)

        data = Lines(["red fox", "red fox runs far away", "now"], BertTokenizer(str(vocab)), Opts())
        for ids in DataLoader(data, batch_size=3):
            print(ids.shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ['pad: object = "max_length"']


def test_ids_rounded_in_a_helper_whose_results_a_collate_appends_are_made_integer_where_rounded(tmp_path):
    res = _run(tmp_path, "index-dtype", """
        import torch
        import torch.nn as nn
        from torch.nn.utils.rnn import pad_sequence

        def to_bins(values, n_bins=10):
            scaled = (values - values.min()) / (values.max() - values.min() + 1e-9)
            bins = torch.round(scaled * (n_bins - 1))
            return bins + 1

        def collate(series):
            rows = []
            for s in series:
                rows.append(to_bins(s))
            return {"codes": pad_sequence(rows, batch_first=True)}

        class Coder(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = nn.Embedding(12, 4)

            def forward(self, codes):
                return self.table(codes).mean(1)

        batch = collate([torch.randn(5), torch.randn(3)])
        print(Coder()(**batch).shape)
    """)
    assert res.fixed, res.fix_error
    assert _edited_lines(res) == ["bins = torch.round(scaled * (n_bins - 1)).long()"]


def test_a_loop_over_a_modules_own_list_built_from_a_count_that_sizes_other_parts_gets_no_cut(tmp_path):
    res = _run(tmp_path, "loop-out-of-bounds", """
        import torch
        import torch.nn as nn

        class PerField(nn.Module):
            def __init__(self, sizes, width=8):
                super().__init__()
                self.tables = nn.ModuleList([nn.Embedding(n, width) for n in sizes])
                self.field_bias = nn.Parameter(torch.zeros(len(sizes), width))

            def forward(self, codes):
                parts = [self.tables[j](codes[:, j]) for j in range(len(self.tables))]
                return torch.stack(parts, 1) + self.field_bias

        net = PerField([5, 7, 4, 9])
        print(net(torch.randint(0, 4, (2, 3))).shape)
    """)
    # cutting the loop to the 3 columns would leave `field_bias` with 4 rows: no edit, the words say where
    assert res.edits == []
    assert "PerField([5, 7, 4, 9])" in res.report["diagnosis"]["explanation"]


def test_mask_rows_appended_without_the_slots_of_the_tokens_framing_the_ids_get_the_frame(tmp_path):
    res = _run(tmp_path, "mask-length-mismatch", """
        import torch
        import torch.nn as nn

        START, END = 1, 2
        layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        emb = nn.Embedding(30, 8)
        rows, keep = [], []
        for rec in [[5, 6, 0, 7], [8, 0, 9, 10]]:
            rows.append([START, START] + [t for t in rec] + [END])
            keep.append([v == 0 for v in rec])
        ids, pad = torch.tensor(rows), torch.tensor(keep)
        print(layer(emb(ids), src_key_padding_mask=pad).shape)
    """)
    assert res.fixed, res.fix_error
    # a key padding mask marks padding with True: the frame's slots are kept, False
    assert _edited_lines(res) == ["keep.append([False] * 2 + [v == 0 for v in rec] + [False])"]
