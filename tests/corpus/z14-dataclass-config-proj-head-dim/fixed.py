"""Toxicity classifier configured with dataclasses: a tiny BERT encoder, a projection and an output layer."""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

torch.manual_seed(0)


@dataclass
class EncoderConfig:
    vocab_size: int = 50
    dim: int = 32
    layers: int = 1
    heads: int = 2


@dataclass
class HeadConfig:
    head_dim: int = 64
    num_labels: int = 3
    dropout: float = 0.1


@dataclass
class ExperimentConfig:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    head: HeadConfig = field(default_factory=HeadConfig)
    lr: float = 3e-4
    steps: int = 3
    batch_size: int = 4
    seq_len: int = 10


class ToxicityClassifier(nn.Module):
    def __init__(self, cfg: ExperimentConfig):
        super().__init__()
        enc = cfg.encoder
        self.encoder = BertModel(BertConfig(vocab_size=enc.vocab_size, hidden_size=enc.dim,
                                            num_hidden_layers=enc.layers, num_attention_heads=enc.heads,
                                            intermediate_size=37, max_position_embeddings=32))
        self.proj = nn.Linear(enc.dim, cfg.head.head_dim)
        self.out = nn.Linear(cfg.head.head_dim, cfg.head.num_labels)
        self.drop = nn.Dropout(cfg.head.dropout)

    def forward(self, input_ids, attention_mask):
        cls = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        return self.out(self.drop(torch.tanh(self.proj(cls))))


def train(cfg: ExperimentConfig):
    model = ToxicityClassifier(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for step in range(cfg.steps):
        ids = torch.randint(5, cfg.encoder.vocab_size, (cfg.batch_size, cfg.seq_len))
        mask = torch.ones_like(ids)
        labels = torch.randint(0, cfg.head.num_labels, (cfg.batch_size,))
        loss = F.cross_entropy(model(ids, mask), labels)
        loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"step {step}: {loss.item():.3f}")
    return model


if __name__ == "__main__":
    train(ExperimentConfig())
