import os
import random
from dataclasses import dataclass, field
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
MARKER_TOKENS = ("[E1]", "[/E1]", "[E2]", "[/E2]")
LABELS = ("NONE", "CEO_OF", "SUBSIDIARY_OF", "ACQUIRED", "PARTNER_OF")


@dataclass
class Span:
    start: int
    end: int
    etype: str

    def __len__(self):
        return self.end - self.start


@dataclass
class Sentence:
    words: List[str]
    spans: List[Span]
    pairs: List[Tuple[int, int, str]] = field(default_factory=list)


ORG_WORDS = ["northwind", "contoso", "fabrikam", "tailspin", "litware", "adventure", "works", "group"]
PER_WORDS = ["satya", "lisa", "jensen", "sundar", "tim", "cook", "su", "huang"]
CONTEXT = "said on monday that its the deal with to and will after reported by shares rose a new chief executive".split()


def write_vocab() -> str:
    path = os.path.join(WORKDIR, "vocab_rel.txt")
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(ORG_WORDS + PER_WORDS + CONTEXT))
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(t + "\n" for t in toks)
    return path


def sample_sentence() -> Sentence:
    words, spans = [], []
    for k in range(int(rng.integers(2, 4))):
        words += list(rng.choice(CONTEXT, size=int(rng.integers(1, 5))))
        etype = "ORG" if k % 2 == 0 else "PER"
        pool = ORG_WORDS if etype == "ORG" else PER_WORDS
        name = list(rng.choice(pool, size=int(rng.integers(1, 3)), replace=False))
        spans.append(Span(len(words), len(words) + len(name), etype))
        words += name
    words += list(rng.choice(CONTEXT, size=int(rng.integers(0, 4))))
    pairs = []
    for i in range(len(spans)):
        for j in range(len(spans)):
            if i != j:
                pairs.append((i, j, LABELS[int(rng.integers(0, len(LABELS)))]))
    return Sentence(words, spans, pairs)


def pair_instances(sentences: List[Sentence]):
    for sent in sentences:
        for h, t, lab in sent.pairs:
            yield sent, sent.spans[h], sent.spans[t], LABELS.index(lab)


def with_markers(words: List[str], head: Span, tail: Span) -> List[str]:
    opens = {head.start: "[E1]", tail.start: "[E2]"}
    closes = {head.end - 1: "[/E1]", tail.end - 1: "[/E2]"}
    out = []
    for i, w in enumerate(words):
        if i in opens:
            out.append(opens[i])
        out.append(w)
        if i in closes:
            out.append(closes[i])
    return out


def make_collate(tokenizer: BertTokenizer, max_len: int):
    e1_id, e2_id = tokenizer.convert_tokens_to_ids(["[E1]", "[E2]"])

    def collate(items):
        texts = [" ".join(with_markers(s.words, h, t)) for s, h, t, _ in items]
        enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        marker_pos = torch.zeros(len(items), 2, dtype=torch.long)
        for row, ids in enumerate(enc["input_ids"]):
            marker_pos[row, 0] = (ids == e1_id).nonzero()[0, 0]
            marker_pos[row, 1] = (ids == e2_id).nonzero()[0, 0]
        labels = torch.tensor([lab for *_, lab in items])
        return {**enc, "marker_pos": marker_pos, "labels": labels}

    return collate


class EntityMarkerHead(nn.Module):
    def __init__(self, hidden: int, n_labels: int):
        super().__init__()
        self.norm = nn.LayerNorm(2 * hidden)
        self.out = nn.Linear(2 * hidden, n_labels)

    def forward(self, hidden_states, marker_pos):
        idx = marker_pos.unsqueeze(-1).expand(-1, -1, hidden_states.size(-1))
        starts = hidden_states.gather(1, idx)
        return self.out(self.norm(starts.flatten(1)))


class RelationModel(nn.Module):
    def __init__(self, vocab_size: int):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.head = EntityMarkerHead(cfg.hidden_size, len(LABELS))

    def forward(self, input_ids, attention_mask, token_type_ids, marker_pos):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state
        return self.head(h, marker_pos)


def run():
    tokenizer = BertTokenizer(write_vocab())
    tokenizer.add_special_tokens({"additional_special_tokens": list(MARKER_TOKENS)})
    sentences = [sample_sentence() for _ in range(40)]
    instances = list(pair_instances(sentences))
    loader = DataLoader(instances, batch_size=16, shuffle=True, collate_fn=make_collate(tokenizer, 96))

    model = RelationModel(len(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    criterion = nn.CrossEntropyLoss()

    model.train()
    for step, batch in enumerate(loader):
        labels = batch.pop("labels")
        logits = model(**batch)
        loss = criterion(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 5 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")
    print(f"trained on {len(instances)} entity pairs")


if __name__ == "__main__":
    run()
