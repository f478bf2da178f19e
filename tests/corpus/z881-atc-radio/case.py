"""Word tagging for air-traffic-control radio transcripts.

Each ASR word comes with start/end times. We fuse a small BERT encoder over
the transcript with acoustic frames (read at each word's midpoint) and tag
every word as OTHER / CALLSIGN / INSTRUCTION.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

SAMPLE_RATE = 16000
WIN_LENGTH = 400      # 25 ms window
HOP_LENGTH = 320      # 20 ms hop
FRAMES_PER_SECOND = 100
TAGS = ["OTHER", "CALLSIGN", "INSTRUCTION"]


@dataclass
class Transmission:
    words: list
    times: list   # (start_s, end_s) per word
    tags: list
    duration: float


CLIPS = [
    Transmission("delta four two climb flight level three one zero".split(),
                 [(0.1, 0.4), (0.4, 0.7), (0.7, 0.9), (1.0, 1.3), (1.3, 1.6), (1.6, 1.9),
                  (1.9, 2.2), (2.2, 2.4), (2.4, 2.7)], [1, 1, 1, 2, 2, 2, 2, 2, 2], 3.0),
    Transmission("speedbird one alpha contact tower".split(),
                 [(0.2, 0.7), (0.7, 0.9), (0.9, 1.2), (1.3, 1.7), (1.7, 2.1)],
                 [1, 1, 1, 2, 2], 2.5),
    Transmission("roger united six descend four thousand".split(),
                 [(0.1, 0.4), (0.5, 0.8), (0.8, 1.1), (1.2, 1.6), (1.6, 1.9), (1.9, 2.4)],
                 [0, 1, 1, 2, 2, 2], 2.8),
]


class AcousticFrontEnd(nn.Module):
    """Strided conv feature extractor, one frame per hop."""

    def __init__(self, dim):
        super().__init__()
        self.conv = nn.Conv1d(1, dim, kernel_size=WIN_LENGTH, stride=HOP_LENGTH)

    def forward(self, wav):                        # (B, samples)
        return F.gelu(self.conv(wav.unsqueeze(1))).transpose(1, 2)   # (B, frames, dim)


class FusionTagger(nn.Module):
    def __init__(self, bert_cfg, acoustic_dim=16):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.front = AcousticFrontEnd(acoustic_dim)
        self.head = nn.Linear(bert_cfg.hidden_size + acoustic_dim, len(TAGS))

    def forward(self, enc, first_sub, wav, word_frame):
        hidden = self.bert(**enc).last_hidden_state                      # (B, T, H)
        text = hidden.gather(1, first_sub.unsqueeze(-1).expand(-1, -1, hidden.size(-1)))
        frames = self.front(wav)                                          # (B, F, A)
        audio = frames.gather(1, word_frame.unsqueeze(-1).expand(-1, -1, frames.size(-1)))
        return self.head(torch.cat([text, audio], dim=-1))


def build_tokenizer(clips):
    folder = tempfile.mkdtemp()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for c in clips for w in c.words})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def make_batch(clips, tokenizer):
    enc = tokenizer([c.words for c in clips], is_split_into_words=True, padding=True,
                    return_tensors="pt")
    n_words = max(len(c.words) for c in clips)
    n_samples = int(max(c.duration for c in clips) * SAMPLE_RATE)
    first_sub = torch.zeros(len(clips), n_words, dtype=torch.long)
    word_frame = torch.zeros(len(clips), n_words, dtype=torch.long)
    gold = torch.full((len(clips), n_words), -100, dtype=torch.long)
    wav = torch.zeros(len(clips), n_samples)
    for b, clip in enumerate(clips):
        seen = set()
        for pos, wid in enumerate(enc.word_ids(b)):
            if wid is not None and wid not in seen:
                seen.add(wid)
                first_sub[b, wid] = pos
        for w, (start, end) in enumerate(clip.times):
            word_frame[b, w] = int((start + end) / 2 * FRAMES_PER_SECOND)
        gold[b, :len(clip.tags)] = torch.tensor(clip.tags)
        wav[b, :int(clip.duration * SAMPLE_RATE)] = 0.1 * torch.randn(int(clip.duration * SAMPLE_RATE))
    return dict(enc), first_sub, wav, word_frame, gold


def main():
    tokenizer = build_tokenizer(CLIPS)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = FusionTagger(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)

    enc, first_sub, wav, word_frame, gold = make_batch(CLIPS, tokenizer)
    print(f"batch: {enc['input_ids'].shape[0]} clips, {wav.shape[1]} samples, "
          f"{first_sub.shape[1]} word slots")

    model.train()
    for step in range(5):
        logits = model(enc, first_sub, wav, word_frame)
        loss = F.cross_entropy(logits.reshape(-1, len(TAGS)), gold.reshape(-1), ignore_index=-100)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step}: loss={loss.item():.4f}")

    with torch.no_grad():
        pred = model(enc, first_sub, wav, word_frame).argmax(-1)
    for b, clip in enumerate(CLIPS):
        print(" ".join(f"{w}/{TAGS[t]}" for w, t in zip(clip.words, pred[b].tolist())))


if __name__ == "__main__":
    main()
