"""Field-scouting notes + Sentinel-2 summary -> stress class (healthy / water / nitrogen / pest).

Small research prototype: a tiny BERT encodes agronomist scouting notes, a MLP
encodes per-field band statistics, and a fusion head predicts the stress class.
"""
import os
import random
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_TOKENS = 64
N_BANDS = 10
STRESS_CLASSES = ["healthy", "water", "nitrogen", "pest"]

CFG = {
    "encoder": "tiny_bert",
    "max_len": 48,
    "hidden": 32,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 2,
    "n_fields": 64,
}

WORDS = ("leaf yellowing chlorosis wilting canopy lodging aphids rust tassel "
         "irrigation pivot drought furrow nitrogen urea sidedress scout row "
         "emergence stand patchy uneven soil crust compaction mildew spots "
         "borer larvae hail standing water ponding healthy green uniform").split()


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return path


def synth_fields(n):
    rows = []
    for i in range(n):
        label = i % len(STRESS_CLASSES)
        n_words = random.randint(6, 40)
        note = " ".join(random.choice(WORDS) for _ in range(n_words))
        bands = np.random.normal(0.2 + 0.05 * label, 0.03, size=N_BANDS).astype(np.float32)
        rows.append({"field_id": f"F{i:03d}", "note": note, "bands": bands, "label": label})
    return rows


class ScoutingSet(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows = rows
        self.enc = [tokenizer(r["note"], truncation=True, max_length=max_len)["input_ids"] for r in rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        return {"ids": self.enc[i], "bands": r["bands"], "label": r["label"]}


length_mask = lambda lengths, n=MAX_TOKENS: (torch.arange(n)[None, :] < lengths[:, None]).long()


def collate_notes(batch, pad_id, seq_len):
    ids = torch.full((len(batch), seq_len), pad_id, dtype=torch.long)
    for i, b in enumerate(batch):
        ids[i, : len(b["ids"])] = torch.tensor(b["ids"])
    lengths = torch.tensor([len(b["ids"]) for b in batch])
    return {
        "input_ids": ids,
        "attention_mask": length_mask(lengths),
        "bands": torch.from_numpy(np.stack([b["bands"] for b in batch])),
        "label": torch.tensor([b["label"] for b in batch]),
    }


def tiny_bert(vocab_size, hidden):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=MAX_TOKENS)
    return BertModel(cfg)


ENCODERS = {
    "tiny_bert": tiny_bert,
}


class StressFusion(nn.Module):
    def __init__(self, text_encoder, hidden, n_classes):
        super().__init__()
        self.text = text_encoder
        self.spec = nn.Sequential(nn.Linear(N_BANDS, hidden), nn.GELU())
        self.head = nn.Linear(2 * hidden, n_classes)

    def forward(self, input_ids, attention_mask, bands):
        out = self.text(input_ids=input_ids, attention_mask=attention_mask)
        cls = out.last_hidden_state[:, 0]
        return self.head(torch.cat([cls, self.spec(bands)], dim=-1))


def loss_fn(model, batch):
    logits = model(batch["input_ids"], batch["attention_mask"], batch["bands"])
    return F.cross_entropy(logits, batch["label"]), logits


def train_step(model, opt, batch):
    model.train()
    opt.zero_grad()
    loss, _ = loss_fn(model, batch)
    loss.backward()
    opt.step()
    return loss.item()


def run(cfg):
    vocab_path = write_vocab(os.path.join(HERE, "scout_vocab.txt"))
    tok = BertTokenizer(vocab_path)
    rows = synth_fields(cfg["n_fields"])
    ds = ScoutingSet(rows, tok, cfg["max_len"])
    collate = partial(collate_notes, pad_id=tok.pad_token_id, seq_len=cfg["max_len"])
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)

    encoder = ENCODERS[cfg["encoder"]](tok.vocab_size, cfg["hidden"])
    model = StressFusion(encoder, cfg["hidden"], len(STRESS_CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])

    history = []
    for epoch in range(cfg["epochs"]):
        losses = [train_step(model, opt, b) for b in loader]
        history.append(float(np.mean(losses)))
        print(f"epoch {epoch}: loss={history[-1]:.4f}")
    return model, history


if __name__ == "__main__":
    _, hist = run(CFG)
    print("final loss", hist[-1])
