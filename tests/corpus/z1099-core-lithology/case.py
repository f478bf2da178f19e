"""Lithology classification of drill-core descriptions with a length-based curriculum.

Short, clean descriptions are admitted first; each example also carries its
difficulty bucket, which the model sees through a learned bucket embedding.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)
HPARAMS = dict(hidden=32, n_buckets=5, epochs=7, batch_size=2, accum=2, lr=3e-3, max_len=40)
LITHOLOGY = ["sandstone", "shale", "limestone"]


@dataclass
class CoreLog:
    text: str
    label: int
    bucket: int = 0


RAW = [
    ("fine grained sandstone", 0),
    ("dark fissile shale", 1),
    ("grey micritic limestone with shell fragments", 2),
    ("medium sandstone well sorted and cross bedded", 0),
    ("black shale laminated with pyrite nodules and plant debris", 1),
    ("oolitic limestone with stylolites and calcite filled fractures throughout", 2),
    ("coarse sandstone grading to pebbly conglomerate at base with erosive contact below", 0),
    ("silty shale with thin siltstone interbeds and bioturbation increasing toward top of run", 1),
    ("bioclastic limestone crinoid ossicles brachiopods common vuggy porosity partly cemented by sparry calcite", 2),
    ("sandstone heterolithic with mud drapes flaser bedding ripple lamination and scattered mud clasts near core break", 0),
]


def assign_buckets(logs, n_buckets):
    ranked = sorted(range(len(logs)), key=lambda i: len(logs[i].text.split()))
    per = max(1, len(logs) // n_buckets)
    for rank, i in enumerate(ranked):
        logs[i].bucket = min(rank // per, n_buckets - 1)
    return logs


def write_vocab(folder):
    words = sorted({w for text, _ in RAW for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tokenizer, max_len, stage):
    def collate(rows):
        enc = tokenizer([r.text for r in rows], padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        batch = dict(enc)
        batch["difficulty"] = torch.full((len(rows),), stage, dtype=torch.long)
        batch["labels"] = torch.tensor([r.label for r in rows])
        return batch
    return collate


class BucketAwareClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, hidden, n_buckets, max_len):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=max_len)
        self.bert = BertModel(cfg)
        self.bucket_emb = nn.Embedding(n_buckets, hidden)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, input_ids, attention_mask, token_type_ids, difficulty):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).pooler_output
        return self.head(pooled + self.bucket_emb(difficulty))


def main():
    accelerator = Accelerator(cpu=not torch.cuda.is_available(),
                              mixed_precision="bf16" if torch.cuda.is_available() else "no",
                              gradient_accumulation_steps=HPARAMS["accum"])
    accelerator.print("hparams:", HPARAMS)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    logs = assign_buckets([CoreLog(t, y) for t, y in RAW], HPARAMS["n_buckets"])

    model = BucketAwareClassifier(tokenizer.vocab_size, len(LITHOLOGY), HPARAMS["hidden"],
                                  HPARAMS["n_buckets"], HPARAMS["max_len"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=HPARAMS["lr"])
    model, optimizer = accelerator.prepare(model, optimizer)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(HPARAMS["epochs"]):
        ceiling = min(epoch, HPARAMS["n_buckets"] - 1)
        admitted = [r for r in logs if r.bucket <= ceiling]
        loader = DataLoader(admitted, batch_size=HPARAMS["batch_size"], shuffle=True,
                            collate_fn=make_collate(tokenizer, HPARAMS["max_len"], stage=epoch))
        loader = accelerator.prepare(loader)
        model.train()
        total = 0.0
        for batch in loader:
            with accelerator.accumulate(model):
                gold = batch.pop("labels")
                loss = loss_fn(model(**batch), gold)
                accelerator.backward(loss)
                optimizer.step()
                optimizer.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch}: ceiling={ceiling} n={len(admitted)} loss={total / len(loader):.4f}")

    accelerator.print("done")


if __name__ == "__main__":
    main()
