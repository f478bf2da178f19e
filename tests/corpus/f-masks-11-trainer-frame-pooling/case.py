import tempfile

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset
from transformers import Trainer, TrainingArguments

CFG = {
    "n_mels": 20,
    "hidden": 32,
    "n_events": 4,
    "max_frames": 64,
    "min_frames": 12,
    "n_clips": 48,
}


class SoundEventClips(Dataset):
    def __init__(self, n_clips, n_mels, n_events, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.clips = []
        for _ in range(n_clips):
            length = int(torch.randint(CFG["min_frames"], 40, (1,), generator=g))
            event = int(torch.randint(0, n_events, (1,), generator=g))
            frames = torch.randn(length, n_mels, generator=g) + event * 0.5
            self.clips.append((frames, event))

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, idx):
        frames, event = self.clips[idx]
        return {"frames": frames, "label": event}


def collate_clips(batch):
    frames = [item["frames"] for item in batch]
    lengths = torch.tensor([f.size(0) for f in frames])
    padded = pad_sequence(frames, batch_first=True)
    key_mask = torch.arange(CFG["max_frames"])[None, :] < lengths[:, None]
    labels = torch.tensor([item["label"] for item in batch])
    return {"frames": padded, "key_mask": key_mask, "labels": labels}


class PooledEventClassifier(nn.Module):
    def __init__(self, n_mels, hidden, n_events):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(n_mels, hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
        )
        self.head = nn.Linear(hidden, n_events)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, frames, key_mask, labels=None):
        h = self.encoder(frames)
        weights = key_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        logits = self.head(pooled)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.loss_fn(logits, labels)
        return out


def main():
    torch.manual_seed(0)
    train_set = SoundEventClips(CFG["n_clips"], CFG["n_mels"], CFG["n_events"], seed=1)
    model = PooledEventClassifier(CFG["n_mels"], CFG["hidden"], CFG["n_events"])

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=8,
        num_train_epochs=1,
        learning_rate=1e-3,
        logging_steps=2,
        save_strategy="no",
        remove_unused_columns=False,
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=collate_clips,
    )
    result = trainer.train()
    print("final training loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
