"""Colony-status classifier for beekeepers' hive inspection notes.

Embedding-level mixup on a tiny BERT, trained with Accelerate. Run profiles live
in the YAML block below; pick one with HIVE_PROFILE.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

RUNS = """
defaults: &defaults
  seed: 5
  epochs: 3
  model:
    hidden: 32
    layers: 1
    heads: 2
    ffn: 64
    max_len: 20
    num_labels: 4
  loader: &loader
    batch_size: 8
    shuffle: true
    drop_last: false
  mixup:
    alpha: 0.4
    lr: 5.0e-4

mixup_small:
  <<: *defaults
  train_loader:
    <<: *loader
    drop_last: true
  partner_loader:
    <<: *loader

mixup_wide:
  <<: *defaults
  mixup: {alpha: 1.0, lr: 3.0e-4}
  train_loader: {<<: *loader, drop_last: true}
  partner_loader: {<<: *loader}
"""

STATUS = ["queenright", "queenless", "swarm_prep", "brood_disease"]
NOTES = [
    ("eggs seen fresh larvae calm bees", 0), ("laying queen spotted capped brood good", 0),
    ("solid brood pattern queen marked seen", 0), ("calm colony eggs and larvae present", 0),
    ("good stores eggs present queen seen", 0), ("no eggs no larvae roaring bees", 1),
    ("queen missing emergency cells drawn", 1), ("no queen seen laying workers drones", 1),
    ("queenless roar no brood at all", 1), ("no eggs emergency cells on frame", 1),
    ("queen cells on bottom bars crowded", 2), ("swarm cells capped bees bearding", 2),
    ("crowded brood nest queen cells many", 2), ("backfilled brood nest swarm cells", 2),
    ("bearding crowded queen cells capped", 2), ("sunken cappings ropey larvae smell", 3),
    ("spotty brood sunken perforated cappings", 3), ("chalky mummies on landing board", 3),
    ("ropey larvae foul smell spotty brood", 3), ("deformed wings mites on drones", 3),
    ("perforated cappings spotty brood smell", 3), ("calm bees capped brood queen seen", 0),
]


def build_tokenizer():
    words = sorted({w for t, _ in NOTES for w in t.split()})
    d = tempfile.mkdtemp(prefix="hive_")
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def make_collate(tok, max_len):
    def collate(rows):
        enc = tok([r[0] for r in rows], padding="max_length", truncation=True,
                  max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([r[1] for r in rows])
        return dict(enc)
    return collate


def main():
    name = os.environ.get("HIVE_PROFILE", "mixup_small")
    profile = yaml.safe_load(RUNS)[name]
    set_seed(profile["seed"])
    acc = Accelerator(cpu=True)
    m = profile["model"]

    tok = build_tokenizer()
    collate = make_collate(tok, m["max_len"])
    train_dl = DataLoader(NOTES, collate_fn=collate, **profile["train_loader"])
    partner_dl = DataLoader(NOTES, collate_fn=collate, **profile["partner_loader"])

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=m["hidden"], num_hidden_layers=m["layers"],
                     num_attention_heads=m["heads"], intermediate_size=m["ffn"],
                     max_position_embeddings=32, num_labels=m["num_labels"])
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=profile["mixup"]["lr"])
    model, opt, train_dl, partner_dl = acc.prepare(model, opt, train_dl, partner_dl)
    embed = acc.unwrap_model(model).bert.embeddings.word_embeddings
    beta = np.random.default_rng(profile["seed"])
    acc.print(f"profile={name} notes={len(NOTES)} classes={STATUS}")

    partner_it = iter(partner_dl)
    for epoch in range(profile["epochs"]):
        model.train()
        running = []
        for batch in train_dl:
            try:
                partner = next(partner_it)
            except StopIteration:
                partner_it = iter(partner_dl)
                partner = next(partner_it)
            lam = float(beta.beta(profile["mixup"]["alpha"], profile["mixup"]["alpha"]))
            perm = torch.randperm(partner["labels"].size(0))

            emb_a = embed(batch["input_ids"])
            emb_b = embed(partner["input_ids"])[perm]
            mixed = lam * emb_a + (1 - lam) * emb_b
            keep = torch.maximum(batch["attention_mask"], partner["attention_mask"][perm])
            logits = model(inputs_embeds=mixed, attention_mask=keep).logits
            loss = lam * F.cross_entropy(logits, batch["labels"]) \
                + (1 - lam) * F.cross_entropy(logits, partner["labels"][perm])
            acc.backward(loss)
            opt.step(); opt.zero_grad()
            running.append(loss.item())
        acc.print(f"epoch {epoch}: mixup loss {np.mean(running):.4f}")

    model.eval()
    full = collate(NOTES)
    with torch.no_grad():
        pred = model(input_ids=full["input_ids"], attention_mask=full["attention_mask"]).logits.argmax(-1)
    acc.print(f"train accuracy {(pred == full['labels']).float().mean().item():.3f}")


if __name__ == "__main__":
    main()
