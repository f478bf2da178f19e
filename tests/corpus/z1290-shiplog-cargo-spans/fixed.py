"""Cargo mention scoring for digitised 19th-century ship logs.

A small BERT encoder scores every token as cargo / not cargo. Training uses a
span-level objective: the log-probabilities inside each annotated cargo span
are pooled with a head-weighted decay so the first word of a mention counts most.
"""
import os
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Dict, List

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

LOG_ENTRIES = [
    ("took aboard forty casks of whale oil at nantucket", "casks of whale oil"),
    ("landed two hundred bales of raw cotton at liverpool", "bales of raw cotton"),
    ("shipped salt cod and barrel staves for lisbon", "salt cod"),
    ("loaded ninety chests of green tea off canton", "chests of green tea"),
    ("discharged coal and pig iron at the quay", "pig iron"),
    ("received sealskins and ambergris from the schooner", "ambergris"),
]


@dataclass(frozen=True)
class CargoSpan:
    """Token span of a cargo mention, half-open: [start, end)."""
    row: int
    start: int
    end: int
    width: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "width", self.end - self.start)


@dataclass
class EncoderShape:
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 40


@dataclass
class RunSettings:
    epochs: int = 3
    lr: float = 5e-4
    head_decay: float = 0.5
    encoder: EncoderShape = field(default_factory=EncoderShape)


class TokenScorer(nn.Module):
    def __init__(self, vocab_size: int, shape: EncoderShape):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, **asdict(shape)))
        self.cls = nn.Linear(shape.hidden_size, 2)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return torch.log_softmax(self.cls(hidden), dim=-1)[..., 1]


def locate_spans(tokenizer, entries) -> List[CargoSpan]:
    spans = []
    for row, (text, cargo) in enumerate(entries):
        words, target = text.split(), cargo.split()
        for i in range(len(words) - len(target) + 1):
            if words[i:i + len(target)] == target:
                # +1 for [CLS]; vocab holds whole words so one token per word
                spans.append(CargoSpan(row, i + 1, i + 1 + len(target)))
                break
    return spans


def span_objective(token_logp: torch.Tensor, spans: List[CargoSpan], decay: float) -> torch.Tensor:
    losses = []
    for span in spans:
        row_scores = token_logp[span.row]
        weights = torch.linspace(1.0, decay, span.width)
        inside = row_scores[span.start:span.end]
        losses.append(-(inside * weights).sum() / weights.sum())
    return torch.stack(losses).mean()


def main():
    run = RunSettings()
    tmp = tempfile.mkdtemp(prefix="shiplog_")
    words = sorted({w for text, _ in LOG_ENTRIES for w in text.split()})
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    batch: Dict[str, torch.Tensor] = dict(
        tokenizer([t for t, _ in LOG_ENTRIES], padding=True, return_tensors="pt"))
    spans = locate_spans(tokenizer, LOG_ENTRIES)
    print(f"{len(spans)} cargo spans, widths {[s.width for s in spans]}")

    model = TokenScorer(tokenizer.vocab_size, run.encoder)
    opt = torch.optim.AdamW(model.parameters(), lr=run.lr)
    for epoch in range(run.epochs):
        model.train()
        opt.zero_grad()
        token_logp = model(**batch)
        loss = span_objective(token_logp, spans, run.head_decay)
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: span loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        probs = model(**batch).exp()
    for span in spans:
        print(LOG_ENTRIES[span.row][1], "->", [round(p, 2) for p in probs[span.row, span.start:span.end].tolist()])


if __name__ == "__main__":
    main()
