import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
rng = np.random.default_rng(0)

PLAN_SIZE = 48
ROOM_CLASSES = ["exterior", "wall", "door", "living", "bedroom", "wet_room"]
N_CLASSES = len(ROOM_CLASSES)
EMBED = 32
STEPS = 20
BATCH = 6


def draw_plan(rng, size=PLAN_SIZE):
    raster = np.zeros((size, size), dtype=np.float32)
    labels = np.zeros((size, size), dtype=np.int64)
    x0, y0 = rng.integers(4, 10, size=2)
    x1, y1 = size - rng.integers(4, 10, size=2)
    labels[y0:y1, x0:x1] = 3
    split_x = int(rng.integers(x0 + 12, x1 - 12))
    split_y = int(rng.integers(y0 + 12, y1 - 12))
    labels[y0:split_y, split_x:x1] = 4
    labels[split_y:y1, split_x:x1] = 5
    for (a, b, c, d) in [(y0, y0 + 1, x0, x1), (y1 - 1, y1, x0, x1), (y0, y1, x0, x0 + 1), (y0, y1, x1 - 1, x1),
                         (y0, y1, split_x, split_x + 1), (split_y, split_y + 1, split_x, x1)]:
        labels[a:b, c:d] = 1
    for _ in range(2):
        dy = int(rng.integers(y0 + 3, y1 - 6))
        labels[dy:dy + 4, split_x:split_x + 1] = 2
    dx = int(rng.integers(split_x + 3, x1 - 6))
    labels[split_y:split_y + 1, dx:dx + 4] = 2
    raster[labels == 1] = 1.0
    raster[labels == 2] = 0.5
    raster[labels == 5] += 0.15 * rng.random(int((labels == 5).sum()))
    raster += 0.05 * rng.standard_normal(raster.shape).astype(np.float32)
    return raster, labels


def sample_batch(n):
    plans, labs = zip(*(draw_plan(rng) for _ in range(n)))
    x = torch.from_numpy(np.stack(plans))[:, None]
    y = torch.from_numpy(np.stack(labs))
    return x, y


encoder = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 32, 3, padding=2, dilation=2), nn.ReLU(),
    nn.Conv2d(32, EMBED, 3, padding=4, dilation=4), nn.ReLU(),
    nn.Conv2d(EMBED, EMBED, 1),
)
class_tokens = nn.Embedding(N_CLASSES, EMBED)
proto_mlp = nn.Sequential(nn.Linear(EMBED, EMBED), nn.GELU(), nn.LayerNorm(EMBED))
logit_scale = nn.Parameter(torch.tensor(10.0).log())

params = list(encoder.parameters()) + list(class_tokens.parameters()) + list(proto_mlp.parameters()) + [logit_scale]
optimizer = torch.optim.Adam(params, lr=2e-3)

class_freq = torch.zeros(N_CLASSES)
for _ in range(4):
    _, y = sample_batch(BATCH)
    class_freq += torch.bincount(y.flatten(), minlength=N_CLASSES).float()
class_weight = (class_freq.sum() / (N_CLASSES * class_freq.clamp(min=1))).sqrt()

prototypes = F.normalize(proto_mlp(class_tokens.weight), dim=-1)

for step in range(STEPS):
    plans, room_labels = sample_batch(BATCH)
    feats = F.normalize(encoder(plans), dim=1)
    logits = logit_scale.exp() * torch.einsum("bchw,kc->bkhw", feats, prototypes)
    loss = F.cross_entropy(logits, room_labels, weight=class_weight)

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    if step % 5 == 0:
        with torch.no_grad():
            pred = logits.argmax(1)
            iou = []
            for k in range(1, N_CLASSES):
                inter = ((pred == k) & (room_labels == k)).sum().item()
                union = ((pred == k) | (room_labels == k)).sum().item()
                if union:
                    iou.append(inter / union)
        print(f"step {step:3d} loss {loss.item():.4f} mIoU(no ext) {np.mean(iou):.3f}")
