import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler

FEAT_DIM = 24
CONTEXT_LEFT = 5
CONTEXT_RIGHT = 5
VAD_THRESHOLD = 0.5
SPEAKERS = ["spk_a", "spk_b", "spk_c", "spk_d", "spk_e", "spk_f"]


def simulate_session(rng, profiles, n_utts):
    utts = []
    for _ in range(n_utts):
        spk = int(rng.integers(len(SPEAKERS)))
        lead, speech, trail = int(rng.integers(5, 25)), int(rng.integers(60, 120)), int(rng.integers(5, 25))
        feats = 0.4 * rng.standard_normal((lead + speech + trail, FEAT_DIM))
        feats[lead:lead + speech] += profiles[spk]
        energy = np.full(lead + speech + trail, -2.0)
        energy[lead:lead + speech] = rng.uniform(1.0, 3.0, size=speech)
        utts.append((feats.astype(np.float32), energy.astype(np.float32), spk))
    return utts


def energy_vad(feats, energy, threshold=VAD_THRESHOLD):
    keep = energy > threshold
    return feats[keep]


class SplicedFrameDataset(Dataset):
    def __init__(self, feats_list, speakers):
        self.feats = torch.from_numpy(np.concatenate(feats_list, axis=0))
        self.labels = torch.cat([torch.full((f.shape[0],), s, dtype=torch.long)
                                 for f, s in zip(feats_list, speakers)])
        mu, sigma = self.feats.mean(0), self.feats.std(0)
        self.feats = (self.feats - mu) / (sigma + 1e-5)
        self.offsets = torch.arange(-CONTEXT_LEFT, CONTEXT_RIGHT + 1)

    def __len__(self):
        return self.feats.shape[0]

    def __getitem__(self, center):
        window = (center + self.offsets).clamp(0, self.feats.shape[0] - 1)
        return self.feats[window].reshape(-1), self.labels[center]


class ShuffledFrameSampler(Sampler[int]):
    def __init__(self, num_frames, stride=1, seed=0):
        self.num_frames = num_frames
        self.stride = stride
        self.generator = torch.Generator().manual_seed(seed)

    def __iter__(self):
        phase = int(torch.randint(self.stride, (1,), generator=self.generator))
        centers = torch.arange(phase, self.num_frames, self.stride)
        perm = torch.randperm(centers.numel(), generator=self.generator)
        return iter(centers[perm].tolist())

    def __len__(self):
        return len(range(0, self.num_frames, self.stride))


class FrameSpeakerClassifier(nn.Module):
    def __init__(self, n_speakers, hidden=128, lr=0.02):
        super().__init__()
        in_dim = FEAT_DIM * (CONTEXT_LEFT + CONTEXT_RIGHT + 1)
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(0.1),
                                 nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_speakers))
        self.lr = lr

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        return {"loss": loss, "log": {"train_loss": loss.item()}}

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        return {"val_loss": F.cross_entropy(logits, y, reduction="sum").item(),
                "hits": (logits.argmax(1) == y).sum().item(), "n": y.numel()}

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9)


def train_epoch(model, loader, optimizer):
    model.train()
    for batch_idx, batch in enumerate(loader):
        out = model.training_step(batch, batch_idx)
        optimizer.zero_grad()
        out["loss"].backward()
        optimizer.step()
        yield out["log"]["train_loss"]


def evaluate(model, loader):
    model.eval()
    with torch.no_grad():
        outs = [model.validation_step(b, i) for i, b in enumerate(loader)]
    n = sum(o["n"] for o in outs)
    return sum(o["val_loss"] for o in outs) / n, sum(o["hits"] for o in outs) / n


def prepare(utts):
    voiced = [energy_vad(f, e) for f, e, _ in utts]
    return SplicedFrameDataset(voiced, [s for _, _, s in utts])


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(7)
    profiles = rng.normal(0.0, 1.0, size=(len(SPEAKERS), FEAT_DIM))
    train_utts = simulate_session(rng, profiles, 30)
    dev_utts = simulate_session(rng, profiles, 8)
    total_frames = sum(f.shape[0] for f, _, _ in train_utts)
    print(f"loaded {len(train_utts)} train utterances, {total_frames} frames")

    train_ds = prepare(train_utts)
    dev_ds = prepare(dev_utts)
    sampler = ShuffledFrameSampler(len(train_ds), stride=2, seed=0)
    train_loader = DataLoader(train_ds, batch_size=64, sampler=sampler)
    dev_loader = DataLoader(dev_ds, batch_size=256)

    model = FrameSpeakerClassifier(len(SPEAKERS))
    optimizer = model.configure_optimizers()
    for epoch in range(3):
        losses = list(train_epoch(model, train_loader, optimizer))
        dev_loss, dev_acc = evaluate(model, dev_loader)
        print(f"epoch {epoch}: train {np.mean(losses):.3f} dev_loss {dev_loss:.3f} dev_acc {dev_acc:.3f}")


if __name__ == "__main__":
    main()
