"""Multi-class NIDS on CICFlowMeter-style flow records.

Reads a flow CSV (one row per bidirectional flow), standardises the numeric
features and trains a small MLP to tell benign traffic from attack families.
"""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

FLOW_FEATURES = ["flow_duration", "tot_fwd_pkts", "tot_bwd_pkts", "fwd_pkt_len_mean",
                 "bwd_pkt_len_mean", "flow_iat_mean", "syn_flag_cnt", "rst_flag_cnt",
                 "dst_port_entropy", "init_win_bytes_fwd"]
ATTACK_FAMILIES = ["DoS-Hulk", "PortScan", "DDoS-LOIT", "Bot-Ares"]
BENIGN = "BENIGN"


def write_capture(path, n_flows, rng):
    """Stand-in for a CICFlowMeter export of a lab capture."""
    families = [BENIGN] * 3 + ATTACK_FAMILIES
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(FLOW_FEATURES + ["Label"])
        for _ in range(n_flows):
            fam = rng.choice(families)
            shift = 0.0 if fam == BENIGN else 1.0 + ATTACK_FAMILIES.index(fam)
            row = [round(rng.gauss(shift, 1.0) * 10 + 50, 3) for _ in FLOW_FEATURES]
            w.writerow(row + [fam])


def load_flows(path):
    feats, names = [], []
    with open(path, newline="") as fh:
        for rec in csv.DictReader(fh):
            feats.append([float(rec[c]) for c in FLOW_FEATURES])
            names.append(rec["Label"].strip())
    return torch.tensor(feats), names


def encode_labels(names):
    class_index = {BENIGN: 0}
    for fam in ATTACK_FAMILIES:
        class_index[fam] = len(class_index)
    return torch.tensor([class_index[n] for n in names]), class_index


class FlowMLP(nn.Module):
    def __init__(self, n_features, n_classes, width=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, width), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(width, width), nn.ReLU(),
            nn.Linear(width, n_classes),
        )

    def forward(self, x):
        return self.net(x)


def split(x, y, frac, seed):
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(x.size(0), generator=g)
    cut = int(frac * x.size(0))
    return (x[perm[:cut]], y[perm[:cut]]), (x[perm[cut:]], y[perm[cut:]])


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(dim=1)
    model.train()
    return (pred == y).float().mean().item()


def main():
    rng = random.Random(7)
    torch.manual_seed(7)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "wednesday_flows.csv")
        write_capture(csv_path, 1200, rng)
        flows, label_names = load_flows(csv_path)

    targets, class_index = encode_labels(label_names)
    (x_tr, y_tr), (x_te, y_te) = split(flows, targets, 0.8, seed=7)
    mu, sigma = x_tr.mean(0), x_tr.std(0).clamp_min(1e-6)
    x_tr, x_te = (x_tr - mu) / sigma, (x_te - mu) / sigma

    counts = torch.bincount(y_tr, minlength=len(class_index)).float()
    print("train class counts:", {k: int(counts[v]) for k, v in class_index.items()})

    model = FlowMLP(len(FLOW_FEATURES), len(class_index))
    criterion = nn.CrossEntropyLoss()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(x_tr, y_tr), batch_size=64, shuffle=True)

    for epoch in range(5):
        running = 0.0
        for xb, yb in loader:
            logits = model(xb)
            loss = criterion(logits, yb)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * xb.size(0)
        print(f"epoch {epoch}: loss {running / len(loader.dataset):.4f} "
              f"test acc {evaluate(model, x_te, y_te):.3f}")



if __name__ == "__main__":
    main()
