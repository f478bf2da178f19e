import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler
from transformers import BertConfig, BertModel

SR = 16000
WIN, HOP = 400, 160
N_BANDS = 32
KEYWORDS = ["yes", "no", "up", "down", "stop"]
KEYWORD_TONES = {i + 1: (400 + 300 * i, 900 + 250 * i) for i in range(len(KEYWORDS))}


def log_spectrogram(wav, n_bands=N_BANDS):
    n_frames = 1 + (len(wav) - WIN) // HOP
    idx = np.arange(WIN)[None, :] + HOP * np.arange(n_frames)[:, None]
    frames = wav[idx] * np.hanning(WIN)[None, :]
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    bands = np.array_split(power, n_bands, axis=1)
    feats = np.log(np.stack([b.mean(axis=1) for b in bands], axis=1) + 1e-8)
    return ((feats - feats.mean(0)) / (feats.std(0) + 1e-5)).astype(np.float32)


def render_utterance(rng, max_segments=4):
    pieces, segs = [], []
    for _ in range(rng.integers(2, max_segments + 1)):
        dur = int(rng.integers(2400, 4800))
        t = np.arange(dur) / SR
        if rng.random() < 0.5:
            kw = int(rng.integers(1, len(KEYWORDS) + 1))
            lo, hi = KEYWORD_TONES[kw]
            sweep = lo + (hi - lo) * t / t[-1]
            pieces.append(np.sin(2 * np.pi * np.cumsum(sweep) / SR) + 0.1 * rng.standard_normal(dur))
        else:
            kw = 0
            pieces.append(0.3 * rng.standard_normal(dur))
        segs.append((kw, dur))
    wav = np.concatenate(pieces)
    n_frames = 1 + (len(wav) - WIN) // HOP
    labels = np.zeros(n_frames, dtype=np.int64)
    offset = 0
    for kw, dur in segs:
        a, b = offset // HOP, min((offset + dur) // HOP, n_frames)
        labels[a:b] = kw
        offset += dur
    return log_spectrogram(wav), labels


class KeywordFrames(Dataset):
    def __init__(self, n_utts, seed):
        rng = np.random.default_rng(seed)
        self.examples = [render_utterance(rng) for _ in range(n_utts)]

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        feats, labels = self.examples[i]
        return {"feats": torch.from_numpy(feats), "frame_labels": torch.from_numpy(labels)}


class BucketByLengthSampler(Sampler):
    def __init__(self, lengths, batch_size, seed=0):
        self.lengths = lengths
        self.batch_size = batch_size
        self.rng = random.Random(seed)

    def __iter__(self):
        order = sorted(range(len(self.lengths)), key=lambda i: self.lengths[i] + self.rng.random() * 8)
        chunks = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        self.rng.shuffle(chunks)
        for chunk in chunks:
            yield from chunk

    def __len__(self):
        return len(self.lengths)


def pad_collate(items):
    T = max(it["feats"].shape[0] for it in items)
    feats = torch.zeros(len(items), T, N_BANDS)
    labels = torch.full((len(items), T), -100, dtype=torch.long)
    mask = torch.zeros(len(items), T, dtype=torch.long)
    for b, it in enumerate(items):
        n = it["feats"].shape[0]
        feats[b, :n] = it["feats"]
        labels[b, :n] = it["frame_labels"]
        mask[b, :n] = 1
    return {"feats": feats, "frame_labels": labels, "attention_mask": mask}


class KeywordTagger(nn.Module):
    def __init__(self, num_classes, hidden=32, lr=3e-4):
        super().__init__()
        cfg = BertConfig(vocab_size=8, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128, hidden_dropout_prob=0.1)
        self.input_proj = nn.Linear(N_BANDS, hidden)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(hidden, num_classes)
        self.lr = lr

    def forward(self, feats, attention_mask):
        h = self.encoder(inputs_embeds=self.input_proj(feats), attention_mask=attention_mask).last_hidden_state
        return self.head(h)

    def _shared_step(self, batch):
        logits = self(batch["feats"], batch["attention_mask"])
        loss = F.cross_entropy(logits.transpose(1, 2), batch["frame_labels"], ignore_index=-100)
        return loss, logits

    def training_step(self, batch, batch_idx):
        loss, _ = self._shared_step(batch)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, logits = self._shared_step(batch)
        valid = batch["frame_labels"] != -100
        hits = (logits.argmax(-1) == batch["frame_labels"]) & valid
        return {"val_loss": loss.item(), "hits": hits.sum().item(), "frames": valid.sum().item()}

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def run_epochs(model, loaders, epochs=2):
    optimizer = model.configure_optimizers()
    for epoch in range(epochs):
        model.train()
        for i, batch in enumerate(loaders["train"]):
            loss = model.training_step(batch, i)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        model.eval()
        with torch.no_grad():
            stats = [model.validation_step(b, i) for i, b in enumerate(loaders["val"])]
        frame_acc = sum(s["hits"] for s in stats) / sum(s["frames"] for s in stats)
        print(f"epoch {epoch}: val_loss={np.mean([s['val_loss'] for s in stats]):.3f} frame_acc={frame_acc:.3f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    train_set, val_set = KeywordFrames(96, seed=1), KeywordFrames(24, seed=2)
    train_lengths = [ex[0].shape[0] for ex in train_set.examples]
    loaders = {
        "train": DataLoader(train_set, batch_size=8, collate_fn=pad_collate,
                            sampler=BucketByLengthSampler(train_lengths, batch_size=8)),
        "val": DataLoader(val_set, batch_size=8, collate_fn=pad_collate),
    }
    tagger = KeywordTagger(num_classes=len(KEYWORDS) + 1)
    run_epochs(tagger, loaders)
