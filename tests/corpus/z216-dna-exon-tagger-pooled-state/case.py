import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TaggerConfig:
    seq_len: int = 40
    n_bases: int = 5          # A C G T N
    emb_dim: int = 16
    hidden: int = 48
    n_region_tags: int = 3    # intergenic / exon / intron
    n_seq_classes: int = 2    # promoter-containing or not
    batch_size: int = 8
    lr: float = 3e-3
    epochs: int = 1
    tag_weight: float = 1.0


BASES = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}


def synth_fragment(cfg, rng):
    seq = [rng.choice("ACGT") for _ in range(cfg.seq_len)]
    has_promoter = rng.random() < 0.5
    if has_promoter:
        p = rng.randint(0, 10)
        seq[p:p + 6] = list("TATAAT")
    tags = [0] * cfg.seq_len
    start = rng.randint(8, 18)
    stop = rng.randint(start + 6, cfg.seq_len - 2)
    for i in range(start, stop):
        tags[i] = 1
    for i in range(rng.randint(start + 2, stop - 2), stop - 1):
        tags[i] = 2
    return "".join(seq), tags, int(has_promoter)


class GenomeDataset(torch.utils.data.Dataset):
    def __init__(self, cfg, n, seed):
        rng = random.Random(seed)
        self.items = [synth_fragment(cfg, rng) for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        seq, tags, promo = self.items[i]
        return {
            "bases": torch.tensor([BASES[c] for c in seq]),
            "region": torch.tensor(tags),
            "promoter": torch.tensor(promo),
        }


class FragmentTagger(nn.Module):
    def __init__(self, cfg: TaggerConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.n_bases, cfg.emb_dim)
        self.rnn = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.dropout = nn.Dropout(0.1)
        self.region_head = nn.Linear(cfg.hidden, cfg.n_region_tags)
        self.promoter_head = nn.Linear(cfg.hidden, cfg.n_seq_classes)

    def forward(self, bases):
        out, h_n = self.rnn(self.embed(bases))
        feats = h_n[-1]
        region_logits = self.region_head(self.dropout(feats))
        promoter_logits = self.promoter_head(feats)
        return region_logits, promoter_logits


class MultiTaskRunner:
    def __init__(self, cfg: TaggerConfig):
        self.cfg = cfg
        self.model = FragmentTagger(cfg)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)

    def compute_loss(self, batch):
        region_logits, promoter_logits = self.model(batch["bases"])
        tag_loss = F.cross_entropy(region_logits.reshape(-1, self.cfg.n_region_tags),
                                   batch["region"].reshape(-1))
        seq_loss = F.cross_entropy(promoter_logits, batch["promoter"])
        return self.cfg.tag_weight * tag_loss + seq_loss

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            total = 0.0
            for batch in loader:
                loss = self.compute_loss(batch)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                total += loss.item()
            print(f"epoch {epoch}: {total / len(loader):.4f}")

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        hits = n = 0
        for batch in loader:
            _, promoter_logits = self.model(batch["bases"])
            hits += (promoter_logits.argmax(-1) == batch["promoter"]).sum().item()
            n += len(batch["promoter"])
        return hits / n


if __name__ == "__main__":
    torch.manual_seed(0)
    cfg = TaggerConfig()
    train = torch.utils.data.DataLoader(GenomeDataset(cfg, 32, 1), batch_size=cfg.batch_size, shuffle=True)
    valid = torch.utils.data.DataLoader(GenomeDataset(cfg, 32, 2), batch_size=cfg.batch_size)
    runner = MultiTaskRunner(cfg)
    runner.fit(train)
    print("promoter accuracy:", runner.evaluate(valid))
