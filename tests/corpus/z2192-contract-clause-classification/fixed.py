import random
import re

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CLAUSE_TYPES = ["indemnification", "termination", "confidentiality", "governing_law", "limitation_of_liability"]
SEGMENTS = {"heading": 0, "body": 1, "definitions": 2}

MODEL_CFG = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=128,
    type_vocab_size=len(SEGMENTS),
    hidden_dropout_prob=0.1,
)
TRAIN_CFG = dict(batch_size=8, lr=3e-4, epochs=2, max_len=96)

VOCAB_WORDS = (
    "the party shall indemnify hold harmless against any claims losses arising from breach agreement "
    "terminate upon notice days written either may this confidential information disclose not third "
    "laws state governed construed accordance liability exceed fees paid aggregate event consequential "
    "damages supplier customer licensor licensee means defined herein affiliate effective date term"
).split()


def build_vocab(words):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for w in words:
        vocab.setdefault(w, len(vocab))
    return vocab


def fake_clause(rng, label):
    heading = f"{CLAUSE_TYPES[label].replace('_', ' ')} section {rng.randint(1, 30)}"
    body = " ".join(rng.choice(VOCAB_WORDS) for _ in range(rng.randint(12, 40)))
    n_defs = rng.randint(0, 3)
    defs = [f"{rng.choice(['supplier', 'customer', 'affiliate'])} means {' '.join(rng.choice(VOCAB_WORDS) for _ in range(5))}"
            for _ in range(n_defs)]
    return {"heading": heading, "body": body, "definitions": defs, "label": label}


class ClauseDataset(Dataset):
    def __init__(self, records, vocab, max_len):
        self.records = records
        self.vocab = vocab
        self.max_len = max_len

    def _ids(self, text):
        return [self.vocab.get(t, 1) for t in re.findall(r"[a-z_]+|\d+", text.lower())]

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        ids = [self.vocab["[CLS]"]]
        seg = [SEGMENTS["heading"]]
        for name in ("heading", "body"):
            piece = self._ids(rec[name]) + [self.vocab["[SEP]"]]
            ids += piece
            seg += [SEGMENTS[name]] * len(piece)
        for d in rec["definitions"]:
            piece = self._ids(d) + [self.vocab["[SEP]"]]
            ids += piece
            seg += [SEGMENTS["definitions"]] * len(piece)
        ids, seg = ids[: self.max_len], seg[: self.max_len]
        return torch.tensor(ids), torch.tensor(seg), rec["label"]


def collate_clauses(batch):
    longest = max(len(ids) for ids, _, _ in batch)
    input_ids = torch.zeros(len(batch), longest, dtype=torch.long)
    token_type_ids = torch.zeros(len(batch), longest, dtype=torch.long)
    attention_mask = torch.zeros(len(batch), longest, dtype=torch.long)
    for i, (ids, seg, _) in enumerate(batch):
        input_ids[i, : len(ids)] = ids
        token_type_ids[i, : len(seg)] = seg
        attention_mask[i, : len(ids)] = 1
    labels = torch.tensor([y for _, _, y in batch])
    return {"input_ids": input_ids, "token_type_ids": token_type_ids,
            "attention_mask": attention_mask, "labels": labels}


class ClauseClassifier(nn.Module):
    def __init__(self, vocab_size, num_labels, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, **cfg)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(bert_cfg.hidden_size, num_labels)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        cls = out.last_hidden_state[:, 0]
        return self.head(self.dropout(cls))


def main():
    rng = random.Random(SEED)
    vocab = build_vocab(VOCAB_WORDS + [c for t in CLAUSE_TYPES for c in t.split("_")] + ["section"]
                        + [str(i) for i in range(1, 31)])
    records = [fake_clause(rng, rng.randrange(len(CLAUSE_TYPES))) for _ in range(64)]
    ds = ClauseDataset(records, vocab, TRAIN_CFG["max_len"])
    loader = DataLoader(ds, batch_size=TRAIN_CFG["batch_size"], shuffle=True, collate_fn=collate_clauses)

    model = ClauseClassifier(len(vocab), len(CLAUSE_TYPES), MODEL_CFG)
    optim = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(TRAIN_CFG["epochs"]):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * labels.size(0)
            correct += (logits.argmax(-1) == labels).sum().item()
            seen += labels.size(0)
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")


if __name__ == "__main__":
    main()
