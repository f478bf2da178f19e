"""Bottle-cap top-view inspection: ok / dent / missing_liner / print_smear.

Frames come from the capper camera as uint8 RGB arrays. Augmentation is done
in numpy before the batch is handed to torch.
"""
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(11)
torch.manual_seed(11)

CAP_CLASSES = ["ok", "dent", "missing_liner", "print_smear"]
FRAME = 64
CROP = 56
RGB_MEAN = np.array([0.48, 0.45, 0.41], dtype=np.float32)
RGB_STD = np.array([0.23, 0.22, 0.22], dtype=np.float32)


def render_cap(label):
    yy, xx = np.mgrid[:FRAME, :FRAME]
    r = np.hypot(yy - FRAME / 2, xx - FRAME / 2)
    img = np.zeros((FRAME, FRAME, 3), dtype=np.float32)
    img[r < 26] = (200, 30, 30)
    img[r < 18] = (230, 220, 210)
    if label == 1:
        img[(r > 20) & (r < 26) & (xx < 24)] *= 0.5
    elif label == 2:
        img[r < 18] = (90, 90, 90)
    elif label == 3:
        img[28:36, 20:44] = (40, 40, 160)
    img += rng.normal(0, 8, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def augment(frame, train):
    if train:
        top, left = rng.integers(0, FRAME - CROP + 1, size=2)
        if rng.random() < 0.5:
            frame = frame[:, ::-1]
        k = rng.integers(0, 4)
        frame = np.rot90(frame, k)
    else:
        top = left = (FRAME - CROP) // 2
    return frame[top:top + CROP, left:left + CROP]


def frames_to_tensor(frames):
    arr = np.stack(frames).astype(np.float32) / 255.0
    arr = (arr - RGB_MEAN) / RGB_STD
    return torch.from_numpy(np.ascontiguousarray(arr))


class CapNet(nn.Module):
    def __init__(self, n_classes=len(CAP_CLASSES)):
        super().__init__()
        def block(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(),
                                 nn.MaxPool2d(2))
        self.features = nn.Sequential(block(3, 16), block(16, 32), block(32, 64))
        self.classifier = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                        nn.Dropout(0.25), nn.Linear(64, n_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def build_split(n):
    labels = rng.integers(0, len(CAP_CLASSES), size=n)
    return [render_cap(int(c)) for c in labels], torch.as_tensor(labels, dtype=torch.long)


def evaluate(model, frames, labels):
    model.eval()
    confusion = torch.zeros(len(CAP_CLASSES), len(CAP_CLASSES), dtype=torch.long)
    with torch.no_grad():
        for s in range(0, len(frames), 32):
            x = frames_to_tensor([augment(f, train=False) for f in frames[s:s + 32]])
            pred = model(x).argmax(1)
            for t, p in zip(labels[s:s + 32].tolist(), pred.tolist()):
                confusion[t, p] += 1
    return confusion


def main():
    train_frames, train_labels = build_split(32)
    val_frames, val_labels = build_split(16)
    model = CapNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1):
        model.train()
        order = rng.permutation(len(train_frames))
        epoch_loss = 0.0
        for s in range(0, len(order), 16):
            idx = order[s:s + 16]
            x = frames_to_tensor([augment(train_frames[i], train=True) for i in idx])
            y = train_labels[idx]
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        conf = evaluate(model, val_frames, val_labels)
        acc = conf.diag().sum().item() / conf.sum().item()
        print(f"epoch {epoch}: loss {epoch_loss / len(order):.4f} val acc {acc:.3f}")
    print(conf)


if __name__ == "__main__":
    main()
