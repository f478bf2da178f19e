import os
import random
from dataclasses import dataclass, field
from typing import List, Dict

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "re_vocab.txt")
MARKERS = ["[E1]", "[/E1]", "[E2]", "[/E2]"]
RELATIONS = ["no_relation", "works_for", "born_in", "founded_by", "located_in"]

PERSONS = ["john smith", "maria lopez", "wei chen", "anna berg", "omar haddad"]
ORGS = ["acme corp", "globex", "initech", "umbrella labs", "stark industries"]
CITIES = ["paris", "berlin", "tokyo", "lagos", "lima"]
FILLER = "the a of in was is at by for and who has been recently since then later also".split()
VERBS = "works born founded located joined moved headquartered based".split()


@dataclass
class EntitySpan:
    start: int
    end: int
    label: str


@dataclass
class RelationExample:
    tokens: List[str]
    head: EntitySpan
    tail: EntitySpan
    relation: str


@dataclass
class REConfig:
    max_len: int = 48
    hidden: int = 32
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 1
    padding: object = "max_length"


def write_vocab(path: str) -> None:
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pool = set()
    for name in PERSONS + ORGS + CITIES:
        pool.update(name.split())
    pool.update(FILLER)
    pool.update(VERBS)
    words += sorted(pool)
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")


def make_example(rng: random.Random) -> RelationExample:
    head_name = rng.choice(PERSONS).split()
    tail_pool = rng.choice([ORGS, CITIES])
    tail_name = rng.choice(tail_pool).split()
    pre = [rng.choice(FILLER) for _ in range(rng.randint(0, 4))]
    mid = [rng.choice(VERBS)] + [rng.choice(FILLER) for _ in range(rng.randint(1, 5))]
    post = [rng.choice(FILLER) for _ in range(rng.randint(0, 6))]
    tokens = pre + head_name + mid + tail_name + post
    h_start = len(pre)
    t_start = h_start + len(head_name) + len(mid)
    head = EntitySpan(h_start, h_start + len(head_name), "PER")
    tail = EntitySpan(t_start, t_start + len(tail_name), "ORG" if tail_pool is ORGS else "LOC")
    rel = rng.choice(RELATIONS[1:3] if tail.label == "ORG" else RELATIONS[2:])
    if rng.random() < 0.2:
        rel = "no_relation"
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


class RelationDataset(Dataset):
    def __init__(self, examples: List[RelationExample], tokenizer: BertTokenizer, cfg: REConfig):
        self.examples = examples
        self.tok = tokenizer
        self.cfg = cfg
        self.rel2id: Dict[str, int] = {r: i for i, r in enumerate(RELATIONS)}
        self.e1_id = tokenizer.convert_tokens_to_ids("[E1]")
        self.e2_id = tokenizer.convert_tokens_to_ids("[E2]")

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        ex = self.examples[idx]
        enc = self.tok(
            insert_markers(ex),
            max_length=self.cfg.max_len,
            truncation=True,
            padding=self.cfg.padding,
            return_tensors="pt",
        )
        ids = enc["input_ids"].squeeze(0)
        mask = enc["attention_mask"].squeeze(0)
        e1 = int((ids == self.e1_id).nonzero()[0])
        e2 = int((ids == self.e2_id).nonzero()[0])
        return {
            "input_ids": ids,
            "attention_mask": mask,
            "e1_pos": torch.tensor(e1),
            "e2_pos": torch.tensor(e2),
            "label": torch.tensor(self.rel2id[ex.relation]),
        }


class MarkerPairClassifier(nn.Module):
    def __init__(self, bert_cfg: BertConfig, n_rel: int):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        h = bert_cfg.hidden_size
        self.head = nn.Sequential(nn.Linear(2 * h, h), nn.Tanh(), nn.Dropout(0.1), nn.Linear(h, n_rel))

    def forward(self, input_ids, attention_mask, e1_pos, e2_pos):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        rows = torch.arange(hidden.size(0))
        pair = torch.cat([hidden[rows, e1_pos], hidden[rows, e2_pos]], dim=-1)
        return self.head(pair)


def train(cfg: REConfig):
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    tokenizer.add_special_tokens({"additional_special_tokens": MARKERS})

    rng = random.Random(SEED)
    examples = [make_example(rng) for _ in range(64)]
    ds = RelationDataset(examples, tokenizer, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    bert_cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = MarkerPairClassifier(bert_cfg, len(RELATIONS))
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["input_ids"], batch["attention_mask"], batch["e1_pos"], batch["e2_pos"])
            loss = loss_fn(logits, batch["label"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.4f}")


if __name__ == "__main__":
    train(REConfig())
