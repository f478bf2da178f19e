"""Triage of free-text anomaly reports from the flight operations log.
Each report is tagged with the subsystem that raised it; a tiny BERT encodes the
text (with a subsystem marker token in front) and a head predicts severity."""
import abc
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SUBSYSTEMS = ["[EPS]", "[ADCS]", "[TTC]", "[THERM]", "[OBC]"]
WORDS = ("battery bus voltage drop undervoltage reaction wheel speed saturation star tracker "
         "lost lock downlink carrier snr low heater stuck on panel temperature high watchdog "
         "reset safe mode entered telemetry gap eclipse sun sensor nominal recovered after "
         "command retry ground station pass anomaly".split())
SEVERITY = ["info", "minor", "major"]

POOLERS = {}


def pooler(name):
    def wrap(cls):
        POOLERS[name] = cls
        return cls
    return wrap


class Pooler(abc.ABC):
    @abc.abstractmethod
    def __call__(self, hidden, mask):
        ...


@pooler("cls")
class ClsPooler(Pooler):
    def __call__(self, hidden, mask):
        return hidden[:, 0]


@pooler("mean")
class MaskedMeanPooler(Pooler):
    def __call__(self, hidden, mask):
        m = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


@dataclass
class TriageConfig:
    vocab_path: str
    max_tokens: int = 24
    hidden: int = 32
    pooling: str = "mean"
    batch_size: int = 6

    @classmethod
    def from_ops_log(cls, directory, **overrides):
        path = os.path.join(directory, "ops_vocab.txt")
        with open(path, "w") as fh:
            for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + SUBSYSTEMS + WORDS:
                fh.write(tok + "\n")
        return cls(vocab_path=path, **overrides)


class SeverityTriage(nn.Module):
    def __init__(self, cfg: TriageConfig, tokenizer):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=cfg.max_tokens + 8)
        self.encoder = BertModel(bert_cfg)
        self.pool = POOLERS[cfg.pooling]()
        self.head = nn.Linear(cfg.hidden, len(SEVERITY))

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.pool(hidden, attention_mask))


def make_reports(n, seed=11):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sub = rng.choice(SUBSYSTEMS)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18)))
        sev = rng.randrange(len(SEVERITY))
        out.append({"subsystem": sub, "text": text, "severity": sev})
    return out


def batches(reports, size):
    for i in range(0, len(reports), size):
        yield reports[i:i + size]


def encode(batch, tokenizer, cfg):
    enc = tokenizer([r["text"] for r in batch], padding="max_length", truncation=True,
                    max_length=cfg.max_tokens, return_tensors="pt")
    sub_ids = torch.tensor(tokenizer.convert_tokens_to_ids([r["subsystem"] for r in batch]))
    input_ids = torch.cat([sub_ids[:, None], enc["input_ids"]], dim=1)
    attention_mask = enc["attention_mask"]
    labels = torch.tensor([r["severity"] for r in batch])
    return input_ids, attention_mask, labels


def main():
    torch.manual_seed(0)
    cfg = TriageConfig.from_ops_log(HERE, pooling="mean")
    tokenizer = BertTokenizer(cfg.vocab_path)
    tokenizer.add_special_tokens({"additional_special_tokens": SUBSYSTEMS})
    model = SeverityTriage(cfg, tokenizer)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    reports = make_reports(48)
    for epoch in range(2):
        running = 0.0
        for batch in batches(reports, cfg.batch_size):
            ids, mask, y = encode(batch, tokenizer, cfg)
            logits = model(ids, mask)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running:.3f}")

    model.eval()
    with torch.no_grad():
        ids, mask, _ = encode(reports[:4], tokenizer, cfg)
        pred = model(ids, mask).argmax(-1).tolist()
    for r, p in zip(reports[:4], pred):
        print(r["subsystem"], SEVERITY[p], "|", r["text"][:40])


if __name__ == "__main__":
    main()
