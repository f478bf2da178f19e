import abc
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = {}

COMPONENTS = ["wheel", "battery", "gyro", "magnetorquer", "transponder", "heater", "star", "tracker", "panel"]
EVENTS = ["speed", "current", "voltage", "temperature", "drift", "dropout", "reset", "saturation"]
QUALIFIERS = ["exceeded", "below", "nominal", "limit", "during", "eclipse", "sunlit", "after", "before",
              "pass", "orbit", "safe", "mode", "entry", "recovered", "flagged", "by", "fdir", "operator",
              "no", "action", "required", "and", "then", "on", "the", "at", "low", "high"]
ANOMALY_WORDS = {"exceeded", "dropout", "reset", "safe", "flagged", "saturation"}


def report_source(name):
    def deco(cls):
        SOURCES[name] = cls
        return cls
    return deco


class ReportSource(abc.ABC):
    def __init__(self, seed):
        self.rng = random.Random(seed)

    @abc.abstractmethod
    def draw(self):
        ...

    def event(self, anomalous):
        comp = self.rng.choice(COMPONENTS)
        ev = self.rng.choice(EVENTS)
        if anomalous:
            return f"{comp} {ev} exceeded limit during {self.rng.choice(['eclipse', 'sunlit'])} flagged by fdir"
        return f"{comp} {ev} nominal {self.rng.choice(['during', 'after'])} pass no action required"

    def batch(self, n):
        texts, labels = [], []
        for _ in range(n):
            t, y = self.draw()
            texts.append(t)
            labels.append(y)
        return texts, labels


@report_source("ops_log")
class OpsLogSource(ReportSource):
    def draw(self):
        y = int(self.rng.random() < 0.4)
        return self.event(y), y


@report_source("pass_summary")
class PassSummarySource(ReportSource):
    def draw(self):
        n_events = self.rng.randint(3, 7)
        flags = [self.rng.random() < 0.15 for _ in range(n_events)]
        text = " and then ".join(self.event(f) for f in flags)
        return f"pass summary orbit {text}", int(any(flags))


@dataclass
class ReportClassifierConfig:
    max_len: int
    hidden: int = 32
    heads: int = 2
    layers: int = 1
    lr: float = 5e-4
    steps: int = 12

    @classmethod
    def tiny(cls):
        return cls(max_len=48)

    def build(self, vocab_size):
        return BertConfig(vocab_size=vocab_size, hidden_size=self.hidden, num_hidden_layers=self.layers,
                          num_attention_heads=self.heads, intermediate_size=2 * self.hidden,
                          max_position_embeddings=self.max_len, num_labels=2)


def write_vocab():
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + COMPONENTS + EVENTS + QUALIFIERS
    path = os.path.join(HERE, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(dict.fromkeys(words)) + "\n")
    return path


class ReportEncoder:
    def __init__(self, tokenizer, cfg):
        self.tokenizer = tokenizer
        self.cfg = cfg

    def for_training(self, texts):
        return self.tokenizer(texts, padding=True, truncation=True, max_length=self.cfg.max_len,
                              return_tensors="pt")

    def for_scoring(self, texts):
        return self.tokenizer(texts, padding="longest", return_tensors="pt")


def train(model, encoder, cfg, sources):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model.train()
    for step in range(cfg.steps):
        src = sources[step % len(sources)]
        texts, labels = src.batch(16)
        enc = encoder.for_training(texts)
        out = model(**enc, labels=torch.tensor(labels))
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if step % 3 == 0:
            print(f"step {step:02d} [{type(src).__name__}] loss={out.loss.item():.4f}")


@torch.no_grad()
def score_backlog(model, encoder, texts):
    model.eval()
    enc = encoder.for_scoring(texts)
    probs = torch.softmax(model(**enc).logits, dim=-1)[:, 1]
    return probs.tolist()


def main():
    torch.manual_seed(3)
    cfg = ReportClassifierConfig.tiny()
    tokenizer = BertTokenizer(write_vocab())
    model = BertForSequenceClassification(cfg.build(len(tokenizer)))
    sources = [cls(seed=i) for i, cls in enumerate(SOURCES.values())]
    encoder = ReportEncoder(tokenizer, cfg)
    train(model, encoder, cfg, sources)

    backlog, truth = SOURCES["pass_summary"](seed=99).batch(10)
    scores = score_backlog(model, encoder, backlog)
    for s, y, t in sorted(zip(scores, truth, backlog), reverse=True)[:3]:
        print(f"p_anom={s:.3f} label={y} :: {t[:60]}...")


if __name__ == "__main__":
    main()
