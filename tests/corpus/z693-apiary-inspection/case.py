# Hive inspection notes -> colony status (beekeeping association field logs).
# Bag-of-embeddings + GRU baseline, trained from scratch before we try a pretrained encoder.
import functools
import random
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

settings = {
    "seed": 11,
    "data": {"batch_size": 3, "pad_id": 0, "unk_id": 1, "min_count": 1},
    "model": {"encoder": {"dim": 24, "hidden": 32, "bidirectional": True},
              "classifier": {"n_status": 4}},
    "train": {"lr": 5e-3, "epochs": 3, "log_every": 2},
}

STATUS = ["healthy", "queenless", "swarm_risk", "varroa"]
NOTES = [
    ("brood pattern solid eggs seen queen spotted", 0),
    ("no eggs no young larvae emergency cells", 1),
    ("queen cells along bottom bars crowded frames", 2),
    ("mites on drone brood deformed wings", 3),
    ("capped honey stores good calm bees", 0),
    ("laying workers multiple eggs per cell", 1),
    ("bees bearding entrance swarm cells capped", 2),
    ("sugar roll count high mites visible", 3),
    ("new comb drawn pollen coming in", 0),
]


@dataclass
class Note:
    text: str
    status: int


def build_vocab(cfg, notes):
    counts = Counter(w for n in notes for w in n.text.split())
    itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= cfg["data"]["min_count"])
    return {w: i for i, w in enumerate(itos)}


def collate_notes(examples, vocab, cfg):
    unk = cfg["data"]["unk_id"]
    seqs = [[vocab.get(w, unk) for w in ex.text.split()] for ex in examples]
    longest = max(len(s) for s in seqs)
    token_grid = torch.zeros(len(seqs), longest)
    lengths = torch.tensor([len(s) for s in seqs])
    for row, s in enumerate(seqs):
        token_grid[row, : len(s)] = torch.tensor(s)
    return {"tokens": token_grid, "lengths": lengths,
            "target": torch.tensor([ex.status for ex in examples])}


class HiveNoteClassifier(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        enc = cfg["model"]["encoder"]
        self.embed = nn.Embedding(vocab_size, enc["dim"], padding_idx=cfg["data"]["pad_id"])
        self.rnn = nn.GRU(enc["dim"], enc["hidden"], batch_first=True,
                          bidirectional=enc["bidirectional"])
        out_dim = enc["hidden"] * (2 if enc["bidirectional"] else 1)
        self.head = nn.Linear(out_dim, cfg["model"]["classifier"]["n_status"])

    def forward(self, tokens, lengths):
        emb = self.embed(tokens)
        packed = nn.utils.rnn.pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        summary = torch.cat([h_n[-2], h_n[-1]], dim=-1) if self.rnn.bidirectional else h_n[-1]
        return self.head(summary)


class TokenCounter:
    def on_batch_start(self, trainer, batch):
        trainer.metrics["tokens_seen"] += int(batch["lengths"].sum())

    def on_step_end(self, trainer, step, out):
        if step % trainer.cfg["train"]["log_every"] == 0:
            print(f"[step {step}] loss={out['loss']:.3f} tokens_seen={trainer.metrics['tokens_seen']}")


class Trainer:
    def __init__(self, cfg, model, callbacks=None):
        self.cfg = cfg
        self.model = model
        self.callbacks = callbacks or []
        self.optimizer = torch.optim.Adam(model.parameters(), lr=cfg["train"]["lr"])
        self.criterion = nn.CrossEntropyLoss()
        self.metrics = {"tokens_seen": 0, "loss_hist": [], "correct": 0, "seen": 0}

    def call(self, hook, *args):
        for cb in self.callbacks:
            fn = getattr(cb, hook, None)
            if fn is not None:
                fn(self, *args)

    def train_step(self, batch):
        logits = self.model(batch["tokens"], batch["lengths"])
        loss = self.criterion(logits, batch["target"])
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.metrics["correct"] += (logits.argmax(1) == batch["target"]).sum().item()
        self.metrics["seen"] += len(batch["target"])
        return {"loss": loss.item()}

    def fit(self, loader):
        step = 0
        for epoch in range(self.cfg["train"]["epochs"]):
            for batch in loader:
                self.call("on_batch_start", batch)
                out = self.train_step(batch)
                step += 1
                self.metrics["loss_hist"].append(out["loss"])
                self.call("on_step_end", step, out)
        return self.metrics


if __name__ == "__main__":
    random.seed(settings["seed"])
    torch.manual_seed(settings["seed"])
    notes = [Note(t, s) for t, s in NOTES]
    vocab = build_vocab(settings, notes)
    print(f"{len(notes)} notes, vocab {len(vocab)}")
    loader = DataLoader(notes, batch_size=settings["data"]["batch_size"], shuffle=True,
                        collate_fn=functools.partial(collate_notes, vocab=vocab, cfg=settings))
    model = HiveNoteClassifier(settings, len(vocab))
    trainer = Trainer(settings, model, callbacks=[TokenCounter()])
    m = trainer.fit(loader)
    print(f"train acc {m['correct'] / m['seen']:.2f}  last loss {m['loss_hist'][-1]:.3f}")
