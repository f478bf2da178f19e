"""Classify ship deck-log entries by event type with a small Transformer, trained via accelerate."""
import re

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset

DECK_LOG = [
    ("0400 altered course to 095 to clear fishing fleet off the headland", "navigation"),
    ("pilot embarked at fairway buoy vessel proceeding to berth four", "navigation"),
    ("passed breakwater outbound speed reduced to eight knots in the channel", "navigation"),
    ("anchored in position with six shackles on deck in eighteen metres of water good holding ground", "navigation"),
    ("commenced loading containers bay twelve reefer plugs connected and checked", "cargo"),
    ("hatch three secured lashings checked by chief officer", "cargo"),
    ("ballast pumped out of double bottom tanks two port and starboard during cargo operations stevedores stopped work for rain and resumed after the squall passed", "cargo"),
    ("draft survey completed forward six point two aft seven point one", "cargo"),
    ("wind backing south west force seven heavy swell from the west", "weather"),
    ("barometer falling rapidly visibility reduced in rain squalls", "weather"),
    ("fog signals sounded visibility under half a mile radar watch doubled lookout posted on the forecastle and engine room on standby", "weather"),
    ("sea moderate wind north east force four sky overcast", "weather"),
    ("main engine stopped for repairs to fuel injector unit three", "engine"),
    ("generator two tripped on high temperature load shifted to generator one", "engine"),
    ("purifier cleaned and returned to service lube oil sample taken", "engine"),
    ("bow thruster failed to start during berthing electrician called to inspect the breaker panel and the motor windings were found damp", "engine"),
    ("fire and abandon ship drill held all crew mustered in eleven minutes", "safety"),
    ("man overboard drill rescue boat lowered and recovered", "safety"),
    ("enclosed space entry permit issued for cargo hold atmosphere tested", "safety"),
    ("fire detection alarm in accommodation deck two false alarm caused by steam from the galley reset by the officer of the watch", "safety"),
]


class Vocab:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in self.split(t)})
        self.itos = ["<pad>", "<unk>"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    @staticmethod
    def split(text):
        return re.findall(r"[a-z]+|\d+", text.lower())

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in self.split(text)]

    def __len__(self):
        return len(self.itos)


class DeckLogDataset(Dataset):
    def __init__(self, rows, vocab, classes):
        self.items = [{"ids": vocab.encode(t), "event": classes.index(c)} for t, c in rows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class LogBatcher:
    def __init__(self, pad_id, max_tokens):
        self.pad_id = pad_id
        self.max_tokens = max_tokens

    def __call__(self, items):
        seqs = [it["ids"][: self.max_tokens] for it in items]
        width = max(len(s) for s in seqs)
        tokens = torch.full((len(seqs), width), self.pad_id, dtype=torch.long)
        for row, s in enumerate(seqs):
            tokens[row, : len(s)] = torch.tensor(s)
        lengths = torch.tensor([len(it["ids"]) for it in items])
        keep = torch.arange(int(lengths.max()))[None, :] < lengths[:, None]
        events = torch.tensor([it["event"] for it in items])
        return {"tokens": tokens, "keep": keep, "event": events}


class LogClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32, max_tokens=24):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_tokens, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, tokens, keep):
        positions = torch.arange(tokens.size(1), device=tokens.device)
        h = self.tok(tokens) + self.pos(positions)[None]
        h = self.encoder(h, src_key_padding_mask=~keep)
        w = keep.unsqueeze(-1).float()
        return self.head((h * w).sum(1) / w.sum(1).clamp(min=1.0))


def main():
    torch.manual_seed(0)
    classes = sorted({c for _, c in DECK_LOG})
    vocab = Vocab([t for t, _ in DECK_LOG])
    max_tokens = 24
    loader = DataLoader(DeckLogDataset(DECK_LOG, vocab, classes), batch_size=4, shuffle=True,
                        collate_fn=LogBatcher(vocab.stoi["<pad>"], max_tokens))
    model = LogClassifier(len(vocab), len(classes), max_tokens=max_tokens)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)

    accelerator = Accelerator(cpu=True)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(3):
        model.train()
        total = 0.0
        for batch in loader:
            logits = model(batch["tokens"], batch["keep"])
            loss = loss_fn(logits, batch["event"])
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
