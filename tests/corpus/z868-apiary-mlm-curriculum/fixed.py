"""Domain-adaptive MLM warm-up for a small encoder on apiary inspection notes.

Masking rate follows a curriculum: easy (few masks) in the first epoch,
harder later. Plain torch, no external tokenizer.
"""
import random
import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 1234
NUM_EPOCHS = 3
BATCH_SIZE = 4
MAX_LEN = 20
HIDDEN = 32

HIVE_NOTES = [
    "brood frames capped evenly queen seen on frame four",
    "varroa drop count twelve after sugar roll treat next week",
    "supers half full of nectar goldenrod flow started",
    "no eggs found possible queenless hive check again sunday",
    "swarm cells on bottom bars split made into nuc box",
    "chalkbrood mummies at entrance improve ventilation",
    "hive beetles trapped in oil tray numbers falling",
    "drawn comb on new foundation colony strong and calm",
    "robbing at entrance reduced opening to two inches",
    "fed two to one syrup for winter stores colony light",
    "mouse guard fitted cluster sits between frames five and seven",
    "queen marked blue laying pattern spotty requeen in spring",
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def tokenize(text):
    return re.findall(r"[a-z]+|\d+", text.lower())


def build_vocab(texts, min_freq=1):
    counts = Counter(tok for t in texts for tok in tokenize(t))
    itos = SPECIALS + sorted(w for w, c in counts.items() if c >= min_freq)
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab):
    ids = [vocab["[CLS]"]] + [vocab.get(t, vocab["[UNK]"]) for t in tokenize(text)]
    ids = ids[: MAX_LEN - 1] + [vocab["[SEP]"]]
    return ids + [vocab["[PAD]"]] * (MAX_LEN - len(ids))


class NoteEncoder(nn.Module):
    def __init__(self, vocab_size, hidden=HIDDEN, heads=2, layers=1, max_len=MAX_LEN):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.pos = nn.Embedding(max_len, hidden)
        layer = nn.TransformerEncoderLayer(hidden, heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(hidden)
        self.mlm_bias = nn.Parameter(torch.zeros(vocab_size))

    def forward(self, ids, pad_mask):
        positions = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        h = self.norm(h)
        # tied output projection
        return h @ self.tok.weight.T + self.mlm_bias


def corrupt(ids, rate, vocab, gen):
    """BERT-style 80/10/10 corruption. Returns (inputs, targets)."""
    special = ids < len(SPECIALS)
    probs = torch.full(ids.shape, rate)
    chosen = torch.bernoulli(probs, generator=gen).bool() & ~special
    if not chosen.any():
        # always predict at least one token per batch
        cand = (~special).nonzero()
        r, c = cand[torch.randint(len(cand), (1,), generator=gen)].squeeze(0)
        chosen[r, c] = True
    targets = torch.where(chosen, ids, torch.full_like(ids, -100))
    inputs = ids.clone()
    roll = torch.rand(ids.shape, generator=gen)
    inputs[chosen & (roll < 0.8)] = vocab["[MASK]"]
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[swap] = torch.randint(len(SPECIALS), len(vocab), (int(swap.sum()),), generator=gen)
    return inputs, targets


def batches(rows, size, rng):
    order = list(range(len(rows)))
    rng.shuffle(order)
    for start in range(0, len(order), size):
        yield torch.tensor([rows[i] for i in order[start:start + size]])


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    rng = random.Random(SEED)

    vocab = build_vocab(HIVE_NOTES)
    rows = [encode(t, vocab) for t in HIVE_NOTES]
    print(f"vocab={len(vocab)} notes={len(rows)}")

    model = NoteEncoder(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    # curriculum: 10% masked in epoch 0 ramping to 30% by the last epoch
    mask_rate_schedule = torch.linspace(0.10, 0.30, NUM_EPOCHS)

    global_step = 0
    for epoch in range(NUM_EPOCHS):
        model.train()
        running = 0.0
        for ids in batches(rows, BATCH_SIZE, rng):
            rate = mask_rate_schedule[epoch].item()
            inputs, targets = corrupt(ids, rate, vocab, gen)
            logits = model(inputs, pad_mask=ids.eq(vocab["[PAD]"]))
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
            global_step += 1
        print(f"epoch {epoch} mask_rate={rate:.2f} loss={running:.3f} step={global_step}")

    print("done")


if __name__ == "__main__":
    main()
