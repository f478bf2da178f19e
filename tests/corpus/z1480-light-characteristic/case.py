"""Expand abbreviated lighthouse light characteristics (chart notation) into plain English.

Tiny word-level encoder-decoder on nn.Transformer, trained for a few epochs, then scored
with a smoothed sentence BLEU on the held-out notices.
"""
import math
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

PAIRS = [
    ("Fl W 5s", "one white flash every five seconds"),
    ("Fl(2) W 10s", "two white flashes every ten seconds"),
    ("Fl(3) R 15s", "three red flashes every fifteen seconds"),
    ("Oc G 6s", "green light occulting every six seconds"),
    ("Iso W 4s", "white isophase light period four seconds"),
    ("Q R", "continuous quick red flashes"),
    ("VQ G", "continuous very quick green flashes"),
    ("Fl(2) R 5s", "two red flashes every five seconds"),
    ("Oc(2) W 8s", "two white occultations every eight seconds"),
    ("LFl W 10s", "one long white flash every ten seconds"),
]
HELD_OUT = [("Fl(3) W 10s", "three white flashes every ten seconds"),
            ("Oc R 4s", "red light occulting every four seconds")]

PAD, BOS, EOS = "<pad>", "<s>", "</s>"
MAX_SRC, MAX_TGT = 8, 10


def build_vocab(texts, specials):
    words = sorted({w for t in texts for w in t.split()})
    return {w: i for i, w in enumerate(specials + words)}


src_vocab = build_vocab([s for s, _ in PAIRS + HELD_OUT], [PAD, "<unk>"])
tgt_vocab = build_vocab([t for _, t in PAIRS + HELD_OUT], [PAD, BOS, EOS])
tgt_itos = {i: w for w, i in tgt_vocab.items()}


def encode_batch(pairs):
    """Sources and targets are tokenized separately; labels are padded with -100."""
    src = [[src_vocab.get(w, 1) for w in s.split()][:MAX_SRC] for s, _ in pairs]
    tgt = [[tgt_vocab[w] for w in t.split()][:MAX_TGT - 1] + [tgt_vocab[EOS]] for _, t in pairs]
    S, T = max(map(len, src)), max(map(len, tgt))
    src_ids = torch.tensor([x + [0] * (S - len(x)) for x in src])
    labels = torch.tensor([y + [-100] * (T - len(y)) for y in tgt])
    # shift right by hand: decoder sees <s> + target[:-1]
    dec_in = torch.full_like(labels, tgt_vocab[PAD])
    dec_in[:, 0] = tgt_vocab[BOS]
    dec_in[:, 1:] = labels[:, :-1].masked_fill(labels[:, :-1] == -100, tgt_vocab[PAD])
    return src_ids, dec_in, labels


class LightExpander(nn.Module):
    def __init__(self, n_src, n_tgt, d=32):
        super().__init__()
        self.src_emb = nn.Embedding(n_src, d, padding_idx=0)
        self.tgt_emb = nn.Embedding(n_tgt, d, padding_idx=0)
        self.pos = nn.Embedding(32, d)
        self.core = nn.Transformer(d, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                                   dim_feedforward=64, dropout=0.0, batch_first=True)
        self.out = nn.Linear(d, n_tgt)

    def _embed(self, emb, ids):
        return emb(ids) + self.pos(torch.arange(ids.size(1)))

    def forward(self, src_ids, dec_in):
        causal = self.core.generate_square_subsequent_mask(dec_in.size(1))
        h = self.core(self._embed(self.src_emb, src_ids), self._embed(self.tgt_emb, dec_in),
                      tgt_mask=causal, src_key_padding_mask=src_ids == 0,
                      memory_key_padding_mask=src_ids == 0)
        return self.out(h)

    @torch.no_grad()
    def generate(self, src_ids, max_new_tokens):
        ys = torch.full((src_ids.size(0), 1), tgt_vocab[BOS])
        for _ in range(max_new_tokens):
            nxt = self(src_ids, ys)[:, -1].argmax(-1, keepdim=True)
            ys = torch.cat([ys, nxt], dim=1)
        return ys[:, 1:]


def to_words(ids):
    words = []
    for i in ids.tolist():
        if i == tgt_vocab[EOS]:
            break
        words.append(tgt_itos[i])
    return words


def sentence_bleu(hyp, ref, max_order=4):
    hyp_grams, ref_grams = Counter(), Counter()
    for n in range(1, max_order + 1):
        hyp_grams.update(tuple(hyp[i:i + n]) for i in range(len(hyp) - n + 1))
        ref_grams.update(tuple(ref[i:i + n]) for i in range(len(ref) - n + 1))
    clipped = hyp_grams & ref_grams
    match_orders = torch.tensor([len(g) - 1 for g, c in clipped.items() for _ in range(c)], dtype=torch.long)
    total_orders = torch.tensor([len(g) - 1 for g, c in hyp_grams.items() for _ in range(c)], dtype=torch.long)
    matches = torch.bincount(match_orders)
    totals = torch.bincount(total_orders)
    orders = torch.arange(max_order)
    # add-one smoothing on every order (Lin & Och 2004)
    log_p = torch.log((matches[orders] + 1.0) / (totals[orders] + 1.0)).mean()
    bp = min(1.0, math.exp(1 - len(ref) / max(len(hyp), 1)))
    return bp * math.exp(log_p.item())


model = LightExpander(len(src_vocab), len(tgt_vocab))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
src_ids, dec_in, labels = encode_batch(PAIRS)
for epoch in range(30):
    logits = model(src_ids, dec_in)
    loss = F.cross_entropy(logits.transpose(1, 2), labels, ignore_index=-100)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch:02d} loss {loss.item():.3f}")

model.eval()
test_src, _, _ = encode_batch(HELD_OUT)
generated = model.generate(test_src, max_new_tokens=MAX_TGT)
scores = []
for (src, ref), ids in zip(HELD_OUT, generated):
    hyp = to_words(ids)
    b = sentence_bleu(hyp, ref.split())
    scores.append(b)
    print(f"{src!r:16} -> {' '.join(hyp)!r}  BLEU={b:.3f}")
print(f"mean BLEU over {len(scores)} notices: {sum(scores) / len(scores):.3f}")
