"""Token tagger for OCR'd parish register lines (NAME / DATE / PLACE / O).

Each line comes with the OCR engine's line confidence; low-confidence lines
contribute less to the loss so that garbled transcriptions don't dominate.
"""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

TAGS = ["O", "NAME", "DATE", "PLACE"]
LINES = [
    ("baptized john son of william ashby 3 march 1761 at wellow", "O NAME O O NAME NAME DATE DATE DATE O PLACE", 0.97),
    ("buried mary ashby widow 12 june 1763", "O NAME NAME O DATE DATE DATE", 0.88),
    ("married thomas cole and ann pryor of hinton", "O NAME NAME O NAME NAME O PLACE", 0.61),
    ("baptized sarah 9 may 1764", "O NAME DATE DATE DATE", 0.93),
    ("buried an infant of john cole 2 jan 1765 wellow", "O O O O NAME NAME DATE DATE DATE PLACE", 0.42),
    ("married james ashby of norton and elizabeth hill", "O NAME NAME O PLACE O NAME NAME", 0.79),
]


class TinyEncoderTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=32, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, n_tags)

    def forward(self, ids, pad):
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.enc(self.tok(ids) + self.pos(pos), src_key_padding_mask=pad)
        return self.head(h)


def make_batches(lines, vocab, batch_size):
    for i in range(0, len(lines), batch_size):
        chunk = lines[i:i + batch_size]
        longest = max(len(t.split()) for t, _, _ in chunk)
        ids = torch.zeros(len(chunk), longest, dtype=torch.long)
        tags = torch.zeros(len(chunk), longest, dtype=torch.long)
        for r, (text, tagline, _) in enumerate(chunk):
            words = text.split()
            ids[r, :len(words)] = torch.tensor([vocab[w] for w in words])
            tags[r, :len(words)] = torch.tensor([TAGS.index(t) for t in tagline.split()])
        yield {"ids": ids, "tags": tags, "pad": ids.eq(0), "conf": torch.tensor([c for _, _, c in chunk])}


@dataclass
class State:
    epoch: int = 0
    step: int = 0
    batch_size: int = 0
    seq_len: int = 0
    history: list = field(default_factory=list)


class ShapeTracker:
    def on_batch_start(self, state, batch):
        state.batch_size, state.seq_len = batch["ids"].shape
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class ConfidenceWeighting:
    def __init__(self, floor=0.3):
        self.floor = floor

    def on_batch_start(self, state, batch):
        line_w = batch["conf"].clamp(min=self.floor)
        # spread each line's weight over its tokens
        state.token_weight = line_w.repeat(1, state.seq_len)
        state.keep = ~batch["pad"]
        state.gold = batch["tags"]
        return batch

    def on_forward(self, state, outputs):
        per_tok = F.cross_entropy(outputs.transpose(1, 2), state.gold, reduction="none")
        weighted = per_tok * state.token_weight * state.keep
        state.loss = weighted.sum() / (state.token_weight * state.keep).sum()
        return outputs

    def on_epoch_end(self, state):
        state.history.append(state.loss.item())
        print(f"epoch {state.epoch} weighted loss {state.loss.item():.4f}")


class Engine:
    def __init__(self, model, callbacks, lr=1e-3):
        self.model = model
        self.callbacks = callbacks
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.state = State()

    def run(self, batches_fn, epochs):
        for ep in range(epochs):
            self.state.epoch = ep
            for batch in batches_fn():
                for cb in self.callbacks:
                    batch = cb.on_batch_start(self.state, batch)
                outputs = self.model(batch["ids"], batch["pad"])
                for cb in self.callbacks:
                    outputs = cb.on_forward(self.state, outputs)
                self.opt.zero_grad()
                self.state.loss.backward()
                self.opt.step()
                self.state.step += 1
            for cb in self.callbacks:
                cb.on_epoch_end(self.state)


if __name__ == "__main__":
    words = sorted({w for t, _, _ in LINES for w in t.split()})
    vocab = {w: i + 1 for i, w in enumerate(words)}
    model = TinyEncoderTagger(len(vocab) + 1, len(TAGS))
    print(f"{len(LINES)} register lines, vocab {len(vocab)}, tags {TAGS}")
    engine = Engine(model, [ShapeTracker(), ConfidenceWeighting(floor=0.3)])
    engine.run(lambda: make_batches(LINES, vocab, batch_size=3), epochs=3)
    print("loss history:", [round(x, 3) for x in engine.state.history])
