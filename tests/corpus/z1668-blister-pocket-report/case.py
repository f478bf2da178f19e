"""Blister-card pocket inspection: crop each pill pocket from the line-scan frame,
classify it (ok / empty / broken) with a small CNN, and print a per-card verdict."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

CARD_H, CARD_W = 96, 160
ROWS, COLS = 2, 5
TOP, LEFT = 26, 20
ROW_PITCH, COL_PITCH = 44, 30
CROP = 24
POCKET_CLASSES = ["ok", "empty", "broken"]


def pocket_centers(shift_yx):
    grid = [[TOP + r * ROW_PITCH, LEFT + c * COL_PITCH] for r in range(ROWS) for c in range(COLS)]
    return torch.tensor(grid) + shift_yx


def render_card(centers, states):
    img = 0.15 + 0.05 * torch.rand(1, CARD_H, CARD_W)
    yy, xx = torch.meshgrid(torch.arange(CARD_H), torch.arange(CARD_W), indexing="ij")
    for (cy, cx), state in zip(centers.tolist(), states.tolist()):
        dist = ((yy - cy) ** 2 + (xx - cx) ** 2).float().sqrt()
        if state == 0:
            img[0][dist < 9] = 0.85
        elif state == 2:
            img[0][(dist < 9) & (xx < cx + 2)] = 0.8
        img[0][(dist > 10) & (dist < 11.5)] = 0.5
    return img.clamp(0, 1)


def make_card(max_shift):
    shift = torch.randint(-max_shift, max_shift + 1, (2,))
    centers = pocket_centers(shift)
    states = torch.multinomial(torch.tensor([0.7, 0.15, 0.15]), ROWS * COLS, replacement=True)
    return render_card(centers, states), centers, states


def cut_pockets(img, centers):
    half = CROP // 2
    inside = ((centers[:, 0] - half >= 0) & (centers[:, 0] + half <= CARD_H)
              & (centers[:, 1] - half >= 0) & (centers[:, 1] + half <= CARD_W))
    crops = [img[:, y - half:y + half, x - half:x + half] for y, x in centers[inside].tolist()]
    return torch.stack(crops), inside


class PocketNet(nn.Module):
    def __init__(self, n_cls):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.GroupNorm(4, 16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.GroupNorm(4, 32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(32, n_cls)

    def forward(self, x):
        return self.fc(self.body(x).flatten(1))


def build_pocket_set(n_cards, max_shift):
    xs, ys = [], []
    for _ in range(n_cards):
        img, centers, states = make_card(max_shift)
        crops, inside = cut_pockets(img, centers)
        xs.append(crops)
        ys.append(states[inside])
    return torch.cat(xs), torch.cat(ys)


def inspect_card(model, img, centers, states):
    crops, inside = cut_pockets(img, centers)
    with torch.no_grad():
        probs = model(crops).softmax(dim=-1)
    flagged, hits = [], 0
    for k in range(centers.shape[0]):
        pred = int(probs[k].argmax())
        if pred != 0:
            flagged.append((k, POCKET_CLASSES[pred], round(float(probs[k, pred]), 2)))
        hits += int(pred == int(states[inside][k]))
    return flagged, hits, int(inside.sum())


def main():
    train_x, train_y = build_pocket_set(11, max_shift=4)
    print(f"train pockets: {tuple(train_x.shape)}")

    model = PocketNet(len(POCKET_CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    for epoch in range(2):
        model.train()
        perm = torch.randperm(train_x.shape[0])
        running = 0.0
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            batch = train_x[idx]
            if torch.rand(1).item() < 0.5:
                batch = batch.flip(-1)
            loss = F.cross_entropy(model(batch), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch}  loss {running / len(perm):.4f}")

    # validation on cards from the second conveyor, which drifts more
    model.eval()
    total_hits, total_seen = 0, 0
    for card_no in range(8):
        img, centers, states = make_card(max_shift=14)
        flagged, hits, seen = inspect_card(model, img, centers, states)
        total_hits += hits
        total_seen += seen
        verdict = "REJECT" if flagged else "pass"
        print(f"card {card_no}: {verdict}  {flagged}")
    print(f"pocket accuracy {total_hits / total_seen:.3f} over {total_seen} pockets")


if __name__ == "__main__":
    main()
