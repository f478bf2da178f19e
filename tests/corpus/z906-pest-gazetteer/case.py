"""Pest / crop mention tagger for extension-officer field advisories.

Token classifier on a tiny BERT plus a gazetteer channel: every token that
falls inside a known pest or crop name gets that entry's embedding added to
its features (0 = no gazetteer match).
"""
import os
import tempfile

import torch
import torch.nn as nn
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

set_seed(3)

TAGS = ["O", "B-PEST", "I-PEST", "B-CROP", "I-CROP"]
GAZETTEER = {"fall armyworm": 1, "stem borer": 2, "aphids": 3, "whitefly": 4,
             "maize": 5, "cassava": 6, "tomato": 7, "sorghum": 8}

ADVISORIES = [
    {"text": "Scout maize fields weekly for fall armyworm egg masses.",
     "ents": [("maize", "CROP"), ("fall armyworm", "PEST")]},
    {"text": "Whitefly numbers are rising on tomato seedlings in the nursery.",
     "ents": [("Whitefly", "PEST"), ("tomato", "CROP")]},
    {"text": "Cut and burn sorghum stubble to break the stem borer cycle.",
     "ents": [("sorghum", "CROP"), ("stem borer", "PEST")]},
    {"text": "Spray neem extract when aphids cluster under cassava leaves.",
     "ents": [("aphids", "PEST"), ("cassava", "CROP")]},
    {"text": "Farmers report fall armyworm damage in late planted maize.",
     "ents": [("fall armyworm", "PEST"), ("maize", "CROP")]},
    {"text": "Yellow sticky traps help monitor whitefly in tomato tunnels.",
     "ents": [("whitefly", "PEST"), ("tomato", "CROP")]},
]


def write_vocab(texts):
    tmp = tempfile.mkdtemp(prefix="advisory_vocab_")
    words = set()
    for t in texts:
        words.update(t.lower().replace(".", " . ").replace(",", " , ").split())
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return path


def scan_gazetteer(text, gazetteer):
    """{surface: char offset of its first occurrence} for every entry found in text."""
    lowered = text.lower()
    hits = {}
    for surface in gazetteer:
        at = lowered.find(surface)
        if at >= 0:
            hits[surface] = at
    return hits


def gazetteer_channel(offsets, text, gazetteer):
    hits = scan_gazetteer(text, gazetteer)
    channel = [0] * len(offsets)
    for surface, at in hits.items():
        stop = at + len(surface)
        for t, (s, e) in enumerate(offsets):
            if e > s and s >= at and e <= stop:
                channel[t] = hits[surface]
    return channel


def bio_tags(offsets, text, ents):
    tags = [-100 if e == s else 0 for s, e in offsets]
    for surface, kind in ents:
        start = text.find(surface)
        stop = start + len(surface)
        for t, (s, e) in enumerate(offsets):
            if e > s and s >= start and e <= stop:
                tags[t] = TAGS.index(("B-" if s == start else "I-") + kind)
    return tags


def make_collate(tokenizer):
    def collate(rows):
        texts = [r["text"] for r in rows]
        enc = tokenizer(texts, padding=True, return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").tolist()
        enc["gaz_ids"] = torch.tensor([gazetteer_channel(o, t, GAZETTEER) for o, t in zip(offsets, texts)])
        enc["tags"] = torch.tensor([bio_tags(o, r["text"], r["ents"]) for o, r in zip(offsets, rows)])
        return enc
    return collate


class GazetteerTagger(nn.Module):
    def __init__(self, vocab_size, n_entries, n_tags, gaz_dim=8):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.gaz_table = nn.Embedding(n_entries + 1, gaz_dim, padding_idx=0)
        self.classify = nn.Linear(cfg.hidden_size + gaz_dim, n_tags)

    def forward(self, input_ids, attention_mask, token_type_ids, gaz_ids):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
        return self.classify(torch.cat([hidden, self.gaz_table(gaz_ids)], dim=-1))


accelerator = Accelerator(cpu=True)
tokenizer = BertTokenizer(write_vocab([a["text"] for a in ADVISORIES]))
model = GazetteerTagger(tokenizer.vocab_size, len(GAZETTEER), len(TAGS))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
loader = DataLoader(ADVISORIES, batch_size=3, shuffle=True, collate_fn=make_collate(tokenizer))
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(2):
    model.train()
    total = 0.0
    for batch in loader:
        gold = batch.pop("tags")
        scores = model(**batch)
        loss = loss_fn(scores.view(-1, len(TAGS)), gold.view(-1))
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    accelerator.print(f"epoch {epoch}: loss {total / len(loader):.4f}")

accelerator.print("gazetteer rows:", model.gaz_table.num_embeddings, "tags:", TAGS)
