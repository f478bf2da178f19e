import random

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

FAULT_CODES = ["bearing_wear", "blade_icing", "yaw_misalign", "gearbox_temp"]
WINDOW = 16


class TurbineWindows(Dataset):
    def __init__(self, n, seed=0):
        rng = random.Random(seed)
        self.records = []
        for _ in range(n):
            faults = [code for code in FAULT_CODES if rng.random() < 0.25]
            readings = [rng.gauss(0.0, 1.0) for _ in range(WINDOW)]
            self.records.append({"readings": readings, "faults": faults})

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        return self.records[idx]


class FaultCollator:
    def __init__(self, codes):
        self.codes = codes

    def __call__(self, rows):
        inputs = torch.tensor([r["readings"] for r in rows], dtype=torch.float)
        fault_matrix = torch.tensor([[1 if c in r["faults"] else 0 for c in self.codes] for r in rows], dtype=torch.float)
        return {"inputs": inputs, "fault_targets": fault_matrix}


class FaultDetector(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(WINDOW, hidden),
            nn.GELU(),
            nn.Linear(hidden, len(FAULT_CODES)),
        )

    def forward(self, inputs):
        return self.net(inputs)


loss_fn = nn.BCEWithLogitsLoss()


def train(model, loader, epochs=2, lr=1e-3):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            logits = model(batch["inputs"])
            loss = loss_fn(logits, batch["fault_targets"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / len(loader):.4f}")


def main():
    torch.manual_seed(0)
    dataset = TurbineWindows(96)
    loader = DataLoader(dataset, batch_size=12, shuffle=True, collate_fn=FaultCollator(FAULT_CODES))
    train(FaultDetector(), loader)


if __name__ == "__main__":
    main()
