import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

CLASS_NAMES = ["cat", "dog", "bird", "horse"]
NUM_FEATURES = 20


def make_split(n, generator):
    centers = torch.randn(len(CLASS_NAMES), NUM_FEATURES, generator=generator) * 2
    labels = torch.randint(0, len(CLASS_NAMES), (n,), generator=generator)
    features = centers[labels] + torch.randn(n, NUM_FEATURES, generator=generator)
    return features, labels


@torch.no_grad()
def collect_probs(model, loader):
    model.eval()
    all_probs, all_labels = [], []
    for features, labels in loader:
        all_probs.append(model(features).softmax(dim=-1))
        all_labels.append(labels)
    return torch.cat(all_probs), torch.cat(all_labels)


def per_class_report(probs, labels):
    num_classes = len(CLASS_NAMES)
    predicted = torch.zeros(num_classes, dtype=torch.long)
    true_positive = torch.zeros(num_classes, dtype=torch.long)
    support = torch.bincount(labels, minlength=num_classes)
    top1 = torch.topk(probs, 1, dim=0).indices.squeeze(0)
    for gold, pred in zip(labels, top1):
        predicted[pred] += 1
        if pred == gold:
            true_positive[pred] += 1
    for idx, name in enumerate(CLASS_NAMES):
        precision = true_positive[idx].item() / max(predicted[idx].item(), 1)
        recall = true_positive[idx].item() / max(support[idx].item(), 1)
        print(f"{name:>6}: precision={precision:.2f} recall={recall:.2f} n={support[idx].item()}")


def main():
    generator = torch.Generator().manual_seed(11)
    features, labels = make_split(96, generator)
    loader = DataLoader(TensorDataset(features, labels), batch_size=32, shuffle=False)
    model = nn.Sequential(nn.Linear(NUM_FEATURES, 32), nn.ReLU(), nn.Linear(32, len(CLASS_NAMES)))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(5):
        model.train()
        for batch_x, batch_y in loader:
            optimizer.zero_grad()
            loss_fn(model(batch_x), batch_y).backward()
            optimizer.step()

    probs, gold = collect_probs(model, loader)
    per_class_report(probs, gold)


if __name__ == "__main__":
    main()
