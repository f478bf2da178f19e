"""Isolated sign-language (gloss) recognition from upper-body + hand keypoints.

Each clip is (frames, joints, 2) pixel coordinates. Frames are linearly projected
into a BERT encoder (random weights, small config) via inputs_embeds; the [CLS]-style
first position is a learned token prepended to the frame sequence. Variable-length
clips are padded to max_frames with an attention mask.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification

CONFIG = {
    "seed": 11,
    "joints": 27,
    "coords": 2,
    "max_frames": 48,
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "batch_size": 8,
    "epochs": 2,
    "lr": 5e-4,
}

GLOSSES = ["AGAIN", "BOOK", "DEAF", "EAT", "FINISH", "HELLO", "HELP", "MORE",
           "MOTHER", "NAME", "PLEASE", "WATER"]


def synth_split(rng, glosses, n_per_gloss, joints, coords):
    rows = []
    for g in glosses:
        centre = rng.uniform(100, 500, size=(joints, coords))
        for _ in range(n_per_gloss):
            n = int(rng.integers(18, 60))
            drift = np.cumsum(rng.normal(scale=2.0, size=(n, 1, coords)), axis=0)
            kps = centre[None] + drift + rng.normal(scale=3.0, size=(n, joints, coords))
            rows.append({"gloss": g, "keypoints": kps.astype(np.float32)})
    return rows


def normalise(kps, width=640, height=480):
    scale = np.array([width, height], dtype=np.float32)
    out = kps / scale - 0.5
    return out - out[:, :1].mean(axis=0, keepdims=True)


class GlossClips(Dataset):
    def __init__(self, rows, label2id, max_frames):
        self.rows, self.label2id, self.max_frames = rows, label2id, max_frames

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        kps = normalise(r["keypoints"])[: self.max_frames]
        flat = kps.reshape(kps.shape[0], -1)
        frames = np.zeros((self.max_frames, flat.shape[1]), dtype=np.float32)
        frames[: len(flat)] = flat
        mask = np.zeros(self.max_frames + 1, dtype=np.int64)
        mask[: len(flat) + 1] = 1
        return {"frames": torch.from_numpy(frames), "attention_mask": torch.from_numpy(mask),
                "labels": torch.tensor(self.label2id[r["gloss"]])}


class PoseBert(nn.Module):
    def __init__(self, frame_dim, num_labels, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=8, hidden_size=cfg["hidden"], num_hidden_layers=cfg["layers"],
                              num_attention_heads=cfg["heads"], intermediate_size=cfg["ffn"],
                              max_position_embeddings=cfg["max_frames"] + 1, num_labels=num_labels)
        self.frame_proj = nn.Linear(frame_dim, cfg["hidden"])
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg["hidden"]))
        self.bert = BertForSequenceClassification(bert_cfg)

    def forward(self, frames, attention_mask, labels=None):
        h = self.frame_proj(frames)
        h = torch.cat([self.cls.expand(h.shape[0], -1, -1), h], dim=1)
        return self.bert(inputs_embeds=h, attention_mask=attention_mask, labels=labels)


def run(cfg):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    signer_a_vocab = [g for g in GLOSSES if g != "AGAIN"]
    train_rows = synth_split(rng, signer_a_vocab, 6, cfg["joints"], cfg["coords"])
    val_rows = synth_split(rng, GLOSSES, 2, cfg["joints"], cfg["coords"])

    label2id = {g: i for i, g in enumerate(sorted({r["gloss"] for r in train_rows + val_rows}))}
    train_glosses = sorted({r["gloss"] for r in train_rows})
    num_labels = len(label2id)
    print(f"{len(train_rows)} train clips, {len(val_rows)} val clips, {num_labels} classes")

    train_dl = DataLoader(GlossClips(train_rows, label2id, cfg["max_frames"]), batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(GlossClips(val_rows, label2id, cfg["max_frames"]), batch_size=cfg["batch_size"])

    model = PoseBert(cfg["joints"] * cfg["coords"], num_labels, cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=0.01)

    for epoch in range(cfg["epochs"]):
        model.train()
        losses = []
        for batch in train_dl:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            losses.append(out.loss.item())
        model.eval()
        hits = total = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["frames"], batch["attention_mask"]).logits.argmax(-1)
                hits += (pred == batch["labels"]).sum().item()
                total += len(pred)
        print(f"epoch {epoch}: loss {np.mean(losses):.3f} val top-1 {hits / total:.3f}")


if __name__ == "__main__":
    run(CONFIG)
