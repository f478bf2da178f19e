"""Continuous sign language recognition: frame-level BERT encoder + CTC over glosses.

Each sample is one signed sentence recorded at 25 fps, stored as 2D keypoints
(pose + hands). Clips are cropped to a time budget and batched with padding.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

CFG = {
    "seed": 0,
    "fps": 25,
    "max_seconds": 8,
    "n_keypoints": 75,
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "max_position_embeddings": 128,
    "n_glosses": 40,
    "batch_size": 8,
    "n_clips": 32,
    "lr": 5e-4,
    "epochs": 2,
}
BLANK = 0


def make_clip(rng, n_glosses, fps):
    n_signs = int(rng.integers(3, 9))
    glosses = rng.integers(1, n_glosses, size=n_signs)
    seconds = rng.uniform(0.5, 1.2, size=n_signs).sum() + rng.uniform(0.3, 1.0)
    n_frames = int(seconds * fps)
    kp = rng.normal(0.5, 0.15, size=(n_frames, CFG["n_keypoints"], 2)).astype(np.float32)
    return kp, glosses.tolist()


def crop_clip(kp, max_frames):
    return kp[:max_frames]


def normalize_keypoints(kp):
    center = kp[:, :1, :]
    scale = np.linalg.norm(kp[:, 2, :] - kp[:, 5, :], axis=-1).reshape(-1, 1, 1) + 1e-4
    return (kp - center) / scale


def collate(samples):
    lengths = [s[0].shape[0] for s in samples]
    T = max(lengths)
    B = len(samples)
    feat_dim = samples[0][0].shape[1] * 2
    frames = torch.zeros(B, T, feat_dim)
    attn = torch.zeros(B, T, dtype=torch.long)
    targets, target_lens = [], []
    for i, (kp, glosses) in enumerate(samples):
        frames[i, : kp.shape[0]] = torch.from_numpy(kp.reshape(kp.shape[0], -1))
        attn[i, : kp.shape[0]] = 1
        targets.extend(glosses)
        target_lens.append(len(glosses))
    return (frames, attn, torch.tensor(lengths), torch.tensor(targets),
            torch.tensor(target_lens))


def build_model(cfg):
    bert_cfg = BertConfig(
        vocab_size=4,
        hidden_size=cfg["hidden"],
        num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"],
        intermediate_size=cfg["hidden"] * 2,
        max_position_embeddings=cfg["max_position_embeddings"],
    )
    encoder = BertModel(bert_cfg, add_pooling_layer=False)
    in_proj = nn.Linear(cfg["n_keypoints"] * 2, cfg["hidden"])
    ctc_head = nn.Linear(cfg["hidden"], cfg["n_glosses"])
    return nn.ModuleDict({"in_proj": in_proj, "encoder": encoder, "ctc_head": ctc_head})


def forward(model, frames, attn):
    x = model["in_proj"](frames)
    h = model["encoder"](inputs_embeds=x, attention_mask=attn).last_hidden_state
    return F.log_softmax(model["ctc_head"](h), dim=-1)


def main():
    torch.manual_seed(CFG["seed"])
    rng = np.random.default_rng(CFG["seed"])
    max_frames = CFG["fps"] * CFG["max_seconds"]

    dataset = []
    for _ in range(CFG["n_clips"]):
        kp, glosses = make_clip(rng, CFG["n_glosses"], CFG["fps"])
        kp = normalize_keypoints(crop_clip(kp, max_frames)).astype(np.float32)
        dataset.append((kp, glosses))
    print("clip lengths (frames):", sorted(s[0].shape[0] for s in dataset)[-5:])

    model = build_model(CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)

    for epoch in range(CFG["epochs"]):
        order = rng.permutation(len(dataset))
        for start in range(0, len(order), CFG["batch_size"]):
            batch = collate([dataset[j] for j in order[start:start + CFG["batch_size"]]])
            frames, attn, in_lens, targets, tgt_lens = batch
            log_probs = forward(model, frames, attn)
            loss = ctc(log_probs.transpose(0, 1), targets, in_lens, tgt_lens)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} ctc={loss.item():.3f}")


if __name__ == "__main__":
    main()
