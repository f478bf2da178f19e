import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

SEED = 11
EVENT_CLASSES = ["earthquake", "quarry_blast", "noise"]

data_cfg = {
    "sampling_rate": 100,
    "window_sec": 60.0,
    "pre_event_sec": 5.0,
    "n_components": 3,
    "n_per_class": 24,
}

model_cfg = {
    "patch_len": 25,
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 128,
    "dropout": 0.1,
}

train_cfg = {"batch_size": 12, "lr": 3e-4, "epochs": 2}


def bandpass_like(x, k=9):
    kernel = np.hanning(k)
    kernel /= kernel.sum()
    smooth = np.apply_along_axis(lambda c: np.convolve(c, kernel, mode="same"), -1, x)
    return x - smooth


def simulate_event(label, rng, cfg):
    n = int(cfg["window_sec"] * cfg["sampling_rate"])
    t = np.arange(n) / cfg["sampling_rate"]
    x = 0.1 * rng.standard_normal((cfg["n_components"], n))
    onset = cfg["pre_event_sec"] + rng.uniform(0, 3)
    if label == "earthquake":
        ts_tp = rng.uniform(3, 15)
        for arr, amp, f in ((onset, 1.0, 6.0), (onset + ts_tp, 2.5, 2.5)):
            env = np.clip(t - arr, 0, None) * np.exp(-np.clip(t - arr, 0, None) / 4.0)
            x += amp * env * np.sin(2 * np.pi * f * t)
    elif label == "quarry_blast":
        env = np.clip(t - onset, 0, None) * np.exp(-np.clip(t - onset, 0, None) / 1.5)
        x += 1.5 * env * np.sin(2 * np.pi * 3.0 * t)
        x[2] *= 0.4
    x = bandpass_like(x)
    x /= np.abs(x).max() + 1e-8
    return x.astype(np.float32)


def build_dataset(rng):
    waves, labels = [], []
    for ci, name in enumerate(EVENT_CLASSES):
        for _ in range(data_cfg["n_per_class"]):
            waves.append(simulate_event(name, rng, data_cfg))
            labels.append(ci)
    return torch.from_numpy(np.stack(waves)), torch.tensor(labels)


def patchify(waves, patch_len):
    b, c, n = waves.shape
    n_patches = math.ceil(n / patch_len)
    pad = n_patches * patch_len - n
    if pad:
        waves = F.pad(waves, (0, pad))
    patches = waves.unfold(-1, patch_len, patch_len)
    return patches.permute(0, 2, 1, 3).reshape(b, n_patches, c * patch_len)


class WaveformEventClassifier(nn.Module):
    def __init__(self, mcfg, n_components, n_classes):
        super().__init__()
        self.patch_len = mcfg["patch_len"]
        self.patch_proj = nn.Linear(n_components * mcfg["patch_len"], mcfg["hidden_size"])
        bert_cfg = BertConfig(
            vocab_size=4,
            hidden_size=mcfg["hidden_size"],
            num_hidden_layers=mcfg["num_hidden_layers"],
            num_attention_heads=mcfg["num_attention_heads"],
            intermediate_size=mcfg["intermediate_size"],
            max_position_embeddings=mcfg["max_position_embeddings"],
            hidden_dropout_prob=mcfg["dropout"],
            attention_probs_dropout_prob=mcfg["dropout"],
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(mcfg["hidden_size"], n_classes)

    def forward(self, waves):
        tokens = self.patch_proj(patchify(waves, self.patch_len))
        out = self.encoder(inputs_embeds=tokens).last_hidden_state
        return self.head(out.mean(dim=1))


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(-1)
    return (pred == y).float().mean().item()


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    x, y = build_dataset(rng)
    perm = torch.randperm(len(y))
    x, y = x[perm], y[perm]
    split = int(0.8 * len(y))
    x_tr, y_tr, x_va, y_va = x[:split], y[:split], x[split:], y[split:]

    model = WaveformEventClassifier(model_cfg, data_cfg["n_components"], len(EVENT_CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=train_cfg["lr"])

    bs = train_cfg["batch_size"]
    for epoch in range(train_cfg["epochs"]):
        model.train()
        order = torch.randperm(len(y_tr))
        total = 0.0
        for i in range(0, len(order), bs):
            idx = order[i:i + bs]
            logits = model(x_tr[idx])
            loss = F.cross_entropy(logits, y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        acc = evaluate(model, x_va, y_va)
        print(f"epoch {epoch} loss {total / len(y_tr):.3f} val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
