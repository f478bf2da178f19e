"""Severity triage for freight damage claims.

A small BERT reads the adjuster's note; a learned per-shipper history vector is
concatenated before the head, since a handful of shippers file most of the claims.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

WORDS = ("pallet crushed forklift puncture water damage wet cartons seal broken reefer "
         "temperature excursion produce spoiled glass shattered missing pieces shrink wrap torn "
         "corner dented scuffed label cosmetic only total loss refused at dock partial shortage "
         "driver noted bol exception photos attached frozen thawed leaking drum").split()

# Shipper master, exported from the CRM on the 1st of the month.
SHIPPER_MASTER = [
    {"crm_row": 0, "carrier_no": 2, "name": "Halvorsen Produce"},
    {"crm_row": 1, "carrier_no": 5, "name": "Brightline Glassworks"},
    {"crm_row": 2, "carrier_no": 9, "name": "Ostrava Chemicals"},
    {"crm_row": 3, "carrier_no": 13, "name": "Mesa Furniture Co"},
    {"crm_row": 4, "carrier_no": 17, "name": "Kettle Creek Dairy"},
    {"crm_row": 5, "carrier_no": 21, "name": "Northgate Appliances"},
]


@dataclass
class Claim:
    note: str
    carrier_no: int  # as printed on the bill of lading
    severity: int    # 0 cosmetic, 1 partial loss, 2 total loss


CLAIMS = [
    Claim("corner dented scuffed label cosmetic only", 5, 0),
    Claim("reefer temperature excursion produce spoiled total loss", 2, 2),
    Claim("pallet crushed forklift puncture partial shortage", 17, 1),
    Claim("glass shattered refused at dock total loss", 5, 2),
    Claim("shrink wrap torn missing pieces driver noted bol exception", 13, 1),
    Claim("leaking drum seal broken photos attached", 9, 1),
    Claim("frozen thawed produce spoiled total loss", 17, 2),
    Claim("scuffed corner cosmetic only photos attached", 21, 0),
    Claim("water damage wet cartons partial shortage", 21, 1),
    Claim("label torn cosmetic only", 2, 0),
    Claim("drum leaking refused at dock total loss", 9, 2),
    Claim("missing pieces partial shortage driver noted", 13, 1),
]


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp(prefix="claims_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))) + "\n")
    return BertTokenizer(path)


class ClaimTriage(nn.Module):
    def __init__(self, bert_cfg, n_shippers, hist_dim=8, n_classes=3):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        self.shipper_hist = nn.Embedding(n_shippers, hist_dim)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(bert_cfg.hidden_size + hist_dim, n_classes))

    def forward(self, token_ids, attn, shipper_idx):
        pooled = self.encoder(input_ids=token_ids, attention_mask=attn).pooler_output
        history = self.shipper_hist(shipper_idx)
        return self.head(torch.cat([pooled, history], dim=-1))


def claim_batches(claims, batch_size):
    order = list(range(len(claims)))
    random.shuffle(order)
    for start in range(0, len(order), batch_size):
        yield [claims[i] for i in order[start:start + batch_size]]


def encode(tok, chunk):
    enc = tok([c.note for c in chunk], padding=True, truncation=True, max_length=24, return_tensors="pt")
    shipper_idx = torch.tensor([c.carrier_no for c in chunk], dtype=torch.long)
    target = torch.tensor([c.severity for c in chunk], dtype=torch.long)
    return enc, shipper_idx, target


def main():
    tok = build_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = ClaimTriage(cfg, n_shippers=len(SHIPPER_MASTER))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    print(f"{len(CLAIMS)} claims, {len(SHIPPER_MASTER)} shippers in history table")

    for epoch in range(3):
        model.train()
        running, seen = 0.0, 0
        for chunk in claim_batches(CLAIMS, batch_size=4):
            enc, shipper_idx, target = encode(tok, chunk)
            logits = model(enc["input_ids"], enc["attention_mask"], shipper_idx)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(chunk)
            seen += len(chunk)
        print(f"epoch {epoch}: loss {running / seen:.4f}")

    model.eval()
    with torch.no_grad():
        enc, shipper_idx, target = encode(tok, CLAIMS)
        pred = model(enc["input_ids"], enc["attention_mask"], shipper_idx).argmax(-1)
    print(f"train accuracy: {(pred == target).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
