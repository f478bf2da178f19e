"""
Soil core horizon descriptions + lab covariates -> organic carbon (%).

Free-text horizon descriptions go through a tiny BERT (random init, trained
here); depth, moisture and pH are z-scored and concatenated to the text
features before a small MLP.  Checking the fusion plumbing on a handful of cores.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 21
np.random.seed(SEED)
torch.manual_seed(SEED)

# (description, depth_cm, moisture_pct, pH, organic carbon %)
CORES = [
    ("dark brown crumbly loam many fine roots earthworm casts", 5.0, 31.0, 6.1, 4.8),
    ("black greasy peat fibrous poorly decomposed waterlogged", 12.0, 78.0, 4.2, 38.5),
    ("grey mottled clay firm few roots gleyed", 45.0, 35.0, 6.8, 0.9),
    ("yellowish brown sandy loam weak structure stones", 30.0, 14.0, 5.6, 1.4),
    ("reddish bleached sand loose no roots podzol eluvial", 20.0, 9.0, 4.5, 0.6),
    ("dark humic loam granular many roots charcoal flecks", 8.0, 27.0, 5.9, 6.2),
    ("brown clay loam blocky few roots", 60.0, 24.0, 7.1, 0.7),
    ("black sapric peat smooth fully decomposed wet", 25.0, 82.0, 4.0, 41.0),
]


def write_vocab(texts, *, out_dir, specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
    """Write a word-level vocab file for BertTokenizer.

    Parameters
    ----------
    texts : iterable of str
    out_dir : str
    specials : tuple of str, optional

    Returns
    -------
    path : str
    """
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(out_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(list(specials) + words) + "\n")
    return path


def zscore_columns(x, *, ddof=0, eps=1e-6):
    """Column-wise z-score.

    Parameters
    ----------
    x : np.ndarray, shape (n_samples, n_features)
    ddof : int, optional
    eps : float, optional

    Returns
    -------
    x_z : np.ndarray, shape (n_samples, n_features)
    mean, std : np.ndarray, shape (n_features,)
    """
    mean = x.mean(axis=0)
    std = x.std(axis=0, ddof=ddof) + eps
    return (x - mean) / std, mean, std


def build_head(*, dim_hidden, n_aux=0, dim_mid=16, p_drop=0.1):
    """MLP on [h_cls ; h_mean ; aux].

    Parameters
    ----------
    dim_hidden : int
        Encoder hidden size.
    n_aux : int, optional
        Number of numeric covariates appended to the text features.
    dim_mid : int, optional
    p_drop : float, optional

    Returns
    -------
    head : nn.Sequential
    """
    dim_in = 2 * dim_hidden + n_aux
    return nn.Sequential(nn.Linear(dim_in, dim_mid), nn.GELU(), nn.Dropout(p_drop), nn.Linear(dim_mid, 1))


class CarbonModel(nn.Module):
    def __init__(self, cfg, head):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = head

    def forward(self, enc, aux):
        h = self.encoder(**enc).last_hidden_state                  # (n, L, dim_hidden)
        w = enc["attention_mask"].unsqueeze(-1).float()
        h_mean = (h * w).sum(1) / w.sum(1)
        feats = torch.cat([h[:, 0], h_mean, aux], dim=-1)
        return self.head(feats).squeeze(-1)


tmp_dir = tempfile.mkdtemp()
texts = [c[0] for c in CORES]
tokenizer = BertTokenizer(write_vocab(texts, out_dir=tmp_dir))
enc = tokenizer(texts, padding=True, return_tensors="pt")
n_cores, n_tokens = enc["input_ids"].shape
print(f"{n_cores} cores, vocab {tokenizer.vocab_size}, n_tokens (padded) {n_tokens}")

aux_raw = np.array([[c[1], c[2], c[3]] for c in CORES], dtype=np.float32)   # depth_cm, moisture_pct, pH
aux_z, aux_mean, aux_std = zscore_columns(aux_raw)
assert aux_z.shape == (n_cores, 3)
print("covariate means: depth %.1f cm, moisture %.1f %%, pH %.2f" % tuple(aux_mean))

# organic carbon is bimodal (mineral vs peat), fit on log scale
oc_pct = np.array([c[4] for c in CORES], dtype=np.float32)
y_log = torch.from_numpy(np.log(oc_pct))

cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
head = build_head(dim_hidden=cfg.hidden_size, dim_mid=16)
model = CarbonModel(cfg, head)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
aux_t = torch.from_numpy(aux_z)

for step in range(40):
    model.train()
    pred_log = model(enc, aux_t)
    loss = nn.functional.mse_loss(pred_log, y_log)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d}  mse(log oc) {loss.item():.4f}")

model.eval()
with torch.no_grad():
    pred_pct = np.exp(model(enc, aux_t).numpy())
for (desc, *_), y, p in zip(CORES, oc_pct, pred_pct):
    print(f"  {desc[:36]:36s} oc {y:5.1f} %  pred {p:5.1f} %")
