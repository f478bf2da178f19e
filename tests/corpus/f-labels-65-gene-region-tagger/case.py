import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

NUCLEOTIDES = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}
REGIONS = ["exon", "intron", "utr5", "utr3"]
NO_ANNOTATION = 99


@dataclass
class TaggerConfig:
    embed_dim: int = 16
    hidden_dim: int = 32
    num_regions: int = len(REGIONS)
    max_len: int = 60
    batch_size: int = 8
    lr: float = 3e-3
    epochs: int = 1


def synth_reads(n, max_len, seed=7):
    rng = random.Random(seed)
    reads = []
    for _ in range(n):
        length = rng.randint(20, max_len)
        bases = [rng.choice("ACGTN") for _ in range(length)]
        tags = []
        for b in bases:
            if b == "N":
                tags.append(NO_ANNOTATION)
            else:
                tags.append(rng.randrange(len(REGIONS)))
        reads.append((bases, tags))
    return reads


class ReadDataset(Dataset):
    def __init__(self, reads, max_len):
        self.reads = reads
        self.max_len = max_len

    def __len__(self):
        return len(self.reads)

    def __getitem__(self, i):
        bases, tags = self.reads[i]
        pad = self.max_len - len(bases)
        ids = [NUCLEOTIDES[b] for b in bases] + [NUCLEOTIDES["N"]] * pad
        tag_ids = tags + [NO_ANNOTATION] * pad
        return torch.tensor(ids), torch.tensor(tag_ids)


class RegionTagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(len(NUCLEOTIDES), cfg.embed_dim)
        self.rnn = nn.GRU(cfg.embed_dim, cfg.hidden_dim, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * cfg.hidden_dim, cfg.num_regions)

    def forward(self, ids):
        h, _ = self.rnn(self.embed(ids))
        return self.head(h)


def tagging_loss(logits, tags):
    flat_logits = logits.reshape(-1, logits.size(-1))
    flat_tags = tags.reshape(-1)
    return F.cross_entropy(flat_logits, flat_tags)


def train(cfg):
    torch.manual_seed(0)
    reads = synth_reads(16, cfg.max_len)
    loader = DataLoader(ReadDataset(reads, cfg.max_len), batch_size=cfg.batch_size, shuffle=True)
    model = RegionTagger(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        total = 0.0
        for ids, tags in loader:
            logits = model(ids)
            loss = tagging_loss(logits, tags)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")
    return model


if __name__ == "__main__":
    train(TaggerConfig())
