"""Flag kombucha fermentation log entries that describe a contaminated batch.

Entries are word-piece encoded with a small BERT vocabulary; a light encoder
mean-pools the token vectors over the kept positions.
"""
import os
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertTokenizer

torch.manual_seed(0)

LOG = [
    ("fuzzy blue growth on pellicle surface", 1),
    ("tangy smell, healthy scoby thickening", 0),
    ("black spots and unpleasant mouldy odour", 1),
    ("carbonation building nicely after bottling", 0),
    ("white dry fuzz spreading across culture", 1),
    ("vinegary but clean, brown strands normal", 0),
    ("green powdery patches near jar rim", 1),
    ("fizzy, sweet-sour balance, ready for flavouring", 0),
]

PIECES = ["fuzzy", "blue", "growth", "on", "pel", "##licle", "surface", "tang", "##y", "smell", ",",
          "healthy", "sco", "##by", "thick", "##ening", "black", "spots", "and", "un", "##pleasant", "mould",
          "##y", "odour", "carbon", "##ation", "building", "nicely", "after", "bottling", "white", "dry",
          "fuzz", "spreading", "across", "culture", "vine", "##gary", "but", "clean", "brown", "strands",
          "normal", "green", "powder", "##y", "patches", "near", "jar", "rim", "fi", "##zzy", "sweet", "-",
          "sour", "balance", "ready", "for", "flavour", "##ing"]


def write_vocab():
    path = os.path.join(tempfile.mkdtemp(prefix="ferment_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(dict.fromkeys(PIECES))) + "\n")
    return path


class LogBatcher:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def __call__(self, samples):
        texts = [text for text, _ in samples]
        enc = self.tok(texts, padding=True, return_tensors="pt")
        ids = enc["input_ids"]
        n_words = torch.tensor([len(t.split()) for t in texts])
        keep_mask = torch.arange(int(n_words.max()))[None, :] < n_words[:, None]
        return ids, keep_mask, torch.tensor([y for _, y in samples], dtype=torch.float)


class MeanPoolClassifier(nn.Module):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.mix = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, 1)

    def forward(self, ids, keep_mask):
        h = torch.relu(self.mix(self.embed(ids)))
        keep = keep_mask.unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def run():
    tokenizer = BertTokenizer(write_vocab())
    loader = DataLoader(LOG, batch_size=4, shuffle=False, collate_fn=LogBatcher(tokenizer))
    model = MeanPoolClassifier(len(tokenizer))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(2):
        for ids, keep_mask, y in loader:
            loss = loss_fn(model(ids, keep_mask), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.3f}")


if __name__ == "__main__":
    run()
