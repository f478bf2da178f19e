"""Token-level PHI tagger for de-identifying synthetic clinical notes."""
import random
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 2024
random.seed(SEED)
torch.manual_seed(SEED)

PHI_TAGS = ["O", "B-NAME", "I-NAME", "B-DATE", "B-MRN", "B-HOSPITAL", "I-HOSPITAL", "B-PHONE"]
TAG2ID = {t: i for i, t in enumerate(PHI_TAGS)}

FIRST_NAMES = ["john", "maria", "wei", "fatima", "robert", "aisha", "carlos", "linda"]
LAST_NAMES = ["smith", "garcia", "chen", "khan", "johnson", "okafor", "rossi", "nguyen"]
HOSPITALS = [["st", "mary", "medical", "center"], ["mercy", "general"], ["lakeside", "clinic"]]
FILLER = ("patient presented with chest pain and shortness of breath . vitals stable . "
          "started on aspirin and heparin drip . echo showed reduced ef . "
          "discharged home with follow up in cardiology clinic .").split()


def fake_date():
    return f"{random.randint(1, 12)}/{random.randint(1, 28)}/{random.randint(2010, 2023)}"


def synth_note():
    tokens, tags = [], []

    def emit(toks, label):
        for j, tok in enumerate(toks):
            tokens.append(tok)
            if label == "O":
                tags.append("O")
            else:
                tags.append(("B-" if j == 0 else "I-") + label)

    emit(["patient"], "O")
    emit([random.choice(FIRST_NAMES), random.choice(LAST_NAMES)], "NAME")
    emit(["mrn"], "O")
    emit([str(random.randint(1000000, 9999999))], "MRN")
    emit(["admitted", "to"], "O")
    emit(random.choice(HOSPITALS), "HOSPITAL")
    emit(["on"], "O")
    emit([fake_date()], "DATE")
    start = random.randint(0, len(FILLER) - 10)
    emit(FILLER[start:start + random.randint(5, 15)], "O")
    if random.random() < 0.5:
        emit(["call"], "O")
        emit([f"555-{random.randint(100, 999)}-{random.randint(1000, 9999)}"], "PHONE")
    return tokens, tags


class NoteVocab:
    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, notes, min_freq=1):
        counts = Counter(tok for toks, _ in notes for tok in toks)
        self.itos = [self.PAD, self.UNK] + sorted(t for t, c in counts.items() if c >= min_freq)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, tokens):
        unk = self.stoi[self.UNK]
        return [self.stoi.get(t, unk) for t in tokens]

    def __len__(self):
        return len(self.itos)


class DeidDataset(Dataset):
    def __init__(self, notes, vocab):
        self.notes = notes
        self.vocab = vocab

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, idx):
        tokens, tags = self.notes[idx]
        return {
            "input_ids": torch.tensor(self.vocab.encode(tokens), dtype=torch.long),
            "labels": torch.tensor([TAG2ID[t] for t in tags], dtype=torch.long),
        }


def collate_notes(batch):
    max_len = max(len(b["input_ids"]) for b in batch)
    input_ids = torch.zeros(len(batch), max_len, dtype=torch.long)
    labels = torch.full((len(batch), max_len), -100, dtype=torch.long)
    attention_mask = torch.zeros(len(batch), max_len, dtype=torch.long)
    for i, b in enumerate(batch):
        n = len(b["input_ids"])
        input_ids[i, :n] = b["input_ids"]
        labels[i, :n] = b["labels"]
        attention_mask[i, :n] = 1
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}


class PHITagger(nn.Module):
    def __init__(self, vocab_size, n_tags, d_model=64, n_heads=4, n_layers=2, max_len=128, dropout=0.1):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=4 * d_model,
                                           dropout=dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(d_model, n_tags)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = self.tok_emb(input_ids) + self.pos_emb(positions)
        pad_mask = attention_mask == 0
        h = self.encoder(self.dropout(x), src_key_padding_mask=pad_mask)
        return self.classifier(h)


def phi_token_f1(model, loader):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for batch in loader:
            pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
            gold = batch["labels"]
            valid = gold != -100
            pred_phi = (pred != TAG2ID["O"]) & valid
            gold_phi = (gold != TAG2ID["O"]) & valid
            tp += (pred_phi & gold_phi).sum().item()
            fp += (pred_phi & ~gold_phi).sum().item()
            fn += (~pred_phi & gold_phi).sum().item()
    model.train()
    return 2 * tp / max(2 * tp + fp + fn, 1)


def main():
    notes = [synth_note() for _ in range(180)]
    train_notes, dev_notes = notes[:150], notes[150:]
    vocab = NoteVocab(train_notes)
    train_dl = DataLoader(DeidDataset(train_notes, vocab), batch_size=16, shuffle=True, collate_fn=collate_notes)
    dev_dl = DataLoader(DeidDataset(dev_notes, vocab), batch_size=32, collate_fn=collate_notes)

    model = PHITagger(len(vocab), len(PHI_TAGS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(2):
        total = 0.0
        for batch in train_dl:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = criterion(logits.reshape(-1, len(PHI_TAGS)), batch["labels"].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: loss={total / len(train_dl):.4f} dev PHI F1={phi_token_f1(model, dev_dl):.3f}")


if __name__ == "__main__":
    main()
