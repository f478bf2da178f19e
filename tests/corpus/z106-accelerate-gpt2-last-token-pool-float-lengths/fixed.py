"""Commit-message classifier (fix / feature / docs): tiny GPT-2 with last-token pooling, trained with Accelerate."""
import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset
from transformers import GPT2Config, GPT2Model

COMMITS = [
    ("fix null pointer in parser", 0), ("add dark mode toggle", 1), ("update readme install steps", 2),
    ("fix crash when config missing", 0), ("add csv export for reports", 1), ("docs typo in api guide", 2),
    ("fix off by one in pagination", 0), ("add retry option to client", 1), ("document env variables", 2),
    ("fix race in cache warmup", 0),
]
LABELS = ["fix", "feature", "docs"]


class ByteTokenizer:
    """Lower-case ASCII bytes, 0 is padding."""
    pad_id = 0

    def encode(self, text, max_len=40):
        return [min(ord(c), 127) + 1 for c in text.lower()][:max_len]


class CommitDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows, self.tok = rows, tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, label = self.rows[i]
        return self.tok.encode(text), label


def pad_right(batch):
    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), ByteTokenizer.pad_id, dtype=torch.long)
    mask = torch.zeros(len(batch), width, dtype=torch.long)
    for row, (seq, _) in enumerate(batch):
        ids[row, :len(seq)] = torch.tensor(seq)
        mask[row, :len(seq)] = 1
    return {"ids": ids, "mask": mask, "label": torch.tensor([y for _, y in batch])}


class LastTokenClassifier(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        cfg = GPT2Config(vocab_size=129, n_positions=64, n_embd=32, n_layer=2, n_head=2)
        self.gpt = GPT2Model(cfg)
        self.head = nn.Linear(cfg.n_embd, n_classes)

    def forward(self, ids, mask):
        states = self.gpt(input_ids=ids, attention_mask=mask).last_hidden_state
        last = mask.sum(dim=1) - 1  # position of the last real token in each row
        return self.head(states[torch.arange(ids.size(0), device=ids.device), last])


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    model = LastTokenClassifier(len(LABELS))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loader = DataLoader(CommitDataset(COMMITS, ByteTokenizer()), batch_size=4, shuffle=True, collate_fn=pad_right)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    model.train()
    for step, batch in enumerate(loader):
        logits = model(batch["ids"], batch["mask"])
        loss = nn.functional.cross_entropy(logits, batch["label"])
        accelerator.backward(loss)
        optim.step()
        optim.zero_grad()
        accelerator.print(f"step {step} loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
