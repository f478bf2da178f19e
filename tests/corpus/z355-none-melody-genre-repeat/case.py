"""Next-note model for folk melodies, conditioned on the tune's genre (reel, jig, polka, ...)."""
import random

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

PITCHES = 48          # MIDI 48..95 mapped to 0..47, plus a pad id
PAD = PITCHES
GENRES = ["reel", "jig", "polka", "hornpipe", "slide"]
HPARAMS = {"emb": 32, "hidden": 64, "batch": 8, "epochs": 2, "lr": 2e-3}


class TuneBook(Dataset):
    def __init__(self, n_tunes, seed=3):
        rng = random.Random(seed)
        self.tunes = []
        for _ in range(n_tunes):
            genre = rng.randrange(len(GENRES))
            length = rng.randint(12, 40)
            note = rng.randrange(12, 36)
            notes = []
            for _ in range(length):
                note = min(PITCHES - 1, max(0, note + rng.choice([-2, -1, 0, 1, 2, 3 + genre % 2])))
                notes.append(note)
            self.tunes.append((torch.tensor(notes), genre))

    def __len__(self):
        return len(self.tunes)

    def __getitem__(self, idx):
        return self.tunes[idx]


def collate_tunes(batch):
    notes = [n for n, _ in batch]
    padded = pad_sequence(notes, batch_first=True, padding_value=PAD)
    genres = torch.tensor([g for _, g in batch])
    return padded[:, :-1], padded[:, 1:], genres


class GenreMelodyRNN(nn.Module):
    def __init__(self, emb, hidden):
        super().__init__()
        self.note_emb = nn.Embedding(PITCHES + 1, emb, padding_idx=PAD)
        self.genre_emb = nn.Embedding(len(GENRES), emb)
        self.rnn = nn.GRU(emb, hidden, batch_first=True)
        self.out = nn.Linear(hidden, PITCHES)

    def forward(self, notes, genres):
        steps = notes.size(1)
        x = self.note_emb(notes)
        style = self.genre_emb(genres).unsqueeze(0).repeat(steps, 1, 1)
        h, _ = self.rnn(x + style)
        return self.out(h)


def run_epoch(model, loader, opt):
    model.train()
    total, count = 0.0, 0
    for inputs, targets, genres in loader:
        logits = model(inputs, genres)
        keep = targets != PAD
        loss = F.cross_entropy(logits[keep], targets[keep])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * keep.sum().item()
        count += keep.sum().item()
    return total / count


@torch.no_grad()
def continue_tune(model, seed_notes, genre, n_new=8):
    model.eval()
    notes = torch.tensor([seed_notes])
    for _ in range(n_new):
        logits = model(notes, torch.tensor([genre]))
        nxt = logits[0, -1].argmax().view(1, 1)
        notes = torch.cat([notes, nxt], dim=1)
    return notes[0].tolist()


if __name__ == "__main__":
    torch.manual_seed(0)
    book = TuneBook(160)
    loader = DataLoader(book, batch_size=HPARAMS["batch"], shuffle=True, collate_fn=collate_tunes)
    model = GenreMelodyRNN(HPARAMS["emb"], HPARAMS["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=HPARAMS["lr"])
    for epoch in range(HPARAMS["epochs"]):
        print(f"epoch {epoch}: nll {run_epoch(model, loader, opt):.3f}")
    print("jig continuation:", continue_tune(model, [20, 22, 24, 22], GENRES.index("jig")))
