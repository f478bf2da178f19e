"""Property book: lognormal severity net (peril text + sum insured) and a Monte
Carlo aggregate-loss run for the capital figure (VaR / TVaR of annual losses)."""
import os
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

RISK = {
    "var_level": 0.995,
    "tvar_level": 0.990,
    "n_years": 20_000,
    "chunk": 5_000,
}
TRAIN = {"epochs": 4, "batch": 32, "lr": 2e-3, "max_len": 12}

PERILS = {
    "fire": "fire smoke damage building contents",
    "flood": "flood water ingress ground floor",
    "storm": "storm wind roof tiles fence",
    "escape": "escape of water pipe burst ceiling",
    "theft": "theft forced entry contents stolen",
    "subsidence": "subsidence cracks walls foundation",
}
PERIL_FREQ = {"fire": 0.004, "flood": 0.006, "storm": 0.02, "escape": 0.03,
              "theft": 0.012, "subsidence": 0.002}


def write_vocab(path):
    words = sorted({w for desc in PERILS.values() for w in desc.split()} | {"commercial", "residential"})
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")


def simulate_history(n, rng):
    peril_names = np.array(list(PERILS))
    hist = np.zeros(n, dtype=[("peril", "U12"), ("occupancy", "U12"), ("sum_insured", "f8"), ("loss", "f8")])
    hist["peril"] = rng.choice(peril_names, size=n, p=[0.1, 0.1, 0.3, 0.3, 0.15, 0.05])
    hist["occupancy"] = rng.choice(["residential", "commercial"], size=n, p=[0.8, 0.2])
    hist["sum_insured"] = rng.lognormal(12.5, 0.5, size=n)
    base = {"fire": 9.8, "flood": 9.5, "storm": 7.9, "escape": 8.1, "theft": 8.0, "subsidence": 10.1}
    mu = np.array([base[p] for p in hist["peril"]]) + 0.3 * (hist["occupancy"] == "commercial")
    hist["loss"] = np.minimum(rng.lognormal(mu, 1.0), hist["sum_insured"])
    return hist


class SeverityNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.text = BertModel(cfg)
        self.si = nn.Linear(1, 8)
        self.out = nn.Linear(cfg.hidden_size + 8, 2)

    def forward(self, ids, mask, log_si):
        h = self.text(input_ids=ids, attention_mask=mask).last_hidden_state[:, 0]
        z = torch.cat([h, torch.tanh(self.si(log_si.unsqueeze(-1)))], dim=-1)
        mu, raw_sigma = self.out(z).unbind(-1)
        return mu + 8.5, nn.functional.softplus(raw_sigma) + 0.05


def lognormal_nll(mu, sigma, loss):
    dist = torch.distributions.LogNormal(mu, sigma)
    return -dist.log_prob(loss).mean()


def encode(tokenizer, perils, occupancy):
    texts = [f"{occ} {PERILS[p]}" for p, occ in zip(perils, occupancy)]
    enc = tokenizer(texts, padding="max_length", truncation=True,
                    max_length=TRAIN["max_len"], return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def annual_losses(sev_params, rng, n_years, chunk):
    names = list(sev_params)
    for start in range(0, n_years, chunk):
        size = min(chunk, n_years - start)
        total = np.zeros(size)
        for name in names:
            mu, sigma, n_risks = sev_params[name]
            counts = rng.poisson(PERIL_FREQ[name] * n_risks, size=size)
            sev = rng.lognormal(mu, sigma, size=counts.sum())
            total += np.bincount(np.repeat(np.arange(size), counts), weights=sev, minlength=size)
        yield total


if __name__ == "__main__":
    rng = np.random.default_rng(99)
    torch.manual_seed(99)
    vocab_file = os.path.join(HERE, "peril_vocab.txt")
    write_vocab(vocab_file)
    tok = BertTokenizer(vocab_file)

    hist = simulate_history(600, rng)
    ids, mask = encode(tok, hist["peril"], hist["occupancy"])
    log_si = torch.tensor(np.log(hist["sum_insured"]) - 12.5, dtype=torch.float32)
    loss_amt = torch.tensor(hist["loss"], dtype=torch.float32)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    net = SeverityNet(cfg)
    opt = torch.optim.Adam(net.parameters(), lr=TRAIN["lr"])

    for epoch in range(TRAIN["epochs"]):
        perm = torch.randperm(len(hist))
        nll_sum = 0.0
        for b in range(0, len(perm), TRAIN["batch"]):
            idx = perm[b:b + TRAIN["batch"]]
            mu, sigma = net(ids[idx], mask[idx], log_si[idx])
            nll = lognormal_nll(mu, sigma, loss_amt[idx])
            opt.zero_grad()
            nll.backward()
            opt.step()
            nll_sum += nll.item() * len(idx)
        print(f"epoch {epoch}: severity nll {nll_sum / len(hist):.3f}")

    book = {"residential": 9_000, "commercial": 1_500}
    net.eval()
    sev_params = {}
    with torch.no_grad():
        for peril in PERILS:
            p_ids, p_mask = encode(tok, [peril, peril], list(book))
            mu, sigma = net(p_ids, p_mask, torch.zeros(2))
            w = np.array(list(book.values()), dtype=float)
            sev_params[peril] = (float((mu.numpy() * w).sum() / w.sum()),
                                 float((sigma.numpy() * w).sum() / w.sum()),
                                 int(w.sum()))
    for k, (m, s, n) in sev_params.items():
        print(f"{k:>11}: mu={m:.2f} sigma={s:.2f} risks={n}")

    agg = np.concatenate(list(annual_losses(sev_params, rng, RISK["n_years"], RISK["chunk"])))
    print(f"mean annual loss: {agg.mean():,.0f}")

    var = np.quantile(agg, RISK["var_level"])
    tail = agg[agg >= np.quantile(agg, RISK["tvar_level"])]
    print(f"VaR {RISK['var_level']}: {var:,.0f}")
    print(f"TVaR {RISK['tvar_level']}: {tail.mean():,.0f}")
    print(f"SCR (VaR - mean): {var - agg.mean():,.0f}")
