import random
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(3)
torch.manual_seed(3)

FIELDS = ["POLICY_NO", "INSURED", "EFF_DATE", "EXP_DATE", "PREMIUM", "DEDUCTIBLE"]
TAGS = ["O"] + [f"{p}-{f}" for f in FIELDS for p in ("B", "I")]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
SHAPES = ["<pad>", "lower", "upper", "title", "digit", "mixed", "punct"]

PAD_ID, UNK_ID = 0, 1
PAD_VALUES = {"token_ids": PAD_ID, "shape_ids": 0, "tag_ids": -100}

FIRST = ["maria", "john", "wei", "fatima", "carlos", "olga", "deshawn", "priya"]
LAST = ["garcia", "smith", "chen", "okafor", "novak", "patel", "brown", "haddad"]
FILLER = [
    "this declarations page forms part of your policy",
    "coverage is subject to all terms and conditions",
    "please retain this document for your records",
    "contact your agent with any questions",
    "homeowners special form ho 3",
]


def rand_date():
    return f"{random.randint(1, 12):02d}/{random.randint(1, 28):02d}/{random.choice([2023, 2024, 2025])}"


def field_tokens(field):
    if field == "POLICY_NO":
        return ["HO-" + str(random.randint(1000000, 9999999))]
    if field == "INSURED":
        return [random.choice(FIRST).title(), random.choice(LAST).title()]
    if field in ("EFF_DATE", "EXP_DATE"):
        return [rand_date()]
    if field == "PREMIUM":
        return ["$", f"{random.randint(400, 6000):,}.{random.randint(0, 99):02d}"]
    return ["$", str(random.choice([250, 500, 1000, 2500]))]


LABELS = {"POLICY_NO": "Policy Number :", "INSURED": "Named Insured :", "EFF_DATE": "Effective Date :",
          "EXP_DATE": "Expiration Date :", "PREMIUM": "Total Premium :", "DEDUCTIBLE": "Deductible :"}


def synth_declaration():
    tokens, tags = [], []
    fields = random.sample(FIELDS, k=random.randint(3, len(FIELDS)))
    for f in fields:
        if random.random() < 0.4:
            filler = random.choice(FILLER).split()
            tokens += filler
            tags += ["O"] * len(filler)
        label = LABELS[f].split()
        tokens += label
        tags += ["O"] * len(label)
        value = field_tokens(f)
        tokens += value
        tags += [f"B-{f}"] + [f"I-{f}"] * (len(value) - 1)
    return tokens, tags


def word_shape(tok):
    if all(not c.isalnum() for c in tok):
        return SHAPES.index("punct")
    if tok.isdigit():
        return SHAPES.index("digit")
    if tok.islower():
        return SHAPES.index("lower")
    if tok.isupper():
        return SHAPES.index("upper")
    if tok.istitle():
        return SHAPES.index("title")
    return SHAPES.index("mixed")


class DeclarationsDataset(Dataset):
    def __init__(self, docs, vocab):
        self.docs = docs
        self.vocab = vocab

    def __len__(self):
        return len(self.docs)

    def __getitem__(self, i):
        tokens, tags = self.docs[i]
        return {
            "token_ids": [self.vocab.get(t.lower(), UNK_ID) for t in tokens],
            "shape_ids": [word_shape(t) for t in tokens],
            "tag_ids": [TAG2ID[t] for t in tags],
            "n_tokens": len(tokens),
        }


def pad_to(seq, length, value):
    return seq + [value] * (length - len(seq))


def collate_declarations(batch):
    max_len = max(ex["n_tokens"] for ex in batch)
    out = {}
    for key in batch[0]:
        values = [ex[key] for ex in batch]
        if key in PAD_VALUES:
            values = [pad_to(v, max_len, PAD_VALUES[key]) for v in values]
        out[key] = torch.tensor(values)
    out["mask"] = out["token_ids"] != PAD_ID
    return out


class FieldTagger(nn.Module):
    def __init__(self, vocab_size, n_shapes, n_tags, emb=48, shape_emb=8, hidden=64):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, emb, padding_idx=PAD_ID)
        self.shape_emb = nn.Embedding(n_shapes, shape_emb, padding_idx=0)
        self.lstm = nn.LSTM(emb + shape_emb, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, token_ids, shape_ids):
        x = torch.cat([self.tok_emb(token_ids), self.shape_emb(shape_ids)], dim=-1)
        h, _ = self.lstm(x)
        return self.out(h)


def main():
    docs = [synth_declaration() for _ in range(600)]
    counts = Counter(t.lower() for toks, _ in docs[:480] for t in toks)
    vocab = {"<pad>": PAD_ID, "<unk>": UNK_ID}
    for tok, c in counts.items():
        if c >= 2:
            vocab[tok] = len(vocab)

    train_ds = DeclarationsDataset(docs[:480], vocab)
    val_ds = DeclarationsDataset(docs[480:], vocab)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate_declarations)
    val_dl = DataLoader(val_ds, batch_size=64, collate_fn=collate_declarations)

    model = FieldTagger(len(vocab), len(SHAPES), len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(3):
        model.train()
        total = 0.0
        for batch in train_dl:
            logits = model(batch["token_ids"], batch["shape_ids"])
            loss = loss_fn(logits.reshape(-1, len(TAGS)), batch["tag_ids"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        model.eval()
        correct = n = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["token_ids"], batch["shape_ids"]).argmax(-1)
                keep = batch["mask"]
                correct += (pred[keep] == batch["tag_ids"][keep]).sum().item()
                n += keep.sum().item()
        print(f"epoch {epoch}: train loss {total / len(train_dl):.4f}  val token acc {correct / n:.3f}")


if __name__ == "__main__":
    main()
