"""Herbarium sheet labels -> plant family.

Digitisation project: OCR'd label text from specimen sheets, small transformer encoder
with a few learned summary tokens in front (read out instead of mean pooling).
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = {
    "seed": 3,
    "data": {"batch_size": 4, "pad": "<pad>"},
    "model": {
        "encoder": {"dim": 32, "heads": 4, "ffn": 64, "depth": 2, "n_summary": 2, "dropout": 0.1},
        "readout": {"families": ["Rosaceae", "Fabaceae", "Orchidaceae"]},
    },
    "trainer": {"lr": 2e-3, "epochs": 2, "clip": 1.0},
}

SHEETS = [
    ("prunus spinosa hedgerow chalk downland flowers white", "Rosaceae"),
    ("rubus fruticosus woodland edge bramble", "Rosaceae"),
    ("lathyrus pratensis meadow yellow pea flowers climbing", "Fabaceae"),
    ("trifolium repens lawn creeping stolons", "Fabaceae"),
    ("ophrys apifera calcareous grassland labellum bee like", "Orchidaceae"),
    ("dactylorhiza fuchsii damp verge spotted leaves", "Orchidaceae"),
    ("crataegus monogyna hedge thorny", "Rosaceae"),
    ("vicia sativa arable margin tendrils purple", "Fabaceae"),
]


def make_vocab(cfg_):
    words = sorted({w for text, _ in SHEETS for w in text.split()})
    return {w: i for i, w in enumerate([cfg_["data"]["pad"]] + words)}


def iter_batches(cfg_, vocab, shuffle=True):
    fam_index = {f: i for i, f in enumerate(cfg_["model"]["readout"]["families"])}
    order = list(range(len(SHEETS)))
    if shuffle:
        random.shuffle(order)
    bs = cfg_["data"]["batch_size"]
    for start in range(0, len(order), bs):
        picked = [SHEETS[i] for i in order[start:start + bs]]
        toks = [[vocab[w] for w in text.split()] for text, _ in picked]
        width = max(map(len, toks))
        ids = torch.tensor([t + [0] * (width - len(t)) for t in toks])
        is_pad = ids.eq(vocab[cfg_["data"]["pad"]])
        yield {"ids": ids, "is_pad": is_pad,
               "family": torch.tensor([fam_index[f] for _, f in picked])}


class SummaryTokenEncoder(nn.Module):
    def __init__(self, cfg_, vocab_size):
        super().__init__()
        e = cfg_["model"]["encoder"]
        self.n_summary = e["n_summary"]
        self.tok = nn.Embedding(vocab_size, e["dim"], padding_idx=0)
        self.pos = nn.Embedding(64, e["dim"])
        self.summary = nn.Parameter(torch.randn(1, e["n_summary"], e["dim"]) / math.sqrt(e["dim"]))
        layer = nn.TransformerEncoderLayer(e["dim"], e["heads"], e["ffn"], e["dropout"], batch_first=True)
        self.blocks = nn.TransformerEncoder(layer, e["depth"], enable_nested_tensor=False)
        self.readout = nn.Linear(e["dim"] * e["n_summary"], len(cfg_["model"]["readout"]["families"]))

    def forward(self, ids, is_pad):
        b, n = ids.shape
        x = self.tok(ids) + self.pos(torch.arange(n, device=ids.device))
        x = torch.cat([self.summary.expand(b, -1, -1), x], dim=1)
        h = self.blocks(x, src_key_padding_mask=is_pad)
        return self.readout(h[:, : self.n_summary].flatten(1))


class GradNormWatch:
    def on_batch_start(self, trainer, batch):
        trainer.metrics["batches"] += 1

    def on_step_end(self, trainer, loss, grad_norm):
        trainer.metrics["grad_norm"].append(float(grad_norm))
        print(f"  batch {trainer.metrics['batches']:2d} loss {loss:.3f} |g| {grad_norm:.3f}")


class SheetTrainer:
    def __init__(self, cfg_, model, vocab, callbacks):
        self.cfg, self.model, self.vocab = cfg_, model, vocab
        self.callbacks = callbacks
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg_["trainer"]["lr"])
        self.metrics = {"batches": 0, "grad_norm": [], "epoch_loss": []}

    def _hook(self, name, *a):
        for cb in self.callbacks:
            getattr(cb, name)(self, *a)

    def run(self):
        for ep in range(self.cfg["trainer"]["epochs"]):
            self.model.train()
            total = 0.0
            for batch in iter_batches(self.cfg, self.vocab):
                self._hook("on_batch_start", batch)
                target = batch.pop("family")
                logits = self.model(**batch)
                loss = F.cross_entropy(logits, target)
                self.opt.zero_grad()
                loss.backward()
                gn = nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg["trainer"]["clip"])
                self.opt.step()
                total += loss.item()
                self._hook("on_step_end", loss.item(), gn)
            self.metrics["epoch_loss"].append(total)
            print(f"epoch {ep}: summed loss {total:.3f}")
        return self.metrics


def main():
    torch.manual_seed(cfg["seed"])
    random.seed(cfg["seed"])
    vocab = make_vocab(cfg)
    model = SummaryTokenEncoder(cfg, len(vocab))
    print(f"vocab={len(vocab)} params={sum(p.numel() for p in model.parameters())}")
    trainer = SheetTrainer(cfg, model, vocab, callbacks=[GradNormWatch()])
    metrics = trainer.run()
    print("done", {k: v for k, v in metrics.items() if k != "grad_norm"})


if __name__ == "__main__":
    main()
