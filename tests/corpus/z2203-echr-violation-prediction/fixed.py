import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CONFIG = {
    "seed": 11,
    "max_length": 96,
    "batch_size": 8,
    "lr": 5e-4,
    "epochs": 2,
    "threshold": 0.5,
    "n_cases": 64,
}

ARTICLES = ["Art. 3", "Art. 5", "Art. 6", "Art. 8", "Art. 10", "Art. 13", "P1-1"]

FACT_WORDS = {
    "Art. 3": ["detention", "ill", "treatment", "police", "injuries", "custody"],
    "Art. 5": ["arrest", "pre", "trial", "liberty", "remand", "warrant"],
    "Art. 6": ["proceedings", "length", "hearing", "fair", "appeal", "judgment"],
    "Art. 8": ["private", "family", "home", "surveillance", "correspondence", "search"],
    "Art. 10": ["journalist", "publication", "expression", "newspaper", "defamation", "press"],
    "Art. 13": ["remedy", "effective", "domestic", "complaint", "compensation", "review"],
    "P1-1": ["property", "expropriation", "land", "possessions", "compensation", "title"],
}
COMMON = ["the", "applicant", "court", "state", "government", "was", "in", "by", "of",
          "a", "and", "to", "his", "her", "on", "authorities", "complained", "that"]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def write_vocab(folder):
    words = set(COMMON)
    for ws in FACT_WORDS.values():
        words.update(ws)
    path = os.path.join(folder, "echr_vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + sorted(words):
            fh.write(tok + "\n")
    return path


def synth_case_facts(n_cases, rng):
    facts, labels = [], []
    for _ in range(n_cases):
        k = rng.choice([1, 1, 2, 3])
        violated = rng.sample(range(len(ARTICLES)), k)
        words = []
        for _ in range(rng.randint(30, 70)):
            if rng.random() < 0.4:
                art = ARTICLES[rng.choice(violated)]
                words.append(rng.choice(FACT_WORDS[art]))
            else:
                words.append(rng.choice(COMMON))
        y = np.zeros(len(ARTICLES), dtype=np.float32)
        y[violated] = 1.0
        facts.append(" ".join(words) + ".")
        labels.append(y)
    return facts, np.stack(labels)


def encode_cases(tokenizer, facts, labels, max_length):
    enc = tokenizer(
        facts,
        padding="max_length",
        truncation=True,
        max_length=max_length,
        return_tensors="pt",
    )
    return TensorDataset(enc["input_ids"], enc["attention_mask"], torch.from_numpy(labels))


class OutcomeTrainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=0.01)
        self.criterion = nn.BCEWithLogitsLoss()

    def step(self, input_ids, attention_mask, targets):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask)
        loss = self.criterion(out.logits, targets)
        self.optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        return loss.item()

    def fit(self, loader):
        for epoch in range(self.cfg["epochs"]):
            self.model.train()
            losses = [self.step(*batch) for batch in loader]
            print(f"epoch {epoch}: bce={np.mean(losses):.4f}")

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        tp = fp = fn = 0
        for input_ids, attention_mask, targets in loader:
            probs = torch.sigmoid(self.model(input_ids=input_ids, attention_mask=attention_mask).logits)
            preds = (probs > self.cfg["threshold"]).float()
            tp += (preds * targets).sum().item()
            fp += (preds * (1 - targets)).sum().item()
            fn += ((1 - preds) * targets).sum().item()
        micro_f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        print(f"micro-F1 over {len(ARTICLES)} articles: {micro_f1:.3f}")
        return micro_f1


def main():
    cfg = CONFIG
    seed_everything(cfg["seed"])
    rng = random.Random(cfg["seed"])
    here = os.path.dirname(os.path.abspath(__file__))
    tokenizer = BertTokenizer(write_vocab(here))

    facts, labels = synth_case_facts(cfg["n_cases"], rng)
    split = int(0.75 * len(facts))
    train_ds = encode_cases(tokenizer, facts[:split], labels[:split], cfg["max_length"])
    dev_ds = encode_cases(tokenizer, facts[split:], labels[split:], cfg["max_length"])

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(ARTICLES),
        problem_type="multi_label_classification",
    )
    model = BertForSequenceClassification(bert_cfg)

    trainer = OutcomeTrainer(model, cfg)
    trainer.fit(DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True))
    trainer.evaluate(DataLoader(dev_ds, batch_size=cfg["batch_size"]))


if __name__ == "__main__":
    main()
