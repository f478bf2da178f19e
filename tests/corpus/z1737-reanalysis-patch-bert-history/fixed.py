# Patch-token transformer for 6h forecasting on a coarse lat-lon reanalysis grid.
# Channels: t2m, u10, v10, msl. Input = nhist past states, each cut into p x p
# patches; the encoder is a tiny BERT fed through inputs_embeds.
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)
rng = np.random.default_rng(7)

nlat, nlon = 16, 32
nvar = 4
p = 4
nhist = 2
nT = 120
vnames = ["t2m", "u10", "v10", "msl"]

lat = np.linspace(-87.5, 87.5, nlat)
lon = np.linspace(0, 360, nlon, endpoint=False)
LA, LO = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")


def synth_field(nT):
    # travelling planetary waves + noise, one series per variable
    X = np.zeros((nT, nvar, nlat, nlon), dtype=np.float32)
    for k in range(nvar):
        m = rng.integers(1, 4)
        c = rng.uniform(0.05, 0.2)
        amp = rng.uniform(0.5, 2.0)
        for it in range(nT):
            X[it, k] = amp * np.cos(LA) * np.sin(m * LO - c * it) \
                + 0.1 * rng.normal(size=(nlat, nlon))
    return X


X = synth_field(nT)
mu = X.mean(axis=(0, 2, 3), keepdims=True)
sd = X.std(axis=(0, 2, 3), keepdims=True)
X = (X - mu) / sd
w_lat = np.cos(np.deg2rad(lat)).astype(np.float32)
w_lat = w_lat / w_lat.mean()

nph, npw = nlat // p, nlon // p
npatch = nph * npw
dpatch = nvar * p * p
print(f"grid {nlat}x{nlon}, {npatch} patches of dim {dpatch}")


def patchify(f):
    # f: (B, C, H, W) -> (B, npatch, C*p*p)
    B = f.shape[0]
    f = f.reshape(B, nvar, nph, p, npw, p).permute(0, 2, 4, 1, 3, 5)
    return f.reshape(B, npatch, dpatch)


def unpatchify(z):
    B = z.shape[0]
    z = z.reshape(B, nph, npw, nvar, p, p).permute(0, 3, 1, 4, 2, 5)
    return z.reshape(B, nvar, nlat, nlon)


cfg = BertConfig(
    vocab_size=4,
    hidden_size=48,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=nhist * npatch,
    type_vocab_size=1,
    hidden_dropout_prob=0.0,
    attention_probs_dropout_prob=0.0,
)


class PatchCast(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.emb = nn.Linear(dpatch, cfg.hidden_size)
        self.enc = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, dpatch)

    def forward(self, hist):
        # hist: (B, nhist, C, H, W)
        B = hist.shape[0]
        tok = torch.cat([patchify(hist[:, k]) for k in range(nhist)], dim=1)
        h = self.enc(inputs_embeds=self.emb(tok)).last_hidden_state
        dz = self.head(h[:, -npatch:])
        return hist[:, -1] + unpatchify(dz)


Xt = torch.from_numpy(X)
idx = np.arange(nhist, nT - 1)
tr, va = idx[: int(0.8 * len(idx))], idx[int(0.8 * len(idx)):]
wl = torch.from_numpy(w_lat).view(1, 1, nlat, 1)


def batch(ii):
    H = torch.stack([Xt[i - nhist + 1: i + 1] for i in ii])
    Y = Xt[ii + 1]
    return H, Y


mdl = PatchCast(cfg)
opt = torch.optim.AdamW(mdl.parameters(), lr=1e-3)
for ep in range(8):
    rng.shuffle(tr)
    for j in range(0, len(tr), 16):
        H, Y = batch(tr[j:j + 16])
        loss = (wl * (mdl(H) - Y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"ep {ep}  lat-weighted mse {loss.item():.4f}")

mdl.eval()
with torch.no_grad():
    H, Y = batch(va)
    Yh = mdl(H)
    rmse = torch.sqrt((wl * (Yh - Y) ** 2).mean(dim=(0, 2, 3)))
for k, v in enumerate(vnames):
    print(f"{v:4s} rmse {rmse[k].item():.3f}")
