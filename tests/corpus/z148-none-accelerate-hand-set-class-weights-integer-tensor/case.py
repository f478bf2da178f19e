"""Bug-report severity classifier (tiny BERT) trained with Accelerate; rare severities are up-weighted."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

torch.manual_seed(0)
SEVERITIES = ["minor", "major", "critical"]
# few critical reports in the tracker, so they count five times as much as minor ones
CLASS_WEIGHTS = torch.tensor([1, 3, 5])

REPORTS = [
    ("typo on the settings page", "minor"), ("button misaligned on tablets", "minor"),
    ("export fails for large files", "major"), ("data loss when saving drafts", "critical"),
    ("tooltip text is cut off", "minor"), ("search returns stale results", "major"),
    ("server crashes on login", "critical"), ("icon colour slightly off", "minor"),
]


class ReportSet(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = tokenizer([r for r, _ in rows], truncation=True, max_length=32)
        self.labels = [SEVERITIES.index(s) for _, s in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i], "attention_mask": self.enc["attention_mask"][i],
                "labels": self.labels[i]}


def collate_with(tokenizer):
    def collate(items):
        labels = torch.tensor([it.pop("labels") for it in items])
        batch = tokenizer.pad(items, return_tensors="pt")
        return batch, labels
    return collate


def main():
    folder = tempfile.mkdtemp()
    words = sorted({w for r, _ in REPORTS for w in r.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))

    model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                     num_attention_heads=2, intermediate_size=37,
                                                     max_position_embeddings=64, num_labels=len(SEVERITIES)))
    loader = DataLoader(ReportSet(REPORTS, tokenizer), batch_size=4, shuffle=True, collate_fn=collate_with(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    accelerator = Accelerator(cpu=True)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    criterion = nn.CrossEntropyLoss(weight=CLASS_WEIGHTS.to(accelerator.device))

    model.train()
    for epoch in range(2):
        for batch, labels in loader:
            logits = model(**batch).logits
            loss = criterion(logits, labels)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch} weighted loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
