import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CONFIG = {
    "seed": 5,
    "n_reviews": 230,
    "val_frac": 0.15,
    "max_len": 48,
    "batch_size": 32,
    "epochs": 3,
    "max_lr": 5e-4,
    "pct_start": 0.25,
    "weight_decay": 0.01,
    "min_votes": 3,
    "helpful_ratio": 0.6,
    "model": dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                  intermediate_size=64, max_position_embeddings=64),
}

DETAIL = ["the sole started peeling after two weeks", "battery lasts about nine hours",
          "runs half a size small so order up", "the zipper feels sturdy",
          "fits a 15 inch laptop with room", "the lid leaks if you tip it",
          "colour is darker than the photos", "stitching came apart at the seam"]
VAGUE = ["great", "love it", "bad", "ok product", "five stars", "would buy again", "meh", "awesome"]
CONNECT = ["also", "but", "and", "overall", "honestly"]


def synth_reviews(n, rng):
    rows = []
    for _ in range(n):
        informative = rng.random() < 0.45
        parts = [rng.choice(VAGUE)]
        if informative:
            parts += [rng.choice(CONNECT), rng.choice(DETAIL)]
            if rng.random() < 0.5:
                parts += [rng.choice(CONNECT), rng.choice(DETAIL)]
        total = rng.randint(0, 25)
        p = 0.8 if informative else 0.25
        helpful = sum(rng.random() < p for _ in range(total))
        rows.append({"text": " ".join(parts), "stars": rng.randint(1, 5),
                     "helpful_votes": helpful, "total_votes": total})
    return rows


def label_reviews(rows, cfg):
    keep, labels = [], []
    for r in rows:
        if r["total_votes"] < cfg["min_votes"]:
            continue
        keep.append(r)
        labels.append(int(r["helpful_votes"] / r["total_votes"] >= cfg["helpful_ratio"]))
    return keep, labels


def write_vocab(rows, path):
    words = set()
    for r in rows:
        words.update(r["text"].lower().split())
    words.update(["stars"] + [str(s) for s in range(1, 6)])
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


def tensorize(rows, labels, tokenizer, cfg):
    enc = tokenizer([f"{r['stars']} stars" for r in rows], [r["text"] for r in rows],
                    padding="max_length", truncation=True, max_length=cfg["max_len"],
                    return_tensors="pt")
    return TensorDataset(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"],
                         torch.tensor(labels))


class HelpfulnessTrainer:
    def __init__(self, model, train_ds, val_ds, cfg):
        self.model = model
        self.cfg = cfg
        self.train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
        self.val_dl = DataLoader(val_ds, batch_size=64)
        no_decay = ("bias", "LayerNorm.weight")
        groups = [
            {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
             "weight_decay": cfg["weight_decay"]},
            {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)],
             "weight_decay": 0.0},
        ]
        self.optimizer = torch.optim.AdamW(groups, lr=cfg["max_lr"])
        self.scheduler = torch.optim.lr_scheduler.OneCycleLR(
            self.optimizer,
            max_lr=cfg["max_lr"],
            epochs=cfg["epochs"],
            steps_per_epoch=len(train_ds) // cfg["batch_size"],
            pct_start=cfg["pct_start"],
        )

    def train_epoch(self):
        self.model.train()
        total = 0.0
        for input_ids, attn, tt, y in self.train_dl:
            out = self.model(input_ids=input_ids, attention_mask=attn, token_type_ids=tt, labels=y)
            self.optimizer.zero_grad()
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.optimizer.step()
            self.scheduler.step()
            total += out.loss.item()
        return total / len(self.train_dl)

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        correct = n = 0
        for input_ids, attn, tt, y in self.val_dl:
            logits = self.model(input_ids=input_ids, attention_mask=attn, token_type_ids=tt).logits
            correct += (logits.argmax(-1) == y).sum().item()
            n += y.numel()
        return correct / max(n, 1)

    def fit(self):
        for epoch in range(self.cfg["epochs"]):
            loss = self.train_epoch()
            acc = self.evaluate()
            lr = self.scheduler.get_last_lr()[0]
            print(f"epoch {epoch + 1}/{self.cfg['epochs']} loss={loss:.4f} val_acc={acc:.3f} lr={lr:.2e}")


def main(cfg):
    rng = random.Random(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    np.random.seed(cfg["seed"])

    rows, labels = label_reviews(synth_reviews(cfg["n_reviews"], rng), cfg)
    print(f"{len(rows)} reviews with >= {cfg['min_votes']} votes, {np.mean(labels):.2f} helpful")

    vocab_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "review_vocab.txt")
    write_vocab(rows, vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    n_val = int(len(rows) * cfg["val_frac"])
    train_ds = tensorize(rows[n_val:], labels[n_val:], tokenizer, cfg)
    val_ds = tensorize(rows[:n_val], labels[:n_val], tokenizer, cfg)

    model = BertForSequenceClassification(BertConfig(vocab_size=tokenizer.vocab_size, num_labels=2,
                                                     **cfg["model"]))
    HelpfulnessTrainer(model, train_ds, val_ds, cfg).fit()


if __name__ == "__main__":
    main(CONFIG)
