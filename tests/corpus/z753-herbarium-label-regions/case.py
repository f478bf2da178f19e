"""
Herbarium sheet labels -> collection region (3 classes), first pass.

OCR text from digitised sheets, tokenised on whitespace, small transformer
encoder trained from scratch.  Mostly checking that label length statistics
and the pooled representation behave before we throw the full 40k sheets at it.
"""
import re
from collections import Counter

import numpy as np
import torch
import torch.nn as nn

SEED = 11
np.random.seed(SEED)
torch.manual_seed(SEED)

LABELS = [
    ("Carex rostrata Stokes. Wet sedge meadow near outlet of lake, alt. 1840 m. leg. A. Holm 1931", "alpine"),
    ("Saxifraga oppositifolia L. scree slope above treeline 2450 m, flowering, coll. Berg 1968", "alpine"),
    ("Dryas octopetala on limestone ridge, 2210 m, fruiting. Herb. Univ. 1954", "alpine"),
    ("Zostera marina L. sandy intertidal flat, low tide, leg. Ness 1977", "coastal"),
    ("Salicornia europaea salt marsh edge, estuary mud, 2 m a.s.l. 1989", "coastal"),
    ("Crambe maritima shingle beach above drift line, coll. Reeve 1923", "coastal"),
    ("Ammophila arenaria mobile dune crest, wind exposed, 8 m, 2003", "coastal"),
    ("Quercus robur mixed deciduous woodland on clay, 120 m, leg. Dahl 1948", "lowland"),
    ("Ranunculus ficaria hedge bank by farm track, shaded, 60 m 1936", "lowland"),
    ("Primula veris dry calcareous pasture, grazed, 95 m, coll. Ek 1971", "lowland"),
    ("Silene acaulis cushion on wind blasted plateau 2600 m, 1912", "alpine"),
    ("Anemone nemorosa beech wood floor, spring, 140 m, leg. Holm 1929", "lowland"),
]
REGIONS = sorted({r for _, r in LABELS})
PAD, UNK = "<pad>", "<unk>"


def tokenize_label(text, *, lower=True, strip_punct=True):
    """Whitespace tokeniser with optional lowercasing and punctuation stripping.

    Parameters
    ----------
    text : str
    lower, strip_punct : bool, optional

    Returns
    -------
    tokens : list of str
    """
    if lower:
        text = text.lower()
    if strip_punct:
        text = re.sub(r"[.,;:()]", " ", text)
    return text.split()


def build_vocab(token_lists, *, min_count=1, specials=(PAD, UNK)):
    """Frequency-filtered vocabulary, specials first so PAD == 0."""
    counts = Counter(t for toks in token_lists for t in toks)
    words = [w for w, c in counts.most_common() if c >= min_count]
    return {w: i for i, w in enumerate(list(specials) + words)}


def pad_token_matrix(token_lists, vocab, *, n_tokens_max=None, pad_id=0):
    """Encode and right-pad token lists into a dense id matrix.

    Parameters
    ----------
    token_lists : list of list of str
    vocab : dict
    n_tokens_max : int, optional
        Pad/truncate length; defaults to the longest label.
    pad_id : int, optional

    Returns
    -------
    ids : np.ndarray, shape (n_labels, n_tokens_max), int64
    is_pad : np.ndarray, shape (n_labels, n_tokens_max)
        1 where the position is padding.
    n_tokens : np.ndarray, shape (n_labels,)
    """
    n_tokens = np.array([len(t) for t in token_lists])
    n_tokens_max = n_tokens_max or int(n_tokens.max())
    ids = np.full((len(token_lists), n_tokens_max), pad_id, dtype=np.int64)
    is_pad = np.ones((len(token_lists), n_tokens_max), dtype=np.int64)
    for i, toks in enumerate(token_lists):
        toks = toks[:n_tokens_max]
        ids[i, :len(toks)] = [vocab.get(t, vocab[UNK]) for t in toks]
        is_pad[i, :len(toks)] = 0
    return ids, is_pad, np.minimum(n_tokens, n_tokens_max)


class LabelRegionClassifier(nn.Module):
    def __init__(self, *, n_vocab, n_classes, dim_hidden=32, n_heads=2, n_layers=1, n_tokens_max=64):
        super().__init__()
        self.tok_emb = nn.Embedding(n_vocab, dim_hidden, padding_idx=0)
        self.pos_emb = nn.Embedding(n_tokens_max, dim_hidden)
        layer = nn.TransformerEncoderLayer(dim_hidden, n_heads, dim_feedforward=2 * dim_hidden,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(dim_hidden, n_classes)

    def forward(self, ids, pad_flags):
        pos = torch.arange(ids.shape[1], device=ids.device)
        h = self.tok_emb(ids) + self.pos_emb(pos)[None]
        h = self.encoder(h, src_key_padding_mask=pad_flags)
        w = (pad_flags == 0).float().unsqueeze(-1)          # (n, L, 1)
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.out(pooled)


token_lists = [tokenize_label(t) for t, _ in LABELS]
vocab = build_vocab(token_lists)
ids_np, is_pad_np, n_tokens = pad_token_matrix(token_lists, vocab)
y_np = np.array([REGIONS.index(r) for _, r in LABELS], dtype=np.int64)

print(f"{len(LABELS)} labels, vocab {len(vocab)}, regions {REGIONS}")
print("n_tokens per label: median %.1f, p90 %.1f, max %d"
      % (np.median(n_tokens), np.percentile(n_tokens, 90), n_tokens.max()))
print("padding fraction: %.3f" % is_pad_np.mean())
assert ids_np.shape == is_pad_np.shape == (len(LABELS), n_tokens.max())
assert np.all(is_pad_np.sum(1) == n_tokens.max() - n_tokens)

ids_t = torch.from_numpy(ids_np)
pad_t = torch.from_numpy(is_pad_np)
y_t = torch.from_numpy(y_np)

model = LabelRegionClassifier(n_vocab=len(vocab), n_classes=len(REGIONS), dim_hidden=32,
                              n_tokens_max=int(n_tokens.max()))
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(25):
    model.train()
    perm = np.random.permutation(len(LABELS))
    for batch_idx in np.array_split(perm, 3):
        bi = torch.from_numpy(batch_idx)
        logits = model(ids_t[bi], pad_t[bi])
        loss = loss_fn(logits, y_t[bi])
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  ce {loss.item():.4f}")

model.eval()
with torch.no_grad():
    pred = model(ids_t, pad_t).argmax(-1).numpy()
print("train accuracy: %.2f" % (pred == y_np).mean())
for (text, region), p in zip(LABELS[:4], pred[:4]):
    print(f"  {text[:40]:40s} true={region:8s} pred={REGIONS[p]}")
