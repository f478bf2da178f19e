from dataclasses import dataclass
import torch
import torch.nn as nn
import torch.nn.functional as F

NUCLEOTIDES = {"A": 1, "C": 2, "G": 3, "T": 4, "N": 5}


@dataclass
class PromoterConfig:
    vocab_size: int = 6
    embed_dim: int = 32
    hidden_dim: int = 48
    motif_width: int = 7
    seq_len: int = 40
    dropout: float = 0.1


def random_sequences(n, length, gen):
    idx = torch.randint(1, 5, (n, length), generator=gen)
    labels = (idx == NUCLEOTIDES["T"]).float().mean(1).gt(0.25).long()
    return idx, labels


class PromoterCNN(nn.Module):
    def __init__(self, cfg: PromoterConfig):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embed_dim, padding_idx=0)
        self.motif_conv = nn.Conv1d(cfg.embed_dim, cfg.hidden_dim,
                                    kernel_size=cfg.motif_width, padding=cfg.motif_width // 2)
        self.drop = nn.Dropout(cfg.dropout)
        self.classifier = nn.Linear(cfg.hidden_dim, 2)

    def forward(self, seq_ids):
        x = self.embed(seq_ids)
        x = x.transpose(1, 2)
        x = F.relu(self.motif_conv(x))
        x = x.max(dim=-1).values
        return self.classifier(self.drop(x))


if __name__ == "__main__":
    torch.manual_seed(0)
    cfg = PromoterConfig()
    gen = torch.Generator().manual_seed(7)
    model = PromoterCNN(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for step in range(5):
        seq_ids, is_promoter = random_sequences(8, cfg.seq_len, gen)
        logits = model(seq_ids)
        loss = F.cross_entropy(logits, is_promoter)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: loss={loss.item():.4f}")
