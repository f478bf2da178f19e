import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 3,
    "vol_shape": (32, 48, 48),
    "patch": (16, 24, 24),
    "n_train": 5,
    "fg_prob": 0.66,
    "batch_size": 2,
    "iters": 6,
    "lr": 2e-3,
    "n_classes": 3,
}


def synth_kidney_case(shape, rs):
    img = rs.normal(0, 0.3, size=shape).astype(np.float32)
    lab = np.zeros(shape, dtype=np.int64)
    z, y, x = np.indices(shape)
    cz, cy, cx = shape[0] // 2, shape[1] // 2, rs.randint(14, shape[2] - 14)
    kidney = ((z - cz) / 10.0) ** 2 + ((y - cy) / 9.0) ** 2 + ((x - cx) / 6.0) ** 2 <= 1
    lab[kidney] = 1
    img[kidney] += 1.0
    tz, ty = cz + rs.randint(-4, 5), cy + rs.randint(-4, 5)
    tumour = ((z - tz) / 3.0) ** 2 + ((y - ty) / 3.0) ** 2 + ((x - cx) / 3.0) ** 2 <= 1
    lab[tumour & kidney] = 2
    img[tumour & kidney] += 0.8
    return {"image": img[None], "label": lab, "case_id": f"case_{rs.randint(10000):05d}"}


def clip_start(c, p, s):
    return int(min(max(c - p // 2, 0), s - p))


def extract(case, center, patch):
    starts = [clip_start(c, p, s) for c, p, s in zip(center, patch, case["label"].shape)]
    sl = tuple(slice(a, a + p) for a, p in zip(starts, patch))
    return case["image"][(slice(None),) + sl], case["label"][sl]


def make_sampler(cases, patch, fg_prob, rs):
    fg_index = {c["case_id"]: np.argwhere(c["label"] > 0) for c in cases}

    def random_center(shape):
        return tuple(rs.randint(p // 2, s - p // 2 + 1) for p, s in zip(patch, shape))

    def sample_one():
        case = cases[rs.randint(len(cases))]
        if rs.rand() < fg_prob and len(fg_index[case["case_id"]]):
            center = tuple(rs.choice(fg_index[case["case_id"]]))
        else:
            center = random_center(case["label"].shape)
        return extract(case, center, patch)

    def sample_batch(bs):
        pairs = [sample_one() for _ in range(bs)]
        x = np.stack([p[0] for p in pairs])
        y = np.stack([p[1] for p in pairs])
        return {"image": torch.from_numpy(x), "label": torch.from_numpy(y)}

    return sample_batch


def double_conv(i, o):
    return nn.Sequential(nn.Conv3d(i, o, 3, padding=1), nn.GroupNorm(4, o), nn.ReLU(inplace=True),
                         nn.Conv3d(o, o, 3, padding=1), nn.GroupNorm(4, o), nn.ReLU(inplace=True))


class SmallUNet(nn.Module):
    def __init__(self, cin=1, ncls=3, w=8):
        super().__init__()
        self.d1, self.d2 = double_conv(cin, w), double_conv(w, 2 * w)
        self.up = nn.ConvTranspose3d(2 * w, w, 2, stride=2)
        self.u1 = double_conv(2 * w, w)
        self.out = nn.Conv3d(w, ncls, 1)

    def forward(self, x):
        a = self.d1(x)
        b = self.d2(F.max_pool3d(a, 2))
        return self.out(self.u1(torch.cat([self.up(b), a], dim=1)))


def dice_per_class(logits, y, ncls):
    p = torch.softmax(logits, 1)
    t = F.one_hot(y, ncls).movedim(-1, 1).float()
    num = 2 * (p * t).sum((0, 2, 3, 4))
    den = p.sum((0, 2, 3, 4)) + t.sum((0, 2, 3, 4))
    return (num + 1e-5) / (den + 1e-5)


def dice_ce(logits, y, ncls):
    return F.cross_entropy(logits, y) + 1 - dice_per_class(logits, y, ncls)[1:].mean()


def main(cfg):
    rs = np.random.RandomState(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    cases = [synth_kidney_case(cfg["vol_shape"], rs) for _ in range(cfg["n_train"])]
    for c in cases:
        print(c["case_id"], "voxels per class", np.bincount(c["label"].ravel(), minlength=cfg["n_classes"]))
    next_batch = make_sampler(cases, cfg["patch"], cfg["fg_prob"], rs)
    net = SmallUNet(ncls=cfg["n_classes"])
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    for it in range(cfg["iters"]):
        batch = next_batch(cfg["batch_size"])
        logits = net(batch["image"])
        loss = dice_ce(logits, batch["label"], cfg["n_classes"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            d = dice_per_class(logits, batch["label"], cfg["n_classes"])
        print(f"iter {it} loss {loss.item():.4f} kidney {d[1]:.3f} tumour {d[2]:.3f}")


if __name__ == "__main__":
    main(CFG)
