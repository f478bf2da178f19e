"""Tiny piece-level BIO tagger for maritime incident reports + span-level scoring.

Words are cut into sub-word pieces, only the first piece of each word carries
the tag (the rest get -100), and word tags are recovered from first pieces.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn

random.seed(7)
torch.manual_seed(7)

ENTITY_TYPES = ["VESSEL", "PORT", "CARGO", "HAZARD"]
TAGS = ["O"] + [f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I")]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

TRAIN = [
    ("MV Nordic Star grounded near Rotterdam carrying ammonium nitrate", "B-VESSEL I-VESSEL I-VESSEL O O B-PORT O B-CARGO I-CARGO"),
    ("tanker Aurora reported fire off Singapore", "O B-VESSEL O B-HAZARD O B-PORT"),
    ("container spill of palm oil at Antwerp", "O B-HAZARD O B-CARGO I-CARGO O B-PORT"),
    ("Pacific Dawn lost steering leaving Durban with timber", "B-VESSEL I-VESSEL B-HAZARD I-HAZARD O B-PORT O B-CARGO"),
    ("collision reported between Aurora and Nordic Star at Rotterdam", "B-HAZARD O O B-VESSEL O B-VESSEL I-VESSEL O B-PORT"),
    ("coal cargo shifted aboard Pacific Dawn", "B-CARGO O B-HAZARD O B-VESSEL I-VESSEL"),
]
DEV = [
    ("Nordic Star reported fire near Durban", "B-VESSEL I-VESSEL O B-HAZARD O B-PORT"),
    ("Aurora lost steering off Antwerp", "B-VESSEL B-HAZARD I-HAZARD O B-PORT"),
]


def pieces_for(word):
    w = word.lower()
    if len(w) <= 4:
        return [w]
    return [w[:4]] + ["##" + w[i:i + 3] for i in range(4, len(w), 3)]


VOCAB = {"[PAD]": 0, "[UNK]": 1}
for sent, _ in TRAIN + DEV:
    for word in sent.split():
        for pc in pieces_for(word):
            VOCAB.setdefault(pc, len(VOCAB))


def encode(sentence, tag_str):
    ids, targets, first_pos = [], [], []
    for word, tag in zip(sentence.split(), tag_str.split()):
        pcs = pieces_for(word)
        first_pos.append(len(ids))
        ids.extend(VOCAB.get(p, 1) for p in pcs)
        targets.extend([TAG2ID[tag]] + [-100] * (len(pcs) - 1))
    return ids, targets, first_pos


def collate(examples):
    width = max(len(e[0]) for e in examples)
    ids = torch.zeros(len(examples), width, dtype=torch.long)
    tgt = torch.full((len(examples), width), -100, dtype=torch.long)
    for i, (a, b, _) in enumerate(examples):
        ids[i, :len(a)] = torch.tensor(a)
        tgt[i, :len(b)] = torch.tensor(b)
    return ids, tgt


class PieceTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, ids):
        h, _ = self.rnn(self.emb(ids))
        return self.out(h)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    etype: int


def bio_to_spans(tag_ids):
    spans, start, cur = [], None, None
    for i, t in enumerate(list(tag_ids) + [0]):
        name = TAGS[t]
        if start is not None and not (name.startswith("I-") and (t - 1) // 2 == cur):
            spans.append(Span(start, i, cur))
            start = None
        if name.startswith("B-") or (name.startswith("I-") and start is None):
            start, cur = i, (t - 1) // 2
    return spans


def span_prf(gold_sents, pred_sents):
    seen = sorted({sp.etype for spans in gold_sents for sp in spans})
    n_types = len(seen)
    tp, fp, fn = torch.zeros(n_types), torch.zeros(n_types), torch.zeros(n_types)
    for gold, pred in zip(gold_sents, pred_sents):
        g, p = set(gold), set(pred)
        for sp in g & p:
            tp[sp.etype] += 1
        for sp in p - g:
            fp[sp.etype] += 1
        for sp in g - p:
            fn[sp.etype] += 1
    prec = tp / (tp + fp).clamp(min=1)
    rec = tp / (tp + fn).clamp(min=1)
    f1 = 2 * prec * rec / (prec + rec).clamp(min=1e-8)
    return {ENTITY_TYPES[k]: round(f1[k].item(), 3) for k in seen}


def main():
    train = [encode(s, t) for s, t in TRAIN]
    model = PieceTagger(len(VOCAB), len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for epoch in range(3):
        random.shuffle(train)
        total = 0.0
        for i in range(0, len(train), 2):
            ids, tgt = collate(train[i:i + 2])
            logits = model(ids)
            loss = loss_fn(logits.reshape(-1, len(TAGS)), tgt.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 5 == 0:
            print(f"epoch {epoch} loss {total:.3f}")

    model.eval()
    gold_sents, pred_sents = [], []
    with torch.no_grad():
        for sent, tags in DEV:
            ids, _, first_pos = encode(sent, tags)
            piece_pred = model(torch.tensor([ids]))[0].argmax(-1)
            word_pred = piece_pred[first_pos].tolist()
            gold_sents.append(bio_to_spans([TAG2ID[t] for t in tags.split()]))
            pred_sents.append(bio_to_spans(word_pred))
    print("dev span F1:", span_prf(gold_sents, pred_sents))


if __name__ == "__main__":
    main()
