"""Urgency triage for tram depot fault tickets: small transformer encoder trained from scratch."""
import enum
import functools
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader

torch.manual_seed(3)


class Split(enum.Enum):
    TRAIN = 0
    VALID = 1


class Urgency(enum.Enum):
    ROUTINE = 0
    SOON = 1
    IMMEDIATE = 2


class Mode(enum.Enum):
    TRAIN = "train"
    VALIDATE = "validate"


@dataclass(frozen=True)
class EncoderSettings:
    emb_dim: int = 48      # word vectors (matches the pretrained depot word2vec size)
    d_model: int = 32      # width inside the encoder
    heads: int = 4
    layers: int = 2
    ff_dim: int = 64
    pad_id: int = 0


TICKETS = [
    {"kind": "fault", "split": Split.TRAIN, "text": "pantograph arcing on car 14", "urgency": Urgency.IMMEDIATE},
    {"kind": "fault", "split": Split.TRAIN, "text": "door chime quiet", "urgency": Urgency.ROUTINE},
    {"kind": "note", "split": Split.TRAIN, "text": "shift handover done"},
    {"kind": "fault", "split": Split.TRAIN, "text": "brake pad wear near limit on bogie two", "urgency": Urgency.SOON},
    {"kind": "fault", "split": Split.TRAIN, "text": "seat fabric torn", "urgency": Urgency.ROUTINE},
    {"kind": "fault", "split": Split.TRAIN, "text": "smoke from traction motor", "urgency": Urgency.IMMEDIATE},
    {"kind": "fault", "split": Split.TRAIN, "text": "wheel flat spot noise", "urgency": Urgency.SOON},
    {"kind": "fault", "split": Split.VALID, "text": "pantograph smoke on car 9", "urgency": Urgency.IMMEDIATE},
    {"kind": "fault", "split": Split.VALID, "text": "door fabric torn", "urgency": Urgency.ROUTINE},
    {"kind": "note", "split": Split.VALID, "text": "depot lights replaced"},
]


def usable(ticket):
    match ticket:
        case {"kind": "fault", "text": str(text), "urgency": Urgency() as urg}:
            return text, urg
        case {"kind": "note"}:
            return None
        case other:
            raise ValueError(f"unknown ticket {other}")


def build_vocab(tickets):
    words = sorted({w for t in tickets for w in t["text"].split()})
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *words])}


def collate(pairs, vocab, pad_id):
    seqs = [[vocab.get(w, 1) for w in text.split()] for text, _ in pairs]
    width = max(map(len, seqs))
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = torch.tensor(seq)
    target = torch.tensor([urg.value for _, urg in pairs])
    return ids, ids.eq(pad_id), target


class TicketEncoder(nn.Module):
    def __init__(self, vocab_size, cfg: EncoderSettings):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=cfg.pad_id)
        self.down = nn.Linear(cfg.emb_dim, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.heads, cfg.ff_dim, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(cfg.d_model, len(Urgency))

    def forward(self, ids, pad):
        hidden = self.encoder(self.down(self.embed(ids)), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (hidden * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


def run_epoch(model, loader, mode, optimizer=None):
    total, correct, loss_sum = 0, 0, 0.0
    for ids, pad, target in loader:
        match mode:
            case Mode.TRAIN:
                model.train()
                logits = model(ids, pad)
                loss = nn.functional.cross_entropy(logits, target)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                loss_sum += loss.item() * len(target)
            case Mode.VALIDATE:
                model.eval()
                with torch.no_grad():
                    logits = model(ids, pad)
        correct += (logits.argmax(-1) == target).sum().item()
        total += len(target)
    return loss_sum / max(total, 1), correct / max(total, 1)


def main():
    cfg = EncoderSettings()
    vocab = build_vocab(TICKETS)
    splits = {sp: [p for t in TICKETS if t["split"] is sp and (p := usable(t))] for sp in Split}
    print({sp.name: len(v) for sp, v in splits.items()}, "usable tickets")

    make_batch = functools.partial(collate, vocab=vocab, pad_id=cfg.pad_id)
    train_dl = DataLoader(splits[Split.TRAIN], batch_size=3, shuffle=True, collate_fn=make_batch)
    valid_dl = DataLoader(splits[Split.VALID], batch_size=3, collate_fn=make_batch)

    model = TicketEncoder(len(vocab), cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(5):
        loss, acc = run_epoch(model, train_dl, Mode.TRAIN, optimizer)
        print(f"epoch {epoch} train loss {loss:.3f} acc {acc:.2f}")
    _, val_acc = run_epoch(model, valid_dl, Mode.VALIDATE)
    print(f"validation accuracy {val_acc:.2f}")


if __name__ == "__main__":
    main()
