"""Field extraction from digitised herbarium sheet labels.

Tiny BERT encoder + linear tagging head, trained by hand. The walkthrough is split into
numbered steps that pass a ctx dict along; run_steps at the bottom drives them.
"""
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(923)

FIELDS = ["O", "COLLECTOR", "LOCALITY", "DATE", "ELEVATION"]
SHEETS = [
    [("leg.", "O"), ("mueller", "COLLECTOR"), ("ridge", "LOCALITY"), ("above", "LOCALITY"),
     ("talbach", "LOCALITY"), ("1911", "DATE"), ("1400m", "ELEVATION")],
    [("coll.", "O"), ("okafor", "COLLECTOR"), ("1987", "DATE"), ("swamp", "LOCALITY")],
    [("leg.", "O"), ("lindqvist", "COLLECTOR"), ("scree", "LOCALITY"), ("slope", "LOCALITY"),
     ("820m", "ELEVATION"), ("1954", "DATE")],
    [("coll.", "O"), ("mueller", "COLLECTOR"), ("roadside", "LOCALITY"), ("1909", "DATE"),
     ("1400m", "ELEVATION"), ("det.", "O"), ("okafor", "COLLECTOR")],
]


def step_01_make_vocab(ctx):
    words = sorted({w for sheet in SHEETS for w, _ in sheet})
    folder = tempfile.mkdtemp(prefix="herbarium_")
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    ctx["vocab_file"] = vocab_file
    return f"vocab with {len(words) + 5} entries"


def step_02_tokenizer(ctx):
    ctx["tok"] = BertTokenizer(ctx["vocab_file"], do_lower_case=False)
    return f"tokenizer size {len(ctx['tok'])}"


def collate_sheets(batch, tok):
    # labels were transcribed one word at a time, so encode word by word
    longest = max(len(sheet) for sheet in batch) + 2
    ids, attn, tags = [], [], []
    for sheet in batch:
        pieces = [tok.cls_token] + [w for w, _ in sheet] + [tok.sep_token]
        row = tok.convert_tokens_to_ids(pieces)
        row_tags = [-100] + [FIELDS.index(f) for _, f in sheet] + [-100]
        pad = longest - len(row)
        ids.append(row + [tok.pad_token_id] * pad)
        attn.append([1] * len(row) + [0] * pad)
        tags.append(row_tags + [-100] * pad)
    return {
        "input_ids": torch.tensor(ids),
        "attention_mask": torch.tensor(attn),
        "field_tags": torch.tensor(tags),
    }


def step_03_loader(ctx):
    ctx["loader"] = DataLoader(SHEETS, batch_size=4, shuffle=True,
                               collate_fn=partial(collate_sheets, tok=ctx["tok"]))
    first = next(iter(ctx["loader"]))
    return f"batch keys {sorted(first)} ids {tuple(first['input_ids'].shape)}"


class SheetTagger(nn.Module):
    def __init__(self, cfg, n_fields):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.tagger = nn.Linear(cfg.hidden_size, n_fields)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.tagger(self.drop(hidden))


def step_04_model(ctx):
    cfg = BertConfig(vocab_size=len(ctx["tok"]), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    ctx["model"] = SheetTagger(cfg, len(FIELDS))
    ctx["criterion"] = nn.CrossEntropyLoss(ignore_index=-100)
    return f"{len(FIELDS)} field tags"


def step_05_train(ctx, epochs=20):
    model, crit = ctx["model"], ctx["criterion"]
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
    model.train()
    history = []
    for ep in range(epochs):
        for batch in ctx["loader"]:
            gold = batch.pop("field_tags")
            scores = model(**batch)
            loss = crit(scores, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
        history.append(loss.item())
    return f"loss {history[0]:.3f} -> {history[-1]:.3f}"


def step_06_tag_new_sheet(ctx):
    words = ["leg.", "lindqvist", "swamp", "1911"]
    batch = collate_sheets([[(w, "O") for w in words]], ctx["tok"])
    batch.pop("field_tags")
    ctx["model"].eval()
    with torch.no_grad():
        pred = ctx["model"](**batch).argmax(-1)[0, 1:-1].tolist()
    return " ".join(f"{w}/{FIELDS[p]}" for w, p in zip(words, pred))


STEPS = [step_01_make_vocab, step_02_tokenizer, step_03_loader,
         step_04_model, step_05_train, step_06_tag_new_sheet]


def run_steps(ctx, steps):
    for k, step in enumerate(steps, 1):
        print(f"step {k}/{len(steps)} [{step.__name__}] {step(ctx)}")


if __name__ == "__main__":
    run_steps({}, STEPS)
