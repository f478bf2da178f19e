"""Handwritten parish-register line recognizer.

A small conv stem turns each line image into a sequence of column features,
a BERT-style transformer encoder contextualises the columns, and a linear
head predicts one character (or blank) per column, trained with CTC.
"""
import random
import tempfile
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

torch.manual_seed(3)
random.seed(3)

LINE_H = 32
MAX_LINE_W = 512
SCAN_H = 80

REGISTER_LINES = [
    "Baptized Mary daughter of John Hollis, farmer",
    "Buried Thomas Weald aged 63 years",
    "Married William Ashby and Ann Coker by banns",
    "Baptized Samuel son of Rob. and Eliz. Tanner",
    "Buried the infant child of James Pike",
    "Married Henry Lowe widower and Sarah Dunn",
]


def write_transcripts(folder):
    path = Path(folder) / "transcripts.txt"
    path.write_text("\n".join(REGISTER_LINES) + "\n", encoding="utf-8")
    return path


def load_transcripts(path):
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def scan_line(text):
    """Fake scanner output: ink width roughly proportional to the text."""
    width = sum(random.randint(18, 26) for _ in text)
    return torch.rand(1, SCAN_H, width)


def normalise(scan):
    _, h, w = scan.shape
    new_w = min(MAX_LINE_W, max(16, round(w * LINE_H / h)))
    return F.interpolate(scan[None], size=(LINE_H, new_w), mode="area")[0]


class RegisterReader(nn.Module):
    def __init__(self, n_symbols, max_positions, dim=64):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.GELU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.GELU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d((1, None)),
        )
        self.proj = nn.Linear(64, dim)
        cfg = BertConfig(vocab_size=4, hidden_size=dim, num_hidden_layers=2,
                         num_attention_heads=4, intermediate_size=2 * dim,
                         max_position_embeddings=max_positions)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(dim, n_symbols)

    def forward(self, pages, column_mask):
        cols = self.stem(pages).squeeze(2).transpose(1, 2)     # B, W/4, 64
        hidden = self.encoder(inputs_embeds=self.proj(cols),
                              attention_mask=column_mask).last_hidden_state
        return self.head(hidden).log_softmax(-1)


def make_batch(lines, lookup):
    imgs = [normalise(scan_line(t)) for t in lines]
    widest = max(im.shape[-1] for im in imgs)
    widest += (-widest) % 4
    pages = torch.ones(len(imgs), 1, LINE_H, widest)
    for i, im in enumerate(imgs):
        pages[i, :, :, : im.shape[-1]] = im
    n_cols = torch.tensor([im.shape[-1] // 4 for im in imgs])
    column_mask = (torch.arange(widest // 4)[None] < n_cols[:, None]).long()
    gold = [torch.tensor([lookup[c] for c in t]) for t in lines]
    return pages, column_mask, n_cols, torch.cat(gold), torch.tensor([len(g) for g in gold])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        lines = load_transcripts(write_transcripts(tmp))

    alphabet = sorted({c for t in lines for c in t})
    lookup = {c: k + 1 for k, c in enumerate(alphabet)}
    max_chars = max(len(t) for t in lines)

    reader = RegisterReader(len(alphabet) + 1, max_positions=max_chars + 2)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    optim = torch.optim.Adam(reader.parameters(), lr=5e-4)

    for step in range(6):
        chosen = random.sample(lines, 3)
        pages, column_mask, n_cols, gold, gold_lens = make_batch(chosen, lookup)
        logp = reader(pages, column_mask).transpose(0, 1)        # T, B, C
        loss = ctc(logp, gold, n_cols, gold_lens)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step} loss {loss.item():.3f}")

    reader.eval()
    with torch.no_grad():
        pages, column_mask, n_cols, _, _ = make_batch(lines[:2], lookup)
        best = reader(pages, column_mask).argmax(-1)
        for row, n in zip(best.tolist(), n_cols.tolist()):
            chars = [alphabet[k - 1] for j, k in enumerate(row[:n])
                     if k and (j == 0 or k != row[j - 1])]
            print("".join(chars))


if __name__ == "__main__":
    main()
