import csv
import os
import random
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class TrainConfig:
    data_csv: str = os.path.join(HERE, "moderation_export.csv")
    vocab_path: str = os.path.join(HERE, "vocab.txt")
    max_length: int = 32
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 1
    seed: int = 3
    hidden_size: int = 32
    policy_names: dict = field(default_factory=lambda: {
        0: "ok", 1: "insult", 2: "harassment", 3: "hate", 7: "self_harm",
    })


SNIPPETS = {
    0: ["thanks for sharing this", "great point about the update", "i disagree but fair enough",
        "see you at the meetup"],
    1: ["you are such an idiot", "what a clown take", "nobody asked you loser"],
    2: ["i know where you live", "keep posting and see what happens", "everyone go spam her inbox"],
    3: ["people like them should leave", "those people are vermin", "go back where you came from"],
    7: ["i dont want to be here anymore", "nothing matters i want it to end"],
}


def write_fake_export(cfg):
    rng = random.Random(cfg.seed)
    with open(cfg.data_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["comment_id", "text", "policy_code"])
        for i in range(160):
            code = rng.choices([0, 1, 2, 3, 7], weights=[50, 20, 12, 10, 8])[0]
            text = rng.choice(SNIPPETS[code])
            if rng.random() < 0.4:
                text = text + " " + rng.choice(SNIPPETS[0])
            w.writerow([f"c{i:05d}", text, code])

    words = sorted({tok for lines in SNIPPETS.values() for s in lines for tok in s.split()})
    with open(cfg.vocab_path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")


def load_export(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    codes = [int(r["policy_code"]) for r in rows]
    return texts, codes


class CommentDataset(Dataset):
    def __init__(self, texts, labels, tokenizer, max_length):
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_length, return_tensors="pt")
        self.labels = torch.tensor(labels, dtype=torch.long)

    def __len__(self):
        return self.labels.size(0)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


class ToxicityTrainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    def train_epoch(self, loader):
        self.model.train()
        losses = []
        for step, batch in enumerate(loader):
            out = self.model(**batch)
            out.loss.backward()
            self.opt.step()
            self.opt.zero_grad()
            losses.append(out.loss.item())
            if step % 5 == 0:
                print(f"  step {step:3d} loss {np.mean(losses[-5:]):.4f}")
        return float(np.mean(losses))


def main():
    cfg = TrainConfig()
    torch.manual_seed(cfg.seed)
    write_fake_export(cfg)

    texts, codes = load_export(cfg.data_csv)
    num_labels = len(set(codes))
    print(f"{len(texts)} comments, {num_labels} policy classes: "
          f"{[cfg.policy_names[c] for c in sorted(set(codes))]}")

    tokenizer = BertTokenizer(cfg.vocab_path)
    code2idx = {c: i for i, c in enumerate(sorted(set(codes)))}
    labels = [code2idx[c] for c in codes]
    ds = CommentDataset(texts, labels, tokenizer, cfg.max_length)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=num_labels,
    )
    model = BertForSequenceClassification(model_cfg)

    trainer = ToxicityTrainer(model, cfg)
    for epoch in range(cfg.epochs):
        avg = trainer.train_epoch(loader)
        print(f"epoch {epoch} mean loss {avg:.4f}")


if __name__ == "__main__":
    main()
