"""Field tagger for OCR'd pharmacy dispensing labels (drug / dose / frequency / route)."""
import enum
import logging
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s", datefmt="%H:%M:%S")
logger = logging.getLogger(__name__)
torch.manual_seed(21)


class Split(enum.Enum):
    TRAIN = "train"
    TEST = "test"


class Field(enum.Enum):
    O = 0
    DRUG = 1
    DOSE = 2
    FREQ = 3
    ROUTE = 4


class Mode(enum.Enum):
    TRAIN = 1
    EVAL = 2


@dataclass
class LabelLine:
    text: str
    fields: list | None = None
    split: Split = Split.TRAIN
    tokens: list = field(init=False)

    def __post_init__(self):
        self.tokens = self.text.lower().split()


D, S, F, R, O = Field.DRUG, Field.DOSE, Field.FREQ, Field.ROUTE, Field.O
LINES = [
    LabelLine("Amoxicillin 500mg three times daily by mouth", [D, S, F, F, F, R, R]),
    LabelLine("Take Metformin 850mg twice daily", [O, D, S, F, F]),
    LabelLine("Salbutamol 100mcg inhaled as needed", [D, S, R, F, F]),
    LabelLine("Apply Hydrocortisone 1% cream twice daily to skin", [O, D, S, O, F, F, R, R]),
    LabelLine("Ramipril 5mg once daily", [D, S, F, F]),
    LabelLine("Keep out of reach of children"),  # boilerplate, never annotated
    LabelLine("Metformin 500mg once daily by mouth", [D, S, F, F, R, R], Split.TEST),
    LabelLine("Salbutamol 100mcg as needed", [D, S, F, F], Split.TEST),
    LabelLine("Apply cream twice daily to skin", [O, O, F, F, R, R], Split.TEST),
]


def vocab_from(lines):
    vocab = {"<pad>": 0, "<unk>": 1}
    for line in lines:
        for tok in line.tokens:
            vocab.setdefault(tok, len(vocab))
    return vocab


def to_example(line, vocab):
    match line:
        case LabelLine(fields=None):
            return None
        case LabelLine(tokens=toks, fields=list(tags)) if len(toks) == len(tags):
            return (torch.tensor([vocab.get(t, 1) for t in toks]),
                    torch.tensor([f.value for f in tags]))
        case LabelLine(text=text):
            raise ValueError(f"token/tag count differs for {text!r}")


class FieldTagger(nn.Module):
    def __init__(self, n_words, dim=24):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, len(Field))

    def forward(self, word_ids):
        states, _ = self.lstm(self.emb(word_ids))
        return self.out(states)


def count_hits(pred_tags, gold_seqs):
    """Per-token hits, comparing each gold sequence against its predicted row."""
    hits, seen = 0, 0
    for row, gold in enumerate(gold_seqs):
        for pos in range(gold.size(0)):
            hits += int(pred_tags[row, pos] == gold[pos])
            seen += 1
    return hits, seen


def process(model, examples, mode, opt=None):
    word_ids = pad_sequence([w for w, _ in examples], batch_first=True, padding_value=0)
    gold_seqs = [g for _, g in examples]
    targets = pad_sequence(gold_seqs, batch_first=True, padding_value=-100)
    match mode:
        case Mode.TRAIN:
            model.train()
            scores = model(word_ids)
            loss = nn.functional.cross_entropy(scores.transpose(1, 2), targets, ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()
        case Mode.EVAL:
            model.eval()
            with torch.no_grad():
                pred_tags = model(word_ids).argmax(-1)
            return count_hits(pred_tags, gold_seqs)


def main():
    vocab = vocab_from(LINES)
    split_data = {sp: [] for sp in Split}
    for line in LINES:
        if (ex := to_example(line, vocab)) is not None:
            split_data[line.split].append(ex)
    logger.info("examples: train=%d test=%d", len(split_data[Split.TRAIN]), len(split_data[Split.TEST]))

    model = FieldTagger(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(15):
        loss = process(model, split_data[Split.TRAIN], Mode.TRAIN, opt)
        if epoch % 5 == 0:
            logger.info("epoch %2d loss %.4f", epoch, loss)

    hits, seen = process(model, split_data[Split.TEST], Mode.EVAL)
    logger.info("test token accuracy %.3f (%d/%d)", hits / seen, hits, seen)


if __name__ == "__main__":
    main()
