"""Two-view patent classifier: one BERT reads the abstract, one reads the first claim.

Both produce CPC-section logits; a small stacking head learns how to weigh them.
Everything is tiny and random-init here, this is the wiring prototype before the real run.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

CPC_SECTIONS = ["A-human-necessities", "B-operations", "C-chemistry", "H-electricity"]

PATENTS = [
    ("a wearable brace that supports the ankle during rehabilitation",
     "a brace comprising a rigid shell and an adjustable strap", 0),
    ("a conveyor system for sorting parcels by weight",
     "a conveyor comprising rollers and a load cell under each roller", 1),
    ("a catalyst composition for converting methane to methanol",
     "a composition comprising copper oxide on a zeolite support", 2),
    ("a circuit that limits inrush current in a power supply",
     "a circuit comprising a thermistor in series with a relay", 3),
    ("a feeding bottle with a vent that reduces colic",
     "a bottle comprising a valve in the base and a soft nipple", 0),
    ("a press for stamping sheet metal parts",
     "a press comprising a hydraulic ram and a die set", 1),
    ("a polymer blend with improved heat resistance",
     "a blend comprising polyamide and a glass fibre filler", 2),
    ("an antenna array for a satellite receiver",
     "an array comprising patch elements fed by a microstrip line", 3),
]

WORDS = sorted({w for a, c, _ in PATENTS for w in (a + " " + c).split()})


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp(prefix="cpc_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def tiny_bert(vocab_size, n_labels):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=n_labels)
    return BertForSequenceClassification(cfg)


class TwoViewStacker(nn.Module):
    def __init__(self, vocab_size, n_labels):
        super().__init__()
        self.abstract_model = tiny_bert(vocab_size, n_labels)
        self.claim_model = tiny_bert(vocab_size, n_labels)
        # input width is inferred on the first call, so the views can change size freely
        self.stacker = nn.LazyLinear(n_labels)

    def forward(self, abstract_enc, claim_enc):
        abs_logits = self.abstract_model(**abstract_enc).logits
        clm_logits = self.claim_model(**claim_enc).logits
        joined = torch.cat([abs_logits, clm_logits], dim=-1)
        return self.stacker(joined)


def batches(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def encode_views(tok, chunk):
    abstracts = [r[0] for r in chunk]
    claims = [r[1] for r in chunk]
    enc_a = tok(abstracts, padding=True, return_tensors="pt")
    enc_c = tok(claims, padding=True, return_tensors="pt")
    gold = torch.tensor([r[2] for r in chunk])
    return enc_a, enc_c, gold


def main():
    tok = build_tokenizer()
    print(f"vocab: {tok.vocab_size} entries, {len(PATENTS)} patents, {len(CPC_SECTIONS)} sections")
    model = TwoViewStacker(tok.vocab_size, len(CPC_SECTIONS))

    # materialise the lazy head before handing parameters to the optimizer
    warm_a, warm_c, _ = encode_views(tok, PATENTS[:2])
    with torch.no_grad():
        model(warm_a, warm_c)
    print("stacker weight:", tuple(model.stacker.weight.shape))

    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for epoch in range(2):
        running = 0.0
        shuffled = PATENTS[:]
        random.shuffle(shuffled)
        for step, chunk in enumerate(batches(shuffled, 4)):
            enc_a, enc_c, gold = encode_views(tok, chunk)
            scores = model(enc_a, enc_c)
            loss = F.cross_entropy(scores, gold)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
            print(f"epoch {epoch} step {step} loss {loss.item():.4f}")
        print(f"epoch {epoch} mean loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        enc_a, enc_c, gold = encode_views(tok, PATENTS)
        pred = model(enc_a, enc_c).argmax(-1)
    acc = (pred == gold).float().mean().item()
    print(f"train accuracy {acc:.2f}")
    for (abstract, _, y), p in zip(PATENTS, pred.tolist()):
        print(f"  {CPC_SECTIONS[y]:>20} -> {CPC_SECTIONS[p]:<20} {abstract[:40]}")


if __name__ == "__main__":
    main()
