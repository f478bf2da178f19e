"""Tariff chapter classifier for customs declarations (Accelerate loop).

Training data carries the fine HS chapter; the audit sample we evaluate on
was only reviewed at the section level, so the audit report is a
section x chapter table: which chapters does the model pick for goods the
auditors put in each section.
"""
import os
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(21)

CHAPTERS = ["live_animals", "fish", "dairy", "vegetables", "fruit", "cereals", "iron_steel", "copper"]
SECTIONS = ["animal_products", "vegetable_products", "base_metals"]
CHAPTER_SECTION = {"live_animals": 0, "fish": 0, "dairy": 0, "vegetables": 1,
                   "fruit": 1, "cereals": 1, "iron_steel": 2, "copper": 2}

TRAIN = [
    ("live breeding cattle in approved crates", "live_animals"),
    ("frozen atlantic salmon fillets vacuum packed", "fish"),
    ("skimmed milk powder in bulk bags", "dairy"),
    ("fresh onions and shallots in mesh sacks", "vegetables"),
    ("fresh bananas green for ripening", "fruit"),
    ("durum wheat for milling", "cereals"),
    ("hot rolled steel coils unalloyed", "iron_steel"),
    ("refined copper cathodes bundled", "copper"),
    ("live poultry day old chicks", "live_animals"),
    ("smoked herring in brine barrels", "fish"),
    ("cheddar cheese blocks matured", "dairy"),
    ("dried kidney beans shelled", "vegetables"),
    ("citrus oranges fresh in cartons", "fruit"),
    ("polished rice long grain", "cereals"),
    ("stainless steel bars cold drawn", "iron_steel"),
    ("copper wire uninsulated coils", "copper"),
]

AUDIT = [
    ("frozen cod blocks for processing", "animal_products"),
    ("butter unsalted in cartons", "animal_products"),
    ("fresh apples in bins", "vegetable_products"),
    ("barley malting grade", "vegetable_products"),
    ("steel wire rod coils", "base_metals"),
    ("copper scrap sorted", "base_metals"),
    ("live sheep for slaughter", "animal_products"),
    ("fresh carrots washed", "vegetable_products"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_rows(tokenizer, rows, label_names):
    lookup = {name: i for i, name in enumerate(label_names)}
    out = []
    for text, label in rows:
        enc = tokenizer(text, truncation=True, max_length=24)
        enc["labels"] = lookup[label]
        out.append(dict(enc))
    return out


def tally(table, row_ids, col_ids):
    for r, c in zip(row_ids.tolist(), col_ids.tolist()):
        table[r, c] += 1
    return table


def main():
    acc = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab([t for t, _ in TRAIN + AUDIT]))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=32, num_labels=len(CHAPTERS))
    model = BertForSequenceClassification(cfg)

    pad = lambda feats: tok.pad(feats, return_tensors="pt")
    train_dl = DataLoader(encode_rows(tok, TRAIN, CHAPTERS), batch_size=4, shuffle=True, collate_fn=pad)
    audit_dl = DataLoader(encode_rows(tok, AUDIT, SECTIONS), batch_size=4, collate_fn=pad)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model, optim, train_dl, audit_dl = acc.prepare(model, optim, train_dl, audit_dl)

    model.train()
    for epoch in range(4):
        for batch in train_dl:
            out = model(**batch)
            acc.backward(out.loss)
            optim.step()
            optim.zero_grad()
        acc.print(f"epoch {epoch} loss {out.loss.item():.3f}")

    model.eval()
    report = torch.zeros(len(SECTIONS), len(CHAPTERS), dtype=torch.long)
    for batch in audit_dl:
        section_gold = batch.pop("labels")
        with torch.no_grad():
            chapter_pred = model(**batch).logits.argmax(-1)
        chapter_pred, section_gold = acc.gather_for_metrics((chapter_pred, section_gold))
        tally(report, section_gold, chapter_pred)

    hits = sum(report[s, c].item() for c, name in enumerate(CHAPTERS)
               for s in [CHAPTER_SECTION[name]])
    acc.print("section x chapter audit table:\n", report)
    acc.print(f"section-level agreement: {hits}/{report.sum().item()}")


if __name__ == "__main__":
    main()
