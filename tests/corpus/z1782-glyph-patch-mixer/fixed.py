# Assignment 3 part B: "patch" classifier for 8x8 glyphs (mini ViT idea from lecture 9)
# Each image is cut into 2x2 = 4 patches of 4x4 pixels, every patch becomes a token.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

IMG = 8
PATCH = 4
N_PATCHES = (IMG // PATCH) ** 2       # 4
PATCH_DIM = PATCH * PATCH             # 16 (grayscale)
EMB = 24
SHAPES = ["hbar", "vbar", "cross", "box"]


def draw(shape):
    g = torch.zeros(IMG, IMG)
    if shape == "hbar":
        r = torch.randint(1, IMG - 1, (1,)).item()
        g[r, 1:-1] = 1.0
    elif shape == "vbar":
        c = torch.randint(1, IMG - 1, (1,)).item()
        g[1:-1, c] = 1.0
    elif shape == "cross":
        g[IMG // 2, :] = 1.0
        g[:, IMG // 2] = 1.0
    elif shape == "box":
        g[1, 1:-1] = 1.0
        g[-2, 1:-1] = 1.0
        g[1:-1, 1] = 1.0
        g[1:-1, -2] = 1.0
    g = g + 0.15 * torch.rand(IMG, IMG)
    return g


# build a small dataset: 20 images per shape
images = []
targets = []
for label, name in enumerate(SHAPES):
    for _ in range(20):
        images.append(draw(name))
        targets.append(label)
images = torch.stack(images).unsqueeze(1)   # (N, 1, 8, 8)
targets = torch.tensor(targets)
print("dataset:", images.shape, targets.shape)

# quick look at one example of each class
for k in range(len(SHAPES)):
    grid = images[k * 20, 0]
    print(SHAPES[k])
    for row in grid:
        print("".join("#" if v > 0.5 else "." for v in row.tolist()))


def to_patches(x):
    # (B, C, H, W) -> (B, num_patches, C*PATCH*PATCH)
    B, C, H, W = x.shape
    x = x.reshape(B, C, H // PATCH, PATCH, W // PATCH, PATCH)
    x = x.permute(0, 2, 4, 1, 3, 5)
    return x.reshape(B, (H // PATCH) * (W // PATCH), C * PATCH * PATCH)


class PatchMixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(PATCH_DIM, EMB)
        self.pos = nn.Parameter(torch.zeros(1, N_PATCHES, EMB))
        self.mix = nn.Sequential(
            nn.LayerNorm(EMB),
            nn.Linear(EMB, EMB * 2),
            nn.GELU(),
            nn.Linear(EMB * 2, EMB),
        )
        self.head = nn.Linear(EMB, len(SHAPES))

    def forward(self, x):
        tokens = self.embed(to_patches(x)) + self.pos
        tokens = tokens + self.mix(tokens)
        return self.head(tokens.mean(dim=1))


net = PatchMixer()
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)

perm = torch.randperm(len(images))
train_idx, test_idx = perm[:64], perm[64:]
X_train, y_train = images[train_idx], targets[train_idx]
X_test, y_test = images[test_idx], targets[test_idx]

BS = 16
for epoch in range(15):
    net.train()
    order = torch.randperm(len(X_train))
    running = 0.0
    for i in range(0, len(order), BS):
        sel = order[i:i + BS]
        out = net(X_train[sel])
        loss = F.cross_entropy(out, y_train[sel])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: train loss {running / (len(order) // BS):.3f}")

net.eval()
with torch.no_grad():
    test_pred = net(X_test).argmax(dim=1)
acc = (test_pred == y_test).float().mean().item()
print(f"test accuracy: {acc:.2%}")
for name_idx, name in enumerate(SHAPES):
    hits = ((test_pred == name_idx) & (y_test == name_idx)).sum().item()
    total = (y_test == name_idx).sum().item()
    print(f"  {name}: {hits}/{total}")
