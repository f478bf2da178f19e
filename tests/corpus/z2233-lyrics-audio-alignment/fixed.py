import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

LYRIC_WORDS = ("love night heart fire dance baby dream rain light away home road "
               "sky cry fall burn tonight forever shadow river stay run wild").split()
N_MELS = 24
FRAME_RATE = 50  # frames per second of the feature extractor


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in specials + LYRIC_WORDS:
            f.write(tok + "\n")


def make_line(rng, prototypes):
    n_words = rng.randint(4, 10)
    words = [rng.choice(LYRIC_WORDS) for _ in range(n_words)]
    frames, onsets, t = [], [], 0
    for w in words:
        dur = rng.randint(3, 8)
        onsets.append(t)
        proto = prototypes[w]
        frames.append(proto[None, :] + 0.3 * np.random.randn(dur, N_MELS))
        t += dur
    return " ".join(words), np.concatenate(frames).astype(np.float32), onsets


class LyricsLineDataset(Dataset):
    def __init__(self, n_lines):
        rng = random.Random(SEED)
        prototypes = {w: np.random.randn(N_MELS) for w in LYRIC_WORDS}
        self.lines = [make_line(rng, prototypes) for _ in range(n_lines)]

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, idx):
        text, feats, onsets = self.lines[idx]
        return {"text": text, "feats": torch.from_numpy(feats), "onsets": onsets}


def make_collate(tokenizer):
    def collate(batch):
        enc = tokenizer([b["text"] for b in batch], padding=True, return_tensors="pt")
        audio_lens = torch.tensor([b["feats"].shape[0] for b in batch])
        feats = torch.zeros(len(batch), int(audio_lens.max()), N_MELS)
        for i, b in enumerate(batch):
            feats[i, : audio_lens[i]] = b["feats"]
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "feats": feats,
            "audio_lens": audio_lens,
            "onsets": [b["onsets"] for b in batch],
        }
    return collate


class LyricsAligner(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=dim, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.text_enc = BertModel(cfg)
        self.audio_in = nn.Linear(N_MELS, dim)
        self.audio_rnn = nn.GRU(dim, dim // 2, batch_first=True, bidirectional=True)

    def forward(self, input_ids, attention_mask, feats):
        tok = self.text_enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        aud, _ = self.audio_rnn(torch.tanh(self.audio_in(feats)))
        return F.normalize(aud, dim=-1), F.normalize(tok, dim=-1)


def dtw_align(cost, n_tokens):
    n_frames = cost.shape[0]
    D = torch.full((n_frames + 1, n_tokens + 1), float("inf"))
    D[0, 0] = 0.0
    for i in range(1, n_frames + 1):
        for j in range(1, n_tokens + 1):
            D[i, j] = cost[i - 1, j - 1] + min(D[i - 1, j], D[i - 1, j - 1])
    # backtrack: first frame assigned to each token
    onsets = [0] * n_tokens
    i, j = n_frames, n_tokens
    while i > 0 and j > 0:
        onsets[j - 1] = i - 1
        if D[i - 1, j - 1] <= D[i - 1, j]:
            j -= 1
        i -= 1
    return onsets


def pooled_contrastive(aud, tok, audio_lens, attention_mask, temperature=0.1):
    amask = (torch.arange(aud.shape[1])[None, :] < audio_lens[:, None]).float()
    a = (aud * amask[..., None]).sum(1) / amask.sum(1, keepdim=True)
    m = attention_mask.float()
    t = (tok * m[..., None]).sum(1) / m.sum(1, keepdim=True)
    logits = F.normalize(a, dim=-1) @ F.normalize(t, dim=-1).T / temperature
    target = torch.arange(logits.shape[0])
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    errors = []
    for batch in loader:
        aud, tok = model(batch["input_ids"], batch["attention_mask"], batch["feats"])
        word_lens = batch["attention_mask"].sum(1) - 2  # drop [CLS] / [SEP]
        for b in range(aud.shape[0]):
            a = aud[b, : batch["audio_lens"][b]]
            w = tok[b, 1 : 1 + word_lens[b]]
            cost = 1.0 - a @ w.T
            pred = dtw_align(cost, cost.shape[1])
            ref = batch["onsets"][b]
            errors.extend(abs(p - r) / FRAME_RATE for p, r in zip(pred, ref))
    model.train()
    return float(np.mean(errors))


vocab_path = os.path.join(HERE, "lyrics_vocab.txt")
write_vocab(vocab_path)
tokenizer = BertTokenizer(vocab_path)
collate = make_collate(tokenizer)

train_loader = DataLoader(LyricsLineDataset(48), batch_size=8, shuffle=True, collate_fn=collate)
val_loader = DataLoader(LyricsLineDataset(8), batch_size=4, collate_fn=collate)

model = LyricsAligner(tokenizer.vocab_size)
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(3):
    total = 0.0
    for batch in train_loader:
        aud, tok = model(batch["input_ids"], batch["attention_mask"], batch["feats"])
        loss = pooled_contrastive(aud, tok, batch["audio_lens"], batch["attention_mask"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    mae = evaluate(model, val_loader)
    print(f"epoch {epoch} loss {total / len(train_loader):.3f} onset MAE {mae:.3f}s")
