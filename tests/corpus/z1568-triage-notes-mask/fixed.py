"""Triage-level classifier for short emergency-department notes.

Notes and their triage level are written to a TSV, read back with numpy,
encoded with a small WordPiece vocab built from the corpus itself and fed to
a one-layer BERT encoder with a linear head.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from transformers import BertConfig, BertModel, BertTokenizer

MAX_TOKENS = 40
BATCH = 8
EPOCHS = 2
rng = np.random.default_rng(7)

COMPLAINTS = ["chest pain", "shortness of breath", "ankle sprain", "fever and cough",
              "abdominal pain", "headache", "laceration on hand", "dizziness"]
MODIFIERS = ["since this morning", "for two days", "after a fall", "radiating to left arm",
             "with vomiting", "mild", "severe", "worse on exertion", "no prior history"]
LEVELS = ["resuscitation", "urgent", "semi-urgent", "routine"]

workdir = tempfile.mkdtemp(prefix="triage_")
notes_path = os.path.join(workdir, "notes.tsv")
with open(notes_path, "w") as fh:
    for _ in range(96):
        n_mod = rng.integers(1, 4)
        mods = rng.choice(MODIFIERS, size=n_mod, replace=False)
        text = "patient reports " + rng.choice(COMPLAINTS) + " " + " ".join(mods)
        fh.write(f"{text}\t{rng.choice(LEVELS)}\n")

records = np.genfromtxt(notes_path, delimiter="\t", dtype=str, encoding="utf-8")
note_text, triage_raw = records[:, 0], records[:, 1]

words = np.unique(" ".join(note_text).split())
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(words)) + "\n")
tokenizer = BertTokenizer(vocab_path)

level_enc = LabelEncoder()
triage_codes = level_enc.fit_transform(triage_raw)


def encode_notes(texts, tok, max_tokens):
    rows = []
    for t in texts:
        pieces = tok.convert_tokens_to_ids(tok.tokenize(t))[: max_tokens - 2]
        rows.append([tok.cls_token_id] + pieces + [tok.sep_token_id])
    lengths = np.array([len(r) for r in rows])
    width = lengths.max()
    ids = np.full((len(rows), width), tok.pad_token_id, dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
    return ids, lengths


def visibility_mask(lengths, width):
    return (np.arange(width)[None, :] < lengths[:, None]).astype(np.int64)


note_ids, note_lengths = encode_notes(note_text, tokenizer, MAX_TOKENS)
note_mask = visibility_mask(note_lengths, note_ids.shape[1])

idx_train, idx_val = train_test_split(np.arange(len(note_ids)), test_size=0.25,
                                      random_state=0, stratify=triage_codes)


class TriageNet(nn.Module):
    def __init__(self, vocab_size, n_levels):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_levels)

    def forward(self, token_ids, visible):
        out = self.encoder(input_ids=token_ids, attention_mask=visible)
        return self.head(out.last_hidden_state[:, 0])


model = TriageNet(len(tokenizer), len(level_enc.classes_))
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
criterion = nn.CrossEntropyLoss()

ids_t = torch.from_numpy(note_ids)
mask_t = torch.from_numpy(note_mask)
y_t = torch.from_numpy(triage_codes).long()

for epoch in range(EPOCHS):
    model.train()
    order = rng.permutation(idx_train)
    running = 0.0
    for start in range(0, len(order), BATCH):
        sel = torch.from_numpy(order[start:start + BATCH])
        logits = model(ids_t[sel], mask_t[sel])
        loss = criterion(logits, y_t[sel])
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item() * len(sel)
    model.eval()
    with torch.no_grad():
        val_sel = torch.from_numpy(idx_val)
        preds = model(ids_t[val_sel], mask_t[val_sel]).argmax(-1)
        acc = (preds == y_t[val_sel]).float().mean().item()
    print(f"epoch {epoch}: train loss {running / len(order):.4f}  val acc {acc:.3f}")

print("levels:", list(level_enc.classes_))
