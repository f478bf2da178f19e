import json
import os
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(2024)
torch.manual_seed(2024)

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "annotated")
ENTITY_TYPES = ["NAME", "EMAIL", "SKILL", "ORG", "TITLE", "DEGREE"]
TAGS = ["O"] + [f"{p}-{e}" for e in ENTITY_TYPES for p in ("B", "I")]
tag2id = {t: i for i, t in enumerate(TAGS)}
PAD_TAG = -100

SPANS = {
    "NAME": [["Maria", "Lopez"], ["Kenji", "Sato"], ["Priya", "Nair"], ["Tom", "Becker"]],
    "EMAIL": [["maria.lopez@mail.com"], ["ksato@corp.jp"], ["priya.n@outlook.com"]],
    "SKILL": [["Python"], ["machine", "learning"], ["SQL"], ["project", "management"], ["React"]],
    "ORG": [["Deloitte"], ["Google"], ["Siemens", "AG"], ["Tata", "Consultancy", "Services"]],
    "TITLE": [["Data", "Scientist"], ["Software", "Engineer"], ["HR", "Business", "Partner"]],
    "DEGREE": [["B.Tech"], ["MBA"], ["Master", "of", "Science"]],
}
FILLER = ["worked", "as", "at", "with", "skills", "in", "and", "holds", "a", "from", "contact", ":", ",", "."]


def synth_sentence():
    tokens, tags = [], []
    for _ in range(random.randint(2, 5)):
        for _ in range(random.randint(0, 3)):
            tokens.append(random.choice(FILLER))
            tags.append("O")
        ent = random.choice(ENTITY_TYPES)
        span = random.choice(SPANS[ent])
        tokens.extend(span)
        tags.extend([f"B-{ent}"] + [f"I-{ent}"] * (len(span) - 1))
    return tokens, tags


def export_annotations():
    os.makedirs(DATA_DIR, exist_ok=True)
    # batch annotated with the old labeling tool
    with open(os.path.join(DATA_DIR, "labelbox_2022.jsonl"), "w") as f:
        for i in range(120):
            toks, tags = synth_sentence()
            f.write(json.dumps({"id": f"lb-{i}", "tokens": toks, "tags": tags}) + "\n")
    # newer batch exported from the doccano project
    with open(os.path.join(DATA_DIR, "doccano_2024.jsonl"), "w") as f:
        for i in range(80):
            toks, tags = synth_sentence()
            f.write(json.dumps({"id": f"dc-{i}", "tokens": toks, "ner_tags": tags,
                                "annotator": random.choice(["a1", "a2", "a3"])}) + "\n")


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def build_word_vocab(records):
    vocab = {"<pad>": 0, "<unk>": 1}
    for rec in records:
        for tok in rec["tokens"]:
            vocab.setdefault(tok.lower(), len(vocab))
    return vocab


def make_collate(word_vocab):
    def collate(batch):
        ids = [torch.tensor([word_vocab.get(t.lower(), 1) for t in item["tokens"]]) for item in batch]
        labels = [torch.tensor([tag2id[t] for t in item["tags"]]) for item in batch]
        return {
            "input_ids": pad_sequence(ids, batch_first=True, padding_value=0),
            "labels": pad_sequence(labels, batch_first=True, padding_value=PAD_TAG),
            "lengths": torch.tensor([len(x) for x in ids]),
        }
    return collate


class BiLSTMTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb=64, hidden=64):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_tags)

    def forward(self, input_ids):
        out, _ = self.lstm(self.emb(input_ids))
        return self.proj(out)


def train(records, epochs=2, batch_size=16):
    word_vocab = build_word_vocab(records)
    loader = DataLoader(records, batch_size=batch_size, shuffle=True,
                        collate_fn=make_collate(word_vocab))
    model = BiLSTMTagger(len(word_vocab), len(TAGS))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_TAG)
    for epoch in range(epochs):
        running = 0.0
        for batch in loader:
            logits = model(batch["input_ids"])
            loss = loss_fn(logits.reshape(-1, len(TAGS)), batch["labels"].reshape(-1))
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.4f}")
    return model


if __name__ == "__main__":
    export_annotations()
    records = []
    for fname in sorted(os.listdir(DATA_DIR)):
        records.extend(load_jsonl(os.path.join(DATA_DIR, fname)))
    print(f"loaded {len(records)} annotated resume sentences")
    train(records)
