import random

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

PHI_TAGS = ["O", "B-NAME", "I-NAME", "B-DATE", "B-MRN", "B-HOSPITAL", "I-HOSPITAL", "B-PHONE", "B-AGE"]
TAG2ID = {t: i for i, t in enumerate(PHI_TAGS)}
PAD_TAG_ID = -100

FIRST = ["john", "maria", "wei", "fatima", "robert", "aisha"]
LAST = ["smith", "garcia", "chen", "okafor", "miller", "patel"]
HOSP = [("st", "mary's"), ("mercy", "general"), ("county", "medical")]
FILLER = ("pt seen in clinic today for follow up of chf and copd exacerbation "
          "denies chest pain sob improved on lasix continue current regimen").split()


def synth_note():
    tokens, tags = [], []

    def add(words, label):
        for j, w in enumerate(words):
            tokens.append(w)
            if label == "O":
                tags.append("O")
            else:
                tags.append(("B-" if j == 0 else "I-") + label)

    add(["patient"], "O")
    add([random.choice(FIRST), random.choice(LAST)], "NAME")
    add(["mrn"], "O")
    add([str(random.randint(100000, 999999))], "MRN")
    add(["admitted", "on"], "O")
    add([f"{random.randint(1, 12)}/{random.randint(1, 28)}/20{random.randint(10, 23)}"], "DATE")
    add(["to"], "O")
    add(list(random.choice(HOSP)), "HOSPITAL")
    add(["age"], "O")
    add([str(random.randint(19, 89))], "AGE")
    start = random.randint(0, len(FILLER) - 8)
    add(FILLER[start:start + random.randint(4, 8)], "O")
    if random.random() < 0.5:
        add(["call", "back"], "O")
        add([f"555-{random.randint(1000, 9999)}"], "PHONE")
    return tokens, tags


class DeidNoteDataset(Dataset):
    def __init__(self, notes, word2id):
        self.notes = notes
        self.word2id = word2id

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, idx):
        tokens, tags = self.notes[idx]
        ids = [self.word2id.get(t, self.word2id["<unk>"]) for t in tokens]
        tag_ids = [TAG2ID[t] for t in tags]
        return torch.tensor(ids), torch.tensor(tag_ids)


def pad_collate(batch):
    ids, tags = zip(*batch)
    ids = nn.utils.rnn.pad_sequence(ids, batch_first=True, padding_value=0)
    tags = nn.utils.rnn.pad_sequence(tags, batch_first=True, padding_value=PAD_TAG_ID)
    return ids, tags


class BiLSTMDeidTagger(nn.Module):
    def __init__(self, vocab_size, num_tags, emb_dim=64, hidden_dim=64, dropout=0.2):
        super().__init__()
        self.num_tags = num_tags
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.emission = nn.Linear(2 * hidden_dim, num_tags)
        self.loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_TAG_ID)

    def forward(self, token_ids):
        x = self.embed(token_ids)
        h, _ = self.encoder(x)
        return self.emission(self.dropout(h))

    def compute_loss(self, token_ids, tag_ids):
        emissions = self.forward(token_ids)
        return self.loss_fn(emissions, tag_ids)

    @torch.no_grad()
    def predict(self, token_ids):
        return self.forward(token_ids).argmax(-1)


def build_vocab(notes, min_freq=1):
    counts = {}
    for tokens, _ in notes:
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
    word2id = {"<pad>": 0, "<unk>": 1}
    for w, c in sorted(counts.items()):
        if c >= min_freq:
            word2id[w] = len(word2id)
    return word2id


def main():
    notes = [synth_note() for _ in range(96)]
    train_notes, dev_notes = notes[:80], notes[80:]
    word2id = build_vocab(train_notes)

    train_dl = DataLoader(DeidNoteDataset(train_notes, word2id), batch_size=16,
                          shuffle=True, collate_fn=pad_collate)
    dev_dl = DataLoader(DeidNoteDataset(dev_notes, word2id), batch_size=16, collate_fn=pad_collate)

    model = BiLSTMDeidTagger(len(word2id), len(PHI_TAGS))
    optim = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(3):
        model.train()
        total = 0.0
        for token_ids, tag_ids in train_dl:
            optim.zero_grad()
            loss = model.compute_loss(token_ids, tag_ids)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} train loss {total / len(train_dl):.4f}")

    model.eval()
    correct = n = 0
    for token_ids, tag_ids in dev_dl:
        pred = model.predict(token_ids)
        keep = tag_ids != PAD_TAG_ID
        phi = keep & (tag_ids != TAG2ID["O"])
        correct += (pred[phi] == tag_ids[phi]).sum().item()
        n += phi.sum().item()
    print(f"dev PHI token recall: {correct / max(n, 1):.3f}")


if __name__ == "__main__":
    main()
