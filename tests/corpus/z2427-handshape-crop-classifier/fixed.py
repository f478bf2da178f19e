import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "handshape_data")
HANDSHAPES = ["A", "B", "C", "O", "S", "1", "5", "V", "Y", "flat-O"]
IMG = 96
CROP = 32

CFG = {
    "n_frames": 120,
    "batch_size": 16,
    "epochs": 2,
    "lr": 1e-3,
    "detector_conf_thresh": 0.5,
    "seed": 3,
}


def write_fake_dataset(root, n_frames, seed):
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(root, "frames"), exist_ok=True)
    detections, labels = {}, {}
    for i in range(n_frames):
        fid = f"signer02_clip{i // 10:03d}_f{i % 10:02d}"
        img = rng.normal(0.2, 0.05, size=(IMG, IMG)).astype(np.float32)
        shape_id = int(rng.integers(len(HANDSHAPES)))
        boxes = {}
        for hand, x0 in (("right", 10), ("left", 54)):
            y0 = int(rng.integers(10, IMG - CROP - 10))
            patch = np.zeros((CROP, CROP), np.float32)
            patch[:, : 3 * (shape_id + 1)] = 1.0 if hand == "right" else 0.6
            img[y0:y0 + CROP, x0:x0 + CROP] += patch
            boxes[hand] = {"bbox": [x0, y0, x0 + CROP, y0 + CROP],
                           "score": float(rng.uniform(0.3, 1.0))}
        np.save(os.path.join(root, "frames", fid + ".npy"), img)
        detections[fid] = boxes
        labels[fid] = HANDSHAPES[shape_id]
    with open(os.path.join(root, "detections.json"), "w") as f:
        json.dump(detections, f)
    with open(os.path.join(root, "labels.json"), "w") as f:
        json.dump(labels, f)


def crop_hand(img, det, conf_thresh):
    if det is None or det["score"] < conf_thresh:
        return None
    x0, y0, x1, y1 = det["bbox"]
    crop = torch.from_numpy(img[y0:y1, x0:x1]).unsqueeze(0)
    return F.interpolate(crop.unsqueeze(0), size=(CROP, CROP), mode="bilinear",
                         align_corners=False).squeeze(0)


class TwoHandCropDataset(Dataset):
    def __init__(self, root, frame_ids, conf_thresh):
        with open(os.path.join(root, "detections.json")) as f:
            self.dets = json.load(f)
        with open(os.path.join(root, "labels.json")) as f:
            self.labels = json.load(f)
        self.root = root
        self.conf_thresh = conf_thresh
        self.frame_ids = [fid for fid in frame_ids
                          if self.dets[fid]["right"]["score"] >= conf_thresh]

    def __len__(self):
        return len(self.frame_ids)

    def __getitem__(self, i):
        fid = self.frame_ids[i]
        img = np.load(os.path.join(self.root, "frames", fid + ".npy"))
        dets = self.dets[fid]
        non_dominant = crop_hand(img, dets.get("left"), self.conf_thresh)
        if non_dominant is None:
            non_dominant = torch.zeros(1, CROP, CROP)
        return {
            "frame_id": fid,
            "dominant": crop_hand(img, dets.get("right"), self.conf_thresh),
            "non_dominant": non_dominant,
            "label": HANDSHAPES.index(self.labels[fid]),
        }


def two_hand_collate(samples):
    return {
        "frame_id": [s["frame_id"] for s in samples],
        "dominant": torch.stack([s["dominant"] for s in samples]),
        "non_dominant": torch.stack([s["non_dominant"] for s in samples]),
        "label": torch.tensor([s["label"] for s in samples]),
    }


class HandshapeNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.classifier = nn.Linear(32 * 2, n_classes)

    def forward(self, dominant, non_dominant):
        feats = torch.cat([self.backbone(dominant), self.backbone(non_dominant)], dim=1)
        return self.classifier(feats)


def main():
    torch.manual_seed(CFG["seed"])
    write_fake_dataset(DATA_DIR, CFG["n_frames"], CFG["seed"])
    with open(os.path.join(DATA_DIR, "labels.json")) as f:
        all_ids = sorted(json.load(f))
    split = int(0.8 * len(all_ids))
    train_ds = TwoHandCropDataset(DATA_DIR, all_ids[:split], CFG["detector_conf_thresh"])
    val_ds = TwoHandCropDataset(DATA_DIR, all_ids[split:], CFG["detector_conf_thresh"])
    print(f"train frames: {len(train_ds)}  val frames: {len(val_ds)}")

    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True,
                          collate_fn=two_hand_collate)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=two_hand_collate)

    model = HandshapeNet(len(HANDSHAPES))
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    for epoch in range(CFG["epochs"]):
        model.train()
        for batch in train_dl:
            logits = model(batch["dominant"], batch["non_dominant"])
            loss = F.cross_entropy(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["dominant"], batch["non_dominant"]).argmax(1)
                correct += (pred == batch["label"]).sum().item()
                total += len(pred)
        print(f"epoch {epoch}: loss {loss.item():.3f} val acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
