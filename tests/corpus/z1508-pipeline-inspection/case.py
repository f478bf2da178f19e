"""Window-level classifier for in-line pipeline inspection (ILI) run logs.

Each run log is far longer than the encoder can read at once, so we cut the
token stream into overlapping windows, score each window and average the
window logits back into one verdict per log (ok / dig-recommended).
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn

random.seed(7)
torch.manual_seed(7)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]

LOG_VOCAB = (
    "pig launched receiver trap girth weld joint wall loss metal pct depth "
    "dent ovality corrosion external internal clock position km marker "
    "valve station anomaly cluster feature signal sensor caliper magnetic "
    "flux speed excursion nominal reading repeat coating disbond crack"
).split()


@dataclass
class EncoderConfig:
    vocab_size: int
    d_model: int = 32
    n_heads: int = 2
    n_layers: int = 1
    max_positions: int = 64
    n_classes: int = 2


@dataclass
class WindowSpec:
    length: int = 64
    stride: int = 32


class ILIEncoder(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_positions, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=64,
                                           batch_first=True)
        self.body = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.cls_head = nn.Linear(cfg.d_model, cfg.n_classes)

    def forward(self, ids, pad_mask):
        positions = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.body(h, src_key_padding_mask=~pad_mask)
        return self.cls_head(h[:, 0])


def synth_log(n_tokens):
    return " ".join(random.choice(LOG_VOCAB) for _ in range(n_tokens))


def build_vocab():
    itos = SPECIALS + sorted(set(LOG_VOCAB))
    return {w: i for i, w in enumerate(itos)}


def encode(text, stoi):
    return [stoi.get(w, stoi["[UNK]"]) for w in text.split()]


def cut_windows(token_ids, spec, stoi):
    """Overlapping windows, each wrapped as [CLS] ... [SEP]."""
    out = []
    start = 0
    while True:
        piece = token_ids[start:start + spec.length]
        out.append([stoi["[CLS]"]] + piece + [stoi["[SEP]"]])
        if start + spec.length >= len(token_ids):
            break
        start += spec.stride
    return out


def pad_windows(windows):
    width = max(len(w) for w in windows)
    ids = torch.zeros(len(windows), width, dtype=torch.long)
    keep = torch.zeros(len(windows), width, dtype=torch.bool)
    for r, w in enumerate(windows):
        ids[r, :len(w)] = torch.tensor(w)
        keep[r, :len(w)] = True
    return ids, keep


def main():
    stoi = build_vocab()
    cfg = EncoderConfig(vocab_size=len(stoi))
    spec = WindowSpec()
    model = ILIEncoder(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    runs = [(synth_log(random.randint(150, 260)), random.randint(0, 1)) for _ in range(6)]
    print(f"{len(runs)} ILI run logs, window={spec.length} stride={spec.stride}")

    model.train()
    for epoch in range(2):
        total = 0.0
        for run_no, (text, verdict) in enumerate(runs):
            windows = cut_windows(encode(text, stoi), spec, stoi)
            ids, keep = pad_windows(windows)
            window_logits = model(ids, keep)
            # one verdict per run: average over its windows
            run_logits = window_logits.mean(dim=0, keepdim=True)
            loss = loss_fn(run_logits, torch.tensor([verdict]))
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
            if epoch == 0 and run_no == 0:
                print(f"  run 0: {len(windows)} windows, batch shape {tuple(ids.shape)}")
        print(f"epoch {epoch}: mean loss {total / len(runs):.4f}")

    model.eval()
    with torch.no_grad():
        for text, verdict in runs[:3]:
            ids, keep = pad_windows(cut_windows(encode(text, stoi), spec, stoi))
            pred = model(ids, keep).mean(0).argmax().item()
            print(f"  gold={verdict} pred={pred}")


if __name__ == "__main__":
    main()
