"""Flag herbarium sheets whose locality text drifts from the collector's usual range.

Sheets are grouped per collector; the locality strings are embedded with a small
BERT encoder and each sheet is compared against the collector's centroid.
"""
import os
import tempfile
from collections import namedtuple
from itertools import chain, groupby
from operator import attrgetter

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

Sheet = namedtuple("Sheet", "barcode collector locality year")

SHEETS = [
    Sheet("K000101", "Hooker", "sikkim himalaya lachen valley", 1849),
    Sheet("K000102", "Hooker", "sikkim himalaya zemu glacier moraine", 1849),
    Sheet("K000103", "Hooker", "", 1850),
    Sheet("K000104", "Hooker", "khasia hills cherra", 1850),
    Sheet("K000105", "Hooker", "", 1851),
    Sheet("E000201", "Forrest", "yunnan tali range limestone cliffs", 1906),
    Sheet("E000202", "Forrest", "yunnan lichiang range meadows", 1910),
    Sheet("E000203", "Forrest", "", 1913),
    Sheet("E000204", "Forrest", "burma frontier shweli divide", 1919),
    Sheet("P000301", "Wilson", "hupeh ichang gorges", 1900),
    Sheet("P000302", "Wilson", "western szechuan wa shan", 1908),
]

by_collector = attrgetter("collector")
SIM_THRESHOLD = 0.975


def make_tokenizer():
    words = sorted(set(chain.from_iterable(s.locality.split() for s in SHEETS)))
    tmp = tempfile.mkdtemp(prefix="herb_")
    vocab = os.path.join(tmp, "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(vocab)


class LocalityEncoder:
    def __init__(self, tokenizer):
        self.tok = tokenizer
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.model = BertModel(cfg).eval()

    @torch.no_grad()
    def __call__(self, texts):
        enc = self.tok(list(texts), padding=True, return_tensors="pt")
        hidden = self.model(**enc).last_hidden_state
        weights = enc["attention_mask"].unsqueeze(-1).float()
        return F.normalize((hidden * weights).sum(1) / weights.sum(1), dim=-1)


def review_collector(name, sheets, encoder):
    n_sheets = len(sheets)
    located = list(filter(lambda s: s.locality.strip(), sheets))
    vecs = encoder(map(attrgetter("locality"), located))
    centroid = F.normalize(vecs.mean(0), dim=-1)
    print(f"{name}: {n_sheets} sheets, {len(located)} with locality text")

    flagged = []
    for i in range(n_sheets):
        sheet = sheets[i]
        score = torch.dot(vecs[i], centroid).item()
        if score < SIM_THRESHOLD:
            flagged.append((sheet.barcode, round(score, 3)))
    return flagged


def main():
    encoder = LocalityEncoder(make_tokenizer())
    report = {}
    for name, grp in groupby(sorted(SHEETS, key=by_collector), key=by_collector):
        report[name] = review_collector(name, list(grp), encoder)

    print("-" * 40)
    for name, flagged in report.items():
        status = ", ".join(f"{b} ({s})" for b, s in flagged) or "nothing flagged"
        print(f"{name:<8} {status}")


if __name__ == "__main__":
    main()
