"""Voyage anomaly scorer: embeds AIS port-call sequences and flags unusual routings."""
import logging
from dataclasses import dataclass

import torch
import torch.nn as nn
import yaml

logging.basicConfig(level=logging.INFO, format="[%(levelname)s] %(name)s: %(message)s")
log = logging.getLogger("voyage-scorer")

PIPELINE_YAML = """
vocab:
  pad: "<pad>"
  unk: "<unk>"
  ports: [NLRTM, DEHAM, BEANR, SGSIN, CNSHA, USLAX, AEJEA, EGPSD, ESALG, GRPIR, LKCMB, MYPKG]
encoder:
  d_model: 32
  heads: 4
  ffn: 64
  layers: 2
  dropout: 0.0
scoring:
  threshold: 0.5
"""

REGISTRY = {}


@dataclass
class PortVocab:
    pad: str
    unk: str
    ports: list

    def __post_init__(self):
        self.itos = [self.pad, self.unk] + list(self.ports)
        self.stoi = {p: i for i, p in enumerate(self.itos)}

    def __call__(self, calls):
        return [self.stoi.get(c, self.stoi[self.unk]) for c in calls]


class VoyageEncoder(nn.Module):
    def __init__(self, n_ports, d_model, heads, ffn, layers, dropout):
        super().__init__()
        self.embed = nn.Embedding(n_ports, d_model, padding_idx=0)
        block = nn.TransformerEncoderLayer(d_model, heads, ffn, dropout=dropout, batch_first=True)
        self.stack = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.score = nn.Linear(d_model, 1)

    def forward(self, port_ids, pad_positions):
        h = self.stack(self.embed(port_ids), src_key_padding_mask=pad_positions)
        h = h.masked_fill(pad_positions.unsqueeze(-1), 0.0)
        pooled = h.sum(1) / (~pad_positions).sum(1, keepdim=True).clamp(min=1)
        return torch.sigmoid(self.score(pooled)).squeeze(-1)


REGISTRY["vocab"] = lambda cfg: PortVocab(**cfg)
REGISTRY["encoder"] = lambda cfg, n: VoyageEncoder(n, **cfg).eval()


class LookupPorts:
    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, state):
        state["ids"] = [self.vocab(v["calls"]) for v in state["voyages"]]
        return state


class PadVoyages:
    def __init__(self, pad_id):
        self.pad_id = pad_id

    def __call__(self, state):
        width = max(len(seq) for seq in state["ids"])
        rows, flags = [], []
        for seq in state["ids"]:
            gap = width - len(seq)
            rows.append(seq + [self.pad_id] * gap)
            flags.append([0] * len(seq) + [1] * gap)
        state["port_ids"] = torch.tensor(rows)
        state["pad_positions"] = torch.tensor(flags, dtype=torch.bool)
        log.info("padded %d voyages to %d calls", len(rows), width)
        return state


class ScoreVoyages:
    def __init__(self, model, threshold):
        self.model = model
        self.threshold = threshold

    @torch.no_grad()
    def __call__(self, state):
        probs = self.model(state["port_ids"], state["pad_positions"])
        state["flags"] = [(v["imo"], round(p, 3), p > self.threshold)
                          for v, p in zip(state["voyages"], probs.tolist())]
        return state


class Pipeline:
    def __init__(self, steps):
        self.steps = steps

    def run(self, state):
        for step in self.steps:
            state = step(state)
        return state


def build_pipeline(cfg):
    vocab = REGISTRY["vocab"](cfg["vocab"])
    model = REGISTRY["encoder"](cfg["encoder"], len(vocab.itos))
    log.info("encoder built over %d port codes", len(vocab.itos))
    return Pipeline([
        LookupPorts(vocab),
        PadVoyages(vocab.stoi[vocab.pad]),
        ScoreVoyages(model, cfg["scoring"]["threshold"]),
    ])


if __name__ == "__main__":
    torch.manual_seed(11)
    cfg = yaml.safe_load(PIPELINE_YAML)
    pipeline = build_pipeline(cfg)
    voyages = [
        {"imo": "9321483", "calls": ["CNSHA", "SGSIN", "LKCMB", "AEJEA", "EGPSD", "GRPIR", "NLRTM"]},
        {"imo": "9454436", "calls": ["USLAX", "CNSHA"]},
        {"imo": "9703291", "calls": ["MYPKG", "SGSIN", "EGPSD", "ESALG", "BEANR", "DEHAM"]},
        {"imo": "9811000", "calls": ["NLRTM", "XXTMP", "DEHAM"]},
    ]
    out = pipeline.run({"voyages": voyages})
    for imo, prob, flagged in out["flags"]:
        log.info("IMO %s anomaly=%.3f flagged=%s", imo, prob, flagged)
