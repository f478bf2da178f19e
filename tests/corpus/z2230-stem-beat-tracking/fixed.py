import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification

STEMS = ["drums", "bass", "other", "vocals"]
STEM_IDS = {s: i + 1 for i, s in enumerate(STEMS)}   # 0 -> [CLS]/[SEP]/[PAD]
BEAT_LABELS = {"none": 0, "beat": 1, "downbeat": 2}

PAD_ID, CLS_ID, SEP_ID = 0, 1, 2
N_VEL_BINS, N_IOI_BINS = 8, 16
EVENT_OFFSET = 3


@dataclass
class BeatConfig:
    n_stems: int = len(STEMS)
    hidden_size: int = 32
    n_layers: int = 1
    n_heads: int = 2
    max_events: int = 256
    beat_tol_s: float = 0.035
    excerpt_s: float = 6.0
    batch_size: int = 8
    lr: float = 5e-4
    epochs: int = 2
    label_weights: list = field(default_factory=lambda: [0.2, 1.0, 2.0])

    @property
    def vocab_size(self):
        return EVENT_OFFSET + N_VEL_BINS * N_IOI_BINS


def event_token(velocity, ioi):
    v = min(int(velocity * N_VEL_BINS), N_VEL_BINS - 1)
    i = min(int(math.log2(1 + ioi * 20) * 3), N_IOI_BINS - 1)
    return EVENT_OFFSET + v * N_IOI_BINS + i


class StemOnsetDataset(Dataset):
    """Synthetic multitrack excerpts: per-stem onset events with beat/downbeat annotations."""

    def __init__(self, n_items, cfg, seed=0):
        self.cfg = cfg
        self.items = [self._make_excerpt(np.random.default_rng(seed + k)) for k in range(n_items)]

    def _make_excerpt(self, rng):
        bpm = rng.uniform(80, 160)
        period = 60.0 / bpm
        beats = np.arange(rng.uniform(0, period), self.cfg.excerpt_s, period)
        downbeats = beats[::4]
        events = []
        for stem in STEMS:
            if stem == "drums":
                times = np.concatenate([beats, beats + period / 2])
            elif stem == "bass":
                times = downbeats + rng.normal(0, 0.01, size=len(downbeats))
            else:
                times = rng.uniform(0, self.cfg.excerpt_s, size=rng.integers(4, 12))
            for t in times:
                events.append((float(t), stem, float(rng.uniform(0.2, 1.0))))
        events.sort(key=lambda e: e[0])

        tokens, types, labels, prev_t = [], [], [], 0.0
        for t, stem, vel in events:
            tokens.append(event_token(vel, t - prev_t))
            types.append(STEM_IDS[stem])
            if np.min(np.abs(downbeats - t)) < self.cfg.beat_tol_s:
                labels.append(BEAT_LABELS["downbeat"])
            elif np.min(np.abs(beats - t)) < self.cfg.beat_tol_s:
                labels.append(BEAT_LABELS["beat"])
            else:
                labels.append(BEAT_LABELS["none"])
            prev_t = t
        return {"tokens": tokens, "stems": types, "labels": labels}

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_events(batch):
    max_len = max(len(b["tokens"]) for b in batch) + 2
    ids = torch.full((len(batch), max_len), PAD_ID, dtype=torch.long)
    stem_ids = torch.zeros((len(batch), max_len), dtype=torch.long)
    labels = torch.full((len(batch), max_len), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), max_len), dtype=torch.long)
    for i, b in enumerate(batch):
        n = len(b["tokens"])
        ids[i, :n + 2] = torch.tensor([CLS_ID] + b["tokens"] + [SEP_ID])
        stem_ids[i, 1:n + 1] = torch.tensor(b["stems"])
        labels[i, 1:n + 1] = torch.tensor(b["labels"])
        mask[i, :n + 2] = 1
    return {"input_ids": ids, "token_type_ids": stem_ids,
            "attention_mask": mask, "labels": labels}


def build_model(cfg):
    bert_cfg = BertConfig(
        vocab_size=cfg.vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.n_layers,
        num_attention_heads=cfg.n_heads,
        intermediate_size=cfg.hidden_size * 2,
        max_position_embeddings=cfg.max_events,
        type_vocab_size=cfg.n_stems + 1,
        num_labels=len(BEAT_LABELS),
        pad_token_id=PAD_ID,
    )
    return BertForTokenClassification(bert_cfg)


def train(cfg):
    torch.manual_seed(0)
    train_ds = StemOnsetDataset(32, cfg, seed=0)
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=collate_events)
    model = build_model(cfg)
    weights = torch.tensor(cfg.label_weights)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        tot, n = 0.0, 0
        for batch in loader:
            labels = batch.pop("labels")
            logits = model(**batch).logits
            loss = loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            n += 1
        print(f"epoch {epoch}: weighted CE {tot / n:.4f}")
    return model


if __name__ == "__main__":
    cfg = BeatConfig()
    model = train(cfg)
    val = collate_events([StemOnsetDataset(1, cfg, seed=99)[0]])
    val.pop("labels")
    with torch.no_grad():
        pred = model(**val).logits.argmax(-1)[0]
    print("predicted beat events:", int((pred == BEAT_LABELS["beat"]).sum()),
          "downbeats:", int((pred == BEAT_LABELS["downbeat"]).sum()))
