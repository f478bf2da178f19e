"""Score glacier station field reports for surge risk.

Each report is stored section by section; the sections of one station are
packed into a single sequence, one segment per section, and scored with a
small BERT encoder plus a linear head.
"""
import os
import tempfile
from itertools import chain, groupby
from operator import itemgetter

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

SECTION_RANK = {"header": 0, "measurements": 1, "remarks": 2}

FIELD_NOTES = [
    {"station": "GS-03", "section": "remarks", "text": "crevasse field widening near the icefall"},
    {"station": "GS-03", "section": "header", "text": "upper basin camp clear sky"},
    {"station": "GS-03", "section": "measurements", "text": "surface velocity doubled since last visit"},
    {"station": "GS-07", "section": "header", "text": "terminus station light snow"},
    {"station": "GS-07", "section": "measurements", "text": "stake emergence steady ablation normal"},
    {"station": "GS-07", "section": "remarks", "text": "no new crevasses meltwater channel stable"},
    {"station": "GS-11", "section": "measurements", "text": "bulge advancing velocity high"},
    {"station": "GS-11", "section": "header", "text": "mid glacier camp overcast"},
    {"station": "GS-11", "section": "remarks", "text": "ice cliff collapse heard overnight"},
]
SURGE_FLAG = {"GS-03": 1, "GS-07": 0, "GS-11": 1}

by_station = itemgetter("station")
section_order = lambda note: (note["station"], SECTION_RANK[note["section"]])


def write_vocab():
    words = sorted(set(chain.from_iterable(n["text"].split() for n in FIELD_NOTES)))
    folder = tempfile.mkdtemp(prefix="glacier_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


def pack_station(notes, tok):
    """[CLS] sec0 [SEP] sec1 [SEP] ... with one segment id per section."""
    ids, seg_ids = [tok.cls_token_id], [0]
    for seg, (_, section_notes) in enumerate(groupby(notes, key=itemgetter("section"))):
        pieces = list(chain.from_iterable(map(lambda n: tok.tokenize(n["text"]), section_notes)))
        piece_ids = tok.convert_tokens_to_ids(pieces) + [tok.sep_token_id]
        ids.extend(piece_ids)
        seg_ids.extend([seg] * len(piece_ids))
    return ids, seg_ids


def collate(packed, pad_id):
    width = max(map(lambda p: len(p[0]), packed))
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, segs in packed:
        gap = width - len(ids)
        out["input_ids"].append(ids + [pad_id] * gap)
        out["token_type_ids"].append(segs + [0] * gap)
        out["attention_mask"].append([1] * len(ids) + [0] * gap)
    return {k: torch.tensor(v) for k, v in out.items()}


class SurgeScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, **batch):
        hidden = self.encoder(**batch).last_hidden_state
        return self.head(hidden[:, 0]).squeeze(-1)


def main():
    tok = BertTokenizer(write_vocab())
    ordered = sorted(FIELD_NOTES, key=section_order)
    stations, packed = [], []
    for station, notes in groupby(ordered, key=by_station):
        stations.append(station)
        packed.append(pack_station(list(notes), tok))
    print(f"packed {len(stations)} stations: {stations}")

    batch = collate(packed, tok.pad_token_id)
    targets = torch.tensor([float(SURGE_FLAG[s]) for s in stations])

    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=2,
    )
    model = SurgeScorer(config)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for step in range(5):
        logits = model(**batch)
        loss = loss_fn(logits, targets)
        loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"step {step} loss={loss.item():.4f}")

    with torch.no_grad():
        risk = torch.sigmoid(model(**batch))
    for s, r in zip(stations, risk.tolist()):
        print(f"{s}: surge risk {r:.2f}")


if __name__ == "__main__":
    main()
