"""Large-loss flag from adjuster notes + a few policy columns.

Claims extract is kept as a numpy structured array (one row per claim),
notes are tokenized once up front and only ids + lengths are cached.
"""
import os
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 7
NOTE_PAD = 64
MAX_NOTE_TOKENS = 40
BATCH = 16
EPOCHS = 2
LARGE_LOSS = 25_000.0

WORDS = ("water damage kitchen ceiling roof storm hail vehicle rear collision "
         "theft bicycle garage fire smoke injury whiplash claimant insured third "
         "party liability windscreen flood basement pipe burst tree fell fence "
         "police report estimate repair total loss salvage subrogation delay "
         "photos received awaiting invoice adjuster visit reserve increased").split()

CLAIM_DTYPE = np.dtype([
    ("claim_id", "i8"),
    ("lob", "U8"),
    ("sum_insured", "f8"),
    ("incurred", "f8"),
    ("report_lag_days", "i4"),
])


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return path


def simulate_claims(n, rng):
    rows = np.zeros(n, dtype=CLAIM_DTYPE)
    rows["claim_id"] = np.arange(100_000, 100_000 + n)
    rows["lob"] = rng.choice(["motor", "home", "liab"], size=n)
    rows["sum_insured"] = rng.lognormal(11.0, 0.6, size=n).round(-2)
    rows["incurred"] = rng.lognormal(8.5, 1.3, size=n).round(2)
    rows["report_lag_days"] = rng.poisson(12, size=n)
    notes = [" ".join(rng.choice(WORDS, size=rng.integers(6, 45))) for _ in range(n)]
    return rows, notes


def encode_notes(tokenizer, notes):
    enc = tokenizer(notes, padding="max_length", truncation=True,
                    max_length=MAX_NOTE_TOKENS, return_tensors="np")
    return {
        "note_ids": enc["input_ids"].astype(np.int64),
        "note_len": enc["attention_mask"].sum(axis=1).astype(np.int64),
    }


def numeric_features(rows):
    cols = {
        "log_si": np.log(rows["sum_insured"]),
        "lag": rows["report_lag_days"] / 30.0,
        "is_motor": (rows["lob"] == "motor").astype(np.float64),
        "is_home": (rows["lob"] == "home").astype(np.float64),
    }
    mat = np.stack([cols[k] for k in cols], axis=1)
    mat = (mat - mat.mean(0)) / (mat.std(0) + 1e-8)
    return mat.astype(np.float32)


def pad_mask(lengths, width=NOTE_PAD):
    pos = torch.arange(width).unsqueeze(0)
    return (pos < lengths.unsqueeze(1)).long()


def iter_batches(table, idx, batch_size):
    for start in range(0, len(idx), batch_size):
        sel = idx[start:start + batch_size]
        lengths = torch.from_numpy(table["note_len"][sel])
        yield {
            "input_ids": torch.from_numpy(table["note_ids"][sel]),
            "attention_mask": pad_mask(lengths),
            "num": torch.from_numpy(table["num"][sel]),
            "y": torch.from_numpy(table["large"][sel]),
        }


class NoteLossModel(nn.Module):
    def __init__(self, bert_cfg, n_num):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        self.num_proj = nn.Linear(n_num, 16)
        self.head = nn.Sequential(
            nn.Linear(bert_cfg.hidden_size + 16, 32), nn.ReLU(), nn.Linear(32, 1)
        )

    def forward(self, input_ids, attention_mask, num):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = out.last_hidden_state[:, 0]
        z = torch.cat([pooled, torch.relu(self.num_proj(num))], dim=-1)
        return self.head(z).squeeze(-1)


if __name__ == "__main__":
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    vocab_path = write_vocab(os.path.join(HERE, "claims_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    rows, notes = simulate_claims(160, rng)
    table = encode_notes(tokenizer, notes)
    table["num"] = numeric_features(rows)
    table["large"] = (rows["incurred"] > LARGE_LOSS).astype(np.float32)
    print(f"claims={len(rows)} large-loss rate={table['large'].mean():.3f}")

    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    model = NoteLossModel(cfg, n_num=table["num"].shape[1])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    pos_weight = torch.tensor((1 - table["large"].mean()) / max(table["large"].mean(), 1e-3))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    split = int(0.8 * len(rows))
    order = rng.permutation(len(rows))
    train_idx, valid_idx = order[:split], order[split:]

    for epoch in range(EPOCHS):
        model.train()
        running, seen = 0.0, 0
        for batch in iter_batches(table, train_idx, BATCH):
            logits = model(batch["input_ids"], batch["attention_mask"], batch["num"])
            loss = loss_fn(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(batch["y"])
            seen += len(batch["y"])

        model.eval()
        hits = 0
        with torch.no_grad():
            for batch in iter_batches(table, valid_idx, BATCH):
                pred = model(batch["input_ids"], batch["attention_mask"], batch["num"]) > 0
                hits += (pred.float() == batch["y"]).sum().item()
        print(f"epoch {epoch}: train loss {running / seen:.4f} valid acc {hits / len(valid_idx):.3f}")
