"""Disruption precursor classifier on locked-mode magnetic probe signals.

Each shot gives the n=1 locked-mode amplitude B_lm(t) sampled every dt_s.
The window just before the end of the flat-top is quantised into amplitude
levels, a [CLS] token is prepended, and a tiny BERT encoder + linear readout
predicts whether the shot ended in a disruption.
"""
from dataclasses import dataclass

import numpy as np
import torch
from transformers import BertConfig, BertModel

SEED = 11
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


@dataclass
class Diag:
    dt_s: float = 1.0e-3          # 1 kHz digitiser after decimation
    t_flat_s: float = 1.5         # flat-top duration
    t_win_s: float = 0.128        # precursor window before end of flat-top
    n_level: int = 48             # amplitude quantisation levels
    b_max_gauss: float = 12.0


diag = Diag()
PAD_ID, CLS_ID = diag.n_level, diag.n_level + 1
vocab_size = diag.n_level + 2

n_samp_shot = int(round(diag.t_flat_s / diag.dt_s))
n_samp_win = int(round(diag.t_win_s / diag.dt_s))
assert n_samp_win < n_samp_shot


def synth_shot(disrupts):
    """Locked-mode amplitude in gauss; disruptive shots grow a mode near the end."""
    t_s = np.arange(n_samp_shot) * diag.dt_s
    b_g = 0.4 + 0.2 * rng.standard_normal(n_samp_shot)
    if disrupts:
        t_lock_s = diag.t_flat_s - rng.uniform(0.05, 0.3)
        tau_s = rng.uniform(0.02, 0.06)
        b_g += np.where(t_s > t_lock_s, np.expm1((t_s - t_lock_s) / tau_s).clip(0, 20), 0.0)
    return np.clip(b_g, 0.0, diag.b_max_gauss)


def quantise(b_g):
    edges_g = np.linspace(0.0, diag.b_max_gauss, diag.n_level + 1)[1:-1]
    tok = np.digitize(b_g, edges_g)
    assert tok.min() >= 0 and tok.max() < diag.n_level
    return tok


def precursor_tokens(b_g):
    win = b_g[-n_samp_win:]
    return np.concatenate([[CLS_ID], quantise(win)]).astype(np.int64)


n_shot = 24
is_disr = rng.random(n_shot) < 0.5
shots_g = [synth_shot(d) for d in is_disr]
tok_np = np.stack([precursor_tokens(b) for b in shots_g])
y_np = is_disr.astype(np.int64)
print(f"{n_shot} shots, {is_disr.sum()} disruptive, window {diag.t_win_s * 1e3:.0f} ms "
      f"-> {tok_np.shape[1]} tokens per shot")

cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                 num_attention_heads=2, intermediate_size=64,
                 max_position_embeddings=64, pad_token_id=PAD_ID)
encoder = BertModel(cfg, add_pooling_layer=False)

# linear readout on the [CLS] state
W_out = torch.nn.Parameter(0.02 * torch.randn(cfg.hidden_size, 2))
b_out = torch.nn.Parameter(torch.zeros(2))
opt = torch.optim.AdamW(list(encoder.parameters()) + [W_out, b_out], lr=2e-3)

tok = torch.from_numpy(tok_np)
att = torch.from_numpy(np.ones_like(tok_np))
y = torch.from_numpy(y_np)


def forward(ids, am):
    h = encoder(input_ids=ids, attention_mask=am).last_hidden_state
    return torch.einsum("bh,hk->bk", h[:, 0], W_out) + b_out


batch_sz = 8
for epoch in range(1):
    perm = rng.permutation(n_shot)
    loss_sum = 0.0
    for i0 in range(0, n_shot, batch_sz):
        idx = torch.from_numpy(perm[i0:i0 + batch_sz])
        logit = forward(tok[idx], att[idx])
        loss = torch.nn.functional.cross_entropy(logit, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(idx)
    print(f"epoch {epoch}  mean loss {loss_sum / n_shot:.4f}")

encoder.eval()
with torch.no_grad():
    p_disr = forward(tok, att).softmax(-1)[:, 1].numpy()
pred = p_disr > 0.5
tpr = (pred & is_disr).sum() / max(is_disr.sum(), 1)
fpr = (pred & ~is_disr).sum() / max((~is_disr).sum(), 1)
print(f"true alarm rate {tpr:.2f}, false alarm rate {fpr:.2f}")
