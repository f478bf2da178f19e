"""Quiz-answer correctness model: tiny BERT over question stems + skill tag embedding.

Items exported from the authoring tool sometimes miss their skill tag; those
are mapped onto a dedicated "untagged" skill bucket.
"""
import os
import random
from dataclasses import dataclass, field
from itertools import chain, islice

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

rng = random.Random(11)
torch.manual_seed(11)
HERE = os.path.dirname(os.path.abspath(__file__))

TOPICS = {
    "fractions": ["add", "the", "fractions", "simplify", "numerator", "denominator", "half", "third"],
    "algebra": ["solve", "for", "x", "equation", "linear", "variable", "both", "sides"],
    "geometry": ["area", "of", "triangle", "circle", "radius", "angle", "perimeter", "square"],
    "ratios": ["ratio", "rate", "proportion", "percent", "of", "increase", "unit", "price"],
}
SKILLS = list(TOPICS)


@dataclass
class QuizItem:
    item_id: int
    stem: str
    skill: object
    student_ability: float
    correct: int


@dataclass
class TrainCfg:
    max_q_len: int = 24
    batch_size: int = 8
    lr: float = 5e-4
    steps_per_epoch: int = 10
    epochs: int = 2
    untagged_bucket: int = len(SKILLS)
    history: list = field(default_factory=list)


def write_vocab(path):
    words = sorted(set(chain.from_iterable(TOPICS.values())))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words + [str(d) for d in range(10)]) + "\n")
    return path


def make_items(n):
    items = []
    for i in range(n):
        topic = rng.choice(SKILLS)
        stem = " ".join(rng.choices(TOPICS[topic], k=rng.randint(5, 14)))
        ability = rng.gauss(0, 1)
        correct = int(rng.random() < 1 / (1 + np.exp(-ability)))
        skill = topic if rng.random() > 0.15 else None
        items.append(QuizItem(i, stem, skill, ability, correct))
    return items


def skill_index_column(items):
    skill2idx = {s: i for i, s in enumerate(SKILLS)}
    col = np.array([skill2idx.get(it.skill, np.nan) for it in items])
    return np.nan_to_num(col, nan=len(SKILLS)).astype(np.int64)


class QuizAnswerModel(nn.Module):
    def __init__(self, bert_cfg, n_skills):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.skill_emb = nn.Embedding(n_skills + 1, bert_cfg.hidden_size)
        self.ability_proj = nn.Linear(1, bert_cfg.hidden_size)
        self.head = nn.Sequential(nn.Linear(3 * bert_cfg.hidden_size, 32), nn.GELU(), nn.Linear(32, 1))

    def forward(self, input_ids, attention_mask, skill_ids, ability):
        cls = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        feats = torch.cat([cls, self.skill_emb(skill_ids), self.ability_proj(ability.unsqueeze(-1))], dim=-1)
        return self.head(feats).squeeze(-1)


def batches(items, skill_col, tokenizer, cfg):
    order = list(range(len(items)))
    rng.shuffle(order)
    it = iter(order)
    while chunk := list(islice(it, cfg.batch_size)):
        enc = tokenizer([items[i].stem for i in chunk], padding="max_length", truncation=True,
                        max_length=cfg.max_q_len, return_tensors="pt")
        yield {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "skill_ids": torch.from_numpy(skill_col[chunk]),
            "ability": torch.tensor([items[i].student_ability for i in chunk], dtype=torch.float32),
            "labels": torch.tensor([items[i].correct for i in chunk], dtype=torch.float32),
        }


def main():
    cfg = TrainCfg()
    vocab_path = write_vocab(os.path.join(HERE, "quiz_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)
    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    items = make_items(96)
    skill_col = skill_index_column(items)
    print(f"{int((skill_col == cfg.untagged_bucket).sum())} untagged items out of {len(items)}")

    model = QuizAnswerModel(bert_cfg, len(SKILLS))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(cfg.epochs):
        model.train()
        for step, batch in enumerate(islice(batches(items, skill_col, tokenizer, cfg), cfg.steps_per_epoch)):
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            cfg.history.append(loss.item())
        print(f"epoch {epoch} mean loss {np.mean(cfg.history[-cfg.steps_per_epoch:]):.4f}")
    os.remove(vocab_path)


if __name__ == "__main__":
    main()
