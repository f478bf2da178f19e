"""Grocery catalogue tagger: product features -> (aisle, department).

Multi-task MLP over hashed product-name features + price/weight.  The
aisle is the main target; the department head is an auxiliary task that we
also report per-class precision/recall for.  Trained with Accelerate.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset

CONFIG = {
    "n_products": 1200,
    "n_features": 64,
    "n_aisles": 40,
    "n_departments": 12,
    "hidden": 96,
    "batch_size": 64,
    "epochs": 3,
    "lr": 1e-3,
    "dept_loss_weight": 0.5,
}

torch.manual_seed(21)
# every aisle belongs to exactly one department
AISLE_TO_DEPT = torch.arange(CONFIG["n_aisles"]) % CONFIG["n_departments"]


def synth_catalogue(cfg):
    aisles = torch.randint(0, cfg["n_aisles"], (cfg["n_products"],))
    centers = torch.randn(cfg["n_aisles"], cfg["n_features"])
    feats = centers[aisles] + 0.8 * torch.randn(cfg["n_products"], cfg["n_features"])
    return feats, aisles, AISLE_TO_DEPT[aisles]


class ShelfTagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(cfg["n_features"], cfg["hidden"]), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(cfg["hidden"], cfg["hidden"]), nn.ReLU(),
        )
        self.aisle_head = nn.Linear(cfg["hidden"], cfg["n_aisles"])
        self.dept_head = nn.Linear(cfg["hidden"], cfg["n_departments"])

    def forward(self, x):
        h = self.trunk(x)
        return self.aisle_head(h), self.dept_head(h)


def precision_recall(pred, true, n_classes):
    tp = torch.bincount(true[pred == true], minlength=n_classes).float()
    predicted = torch.bincount(pred, minlength=n_classes).float()
    actual = torch.bincount(true, minlength=n_classes).float()
    precision = tp / predicted.clamp(min=1)
    recall = tp / actual.clamp(min=1)
    return precision, recall


@torch.no_grad()
def evaluate(model, loader, accelerator, cfg):
    model.eval()
    dept_preds, dept_true = [], []
    for x, _, dept in loader:
        outputs = model(x)
        dept_logits = outputs[0]
        preds, targets = accelerator.gather_for_metrics((dept_logits.argmax(-1), dept))
        dept_preds.append(preds)
        dept_true.append(targets)
    pred, true = torch.cat(dept_preds), torch.cat(dept_true)
    precision, recall = precision_recall(pred, true, cfg["n_departments"])
    model.train()
    return precision, recall


def main(cfg):
    accelerator = Accelerator(cpu=True)
    feats, aisles, depts = synth_catalogue(cfg)
    split = int(0.8 * len(feats))
    train_ds = TensorDataset(feats[:split], aisles[:split], depts[:split])
    val_ds = TensorDataset(feats[split:], aisles[split:], depts[split:])
    train_loader = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg["batch_size"])

    model = ShelfTagger(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    model, optimizer, train_loader, val_loader = accelerator.prepare(
        model, optimizer, train_loader, val_loader)

    for epoch in range(cfg["epochs"]):
        total = 0.0
        for x, aisle, dept in train_loader:
            aisle_logits, dept_logits = model(x)
            loss = F.cross_entropy(aisle_logits, aisle) \
                + cfg["dept_loss_weight"] * F.cross_entropy(dept_logits, dept)
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            total += loss.item()
        precision, recall = evaluate(model, val_loader, accelerator, cfg)
        accelerator.print(f"epoch {epoch}: loss {total / len(train_loader):.3f}  "
                          f"dept macro-P {precision.mean():.3f}  macro-R {recall.mean():.3f}")


if __name__ == "__main__":
    main(CONFIG)
