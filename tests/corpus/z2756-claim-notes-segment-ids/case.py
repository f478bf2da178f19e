"""SIU referral scoring from claim note text (FNOL / adjuster / estimate notes)."""
import os
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "claims_vocab.txt")
NOTE_FIELDS = ("fnol_note", "adjuster_note", "estimate_note")
MAX_TOKENS = 60

FNOL_WORDS = "rear ended at intersection parked vehicle hit water leak kitchen hail roof theft stolen overnight fire garage".split()
ADJ_WORDS = "inspected photos statement recorded witness police report liability accepted disputed coverage confirmed".split()
EST_WORDS = "bumper replace repaint labor hours parts drywall flooring shingles total loss salvage rental".split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

CLAIM_DTYPE = np.dtype([
    ("claim_id", "U10"),
    ("lob", "U4"),
    ("paid_amount", "f8"),
    ("fnol_note", "U200"),
    ("adjuster_note", "U200"),
    ("estimate_note", "U200"),
    ("siu_referral", "i1"),
])


def write_vocab(path):
    words = sorted(set(FNOL_WORDS + ADJ_WORDS + EST_WORDS))
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL + words) + "\n")


def simulate_claims(n, rng):
    out = np.zeros(n, dtype=CLAIM_DTYPE)
    for i in range(n):
        out[i]["claim_id"] = f"CLM{i:06d}"
        out[i]["lob"] = rng.choice(["AUTO", "HOME"])
        out[i]["paid_amount"] = float(np.round(rng.lognormal(8.0, 1.1), 2))
        out[i]["fnol_note"] = " ".join(rng.choice(FNOL_WORDS, rng.integers(3, 8)))
        out[i]["adjuster_note"] = " ".join(rng.choice(ADJ_WORDS, rng.integers(3, 9)))
        out[i]["estimate_note"] = " ".join(rng.choice(EST_WORDS, rng.integers(2, 7)))
        out[i]["siu_referral"] = int(out[i]["paid_amount"] > 9000 and rng.random() < 0.6)
    return out


def encode_claim(row, tok):
    ids, segs = [tok.cls_token_id], [0]
    for seg, field in enumerate(NOTE_FIELDS):
        piece = tok(str(row[field]), add_special_tokens=False)["input_ids"]
        piece = piece + [tok.sep_token_id]
        ids.extend(piece)
        segs.extend([seg] * len(piece))
    return ids[:MAX_TOKENS], segs[:MAX_TOKENS]


def make_collate(tok):
    def collate(rows):
        encoded = [encode_claim(r, tok) for r in rows]
        width = max(len(e[0]) for e in encoded)
        input_ids = torch.full((len(rows), width), tok.pad_token_id, dtype=torch.long)
        token_type_ids = torch.zeros((len(rows), width), dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, (ids, segs) in enumerate(encoded):
            input_ids[i, : len(ids)] = torch.tensor(ids)
            token_type_ids[i, : len(segs)] = torch.tensor(segs)
            attention_mask[i, : len(ids)] = 1
        paid = torch.tensor([np.log1p(r["paid_amount"]) for r in rows], dtype=torch.float32)
        return {
            "input_ids": input_ids,
            "token_type_ids": token_type_ids,
            "attention_mask": attention_mask,
            "log_paid": paid.unsqueeze(1),
            "label": torch.tensor([float(r["siu_referral"]) for r in rows]),
        }
    return collate


class SIUScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Sequential(
            nn.Linear(config.hidden_size + 1, 16), nn.ReLU(), nn.Linear(16, 1)
        )

    def forward(self, batch):
        enc = self.encoder(
            input_ids=batch["input_ids"],
            token_type_ids=batch["token_type_ids"],
            attention_mask=batch["attention_mask"],
        )
        pooled = enc.last_hidden_state[:, 0]
        return self.head(torch.cat([pooled, batch["log_paid"]], dim=1)).squeeze(1)


if __name__ == "__main__":
    torch.manual_seed(7)
    rng = np.random.default_rng(7)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    claims = simulate_claims(240, rng)
    by_lob = {lob: claims[claims["lob"] == lob] for lob in np.unique(claims["lob"])}
    print({k: (len(v), round(float(v["paid_amount"].mean()), 1)) for k, v in by_lob.items()})

    cut = int(0.8 * len(claims))
    train_rows, valid_rows = list(claims[:cut]), list(claims[cut:])

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=2,
    )
    model = SIUScorer(config)
    collate = make_collate(tokenizer)
    train_dl = DataLoader(train_rows, batch_size=16, shuffle=True, collate_fn=collate)
    valid_dl = DataLoader(valid_rows, batch_size=32, collate_fn=collate)

    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    pos_weight = torch.tensor([(claims["siu_referral"] == 0).sum() / max(1, claims["siu_referral"].sum())])
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    for epoch in range(2):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_dl):
            logits = model(batch)
            loss = loss_fn(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        model.eval()
        hits, total = 0, 0
        with torch.no_grad():
            for batch in valid_dl:
                pred = (torch.sigmoid(model(batch)) > 0.5).float()
                hits += (pred == batch["label"]).sum().item()
                total += len(pred)
        print(f"epoch {epoch} train_loss={running / (step + 1):.4f} valid_acc={hits / total:.3f}")
