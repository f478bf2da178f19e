import os
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "claims_vocab.txt")

NOTE_WORDS = (
    "insured reported rear collision at junction vehicle towed windscreen cracked "
    "water damage kitchen ceiling burst pipe theft from garage police report filed "
    "whiplash claimed third party injury solicitor involved hail damage roof tiles "
    "fire smoke damage adjuster visited estimate pending fraud indicators late notification "
    "storm fence collapsed contents stolen laptop jewellery no witnesses cctv available"
).split()

N_TABULAR = 6
TABULAR_COLS = ["sum_insured", "policy_tenure", "claimant_age", "days_to_report",
                "prior_claims", "deductible"]
MAX_LEN = 24


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(NOTE_WORDS))) + "\n")


def make_portfolio(n, seed=3):
    rng = np.random.default_rng(seed)
    dtype = [(c, "f4") for c in TABULAR_COLS] + [("litigated", "i8")]
    arr = np.zeros(n, dtype=dtype)
    arr["sum_insured"] = rng.lognormal(11.5, 0.7, n)
    arr["policy_tenure"] = rng.integers(0, 25, n)
    arr["claimant_age"] = rng.uniform(18, 90, n)
    arr["days_to_report"] = rng.exponential(9.0, n)
    arr["prior_claims"] = rng.poisson(0.5, n)
    arr["deductible"] = rng.choice([250, 500, 1000, 2500], n)
    logit = -1.2 + 0.04 * arr["days_to_report"] + 0.6 * arr["prior_claims"]
    arr["litigated"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype("i8")
    notes = [" ".join(rng.choice(NOTE_WORDS, size=rng.integers(6, 20))) for _ in range(n)]
    return arr, notes


def standardise(arr):
    cols = {}
    for c in TABULAR_COLS:
        x = np.log1p(arr[c]) if c in ("sum_insured", "deductible") else arr[c]
        cols[c] = (x - x.mean()) / (x.std() + 1e-6)
    return np.stack([cols[c] for c in TABULAR_COLS], axis=1).astype("f4")


class ClaimNotesDataset(Dataset):
    def __init__(self, arr, notes):
        self.tab = standardise(arr)
        self.y = arr["litigated"]
        self.notes = notes

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        return {"note": self.notes[i], "tab": self.tab[i], "y": self.y[i]}


def make_collate(tokenizer):
    def collate(rows):
        enc = tokenizer([r["note"] for r in rows], padding="max_length", truncation=True,
                        max_length=MAX_LEN, return_tensors="pt")
        enc["tab"] = torch.tensor(np.stack([r["tab"] for r in rows]))
        enc["y"] = torch.tensor([r["y"] for r in rows], dtype=torch.float32)
        return enc
    return collate


class LitigationRiskModel(nn.Module):
    def __init__(self, config, n_tab=N_TABULAR):
        super().__init__()
        self.encoder = BertModel(config)
        self.tab_proj = nn.Sequential(nn.Linear(n_tab, 16), nn.GELU())
        self.head = nn.Sequential(
            nn.Linear(config.hidden_size + 16, 32), nn.GELU(), nn.Linear(32, 1)
        )

    def forward(self, input_ids, attention_mask, token_type_ids, tab):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).pooler_output
        z = torch.cat([pooled, self.tab_proj(tab)], dim=-1)
        return self.head(z).squeeze(-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)

    arr, notes = make_portfolio(600)
    split = 480
    train_ds = ClaimNotesDataset(arr[:split], notes[:split])
    valid_ds = ClaimNotesDataset(arr[split:], notes[split:])
    collate = make_collate(tokenizer)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate)
    valid_dl = DataLoader(valid_ds, batch_size=64, collate_fn=collate)

    model = LitigationRiskModel(config)
    pos_weight = torch.tensor((1 - arr["litigated"][:split].mean()) / arr["litigated"][:split].mean())
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    for epoch in range(2):
        model.train()
        total = 0.0
        for step, batch in enumerate(train_dl):
            logits = model(batch["input_ids"], batch["attention_mask"],
                           batch["token_type_ids"], batch["tab"])
            loss = loss_fn(logits, batch["y"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        model.eval()
        with torch.no_grad():
            hits = n = 0
            for batch in valid_dl:
                p = torch.sigmoid(model(batch["input_ids"], batch["attention_mask"],
                                        batch["token_type_ids"], batch["tab"]))
                hits += ((p > 0.5).float() == batch["y"]).sum().item()
                n += len(batch["y"])
        print(f"epoch {epoch} loss {total / (step + 1):.4f} valid acc {hits / n:.3f}")
