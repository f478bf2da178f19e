import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "sr": 16000,
    "hop_length": 320,
    "n_mels": 40,
    "n_frames": 200,          # 4 s excerpt at 50 fps
    "max_lyric_tokens": 64,
    "hidden": 32,
    "batch_size": 4,
    "epochs": 2,
    "lr": 3e-4,
}

WORDS = (
    "love night baby heart fire dance tonight feel away dream light rain "
    "never forever time know go home road blue sky shine cry alone hold "
    "tell fall down run free world stay gone wild soul sweet high low"
).split()


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in specials + WORDS:
            f.write(tok + "\n")
    return path


def make_song(n_lines):
    lines = []
    for _ in range(n_lines):
        n_words = random.randint(5, 9)
        lines.append(" ".join(random.choice(WORDS) for _ in range(n_words)))
    return " ".join(lines)


def fake_logmel(n_frames, n_mels):
    spec = np.random.randn(n_mels, n_frames).astype(np.float32) * 0.5
    spec += np.linspace(0, 1, n_mels, dtype=np.float32)[:, None]
    return spec


def onset_targets(attention_mask, n_frames):
    """Monotonic pseudo word-onset frames for every real word token."""
    labels = torch.full(attention_mask.shape, -100, dtype=torch.long)
    for i, row in enumerate(attention_mask):
        n_tok = int(row.sum().item())
        n_words = n_tok - 2  # drop [CLS]/[SEP]
        if n_words <= 0:
            continue
        onsets = np.sort(np.random.choice(n_frames, size=n_words, replace=n_words > n_frames))
        labels[i, 1:1 + n_words] = torch.from_numpy(onsets)
    return labels


class LyricsAudioAligner(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg["hidden"],
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=cfg["max_lyric_tokens"],
        )
        self.text_encoder = BertModel(bert_cfg)
        self.audio_encoder = nn.GRU(cfg["n_mels"], cfg["hidden"] // 2,
                                    batch_first=True, bidirectional=True)
        self.text_proj = nn.Linear(cfg["hidden"], cfg["hidden"])
        self.temperature = nn.Parameter(torch.tensor(10.0))

    def forward(self, input_ids, attention_mask, token_type_ids, mel):
        txt = self.text_encoder(input_ids=input_ids,
                                attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
        txt = F.normalize(self.text_proj(txt), dim=-1)
        aud, _ = self.audio_encoder(mel.transpose(1, 2))
        aud = F.normalize(aud, dim=-1)
        # (B, T_text, T_audio) token-to-frame similarity
        return self.temperature * torch.bmm(txt, aud.transpose(1, 2))


def build_batches(tokenizer, songs, mels, cfg):
    for start in range(0, len(songs), cfg["batch_size"]):
        lyr = songs[start:start + cfg["batch_size"]]
        enc = tokenizer(
            lyr,
            padding=True,
            truncation=True,
            max_length=cfg["n_frames"],
            return_tensors="pt",
        )
        mel = torch.from_numpy(np.stack(mels[start:start + cfg["batch_size"]]))
        labels = onset_targets(enc["attention_mask"], cfg["n_frames"])
        yield enc, mel, labels


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = write_vocab(os.path.join(here, "lyrics_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    n_songs = 12
    songs = [make_song(random.randint(6, 14)) for _ in range(n_songs)]
    mels = [fake_logmel(CFG["n_frames"], CFG["n_mels"]) for _ in range(n_songs)]

    model = LyricsAudioAligner(tokenizer.vocab_size, CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        total, steps = 0.0, 0
        for enc, mel, labels in build_batches(tokenizer, songs, mels, CFG):
            sim = model(enc["input_ids"], enc["attention_mask"],
                        enc["token_type_ids"], mel)
            loss = F.cross_entropy(sim.reshape(-1, sim.size(-1)),
                                   labels.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch}: align loss {total / steps:.4f}")

    model.eval()
    with torch.no_grad():
        enc, mel, _ = next(build_batches(tokenizer, songs[:1], mels[:1], CFG))
        sim = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"], mel)
        frames = sim.argmax(-1)[0, 1:-1]
        secs = frames.float() * CFG["hop_length"] / CFG["sr"]
        print("predicted word onsets (s):", [round(s, 2) for s in secs.tolist()[:10]])


if __name__ == "__main__":
    main()
