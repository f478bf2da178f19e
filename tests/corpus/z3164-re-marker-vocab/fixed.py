import os
import random
from dataclasses import dataclass, field
from typing import List, Tuple

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "re_vocab.txt")

BASE_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = (
    "the a of in was born founded by is ceo works for at lives city company "
    "acme globex initech paris london berlin john smith marie curie alan turing "
    "ada lovelace and he she it moved to joined president headquartered ."
).split()
ENTITY_MARKERS = ["[E1]", "[/E1]", "[E2]", "[/E2]"]
RELATIONS = ["no_relation", "per:city_of_birth", "org:founded_by", "per:employee_of", "org:city_of_hq"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass
class RelationExample:
    tokens: List[str]
    head: Span
    tail: Span
    relation: str


def write_vocab(path: str) -> None:
    with open(path, "w") as fh:
        fh.write("\n".join(BASE_TOKENS + WORDS) + "\n")


def synth_examples(n: int, rng: random.Random) -> List[RelationExample]:
    people = [["john", "smith"], ["marie", "curie"], ["alan", "turing"], ["ada", "lovelace"]]
    orgs = [["acme"], ["globex"], ["initech"]]
    cities = [["paris"], ["london"], ["berlin"]]
    out = []
    for _ in range(n):
        p, o, c = rng.choice(people), rng.choice(orgs), rng.choice(cities)
        kind = rng.randrange(3)
        if kind == 0:
            toks = p + ["was", "born", "in"] + c + ["."]
            head, tail, rel = Span(0, len(p), "PER"), Span(len(p) + 3, len(p) + 3 + len(c), "LOC"), "per:city_of_birth"
        elif kind == 1:
            toks = o + ["was", "founded", "by"] + p + ["."]
            head, tail, rel = Span(0, len(o), "ORG"), Span(len(o) + 3, len(o) + 3 + len(p), "PER"), "org:founded_by"
        else:
            toks = p + ["works", "for"] + o + ["in"] + c + ["."]
            head, tail, rel = Span(0, len(p), "PER"), Span(len(p) + 2, len(p) + 2 + len(o), "ORG"), "per:employee_of"
        out.append(RelationExample(toks, head, tail, rel))
    return out


def mark(ex: RelationExample) -> str:
    inserts = {
        ex.head.start: "[E1]", ex.head.end: "[/E1]",
        ex.tail.start: "[E2]", ex.tail.end: "[/E2]",
    }
    pieces = []
    for i in range(len(ex.tokens) + 1):
        if i in inserts:
            pieces.append(inserts[i])
        if i < len(ex.tokens):
            pieces.append(ex.tokens[i])
    return " ".join(pieces)


class MarkedRelationDataset(Dataset):
    def __init__(self, examples, tokenizer, max_len=32):
        self.examples = examples
        self.tok = tokenizer
        self.max_len = max_len
        self.rel2id = {r: i for i, r in enumerate(RELATIONS)}
        self.e1_id = tokenizer.convert_tokens_to_ids("[E1]")
        self.e2_id = tokenizer.convert_tokens_to_ids("[E2]")

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        ex = self.examples[idx]
        enc = self.tok(mark(ex), max_length=self.max_len, padding="max_length",
                       truncation=True, return_tensors="pt")
        ids = enc["input_ids"][0]
        return {
            "input_ids": ids,
            "attention_mask": enc["attention_mask"][0],
            "e1_pos": (ids == self.e1_id).nonzero()[0, 0],
            "e2_pos": (ids == self.e2_id).nonzero()[0, 0],
            "label": torch.tensor(self.rel2id[ex.relation]),
        }


class EntityMarkerClassifier(nn.Module):
    def __init__(self, config: BertConfig, n_labels: int):
        super().__init__()
        self.bert = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(2 * config.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask, e1_pos, e2_pos):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        rows = torch.arange(hidden.size(0))
        pair = torch.cat([hidden[rows, e1_pos], hidden[rows, e2_pos]], dim=-1)
        return self.head(self.dropout(pair))


def main():
    torch.manual_seed(0)
    rng = random.Random(13)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    tokenizer.add_special_tokens({"additional_special_tokens": ENTITY_MARKERS})

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = EntityMarkerClassifier(config, len(RELATIONS))

    train = MarkedRelationDataset(synth_examples(64, rng), tokenizer)
    loader = DataLoader(train, batch_size=8, shuffle=True)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for epoch in range(2):
        total = 0.0
        for batch in loader:
            logits = model(batch["input_ids"], batch["attention_mask"], batch["e1_pos"], batch["e2_pos"])
            loss = loss_fn(logits, batch["label"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
