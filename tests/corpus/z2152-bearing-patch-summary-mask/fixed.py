"""Bearing fault classifier for the pump hall accelerometers.

Each recording (drive-end, fan-end and base accelerometer) is cut into fixed
patches, the patches are embedded and run through a small transformer encoder,
and a learned summary token is used for the fault-code prediction.
Recordings have different lengths, so batches are padded and a key padding
mask tells the encoder which patches are real.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

SAMPLE_RATE = 12_000
PATCH_LEN = 64
MAX_PATCHES = 40
SENSORS = ("drive_end", "fan_end", "base")
FAULT_CODES = ("normal", "inner_race", "outer_race", "ball")
DEFECT_HZ = {0: 0.0, 1: 162.2, 2: 107.4, 3: 141.1}


def synth_recordings(rng, count):
    recordings = []
    for k in range(count):
        n_samples = int(rng.integers(12 * PATCH_LEN, MAX_PATCHES * PATCH_LEN))
        t = np.arange(n_samples) / SAMPLE_RATE
        fault = int(rng.integers(len(FAULT_CODES)))
        shaft = np.sin(2 * np.pi * 29.95 * t)
        channels = []
        for gain in (1.0, 0.6, 0.3):
            sig = 0.2 * shaft + 0.05 * rng.standard_normal(n_samples)
            if fault:
                sig += gain * 0.4 * np.sin(2 * np.pi * DEFECT_HZ[fault] * t) ** 7
            channels.append(sig)
        recordings.append({
            "machine_id": f"PMP-{200 + k}",
            "accel": np.stack(channels).astype(np.float32),
            "fault": fault,
        })
    return recordings


def to_patches(accel):
    n_patches = min(accel.shape[1] // PATCH_LEN, MAX_PATCHES)
    trimmed = accel[:, : n_patches * PATCH_LEN]
    patches = trimmed.reshape(len(SENSORS), n_patches, PATCH_LEN)
    return patches.transpose(1, 0, 2).reshape(n_patches, len(SENSORS) * PATCH_LEN)


def collate_recordings(batch):
    patch_seqs = [torch.from_numpy(to_patches(r["accel"])) for r in batch]
    longest = max(seq.shape[0] for seq in patch_seqs)
    feats = torch.zeros(len(batch), longest, len(SENSORS) * PATCH_LEN)
    pad_mask = torch.ones(len(batch), longest, dtype=torch.bool)
    for row, seq in enumerate(patch_seqs):
        feats[row, : seq.shape[0]] = seq
        pad_mask[row, : seq.shape[0]] = False
    faults = torch.tensor([r["fault"] for r in batch], dtype=torch.long)
    return feats, pad_mask, faults


class BearingPatchTransformer(nn.Module):
    def __init__(self, d_model=48, n_heads=4, n_layers=2):
        super().__init__()
        self.patch_proj = nn.Linear(len(SENSORS) * PATCH_LEN, d_model)
        self.summary = nn.Parameter(torch.zeros(1, 1, d_model))
        self.pos = nn.Parameter(torch.randn(1, MAX_PATCHES + 1, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=2 * d_model, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, len(FAULT_CODES))

    def forward(self, feats, pad_mask):
        tokens = self.patch_proj(feats)
        summary = self.summary.expand(tokens.size(0), -1, -1)
        tokens = torch.cat([summary, tokens], dim=1)
        tokens = tokens + self.pos[:, : tokens.size(1)]
        pad_mask = torch.cat([pad_mask.new_zeros(pad_mask.size(0), 1), pad_mask], dim=1)
        hidden = self.encoder(tokens, src_key_padding_mask=pad_mask)
        return self.head(self.norm(hidden[:, 0]))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for feats, pad_mask, faults in loader:
            pred = model(feats, pad_mask).argmax(dim=-1)
            correct += (pred == faults).sum().item()
            total += faults.numel()
    return correct / max(total, 1)


def main():
    torch.manual_seed(7)
    rng = np.random.default_rng(7)
    recordings = synth_recordings(rng, 48)
    train_recs, val_recs = recordings[:36], recordings[36:]
    train_loader = DataLoader(train_recs, batch_size=6, shuffle=True, collate_fn=collate_recordings)
    val_loader = DataLoader(val_recs, batch_size=6, collate_fn=collate_recordings)

    model = BearingPatchTransformer()
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)

    for epoch in range(3):
        model.train()
        running = 0.0
        for feats, pad_mask, faults in train_loader:
            logits = model(feats, pad_mask)
            loss = F.cross_entropy(logits, faults)
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: train loss {running / len(train_loader):.4f}  val acc {acc:.3f}")

    torch.save(model.state_dict(), "bearing_patch_transformer.pt")


if __name__ == "__main__":
    main()
