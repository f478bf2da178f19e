import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ATTACK_TYPES = ["benign", "portscan", "ddos", "bruteforce", "exfil"]


def synth_flow_table(n_flows, seed=0):
    rng = np.random.default_rng(seed)
    attack = rng.integers(0, len(ATTACK_TYPES), size=n_flows)
    centers = rng.normal(0.0, 2.0, size=(len(ATTACK_TYPES), 9))
    stats = centers[attack] + rng.normal(0.0, 1.0, size=(n_flows, 9))
    return np.column_stack([stats, attack])


def tensors_from_table(table):
    flow_stats = torch.tensor(table[:, :-1], dtype=torch.float32)
    flow_stats = (flow_stats - flow_stats.mean(0)) / flow_stats.std(0)
    attack_ids = torch.tensor(table[:, -1])
    return flow_stats, attack_ids


class FlowClassifier(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.fc1 = nn.Linear(n_in, 64)
        self.fc2 = nn.Linear(64, n_out)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


def main():
    torch.manual_seed(0)
    table = synth_flow_table(2000)
    flow_stats, attack_ids = tensors_from_table(table)
    n_train = 1600
    model = FlowClassifier(flow_stats.shape[1], len(ATTACK_TYPES))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(8):
        order = torch.randperm(n_train)
        total = 0.0
        for start in range(0, n_train, 100):
            idx = order[start:start + 100]
            out = model(flow_stats[idx])
            loss = F.cross_entropy(out, attack_ids[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        with torch.no_grad():
            pred = model(flow_stats[n_train:]).argmax(1)
            acc = (pred == attack_ids[n_train:]).float().mean().item()
        print(f"epoch {epoch} loss {total / 16:.3f} holdout acc {acc:.3f}")


if __name__ == "__main__":
    main()
