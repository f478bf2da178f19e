"""Tide-gauge QC: classify station operator remarks into data-quality flags.

Small hand-rolled transformer encoder. The micro-batch size is sized from a
shape-only probe on the meta device so the same script scales to the big GPU
runs without OOM trial and error.
"""
import math
import random

import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
USE_AMP = device.type == "cuda"
PIN_MEMORY = device.type == "cuda"
ACCUM_STEPS = 2
STEP_BATCH = 8            # examples per optimizer step
ACT_BUDGET_BYTES = 2 ** 16
MAX_LEN = 16
D_MODEL = 32

random.seed(3)
torch.manual_seed(3)

FLAGS = ["good", "spike", "datum_shift", "stuck_sensor"]
REMARKS = [
    ("routine check float well clear readings nominal", 0),
    ("single sample jump during boat wake", 1),
    ("benchmark resurveyed level offset applied", 2),
    ("pressure sensor flat for six hours", 3),
    ("tide staff comparison within tolerance", 0),
    ("storm surge gust spike one minute", 1),
    ("gauge relocated new zero reference", 2),
    ("reading repeats same value since midnight", 3),
    ("battery swapped readings nominal after", 0),
    ("radar echo from gull isolated spike", 1),
]

VOCAB = {"<pad>": 0, "<unk>": 1}
for text, _ in REMARKS:
    for w in text.split():
        VOCAB.setdefault(w, len(VOCAB))


def sinusoid_table(length, d, device=None):
    pos = torch.arange(length, dtype=torch.float32, device=device).unsqueeze(1)
    freq = torch.exp(torch.arange(0, d, 2, dtype=torch.float32, device=device) * (-math.log(10000.0) / d))
    table = torch.zeros(length, d, device=device)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return table


def encode(text):
    ids = [VOCAB.get(w, 1) for w in text.split()][:MAX_LEN]
    return ids + [0] * (MAX_LEN - len(ids))


class RemarkEncoder(nn.Module):
    def __init__(self, vocab_size, d=D_MODEL, n_flags=len(FLAGS)):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d, padding_idx=0)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.out = nn.Linear(d, n_flags)

    def forward(self, tokens, pos_enc, pad_mask):
        h = self.tok(tokens) + pos_enc
        h = self.enc(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        return self.out((h * keep).sum(1) / keep.sum(1).clamp(min=1.0))


def plan_micro_batch(vocab_size):
    """Run the forward on meta tensors to measure activation size per example."""
    with torch.device("meta"):
        probe = RemarkEncoder(vocab_size)
        pe = sinusoid_table(MAX_LEN, D_MODEL)
        dummy = torch.zeros(1, MAX_LEN, dtype=torch.long)
        hid = probe.enc(probe.tok(dummy) + pe)
    per_example = hid.numel() * hid.element_size() * 8  # rough fudge for attention + ffn
    micro_bs = max(1, min(STEP_BATCH // ACCUM_STEPS, ACT_BUDGET_BYTES // per_example))
    return micro_bs


def prepare_device_batch(rows, pe):
    toks = torch.tensor([encode(t) for t, _ in rows], pin_memory=PIN_MEMORY)
    flags = torch.tensor([f for _, f in rows], pin_memory=PIN_MEMORY)
    toks = toks.to(device, non_blocking=True)
    return {
        "tokens": toks,
        "pos_enc": pe[: toks.size(1)].unsqueeze(0),
        "pad_mask": toks.eq(0),
    }, flags.to(device, non_blocking=True)


def main():
    micro_bs = plan_micro_batch(len(VOCAB))
    pe = sinusoid_table(MAX_LEN, D_MODEL, device=device)
    print(f"planned micro-batch: {micro_bs} x {ACCUM_STEPS} accumulation steps")
    model = RemarkEncoder(len(VOCAB)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scaler = torch.amp.GradScaler(device.type, enabled=USE_AMP)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        random.shuffle(REMARKS)
        epoch_loss = 0.0
        for s in range(0, len(REMARKS), micro_bs * ACCUM_STEPS):
            step_rows = REMARKS[s:s + micro_bs * ACCUM_STEPS]
            opt.zero_grad(set_to_none=True)
            for m in range(0, len(step_rows), micro_bs):
                batch, flags = prepare_device_batch(step_rows[m:m + micro_bs], pe)
                with torch.autocast(device_type=device.type, enabled=USE_AMP):
                    loss = loss_fn(model(**batch), flags) / ACCUM_STEPS
                scaler.scale(loss).backward()
                epoch_loss += loss.item()
            scaler.step(opt)
            scaler.update()
        print(f"epoch {epoch}: loss {epoch_loss:.4f}")

    print("final lr", opt.param_groups[0]["lr"], "steps/epoch", math.ceil(len(REMARKS) / STEP_BATCH))


if __name__ == "__main__":
    main()
