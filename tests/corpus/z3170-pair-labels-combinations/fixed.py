import itertools
import os
import random
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(2024)
np.random.seed(2024)
torch.manual_seed(2024)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
REL2ID = {"NA": 0, "works_for": 1, "based_in": 2, "acquired": 3}
ENTITY_MARKERS = ["[E1]", "[/E1]", "[E2]", "[/E2]"]

NAMES = ["siemens", "bosch", "munich", "berlin", "anna", "jonas", "lufthansa", "stuttgart"]
GLUE = ["the", "and", "for", "in", "has", "is", "with", "from", "acquired", "works", "based", "ceo", "report"]


@dataclass(frozen=True)
class EntitySpan:
    start: int
    end: int
    text: str


@dataclass
class DocExample:
    doc_id: str
    words: List[str]
    entities: List[EntitySpan]
    relations: Dict[Tuple[int, int], str] = field(default_factory=dict)


def write_vocab() -> str:
    path = os.path.join(WORKDIR, "docre_vocab.txt")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(NAMES + GLUE))
    with open(path, "w") as fh:
        fh.writelines(t + "\n" for t in tokens)
    return path


def sample_document(idx: int) -> DocExample:
    n_ent = random.choice([3, 4])
    names = random.sample(NAMES, n_ent)
    words, ents = [], []
    for name in names:
        words.extend(random.sample(GLUE, 2))
        ents.append(EntitySpan(len(words), len(words) + 1, name))
        words.append(name)
    words.extend(random.sample(GLUE, 2))
    rels = {}
    for h, t in itertools.permutations(range(n_ent), 2):
        if random.random() < 0.3:
            rels[(h, t)] = random.choice([r for r in REL2ID if r != "NA"])
    return DocExample(f"d{idx:03d}", words, ents, rels)


def mark_pair(doc: DocExample, h: int, t: int) -> str:
    head, tail = doc.entities[h], doc.entities[t]
    out = []
    for i, w in enumerate(doc.words):
        if i == head.start:
            out.append("[E1]")
        if i == tail.start:
            out.append("[E2]")
        out.append(w)
        if i == head.end - 1:
            out.append("[/E1]")
        if i == tail.end - 1:
            out.append("[/E2]")
    return " ".join(out)


def encode_document(doc: DocExample, tokenizer) -> Dict[str, torch.Tensor]:
    pairs = list(itertools.permutations(range(len(doc.entities)), 2))
    texts = [mark_pair(doc, h, t) for h, t in pairs]
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    labels = [REL2ID[doc.relations.get((h, t), "NA")]
              for h, t in pairs]
    enc["labels"] = torch.tensor(labels)
    return enc


class MarkerPairHead(nn.Module):
    def __init__(self, hidden: int, n_rel: int):
        super().__init__()
        self.proj = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.Tanh())
        self.out = nn.Linear(hidden, n_rel)

    def forward(self, h_e1, h_e2):
        return self.out(self.proj(torch.cat([h_e1, h_e2], dim=-1)))


class PairwiseRelationModel(nn.Module):
    def __init__(self, cfg: BertConfig, n_rel: int, e1_id: int, e2_id: int):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.head = MarkerPairHead(cfg.hidden_size, n_rel)
        self.e1_id, self.e2_id = e1_id, e2_id
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        seq = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        idx = torch.arange(seq.size(0))
        e1 = seq[idx, (input_ids == self.e1_id).int().argmax(1)]
        e2 = seq[idx, (input_ids == self.e2_id).int().argmax(1)]
        logits = self.head(e1, e2)
        loss = self.loss_fn(logits, labels) if labels is not None else None
        return loss, logits


def main():
    tokenizer = BertTokenizer(write_vocab())
    tokenizer.add_special_tokens({"additional_special_tokens": ENTITY_MARKERS})
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = PairwiseRelationModel(cfg, len(REL2ID), *tokenizer.convert_tokens_to_ids(["[E1]", "[E2]"]))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    docs = [sample_document(i) for i in range(40)]
    split = int(0.8 * len(docs))
    train_docs, dev_docs = docs[:split], docs[split:]

    for epoch in range(2):
        model.train()
        random.shuffle(train_docs)
        running = []
        for doc in train_docs:
            batch = encode_document(doc, tokenizer)
            loss, _ = model(**batch)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running.append(loss.item())
        print(f"epoch {epoch}: train loss {np.mean(running):.4f}")

    model.eval()
    hits = total = 0
    with torch.no_grad():
        for doc in dev_docs:
            batch = encode_document(doc, tokenizer)
            _, logits = model(**batch)
            hits += (logits.argmax(-1) == batch["labels"]).sum().item()
            total += batch["labels"].numel()
    print(f"dev pair accuracy {hits / total:.3f}")


if __name__ == "__main__":
    main()
