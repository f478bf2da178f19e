# Homework 3: classify tiny 5x5 pixel glyphs (plus, cross, box, bar) with a small CNN.
# Glyphs are drawn by hand below and noisy copies are generated for train/test.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(42)

GLYPHS = {
    "plus": [
        "..#..",
        "..#..",
        "#####",
        "..#..",
        "..#..",
    ],
    "cross": [
        "#...#",
        ".#.#.",
        "..#..",
        ".#.#.",
        "#...#",
    ],
    "box": [
        "#####",
        "#...#",
        "#...#",
        "#...#",
        "#####",
    ],
    "bar": [
        ".....",
        ".....",
        "#####",
        "#####",
        ".....",
    ],
}
names = list(GLYPHS.keys())


def glyph_to_tensor(rows):
    return torch.tensor([[1.0 if c == "#" else 0.0 for c in r] for r in rows])


templates = torch.stack([glyph_to_tensor(GLYPHS[n]) for n in names])  # (4, 5, 5)


def make_split(per_class, noise):
    imgs, labels = [], []
    for cls in range(len(names)):
        base = templates[cls].unsqueeze(0).repeat(per_class, 1, 1)
        flips = (torch.rand_like(base) < noise).float()
        noisy = (base - flips).abs()
        imgs.append(noisy)
        labels.append(torch.full((per_class,), cls))
    return torch.cat(imgs).unsqueeze(1), torch.cat(labels)


train_imgs, train_labels = make_split(per_class=8, noise=0.1)
test_imgs, test_labels = make_split(per_class=13, noise=0.15)
print("train:", tuple(train_imgs.shape), "test:", tuple(test_imgs.shape))

BATCH = 16
loader_kwargs = dict(batch_size=BATCH, drop_last=True)
train_loader = DataLoader(TensorDataset(train_imgs, train_labels), shuffle=True, **loader_kwargs)
test_loader = DataLoader(TensorDataset(test_imgs, test_labels), shuffle=False, **loader_kwargs)


class GlyphNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3)
        self.fc = nn.Linear(16 * 3 * 3, len(names))

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(x.flatten(1))


net = GlyphNet()
optim = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)

for epoch in range(1):
    net.train()
    epoch_loss = 0.0
    for imgs, labels in train_loader:
        optim.zero_grad()
        loss = F.cross_entropy(net(imgs), labels)
        loss.backward()
        optim.step()
        epoch_loss += loss.item()
    print(f"epoch {epoch} loss {epoch_loss / len(train_loader):.4f}")

# collect predictions on the test set
net.eval()
all_preds = []
with torch.no_grad():
    for imgs, _ in test_loader:
        all_preds.append(net(imgs).argmax(dim=1))
all_preds = torch.cat(all_preds)

# per-class accuracy table
hits = {n: 0 for n in names}
seen = {n: 0 for n in names}
wrong_examples = []
for i in range(len(test_labels)):
    true_name = names[test_labels[i]]
    seen[true_name] += 1
    if all_preds[i] == test_labels[i]:
        hits[true_name] += 1
    else:
        wrong_examples.append((i, true_name, names[all_preds[i]]))

print("\nclass    acc")
for n in names:
    print(f"{n:8s} {hits[n] / seen[n]:.2f}")
print("overall", sum(hits.values()) / len(test_labels))

for idx, t, p in wrong_examples[:3]:
    print(f"sample {idx}: true={t} predicted={p}")
    for row in test_imgs[idx, 0]:
        print("".join("#" if v > 0.5 else "." for v in row))
