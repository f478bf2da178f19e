"""Classify ferry terminal dispatch messages and route the urgent ones to the duty pager."""
import enum
import os
import tempfile
import warnings
from typing import NamedTuple, TypedDict

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer
from transformers.utils import logging as hf_logging

warnings.filterwarnings("ignore")
hf_logging.set_verbosity_error()


class Disruption(enum.IntEnum):
    ON_TIME = 0
    WEATHER_HOLD = 1
    MECHANICAL = 2
    CREW_SHORTAGE = 3
    BERTH_BLOCKED = 4
    MEDICAL = 5


class PagerChannel(enum.IntEnum):
    """Channel numbers as configured on the terminal's paging gateway."""
    WEATHER_HOLD = 2
    MECHANICAL = 3
    BERTH_BLOCKED = 5
    MEDICAL = 6


class DispatchSettings(NamedTuple):
    hidden: int = 32
    lr: float = 3e-3
    epochs: int = 1
    batch_size: int = 4
    page_above: float = 0.2


class Encoded(TypedDict):
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor


MESSAGES = [
    ("0815 sailing departed on schedule all lanes loaded", "ON_TIME"),
    ("gale warning sailings held at the breakwater", "WEATHER_HOLD"),
    ("port engine overheating vessel returning to berth", "MECHANICAL"),
    ("deckhand called in sick sailing cannot meet manning", "CREW_SHORTAGE"),
    ("freight barge occupying berth two ferry waiting offshore", "BERTH_BLOCKED"),
    ("passenger collapsed on car deck paramedics requested", "MEDICAL"),
    ("1040 sailing on schedule light traffic", "ON_TIME"),
    ("fog and swell holding all departures", "WEATHER_HOLD"),
    ("ramp hydraulics failed cars cannot unload", "MECHANICAL"),
    ("paramedics needed passenger injured on stairs", "MEDICAL"),
]
INCOMING = [
    "swell too high departures held until noon",
    "passenger injured on car deck paramedics called",
    "1215 sailing departed on schedule",
]


def tokenizer_for(texts) -> BertTokenizer:
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
    return BertTokenizer(path)


def collate_with(tok: BertTokenizer):
    def collate(rows) -> Encoded:
        enc = tok([text for text, _ in rows], padding=True, return_tensors="pt")
        return Encoded(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                       labels=torch.tensor([Disruption[name] for _, name in rows]))
    return collate


def pager_columns() -> torch.Tensor:
    return torch.tensor([ch.value for ch in PagerChannel])


@torch.no_grad()
def route(model, tok, texts, cfg: DispatchSettings, accelerator: Accelerator):
    model.eval()
    enc = tok(texts, padding=True, return_tensors="pt").to(accelerator.device)
    probs = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.softmax(-1)
    cols = pager_columns().to(accelerator.device)
    pager_probs = probs.gather(1, cols.unsqueeze(0).expand(probs.size(0), -1))
    for text, row in zip(texts, pager_probs):
        hits = [ch.name for ch, p in zip(PagerChannel, row.tolist()) if p > cfg.page_above]
        accelerator.print(f"{text[:40]:<40} -> page {hits or 'nobody'}")


def main():
    set_seed(11)
    cfg = DispatchSettings()
    accelerator = Accelerator(cpu=True)
    tok = tokenizer_for([t for t, _ in MESSAGES] + INCOMING)
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(Disruption))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loader = DataLoader(MESSAGES, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_with(tok))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    route(accelerator.unwrap_model(model), tok, INCOMING, cfg, accelerator)


if __name__ == "__main__":
    main()
