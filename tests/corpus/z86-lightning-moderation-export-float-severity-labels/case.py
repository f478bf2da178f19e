"""Comment moderation: ok / offensive / hateful, trained with PyTorch Lightning on the dashboard's JSON export."""
import json
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

EXPORT = """\
{"comment_id": 101, "text": "thanks for sharing this", "severity": 0.0, "reviewed": true}
{"comment_id": 102, "text": "you are an idiot", "severity": 1.0, "reviewed": true}
{"comment_id": 103, "text": "go back to your country", "severity": 2.0, "reviewed": true}
{"comment_id": 104, "text": "great point about the budget", "severity": 0.0, "reviewed": true}
{"comment_id": 105, "text": "shut up nobody asked you", "severity": 1.0, "reviewed": true}
{"comment_id": 106, "text": "people like them should not exist", "severity": 2.0, "reviewed": true}
{"comment_id": 107, "text": "i disagree but fair enough", "severity": 0.0, "reviewed": true}
{"comment_id": 108, "text": "what a stupid take", "severity": 1.0, "reviewed": true}
"""
SEVERITIES = ["ok", "offensive", "hateful"]


class ModerationExport(Dataset):
    def __init__(self, path, vocab):
        with open(path) as fh:
            self.records = [json.loads(line) for line in fh if line.strip()]
        self.vocab = vocab

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        rec = self.records[i]
        ids = torch.tensor([self.vocab.get(w, 1) for w in rec["text"].split()])
        return ids, torch.tensor(rec["severity"])


def pad_batch(items):
    ids, labels = zip(*items)
    return pad_sequence(ids, batch_first=True, padding_value=0), torch.stack(labels)


class CommentClassifier(pl.LightningModule):
    def __init__(self, vocab_size, num_classes, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, num_classes)

    def forward(self, ids):
        _, h = self.rnn(self.embed(ids))
        return self.out(h[-1])

    def training_step(self, batch, batch_idx):
        ids, labels = batch
        loss = F.cross_entropy(self(ids), labels)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


def main():
    pl.seed_everything(0, verbose=False)
    workdir = tempfile.mkdtemp(prefix="moderation-")
    path = os.path.join(workdir, "export.jsonl")
    with open(path, "w") as fh:
        fh.write(EXPORT)
    words = sorted({w for line in EXPORT.splitlines() for w in json.loads(line)["text"].split()})
    vocab = {w: i + 2 for i, w in enumerate(words)}
    loader = DataLoader(ModerationExport(path, vocab), batch_size=4, shuffle=True, collate_fn=pad_batch)
    model = CommentClassifier(len(vocab) + 2, len(SEVERITIES))
    trainer = pl.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("final loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
