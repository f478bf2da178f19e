import json
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS_PATH = os.path.join(HERE, "policy_pages.jsonl")

FIELDS = ["POLICY_NO", "INSURED", "EFF_DATE", "PREMIUM"]
TAGS = ["O"] + [f"{p}-{f}" for f in FIELDS for p in ("B", "I")]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
PAD_TAG = -100

FILLER = ("this policy is issued subject to the terms conditions and exclusions shown in the "
          "declarations page coverage applies only to the described premises named perils").split()
FIRST = ["john", "maria", "wei", "fatima", "oliver", "priya", "carlos"]
LAST = ["smith", "garcia", "chen", "khan", "brown", "patel", "lopez"]


def fake_page(page_id):
    if random.random() < 0.08:
        return {"page_id": page_id, "ocr_text": "", "spans": []}
    tokens, spans = [], []

    def add(field, words, label_word):
        tokens.append(label_word)
        start = len(tokens)
        tokens.extend(words)
        spans.append({"field": field, "start": start, "end": len(tokens)})

    tokens.extend(random.sample(FILLER, 5))
    add("POLICY_NO", [f"hp-{random.randint(100000, 999999)}"], "policy")
    tokens.extend(random.sample(FILLER, 4))
    add("INSURED", [random.choice(FIRST), random.choice(LAST)], "insured")
    add("EFF_DATE", [f"{random.randint(1, 12):02d}/{random.randint(1, 28):02d}/2024"], "effective")
    tokens.extend(random.sample(FILLER, 6))
    add("PREMIUM", [f"${random.randint(300, 5000)}.00"], "premium")
    return {"page_id": page_id, "ocr_text": " ".join(tokens), "spans": spans}


def write_pages(path, n):
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps(fake_page(f"PG{i:05d}")) + "\n")


class PolicyPageDataset(Dataset):
    def __init__(self, path, vocab=None, max_len=64):
        with open(path) as f:
            self.pages = [json.loads(line) for line in f]
        self.max_len = max_len
        self.vocab = vocab or self._build_vocab()

    def _build_vocab(self):
        vocab = {"<pad>": 0, "<unk>": 1}
        for page in self.pages:
            for tok in page["ocr_text"].split():
                vocab.setdefault(self._norm(tok), len(vocab))
        return vocab

    @staticmethod
    def _norm(tok):
        return "<num>" if any(ch.isdigit() for ch in tok) else tok

    def __len__(self):
        return len(self.pages)

    def __getitem__(self, idx):
        page = self.pages[idx]
        tokens = page["ocr_text"].split()
        if not tokens:
            return None
        tags = [TAG2ID["O"]] * len(tokens)
        for span in page["spans"]:
            tags[span["start"]] = TAG2ID["B-" + span["field"]]
            for j in range(span["start"] + 1, span["end"]):
                tags[j] = TAG2ID["I-" + span["field"]]
        ids = [self.vocab.get(self._norm(t), 1) for t in tokens][: self.max_len]
        return {"page_id": page["page_id"], "input_ids": ids, "tags": tags[: self.max_len]}


def pad_collate(batch):
    longest = max(len(item["input_ids"]) for item in batch)
    input_ids = torch.zeros(len(batch), longest, dtype=torch.long)
    tags = torch.full((len(batch), longest), PAD_TAG, dtype=torch.long)
    for row, item in enumerate(batch):
        n = len(item["input_ids"])
        input_ids[row, :n] = torch.tensor(item["input_ids"])
        tags[row, :n] = torch.tensor(item["tags"])
    return {"page_ids": [item["page_id"] for item in batch], "input_ids": input_ids, "tags": tags}


class FieldTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=48):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, input_ids):
        h, _ = self.rnn(self.emb(input_ids))
        return self.out(h)


def main():
    write_pages(DOCS_PATH, 400)
    ds = PolicyPageDataset(DOCS_PATH)
    loader = DataLoader(ds, batch_size=32, shuffle=True, collate_fn=pad_collate)
    model = FieldTagger(len(ds.vocab), len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_TAG)

    for epoch in range(3):
        model.train()
        total, steps = 0.0, 0
        for batch in loader:
            logits = model(batch["input_ids"])
            loss = loss_fn(logits.reshape(-1, len(TAGS)), batch["tags"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch}: tag loss {total / steps:.4f}")


if __name__ == "__main__":
    main()
