"""Tasting-room fault detector: fine-tune a tiny BERT on sommelier notes, export it,
then serve it through a small Predictor used by the cellar app."""
import json
import logging
import os
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("wine-faults")
torch.manual_seed(7)

FAULTS = ["cork_taint", "oxidation", "brettanomyces", "volatile_acidity"]

TASTING_NOTES = [
    ("musty wet cardboard nose muted fruit", 0),
    ("damp cellar smell flat short finish", 0),
    ("bruised apple nutty sherry like tired color", 1),
    ("brown edges stale walnut flat fruit", 1),
    ("barnyard horse sweat band aid smoky", 2),
    ("leather medicinal barnyard funk", 2),
    ("nail polish vinegar sharp prickly", 3),
    ("solvent acetone sour vinegar edge", 3),
]

# options shared by the tasting-room endpoints
SERVING_OPTIONS = {"top_k": 5, "max_length": 24, "min_score": 0.05}

ARCH = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64)


def write_vocab(texts, path):
    words = sorted({w for t in texts for w in t.split()})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


def train_and_export(out_dir, epochs=6):
    vocab_path = os.path.join(out_dir, "vocab.txt")
    vocab_size = write_vocab([t for t, _ in TASTING_NOTES], vocab_path)
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=vocab_size, num_labels=len(FAULTS), **ARCH)
    model = BertForSequenceClassification(config)

    def collate(rows):
        enc = tokenizer([r[0] for r in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([r[1] for r in rows])
        return enc

    loader = DataLoader(TASTING_NOTES, batch_size=4, shuffle=True, collate_fn=collate)
    accelerator = Accelerator(cpu=True)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        log.info("epoch %d  loss %.4f", epoch, total / len(loader))

    weights = accelerator.unwrap_model(model).state_dict()
    torch.save(weights, os.path.join(out_dir, "weights.pt"))
    with open(os.path.join(out_dir, "config.json"), "w") as fh:
        json.dump({"arch": ARCH, "vocab_size": vocab_size, "labels": FAULTS}, fh, indent=2)
    log.info("exported model to %s", out_dir)


class Predictor:
    def __init__(self, model, tokenizer, labels, top_k=1, max_length=32, min_score=0.0):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.labels = labels
        self.top_k = top_k
        self.max_length = max_length
        self.min_score = min_score

    @classmethod
    def from_dir(cls, path, **options):
        with open(os.path.join(path, "config.json")) as fh:
            meta = json.load(fh)
        config = BertConfig(vocab_size=meta["vocab_size"], num_labels=len(meta["labels"]), **meta["arch"])
        model = BertForSequenceClassification(config)
        model.load_state_dict(torch.load(os.path.join(path, "weights.pt")))
        tokenizer = BertTokenizer(os.path.join(path, "vocab.txt"))
        return cls(model, tokenizer, meta["labels"], **options)

    def _postprocess(self, request, scores, ids):
        hits = [
            {"fault": self.labels[i], "score": round(s, 3)}
            for s, i in zip(scores.tolist(), ids.tolist())
            if s >= self.min_score
        ]
        return {"bottle": request["bottle"], "faults": hits}

    @torch.no_grad()
    def predict_batch(self, requests):
        enc = self.tokenizer([r["note"] for r in requests], padding=True, truncation=True,
                             max_length=self.max_length, return_tensors="pt")
        probs = self.model(**enc).logits.softmax(dim=-1)
        scores, ids = probs.topk(self.top_k, dim=-1)
        return [self._postprocess(r, s, i) for r, s, i in zip(requests, scores, ids)]


if __name__ == "__main__":
    export_dir = tempfile.mkdtemp(prefix="wine-faults-")
    train_and_export(export_dir)

    predictor = Predictor.from_dir(export_dir, **SERVING_OPTIONS)
    incoming = [
        {"bottle": "B-1041", "note": "musty cardboard and muted fruit"},
        {"bottle": "B-1042", "note": "sharp vinegar with acetone edge"},
        {"bottle": "B-1043", "note": "barnyard leather and smoky funk"},
    ]
    for result in predictor.predict_batch(incoming):
        log.info("%s -> %s", result["bottle"], result["faults"])
