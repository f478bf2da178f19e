"""Tariff-chapter classifier for customs declaration line items (serving + nightly refresh)."""
import logging
import os
import tempfile
from dataclasses import dataclass, field
from typing import List

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("tariff-svc")
torch.manual_seed(7)

CHAPTERS = ["ch61_apparel", "ch84_machinery", "ch09_coffee_tea", "ch94_furniture"]
TRAIN = [
    ("knitted cotton t shirts for men", 0), ("wool pullover sweaters", 0),
    ("hydraulic pump assembly spare parts", 1), ("industrial centrifugal pump", 1),
    ("roasted arabica coffee beans", 2), ("green tea leaves in bulk bags", 2),
    ("wooden office chair with armrests", 3), ("steel frame bed and mattress", 3),
]
WORDS = sorted({w for text, _ in TRAIN for w in text.split()} | {"declared", "value", "per", "unit", "origin", "shipment"})


@dataclass
class DeclarationRequest:
    line_id: str
    description: str


@dataclass
class DeclarationResponse:
    line_id: str
    chapter: str
    confidence: float
    extra: dict = field(default_factory=dict)


def build_artifacts():
    workdir = tempfile.mkdtemp(prefix="tariff_")
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=48, num_labels=len(CHAPTERS))
    return tok, BertForSequenceClassification(cfg)


def refresh_model(tok, model, epochs=3):
    """Quick refresh on the latest broker-confirmed classifications."""
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    texts = [t for t, _ in TRAIN]
    gold = torch.tensor([y for _, y in TRAIN])
    for ep in range(epochs):
        enc = tok(texts, padding=True, return_tensors="pt")
        out = model(**enc, labels=gold)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        log.info("refresh epoch %d loss=%.4f", ep, out.loss.item())
    return model


class Predictor:
    def __init__(self, tokenizer, model, batch_size=4):
        self.tokenizer = tokenizer
        self.model = model
        self.batch_size = batch_size

    def load(self):
        self.model.eval()
        log.info("predictor ready: %d labels, max positions %d",
                 self.model.config.num_labels, self.model.config.max_position_embeddings)
        return self

    def preprocess(self, reqs: List[DeclarationRequest]):
        # normalise pasted invoice text the same way as the broker training data
        texts = [r.description.lower().replace(",", " ") for r in reqs]
        return self.tokenizer(texts, padding="longest", return_tensors="pt")

    @torch.no_grad()
    def predict(self, features):
        return self.model(**features).logits.softmax(dim=-1)

    def postprocess(self, reqs, probs):
        conf, idx = probs.max(dim=-1)
        return [DeclarationResponse(r.line_id, CHAPTERS[i], round(c, 4))
                for r, i, c in zip(reqs, idx.tolist(), conf.tolist())]

    def handle(self, reqs: List[DeclarationRequest]) -> List[DeclarationResponse]:
        responses = []
        for start in range(0, len(reqs), self.batch_size):
            chunk = reqs[start:start + self.batch_size]
            feats = self.preprocess(chunk)
            log.info("batch %d: %s", start // self.batch_size, tuple(feats["input_ids"].shape))
            responses.extend(self.postprocess(chunk, self.predict(feats)))
        return responses


def incoming_queue():
    yield DeclarationRequest("L-001", "Roasted arabica coffee beans")
    yield DeclarationRequest("L-002", "Hydraulic pump assembly")
    yield DeclarationRequest("L-003", "Knitted cotton t shirts, declared value per unit")
    yield DeclarationRequest("L-004", "Wooden office chair")
    long_line = ("steel frame bed and mattress, wooden office chair with armrests, declared value per unit, "
                 "origin shipment, ") * 4
    yield DeclarationRequest("L-005", long_line + "green tea leaves in bulk bags")
    yield DeclarationRequest("L-006", "industrial centrifugal pump")


if __name__ == "__main__":
    tokenizer, net = build_artifacts()
    refresh_model(tokenizer, net)
    predictor = Predictor(tokenizer, net).load()
    for resp in predictor.handle(list(incoming_queue())):
        log.info("%s -> %s (%.3f)", resp.line_id, resp.chapter, resp.confidence)
