import math
from collections import Counter

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler
from transformers import Wav2Vec2Config, Wav2Vec2ForSequenceClassification

SAMPLE_RATE = 16000
CLIP_SECONDS = 1.0
KEYWORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
FILLER_WORDS = ["bed", "bird", "cat", "dog", "house", "tree"]
SILENCE, UNKNOWN = "_silence_", "_unknown_"


def fake_speech_commands(n_per_word, seed):
    rng = np.random.default_rng(seed)
    manifest = []
    for w_idx, word in enumerate(KEYWORDS + FILLER_WORDS):
        for k in range(n_per_word):
            manifest.append({"path": f"{word}/spk{rng.integers(1000):03d}_nohash_{k}.wav", "word": word,
                             "pitch": 180 + 37 * w_idx, "seed": int(rng.integers(1 << 30))})
    for k in range(n_per_word):
        manifest.append({"path": f"_background_noise_/chunk_{k}.wav", "word": SILENCE,
                         "pitch": 0, "seed": int(rng.integers(1 << 30))})
    return manifest


def load_clip(entry):
    rng = np.random.default_rng(entry["seed"])
    n = int(SAMPLE_RATE * CLIP_SECONDS)
    wav = 0.02 * rng.standard_normal(n)
    if entry["pitch"]:
        onset = rng.integers(0, n // 4)
        t = np.arange(n - onset) / SAMPLE_RATE
        env = np.exp(-((t - 0.3) ** 2) / 0.02)
        wav[onset:] += env * np.sin(2 * math.pi * entry["pitch"] * t * (1 + 0.3 * t))
    return (wav / (np.abs(wav).max() + 1e-6)).astype(np.float32)


def to_target(word, label2id):
    if word in KEYWORDS:
        return label2id[word]
    return label2id[SILENCE] if word == SILENCE else label2id[UNKNOWN]


class CommandsDataset(Dataset):
    def __init__(self, manifest, label2id):
        self.manifest = manifest
        self.targets = [to_target(e["word"], label2id) for e in manifest]

    def __len__(self):
        return len(self.manifest)

    def __getitem__(self, i):
        return torch.from_numpy(load_clip(self.manifest[i])), self.targets[i]


class ClassBalancedSampler(Sampler):
    def __init__(self, targets, num_samples, generator=None):
        counts = Counter(targets)
        self.weights = torch.tensor([1.0 / counts[t] for t in targets], dtype=torch.double)
        self.num_samples = num_samples
        self.generator = generator

    def __iter__(self):
        picks = torch.multinomial(self.weights, self.num_samples, replacement=True, generator=self.generator)
        return iter(picks.tolist())

    def __len__(self):
        return self.num_samples


def collate(batch):
    wavs, targets = zip(*batch)
    wavs = torch.stack(wavs)
    wavs = (wavs - wavs.mean(-1, keepdim=True)) / (wavs.std(-1, keepdim=True) + 1e-7)
    return {"input_values": wavs, "labels": torch.tensor(targets)}


class KWSLitModule(torch.nn.Module):
    def __init__(self, config, lr=5e-4):
        super().__init__()
        self.model = Wav2Vec2ForSequenceClassification(config)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.model(input_values=batch["input_values"], labels=batch["labels"])
        if batch_idx % 4 == 0:
            print(f"  step {batch_idx} loss {out.loss.item():.4f}")
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self.model(input_values=batch["input_values"], labels=batch["labels"])
        preds = out.logits.argmax(-1)
        return out.loss.item(), (preds == batch["labels"]).float().mean().item()

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.lr)
        return opt


def train(module, train_dl, val_dl, max_epochs=2):
    opt = module.configure_optimizers()
    for epoch in range(max_epochs):
        module.train()
        for step, batch in enumerate(train_dl):
            loss = module.training_step(batch, step)
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
        module.eval()
        with torch.inference_mode():
            results = [module.validation_step(b, i) for i, b in enumerate(val_dl)]
        losses, accs = zip(*results)
        print(f"epoch {epoch}: val_loss {np.mean(losses):.3f} val_acc {np.mean(accs):.3f}")


if __name__ == "__main__":
    torch.manual_seed(7)
    labels = KEYWORDS + [SILENCE, UNKNOWN]
    label2id = {w: i for i, w in enumerate(labels)}

    config = Wav2Vec2Config(
        hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
        conv_dim=(32, 32, 32), conv_stride=(5, 4, 4), conv_kernel=(10, 4, 4),
        num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4,
        classifier_proj_size=32, mask_time_prob=0.0,
        id2label={i: w for i, w in enumerate(KEYWORDS)},
        label2id={w: i for i, w in enumerate(KEYWORDS)},
    )

    train_set = CommandsDataset(fake_speech_commands(6, seed=0), label2id)
    val_set = CommandsDataset(fake_speech_commands(2, seed=1), label2id)
    sampler = ClassBalancedSampler(train_set.targets, num_samples=64,
                                   generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_set, batch_size=16, sampler=sampler, collate_fn=collate)
    val_dl = DataLoader(val_set, batch_size=16, collate_fn=collate)

    train(KWSLitModule(config), train_dl, val_dl)
