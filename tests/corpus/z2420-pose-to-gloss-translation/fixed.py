"""Pose keypoints -> gloss sequence translation (toy sign-language translation setup).

Keypoints are a reduced MediaPipe-holistic layout (upper body + both hands),
one clip per signed sentence; the target is the gloss transcription.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 7
NUM_JOINTS = 27
COORDS = 3
MAX_FRAMES = 64
MAX_GLOSS = 8

GLOSS_LIST = ["IX-1", "HOUSE", "GO", "TOMORROW", "RAIN", "NOT", "WANT", "EAT",
              "FRIEND", "WORK", "FINISH", "WHERE", "YOU", "MOTHER", "SCHOOL"]


class GlossVocab:
    def __init__(self, glosses):
        self.itos = ["<pad>", "<bos>", "<eos>", "<unk>"] + list(glosses)
        self.stoi = {g: i for i, g in enumerate(self.itos)}
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = 0, 1, 2, 3

    def __len__(self):
        return len(self.itos)

    def encode(self, sentence):
        return [self.stoi.get(tok, self.unk_id) for tok in sentence.split()]


def synth_corpus(n_clips, rng):
    clips = []
    for _ in range(n_clips):
        n_gloss = int(rng.integers(2, MAX_GLOSS - 1))
        words = rng.choice(GLOSS_LIST, size=n_gloss)
        n_frames = int(n_gloss * rng.integers(5, 9))
        kp = rng.normal(0.0, 0.3, size=(n_frames, NUM_JOINTS, COORDS)).astype(np.float32)
        clips.append({"keypoints": kp, "gloss": " ".join(words)})
    return clips


class PoseGlossDataset(Dataset):
    def __init__(self, clips, vocab, max_frames=MAX_FRAMES, max_gloss=MAX_GLOSS):
        self.clips = clips
        self.vocab = vocab
        self.max_frames = max_frames
        self.max_gloss = max_gloss

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, idx):
        clip = self.clips[idx]
        kp = clip["keypoints"][: self.max_frames]
        # center on the neck joint (index 0) so signer position does not matter
        kp = kp - kp[:, :1, :]
        frames = np.zeros((self.max_frames, NUM_JOINTS * COORDS), dtype=np.float32)
        frames[: len(kp)] = kp.reshape(len(kp), -1)
        frame_pad = np.ones(self.max_frames, dtype=bool)
        frame_pad[: len(kp)] = False

        ids = [self.vocab.bos_id] + self.vocab.encode(clip["gloss"]) + [self.vocab.eos_id]
        gloss_ids = np.zeros(self.max_gloss + 2, dtype=np.int64)
        gloss_ids[: len(ids)] = ids
        return {"frames": frames, "frame_pad": frame_pad, "gloss_ids": gloss_ids}


class PoseToGlossTranslator(nn.Module):
    def __init__(self, in_dim, vocab_size, d_model=64, nhead=4, n_layers=2, max_len=128):
        super().__init__()
        self.frame_proj = nn.Sequential(nn.Linear(in_dim, d_model), nn.LayerNorm(d_model))
        self.frame_pos = nn.Embedding(max_len, d_model)
        self.gloss_embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.gloss_pos = nn.Embedding(max_len, d_model)
        self.transformer = nn.Transformer(
            d_model=d_model, nhead=nhead, num_encoder_layers=n_layers,
            num_decoder_layers=n_layers, dim_feedforward=d_model * 2,
            dropout=0.1, batch_first=True,
        )
        self.out = nn.Linear(d_model, vocab_size)

    def forward(self, frames, frame_pad, tgt_in):
        B, T, _ = frames.shape
        L = tgt_in.size(1)
        src = self.frame_proj(frames) + self.frame_pos(torch.arange(T, device=frames.device))
        tgt = self.gloss_embed(tgt_in) + self.gloss_pos(torch.arange(L, device=frames.device))
        causal = torch.triu(torch.ones(L, L, dtype=torch.bool, device=frames.device), diagonal=1)
        h = self.transformer(
            src, tgt, tgt_mask=causal,
            src_key_padding_mask=frame_pad,
            tgt_key_padding_mask=(tgt_in == 0),
            memory_key_padding_mask=frame_pad,
        )
        return self.out(h)


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    total = 0.0
    for batch in loader:
        gloss_ids = batch["gloss_ids"]
        tgt_in, tgt_out = gloss_ids[:, :-1], gloss_ids[:, 1:]
        logits = model(batch["frames"], batch["frame_pad"], tgt_in)
        loss = criterion(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total += loss.item()
    return total / len(loader)


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    vocab = GlossVocab(GLOSS_LIST)
    clips = synth_corpus(96, rng)
    train_ds = PoseGlossDataset(clips, vocab)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True)

    model = PoseToGlossTranslator(NUM_JOINTS * COORDS, len(vocab))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    criterion = nn.CrossEntropyLoss(ignore_index=vocab.pad_id, label_smoothing=0.1)

    for epoch in range(3):
        loss = train_one_epoch(model, loader, optimizer, criterion)
        print(f"epoch {epoch}: loss={loss:.4f}")


if __name__ == "__main__":
    main()
