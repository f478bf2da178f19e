"""Tag short ferry operator notices (cancellation / delay / weather / normal service).

Plain PyTorch: whitespace vocabulary, a small pre-LN transformer encoder, mean pooling.
The model is materialised on the meta device first and then allocated on the target
device, which keeps start-up fast once the encoder gets bigger.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
random.seed(11)

DEVICE = torch.device("cpu")
TAGS = ["cancellation", "delay", "weather", "normal"]

NOTICES = [
    ("the 07:40 sailing to arran is cancelled due to a technical fault", "cancellation"),
    ("mv isle of lewis departs 25 minutes late from oban", "delay"),
    ("gale warning in force all afternoon sailings under review", "weather"),
    ("services operating to timetable on all routes today", "normal"),
    ("late running on the islay route expect delays of 40 minutes", "delay"),
    ("the last sailing from mull is cancelled crew shortage", "cancellation"),
    ("swell forecast in the minch possible disruption after noon", "weather"),
    ("normal timetable resumes on the barra route", "normal"),
]

PAD, UNK = 0, 1


def build_vocab(texts):
    table = {"<pad>": PAD, "<unk>": UNK}
    for text in texts:
        for word in text.split():
            table.setdefault(word, len(table))
    return table


def batches(rows, vocab, size):
    """Yield (ids, pad_flags, tag_ids) padded to the longest notice in the chunk."""
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        seqs = [[vocab.get(w, UNK) for w in text.split()] for text, _ in chunk]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), PAD, dtype=torch.long)
        for r, s in enumerate(seqs):
            ids[r, :len(s)] = torch.tensor(s)
        yield ids.to(DEVICE), (ids == PAD).to(DEVICE), torch.tensor([TAGS.index(t) for _, t in chunk], device=DEVICE)


class NoticeEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, heads=2, depth=2, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, dim)
        self.blocks = nn.ModuleList([
            nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.1, batch_first=True, norm_first=True)
            for _ in range(depth)
        ])
        self.norm = nn.LayerNorm(dim)
        self.out = nn.Linear(dim, len(TAGS))

    def forward(self, ids, pad_flags):
        positions = torch.arange(ids.size(1), device=ids.device)
        h = self.tok(ids) + self.pos(positions)[None]
        for block in self.blocks:
            h = block(h, src_key_padding_mask=pad_flags)
        h = self.norm(h)
        keep = (~pad_flags).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.out(pooled)


def init_weights(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=1.0 / math.sqrt(module.in_features))
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.MultiheadAttention):
        nn.init.xavier_uniform_(module.in_proj_weight)
        nn.init.zeros_(module.in_proj_bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


def make_model(vocab_size):
    with torch.device("meta"):
        model = NoticeEncoder(vocab_size)
    model = model.to_empty(device=DEVICE)
    model.apply(init_weights)
    return model


def main():
    vocab = build_vocab(t for t, _ in NOTICES)
    model = make_model(len(vocab))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"vocab size {len(vocab)}, parameters {n_params}")

    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(4):
        random.shuffle(NOTICES)
        model.train()
        running = 0.0
        for ids, pad_flags, tag_ids in batches(NOTICES, vocab, size=3):
            logits = model(ids, pad_flags)
            loss = F.cross_entropy(logits, tag_ids)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss={running:.3f}")

    model.eval()
    with torch.no_grad():
        ids, pad_flags, tag_ids = next(batches(NOTICES, vocab, size=4))
        guess = model(ids, pad_flags).argmax(-1)
    print("accuracy on first batch:", (guess == tag_ids).float().mean().item())


if __name__ == "__main__":
    main()
