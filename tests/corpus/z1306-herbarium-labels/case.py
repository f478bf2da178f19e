"""Flag likely duplicate herbarium sheets by embedding their transcribed labels.

Duplicates (same gathering, sheets split between institutions) usually share the
collector and number, so we compare label embeddings within each collector group.
"""
import itertools
import tempfile
from collections import namedtuple
from operator import itemgetter

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

EncodeSettings = namedtuple("EncodeSettings", ["max_length", "batch_size", "lowercase"], defaults=(128, 4, True))

SHEETS = [
    {"barcode": "E00412", "collector": "Forrest", "label": "Rhododendron on open slopes above the river, flowers deep red, alt 3000 m"},
    {"barcode": "K00981", "collector": "Forrest", "label": "Rhododendron on open slopes above river, flowers deep red, alt 3000 m"},
    {"barcode": "E00533", "collector": "Forrest", "label": "Primula in wet meadow by stream, flowers yellow, alt 3600 m"},
    {"barcode": "BM0217", "collector": "Kingdon-Ward", "label": "Meconopsis among boulders on scree, flowers blue, alt 4200 m"},
    {"barcode": "E00790", "collector": "Kingdon-Ward", "label": (
        "Meconopsis among boulders on scree below the pass on the western flank of the range, "
        "growing with dwarf Rhododendron and Primula in thin peaty soil over limestone, flowers blue "
        "with a yellow boss of stamens, plants to 60 cm, locally frequent, collected in fruit and flower, "
        "seed sent under the same number, mist most afternoons, the slopes facing north and the "
        "snow lying late in the gullies, alt 4200 m, see field notebook 7 for sketch of the site"
    )},
    {"barcode": "K01120", "collector": "Kingdon-Ward", "label": "Primula in wet meadow by stream, flowers purple, alt 3900 m"},
]


def build_tokenizer(texts, lowercase):
    words = set()
    for t in texts:
        t = t.lower() if lowercase else t
        words.update(t.replace(",", " ").split())
    vocab_path = tempfile.mkdtemp() + "/vocab.txt"
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + sorted(words):
            fh.write(tok + "\n")
    return BertTokenizer(vocab_path, do_lower_case=lowercase)


class LabelEmbedder:
    def __init__(self, model, tokenizer, settings):
        self.model = model.eval()
        self.tok = tokenizer
        self.settings = settings

    @torch.no_grad()
    def __call__(self, texts):
        out = []
        for i in range(0, len(texts), self.settings.batch_size):
            enc = self.tok(
                texts[i : i + self.settings.batch_size],
                padding=True,
                truncation=True,
                max_length=self.settings.max_length,
                return_tensors="pt",
            )
            hidden = self.model(**enc).last_hidden_state
            weights = enc["attention_mask"].unsqueeze(-1).float()
            out.append((hidden * weights).sum(1) / weights.sum(1))
        return F.normalize(torch.cat(out), dim=-1)


def duplicate_pairs(sheets, embedder, threshold=0.99):
    found = []
    by_collector = sorted(sheets, key=itemgetter("collector"))
    for collector, group in itertools.groupby(by_collector, key=itemgetter("collector")):
        group = list(group)
        if len(group) < 2:
            continue
        vecs = embedder([s["label"] for s in group])
        sims = vecs @ vecs.T
        print(f"{collector}: {len(group)} sheets, max off-diagonal sim {(sims - torch.eye(len(group))).max():.3f}")
        for a, b in itertools.combinations(range(len(group)), 2):
            if sims[a, b] >= threshold:
                found.append((group[a]["barcode"], group[b]["barcode"], round(sims[a, b].item(), 3)))
    return found


def main():
    settings = EncodeSettings()
    tokenizer = build_tokenizer([s["label"] for s in SHEETS], settings.lowercase)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    embedder = LabelEmbedder(BertModel(config), tokenizer, settings)
    print(f"tokenizer: {tokenizer.vocab_size} entries; encoding with {settings}")

    pairs = duplicate_pairs(SHEETS, embedder)
    print(f"{len(pairs)} candidate duplicate pairs")
    for a, b, sim in pairs:
        print(f"  {a} <-> {b}  cos={sim}")


if __name__ == "__main__":
    main()
