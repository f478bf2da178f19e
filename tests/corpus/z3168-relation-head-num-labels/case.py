import os
import random
from dataclasses import dataclass, field
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "re_vocab.txt")

RELATION_TYPES = ["founded_by", "employee_of", "located_in", "spouse_of", "member_of"]
MARKERS = ["[E1]", "[/E1]", "[E2]", "[/E2]"]

PERSONS = ["alice", "bob", "carla", "dmitri", "erin", "farid"]
ORGS = ["acme", "globex", "initech", "umbrella", "hooli"]
PLACES = ["paris", "lagos", "osaka", "lima"]
FILLER = ["the", "a", "of", "in", "was", "by", "and", "said", "works", "at", "for", "with", "lives", "married", "joined"]


@dataclass
class Span:
    start: int
    end: int
    etype: str


@dataclass
class RelationExample:
    tokens: List[str]
    head: Span
    tail: Span
    relation: str
    meta: dict = field(default_factory=dict)


def write_vocab(path: str) -> None:
    words = sorted(set(PERSONS + ORGS + PLACES + FILLER))
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")


def synth_example() -> RelationExample:
    rel = random.choice(RELATION_TYPES + ["no_relation"])
    a = random.choice(PERSONS)
    b = random.choice(ORGS + PLACES + PERSONS)
    left = random.sample(FILLER, 2)
    mid = random.sample(FILLER, 3)
    right = random.sample(FILLER, 2)
    tokens = left + [a] + mid + [b] + right
    head = Span(len(left), len(left) + 1, "PER")
    tail = Span(len(left) + 4, len(left) + 5, "ORG")
    return RelationExample(tokens, head, tail, rel)


def insert_markers(ex: RelationExample) -> str:
    out = []
    for i, tok in enumerate(ex.tokens):
        if i == ex.head.start:
            out.append("[E1]")
        if i == ex.tail.start:
            out.append("[E2]")
        out.append(tok)
        if i == ex.head.end - 1:
            out.append("[/E1]")
        if i == ex.tail.end - 1:
            out.append("[/E2]")
    return " ".join(out)


label2id = {"no_relation": 0}
for i, r in enumerate(RELATION_TYPES):
    label2id[r] = i + 1
id2label = {v: k for k, v in label2id.items()}


class RelationDataset(Dataset):
    def __init__(self, examples: List[RelationExample]):
        self.examples = examples

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        ex = self.examples[idx]
        return insert_markers(ex), label2id[ex.relation]


def make_collate(tokenizer: BertTokenizer, max_length: int):
    e1_id = tokenizer.convert_tokens_to_ids("[E1]")
    e2_id = tokenizer.convert_tokens_to_ids("[E2]")

    def collate(batch: List[Tuple[str, int]]):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True,
                        max_length=max_length, return_tensors="pt")
        e1_pos = (enc["input_ids"] == e1_id).float().argmax(dim=1)
        e2_pos = (enc["input_ids"] == e2_id).float().argmax(dim=1)
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "e1_pos": e1_pos,
            "e2_pos": e2_pos,
            "labels": torch.tensor(labels, dtype=torch.long),
        }

    return collate


class EntityMarkerClassifier(nn.Module):
    def __init__(self, config: BertConfig, num_labels: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(2 * config.hidden_size, num_labels)

    def forward(self, input_ids, attention_mask, e1_pos, e2_pos):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        rows = torch.arange(hidden.size(0))
        pair = torch.cat([hidden[rows, e1_pos], hidden[rows, e2_pos]], dim=-1)
        return self.classifier(self.dropout(pair))


def train(model, loader, epochs=2, lr=3e-4):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        total = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["input_ids"], batch["attention_mask"], batch["e1_pos"], batch["e2_pos"])
            loss = F.cross_entropy(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.4f}")


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    tokenizer.add_special_tokens({"additional_special_tokens": MARKERS})

    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = EntityMarkerClassifier(config, num_labels=len(RELATION_TYPES))

    train_set = RelationDataset([synth_example() for _ in range(96)])
    loader = DataLoader(train_set, batch_size=16, shuffle=True,
                        collate_fn=make_collate(tokenizer, max_length=32))
    train(model, loader)

    model.eval()
    with torch.no_grad():
        batch = next(iter(loader))
        preds = model(batch["input_ids"], batch["attention_mask"], batch["e1_pos"], batch["e2_pos"]).argmax(-1)
    print([id2label[p] for p in preds.tolist()[:5]])


if __name__ == "__main__":
    main()
