"""Colony-status classifier for apiary inspection sheets.

Each sheet has three parts (inspector note, weather at inspection, frame summary)
which we feed to a small BERT as three segments.
"""
import enum
import logging
import os
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("apiary")
torch.manual_seed(7)


class Split(enum.Enum):
    TRAIN = "train"
    HOLDOUT = "holdout"


class Colony(enum.Enum):
    HEALTHY = 0
    QUEENLESS = 1
    SWARM_RISK = 2


class Segment(enum.Enum):
    NOTE = 0
    WEATHER = 1
    FRAMES = 2


class Mode(enum.Enum):
    TRAIN = enum.auto()
    EVAL = enum.auto()


SHEETS = [
    {"split": Split.TRAIN, "note": "queen seen eggs laid calm", "weather": "sunny warm",
     "frames": "eight brood frames capped", "status": Colony.HEALTHY},
    {"split": Split.TRAIN, "note": "no eggs roaring colony", "weather": "cloudy cool",
     "frames": "two brood frames open", "status": Colony.QUEENLESS},
    {"split": Split.TRAIN, "note": "queen cells on frame edge", "weather": "sunny warm",
     "frames": "ten brood frames crowded", "status": Colony.SWARM_RISK},
    {"split": Split.TRAIN, "note": "calm bees pollen coming", "weather": "windy cool",
     "frames": "six brood frames capped", "status": Colony.HEALTHY},
    {"split": Split.HOLDOUT, "note": "no queen seen roaring", "weather": "rain cool",
     "frames": "one brood frame open", "status": Colony.QUEENLESS},
    {"split": Split.HOLDOUT, "note": "queen cells capped crowded", "weather": "sunny warm",
     "frames": "nine brood frames crowded", "status": Colony.SWARM_RISK},
]

WORDS = sorted({w for s in SHEETS for k in ("note", "weather", "frames") for w in s[k].split()})


def build_tokenizer():
    folder = tempfile.mkdtemp(prefix="apiary_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def encode_sheet(tok, sheet):
    """Concatenate the three parts, tagging every token with its segment."""
    match sheet:
        case {"note": str(note), "weather": str(weather), "frames": str(frames), "status": Colony() as status}:
            pieces = [(Segment.NOTE, note), (Segment.WEATHER, weather), (Segment.FRAMES, frames)]
        case _:
            raise ValueError(f"malformed sheet: {sheet!r}")
    ids, segs = [tok.cls_token_id], [Segment.NOTE.value]
    for seg, text in pieces:
        part = tok.encode(text, add_special_tokens=False) + [tok.sep_token_id]
        ids += part
        segs += [seg.value] * len(part)
    return ids, segs, status.value


def collate(tok, sheets):
    rows = [encode_sheet(tok, s) for s in sheets]
    width = max(len(r[0]) for r in rows)
    tokens = torch.full((len(rows), width), tok.pad_token_id, dtype=torch.long)
    segment_ids = torch.zeros((len(rows), width), dtype=torch.long)
    keep = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (ids, segs, _) in enumerate(rows):
        tokens[i, : len(ids)] = torch.tensor(ids)
        segment_ids[i, : len(segs)] = torch.tensor(segs)
        keep[i, : len(ids)] = 1
    gold = torch.tensor([r[2] for r in rows])
    return tokens, segment_ids, keep, gold


class SheetClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.head = nn.Linear(config.hidden_size, len(Colony))

    def forward(self, tokens, segment_ids, keep):
        out = self.bert(input_ids=tokens, token_type_ids=segment_ids, attention_mask=keep)
        return self.head(out.pooler_output)


def run_step(model, batch, mode, optim=None):
    tokens, segment_ids, keep, gold = batch
    match mode:
        case Mode.TRAIN:
            model.train()
            logits = model(tokens, segment_ids, keep)
            loss = nn.functional.cross_entropy(logits, gold)
            optim.zero_grad()
            loss.backward()
            optim.step()
            return loss.item()
        case Mode.EVAL:
            model.eval()
            with torch.no_grad():
                preds = model(tokens, segment_ids, keep).argmax(-1)
            return (preds == gold).float().mean().item()


def main():
    tok = build_tokenizer()
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, type_vocab_size=len(Segment))
    model = SheetClassifier(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    by_split = {sp: [s for s in SHEETS if s["split"] is sp] for sp in Split}
    log.info("sheets per split: %s", {sp.value: len(v) for sp, v in by_split.items()})

    train_batch = collate(tok, by_split[Split.TRAIN])
    for epoch in range(4):
        loss = run_step(model, train_batch, Mode.TRAIN, optim)
        log.info("epoch %d loss %.4f", epoch, loss)
    acc = run_step(model, collate(tok, by_split[Split.HOLDOUT]), Mode.EVAL)
    log.info("holdout accuracy %.2f", acc)


if __name__ == "__main__":
    main()
