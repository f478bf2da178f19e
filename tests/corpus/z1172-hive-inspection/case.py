"""Grade apiary inspection notes (colony strength 1-5) with a small bag-of-words model.

Training loop is our little callback engine so the hive-team can plug in
their own hooks (logging, target encoding, lr tweaks) without touching the loop.
"""
import re
import random
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

GRADE_SCALE = (1, 5)          # inspectors' colony-strength scale, inclusive
NUM_GRADES = GRADE_SCALE[1] - GRADE_SCALE[0] + 1

INSPECTIONS = [
    ("brood pattern patchy, few eggs, queen not sighted", 2),
    ("eight frames of bees, capped honey on outer frames", 4),
    ("strong colony, supers filling fast, calm on the comb", 5),
    ("small cluster, some chalkbrood mummies at entrance", 2),
    ("queen seen, solid brood, pollen coming in", 4),
    ("moderate population, two frames brood, stores ok", 3),
    ("dead-outs on bottom board, cluster the size of a fist", 1),
    ("laying worker suspected, drone brood in worker cells", 1),
    ("good temper, six frames covered, queen cells absent", 3),
    ("booming, swarm cells on bottom bars, added super", 5),
    ("varroa drop high, deformed wings seen, weak flight", 2),
    ("nectar flow on, comb drawn on new foundation", 4),
]


def tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


def build_vocab(rows):
    vocab = {"<unk>": 0}
    for text, _ in rows:
        for tok in tokenize(text):
            vocab.setdefault(tok, len(vocab))
    return vocab


def batches(rows, vocab, size):
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        flat, offsets = [], []
        for text, _ in chunk:
            offsets.append(len(flat))
            flat.extend(vocab.get(t, 0) for t in tokenize(text))
        yield {
            "tokens": torch.tensor(flat),
            "offsets": torch.tensor(offsets),
            "grade": torch.tensor([g for _, g in chunk]),
        }


class InspectionGrader(nn.Module):
    def __init__(self, vocab_size, dim, n_out):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, n_out))

    def forward(self, tokens, offsets):
        return self.head(self.bag(tokens, offsets))


class GradeEncoder:
    """Turns the inspector grade into a 0-based class index."""

    def on_batch_start(self, state, batch):
        if state.grade_offset is None:
            state.grade_offset = int(batch["grade"].min())
            print(f"[GradeEncoder] calibrated grade offset = {state.grade_offset}")
        batch["target"] = batch["grade"] - state.grade_offset
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class LossLogger:
    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        state.running.append(outputs["loss"].item())
        return outputs

    def on_epoch_end(self, state):
        avg = sum(state.running) / max(len(state.running), 1)
        print(f"epoch {state.epoch}: mean loss {avg:.4f} over {state.step} steps")
        state.running.clear()


class Engine:
    def __init__(self, model, optimizer, callbacks):
        self.model = model
        self.optimizer = optimizer
        self.callbacks = callbacks
        self.state = SimpleNamespace(epoch=0, step=0, grade_offset=None, running=[])

    def run(self, make_batches, epochs):
        for epoch in range(epochs):
            self.state.epoch = epoch
            self.model.train()
            for batch in make_batches():
                for cb in self.callbacks:
                    batch = cb.on_batch_start(self.state, batch)
                logits = self.model(batch["tokens"], batch["offsets"])
                loss = F.cross_entropy(logits, batch["target"])
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                self.state.step += 1
                outputs = {"logits": logits, "loss": loss}
                for cb in self.callbacks:
                    outputs = cb.on_forward(self.state, outputs)
            for cb in self.callbacks:
                cb.on_epoch_end(self.state)


def main():
    vocab = build_vocab(INSPECTIONS)
    print(f"vocab: {len(vocab)} words, {len(INSPECTIONS)} inspections, {NUM_GRADES} grades")
    model = InspectionGrader(len(vocab), 24, NUM_GRADES)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    engine = Engine(model, opt, [GradeEncoder(), LossLogger()])
    engine.run(lambda: batches(INSPECTIONS, vocab, size=4), epochs=3)

    model.eval()
    with torch.no_grad():
        probe = next(batches(INSPECTIONS[:3], vocab, size=3))
        pred = model(probe["tokens"], probe["offsets"]).argmax(-1) + engine.state.grade_offset
    print("predicted grades:", pred.tolist(), "true:", probe["grade"].tolist())


if __name__ == "__main__":
    main()
