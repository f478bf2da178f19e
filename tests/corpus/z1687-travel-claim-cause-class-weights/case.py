"""Travel insurance - predict the cause of a claim at first notification so it
can be routed to the right handling team. Entity embeddings + MLP, trained on
2022 departures, validated on 2023. Class weights offset the heavy skew
towards cancellation claims."""
import csv
import os
import random
import tempfile
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

CLAIM_TYPES = ["cancellation", "medical", "baggage", "delay", "repatriation"]
CAUSE_ID = {c: i for i, c in enumerate(CLAIM_TYPES)}
CAT_VARS = ["destination", "trip_type", "channel", "age_band", "cover_tier"]
NUM_VARS = ["trip_days", "trip_cost", "days_booked_ahead", "travellers"]
DOMAIN = {
    "destination": ["ES", "FR", "US", "TH", "IT", "GR", "PT", "AU", "MX"],
    "trip_type": ["single", "annual_multi", "backpacker"],
    "channel": ["direct", "aggregator", "travel_agent", "bank_bundle"],
    "age_band": ["18-34", "35-49", "50-64", "65-74", "75+"],
    "cover_tier": ["basic", "standard", "premier"],
}


def simulate_claims(path, n=1500):
    header = ["claim_no", "departure_year"] + CAT_VARS + NUM_VARS + ["cause"]
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for i in range(n):
            year = 2022 if i < 1000 else 2023
            dest = random.choice(DOMAIN["destination"] + (["JP", "VN"] if year == 2023 else []))
            rec = [f"TR{i:06d}", year, dest] + [random.choice(DOMAIN[v]) for v in CAT_VARS[1:]]
            rec += [random.randint(2, 45), round(random.uniform(200, 9000), 2),
                    random.randint(0, 300), random.randint(1, 6)]
            # repatriation cover was added to the wording for 2023 departures
            causes = CLAIM_TYPES if year == 2023 else CLAIM_TYPES[:4]
            weights = [50, 20, 15, 12, 3][:len(causes)]
            rec.append(random.choices(causes, weights=weights)[0])
            out.writerow(rec)


def read_claims(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def category_maps(claims):
    maps = {}
    for v in CAT_VARS:
        maps[v] = {}
        for c in claims:
            if c[v] not in maps[v]:
                maps[v][c[v]] = len(maps[v]) + 1
    return maps


def scaling(claims):
    res = {}
    for v in NUM_VARS:
        col = torch.tensor([float(c[v]) for c in claims])
        res[v] = (col.mean(), col.std())
    return res


def featurise(claims, maps, sc):
    cat = torch.tensor([[maps[v].get(c[v], 0) for v in CAT_VARS] for c in claims])
    num = torch.stack([(torch.tensor([float(c[v]) for c in claims]) - sc[v][0]) / sc[v][1]
                       for v in NUM_VARS], dim=1)
    tgt = torch.tensor([CAUSE_ID[c["cause"]] for c in claims])
    return cat, num, tgt


class CauseRouter(nn.Module):
    def __init__(self, maps, n_out, emb_dim=6):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(len(maps[v]) + 1, emb_dim) for v in CAT_VARS])
        self.body = nn.Sequential(
            nn.Linear(emb_dim * len(CAT_VARS) + len(NUM_VARS), 48),
            nn.ReLU(),
            nn.Linear(48, n_out),
        )

    def forward(self, cat, num):
        z = torch.cat([e(cat[:, i]) for i, e in enumerate(self.embs)] + [num], dim=1)
        return self.body(z)


def main():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "travel_claims.csv")
    simulate_claims(path)
    claims = read_claims(path)
    fit_set = [c for c in claims if c["departure_year"] == "2022"]
    val_set = [c for c in claims if c["departure_year"] == "2023"]

    maps = category_maps(fit_set)
    sc = scaling(fit_set)
    Xc, Xn, Y = featurise(fit_set, maps, sc)
    Vc, Vn, VY = featurise(val_set, maps, sc)

    freq = Counter(Y.tolist())
    class_w = torch.tensor([len(Y) / (len(freq) * freq[k]) for k in sorted(freq)], dtype=torch.float32)

    router = CauseRouter(maps, n_out=len(CLAIM_TYPES))
    opt = torch.optim.Adam(router.parameters(), lr=2e-3)

    for ep in range(8):
        router.train()
        perm = torch.randperm(len(Y))
        for s in range(0, len(Y), 100):
            b = perm[s:s + 100]
            loss = F.cross_entropy(router(Xc[b], Xn[b]), Y[b], weight=class_w)
            opt.zero_grad()
            loss.backward()
            opt.step()
        router.eval()
        with torch.no_grad():
            pred = router(Vc, Vn).argmax(1)
        acc = (pred == VY).float().mean().item()
        print(f"ep {ep}  loss {loss.item():.3f}  2023 accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
