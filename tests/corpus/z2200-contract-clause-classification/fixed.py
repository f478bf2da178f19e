import os
import random

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))

CLAUSE_TYPES = [
    "termination",
    "indemnification",
    "confidentiality",
    "governing_law",
    "limitation_of_liability",
    "assignment",
]
LABEL2ID = {name: i for i, name in enumerate(CLAUSE_TYPES)}

CFG = {
    "max_length": 64,
    "batch_size": 8,
    "embed_dim": 48,
    "lr": 3e-3,
    "epochs": 2,
}

KEYWORDS = {
    "termination": ["terminate", "termination", "notice", "breach", "cure", "period"],
    "indemnification": ["indemnify", "hold", "harmless", "claims", "losses", "defend"],
    "confidentiality": ["confidential", "information", "disclose", "receiving", "party", "secret"],
    "governing_law": ["governed", "laws", "state", "jurisdiction", "courts", "venue"],
    "limitation_of_liability": ["liability", "consequential", "damages", "exceed", "fees", "aggregate"],
    "assignment": ["assign", "transfer", "consent", "successors", "permitted", "rights"],
}
FILLER = ["the", "this", "agreement", "shall", "any", "of", "to", "by", "in", "such",
          "written", "either", "without", "prior", "under", "or", "and", "not", "be", "its"]


def write_vocab(path):
    words = set(FILLER)
    for kws in KEYWORDS.values():
        words.update(kws)
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words) + [".", ","]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def synth_clause(clause_type, rng):
    n_words = rng.randint(8, 40)
    kws = KEYWORDS[clause_type]
    words = []
    for _ in range(n_words):
        if rng.random() < 0.35:
            words.append(rng.choice(kws))
        else:
            words.append(rng.choice(FILLER))
    return " ".join(words) + "."


def build_corpus(n, rng):
    rows = []
    for _ in range(n):
        ct = rng.choice(CLAUSE_TYPES)
        rows.append({"text": synth_clause(ct, rng), "clause_type": ct})
    return rows


class ClauseDataset(Dataset):
    def __init__(self, rows, tokenizer, max_length):
        self.rows = rows
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        enc = self.tokenizer(
            row["text"],
            padding="max_length",
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"].squeeze(0),
            "attention_mask": enc["attention_mask"].squeeze(0),
            "label": torch.tensor(LABEL2ID[row["clause_type"]], dtype=torch.long),
        }


class MeanPoolClauseClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, n_classes, pad_id):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_id)
        self.ff = nn.Sequential(nn.Linear(embed_dim, embed_dim), nn.GELU(), nn.Dropout(0.1))
        self.out = nn.Linear(embed_dim, n_classes)

    def forward(self, input_ids, attention_mask):
        h = self.emb(input_ids)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.out(self.ff(pooled))


def run_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for batch in loader:
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(logits, batch["label"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * batch["label"].size(0)
        correct += (logits.argmax(-1) == batch["label"]).sum().item()
        seen += batch["label"].size(0)
    return total / seen, correct / seen


def main():
    rng = random.Random(SEED)
    vocab_path = write_vocab(os.path.join(HERE, "clause_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    train_rows = build_corpus(240, rng)
    train_ds = ClauseDataset(train_rows, tokenizer, CFG["max_length"])
    train_loader = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)

    model = MeanPoolClauseClassifier(
        vocab_size=tokenizer.vocab_size,
        embed_dim=CFG["embed_dim"],
        n_classes=len(CLAUSE_TYPES),
        pad_id=tokenizer.pad_token_id,
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(CFG["epochs"]):
        loss, acc = run_epoch(model, train_loader, optimizer, loss_fn)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main()
