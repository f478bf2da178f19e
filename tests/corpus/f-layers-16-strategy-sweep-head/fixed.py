import os
import tempfile
from dataclasses import dataclass, replace

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

LOG_ENTRIES = [
    ("engine room alarm oil pressure low", 0),
    ("starboard lookout reports fog bank ahead", 1),
    ("pilot boarded at outer anchorage", 2),
    ("bilge pump started water level high", 0),
    ("visibility reduced sounding fog signal", 1),
    ("pilot disembarked vessel clear of channel", 2),
    ("generator tripped oil pressure alarm", 0),
    ("fog lifting visibility two miles", 1),
]
LABELS = ["machinery", "weather", "pilotage"]


@dataclass
class PoolSettings:
    strategy: str = "cls"
    hidden: int = 32
    layers: int = 2
    lr: float = 5e-3


def build_tokenizer():
    words = sorted({w for text, _ in LOG_ENTRIES for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class LogbookClassifier(nn.Module):
    def __init__(self, settings, vocab_size, n_labels):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=settings.hidden,
                         num_hidden_layers=settings.layers, num_attention_heads=4,
                         intermediate_size=settings.hidden * 2, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.strategy = settings.strategy
        self.head = nn.Linear((3 if self.strategy == "cls_max_mean" else 1) * self.encoder.config.hidden_size, n_labels)

    def summarize(self, states, mask):
        m = mask.unsqueeze(-1).float()
        if self.strategy == "cls":
            return states[:, 0]
        elif self.strategy == "max":
            return states.masked_fill(m == 0, -1e4).max(dim=1).values
        elif self.strategy == "cls_max_mean":
            cls = states[:, 0]
            mx = states.masked_fill(m == 0, -1e4).max(dim=1).values
            mean = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
            return torch.cat([cls, mx, mean], dim=-1)
        raise ValueError(f"unknown strategy {self.strategy}")

    def forward(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.summarize(states, attention_mask))


def run_trial(settings, tokenizer, batch, targets):
    model = LogbookClassifier(settings, tokenizer.vocab_size, len(LABELS))
    opt = torch.optim.AdamW(model.parameters(), lr=settings.lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(3):
        opt.zero_grad()
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(logits, targets)
        loss.backward()
        opt.step()
    acc = (logits.argmax(-1) == targets).float().mean().item()
    return loss.item(), acc


def main():
    tokenizer = build_tokenizer()
    texts = [t for t, _ in LOG_ENTRIES]
    targets = torch.tensor([y for _, y in LOG_ENTRIES])
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    base = PoolSettings()
    sweep = [{"strategy": "cls"}, {"strategy": "max", "lr": 3e-3}, {"strategy": "cls_max_mean"}]
    for overrides in sweep:
        settings = replace(base, **overrides)
        loss, acc = run_trial(settings, tokenizer, batch, targets)
        print(f"{settings.strategy:>14s}  loss={loss:.4f}  acc={acc:.2f}")


if __name__ == "__main__":
    main()
