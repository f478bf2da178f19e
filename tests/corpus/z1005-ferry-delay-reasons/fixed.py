"""Tag ferry delay log entries with a delay reason (harbour ops dashboard prototype)."""
import enum
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)


class Split(enum.Enum):
    TRAIN = "train"
    DEV = "dev"


class DelayReason(enum.Enum):
    WEATHER = 0
    TECHNICAL = 1
    CREW = 2
    TIDE = 3
    PORT_CONGESTION = 4


class Mode(enum.Enum):
    FIT = "fit"
    SCORE = "score"


@dataclass
class LogEntry:
    route: str
    text: str
    reason: DelayReason
    split: Split


ENTRIES = [
    LogEntry("north", "gale warning crossing held at pier", DelayReason.WEATHER, Split.TRAIN),
    LogEntry("north", "fog bank visibility low held at pier", DelayReason.WEATHER, Split.TRAIN),
    LogEntry("south", "bow thruster fault engineer called", DelayReason.TECHNICAL, Split.TRAIN),
    LogEntry("south", "ramp hydraulic fault engineer called", DelayReason.TECHNICAL, Split.TRAIN),
    LogEntry("east", "deckhand sick relief crew late", DelayReason.CREW, Split.TRAIN),
    LogEntry("east", "master hours exceeded relief crew late", DelayReason.CREW, Split.TRAIN),
    LogEntry("north", "berth occupied by freighter waiting outside", DelayReason.PORT_CONGESTION, Split.TRAIN),
    LogEntry("south", "queue of trucks at ramp berth occupied", DelayReason.PORT_CONGESTION, Split.TRAIN),
    LogEntry("east", "low water at slipway waiting for flood", DelayReason.TIDE, Split.DEV),
    LogEntry("north", "gale warning fog held at pier", DelayReason.WEATHER, Split.DEV),
]


def write_vocab(entries):
    words = sorted({w for e in entries for w in e.text.split()} | {e.route for e in entries})
    folder = tempfile.mkdtemp(prefix="ferry_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return path


class DelayTagger:
    def __init__(self, tokenizer, num_reasons):
        self.tok = tokenizer
        cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                         num_labels=num_reasons)
        self.model = BertForSequenceClassification(cfg)
        self.optim = torch.optim.AdamW(self.model.parameters(), lr=5e-4)

    def batches(self, entries, size=4):
        for start in range(0, len(entries), size):
            chunk = entries[start:start + size]
            enc = self.tok([e.route for e in chunk], [e.text for e in chunk],
                           padding=True, return_tensors="pt")
            enc["labels"] = torch.tensor([e.reason.value for e in chunk])
            yield dict(enc)

    def step(self, batch, mode):
        match mode:
            case Mode.FIT:
                self.model.train()
                out = self.model(**batch)
                self.optim.zero_grad()
                out.loss.backward()
                self.optim.step()
                return out.loss.item()
            case Mode.SCORE:
                self.model.eval()
                with torch.no_grad():
                    out = self.model(**batch)
                hits = (out.logits.argmax(-1) == batch["labels"]).sum().item()
                return hits


def describe(entry):
    match entry:
        case LogEntry(reason=DelayReason.WEATHER | DelayReason.TIDE, route=r):
            return f"[{r}] environmental"
        case LogEntry(reason=DelayReason.PORT_CONGESTION, route=r):
            return f"[{r}] port side"
        case LogEntry(route=r):
            return f"[{r}] operator side"


def main():
    tok = BertTokenizer(write_vocab(ENTRIES))
    train = [e for e in ENTRIES if e.split is Split.TRAIN]
    dev = [e for e in ENTRIES if e.split is Split.DEV]
    for e in train[:3]:
        print(describe(e), e.text)

    # one output per reason in the taxonomy
    seen_reasons = {e.reason for e in train}
    tagger = DelayTagger(tok, num_reasons=len(DelayReason))
    print(f"training on {len(train)} entries, {len(seen_reasons)} reasons")

    for epoch in range(3):
        random.shuffle(train)
        losses = [tagger.step(b, Mode.FIT) for b in tagger.batches(train)]
        print(f"epoch {epoch}: mean loss {sum(losses) / len(losses):.4f}")

    hits = sum(tagger.step(b, Mode.SCORE) for b in tagger.batches(dev))
    print(f"dev accuracy {hits}/{len(dev)}")


if __name__ == "__main__":
    main()
