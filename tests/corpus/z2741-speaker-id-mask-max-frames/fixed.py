import random
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset, Sampler
from transformers import BertConfig, BertModel

N_MELS = 40
MAX_FRAMES = 160
N_SPEAKERS = 12


def make_corpus(n_utts_per_spk, seed):
    rng = np.random.default_rng(seed)
    envelopes = rng.normal(0.0, 1.0, size=(N_SPEAKERS, N_MELS)).cumsum(axis=1) / 4.0
    records = []
    for spk in range(N_SPEAKERS):
        for u in range(n_utts_per_spk):
            n_frames = int(rng.integers(70, 150))
            energy = np.abs(np.sin(np.linspace(0, rng.uniform(3, 9), n_frames)))[:, None]
            frames = envelopes[spk][None, :] + energy + 0.3 * rng.standard_normal((n_frames, N_MELS))
            records.append({"utt_id": f"spk{spk:02d}-utt{u:03d}", "speaker": spk,
                            "frames": frames.astype(np.float32)})
    return records


class FrameDataset(Dataset):
    def __init__(self, records):
        self.records = records
        self.speaker_to_indices = defaultdict(list)
        for i, r in enumerate(records):
            self.speaker_to_indices[r["speaker"]].append(i)

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        r = self.records[i]
        feats = torch.from_numpy(r["frames"])
        feats = (feats - feats.mean(0, keepdim=True)) / (feats.std(0, keepdim=True) + 1e-5)
        return {"frames": feats, "speaker": r["speaker"]}


class SpeakerBalancedSampler(Sampler[int]):
    def __init__(self, speaker_to_indices, speakers_per_batch, utts_per_speaker, n_batches, seed=0):
        self.speaker_to_indices = dict(speaker_to_indices)
        self.p = speakers_per_batch
        self.k = utts_per_speaker
        self.n_batches = n_batches
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __iter__(self):
        rng = random.Random(self.seed + self.epoch)
        speakers = sorted(self.speaker_to_indices)
        for _ in range(self.n_batches):
            for spk in rng.sample(speakers, self.p):
                yield from rng.sample(self.speaker_to_indices[spk], self.k)

    def __len__(self):
        return self.n_batches * self.p * self.k


def frames_to_mask(lengths, max_len):
    return (torch.arange(max_len)[None, :] < lengths[:, None]).long()


class SpeakerCollator:
    def __init__(self, max_frames):
        self.max_frames = max_frames

    def __call__(self, batch):
        clipped = [b["frames"][: self.max_frames] for b in batch]
        lengths = torch.tensor([c.shape[0] for c in clipped])
        padded = pad_sequence(clipped, batch_first=True)
        mask = frames_to_mask(lengths, padded.shape[1])
        return {"frames": padded, "attention_mask": mask,
                "speaker": torch.tensor([b["speaker"] for b in batch])}


class SpeakerIDModule(nn.Module):
    def __init__(self, n_speakers, hidden=32, lr=5e-4):
        super().__init__()
        self.lr = lr
        config = BertConfig(vocab_size=8, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                            intermediate_size=64, max_position_embeddings=256)
        self.frontend = nn.Linear(N_MELS, hidden)
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.classifier = nn.Linear(hidden, n_speakers)

    def forward(self, frames, attention_mask):
        out = self.encoder(inputs_embeds=self.frontend(frames), attention_mask=attention_mask)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (out.last_hidden_state * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.classifier(pooled)

    def training_step(self, batch, batch_idx):
        logits = self(batch["frames"], batch["attention_mask"])
        return F.cross_entropy(logits, batch["speaker"])

    def validation_step(self, batch, batch_idx):
        logits = self(batch["frames"], batch["attention_mask"])
        return (logits.argmax(-1) == batch["speaker"]).float().mean().item()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


@dataclass
class MiniTrainer:
    max_epochs: int = 2
    log_every: int = 5
    history: list = field(default_factory=list)

    def fit(self, module, train_loader, val_loader):
        optimizer = module.configure_optimizers()
        for epoch in range(self.max_epochs):
            train_loader.sampler.set_epoch(epoch)
            module.train()
            for step, batch in enumerate(train_loader):
                loss = module.training_step(batch, step)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if step % self.log_every == 0:
                    print(f"epoch {epoch} step {step} loss {loss.item():.4f}")
            module.eval()
            with torch.no_grad():
                accs = [module.validation_step(b, i) for i, b in enumerate(val_loader)]
            self.history.append(sum(accs) / len(accs))
            print(f"epoch {epoch} val_acc {self.history[-1]:.3f}")


def main():
    torch.manual_seed(0)
    train_ds = FrameDataset(make_corpus(10, seed=3))
    val_ds = FrameDataset(make_corpus(3, seed=4))
    collate = SpeakerCollator(MAX_FRAMES)
    sampler = SpeakerBalancedSampler(train_ds.speaker_to_indices, speakers_per_batch=4,
                                     utts_per_speaker=3, n_batches=10)
    train_loader = DataLoader(train_ds, batch_size=12, sampler=sampler, collate_fn=collate)
    val_loader = DataLoader(val_ds, batch_size=12, shuffle=False, collate_fn=collate)
    module = SpeakerIDModule(N_SPEAKERS)
    MiniTrainer(max_epochs=2).fit(module, train_loader, val_loader)


if __name__ == "__main__":
    main()
