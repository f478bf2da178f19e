"""Cargo manifest line tagger: small BERT-style encoder + CRF over BIO tags.

Tags vessels, ports, commodities and quantities in free-text manifest lines
coming out of the harbour master's OCR pipeline.
"""
import random

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

MANIFEST = [
    ("mv nordkap loaded 1200 t barley at gdansk", "B-VES I-VES O B-QTY I-QTY B-COM O B-PORT"),
    ("tanker aurelia discharged crude at rotterdam", "O B-VES O B-COM O B-PORT"),
    ("mv kestrel took 340 t copper at antofagasta", "B-VES I-VES O B-QTY I-QTY B-COM O B-PORT"),
    ("bulk carrier oriana loaded soybeans at santos", "O O B-VES O B-COM O B-PORT"),
    ("mv halvard discharged 90 t coffee at hamburg", "B-VES I-VES O B-QTY I-QTY B-COM O B-PORT"),
    ("feeder lumi loaded timber at kotka", "O B-VES O B-COM O B-PORT"),
]


class BaseModel(nn.Module):
    """Template: subclasses pick TAGS / sizes and override the hooks."""

    MAX_LEN = 64
    HIDDEN = 32
    HEADS = 2
    TAGS = ("O",)

    def __init__(self, vocab, **kwargs):
        super().__init__()
        self.vocab = vocab
        self.tag2id = {t: i for i, t in enumerate(self.TAGS)}
        self.num_tags = len(self.tag2id)
        self.embed = nn.Embedding(len(vocab), self.HIDDEN, padding_idx=0)
        self.pos = nn.Embedding(self.MAX_LEN, self.HIDDEN)
        layer = nn.TransformerEncoderLayer(self.HIDDEN, self.HEADS, dim_feedforward=64,
                                           dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.build_model(**kwargs)

    def build_model(self, **kwargs):
        self.head = nn.Linear(self.HIDDEN, self.num_tags)

    def encode(self, token_ids):
        positions = torch.arange(token_ids.size(-1))
        x = self.embed(token_ids) + self.pos(positions)
        return self.encoder(x.unsqueeze(0)).squeeze(0)

    def emissions(self, token_ids):
        return self.head(self.encode(token_ids))

    def compute_loss(self, token_ids, tag_ids):
        raise NotImplementedError


class CRFMixin:
    START, STOP = "<START>", "<STOP>"

    def build_model(self, **kwargs):
        super().build_model(**kwargs)
        self.transitions = nn.Parameter(0.1 * torch.randn(self.num_tags, self.num_tags))

    def gold_score(self, feats, tag_ids):
        start, stop = self.tag2id[self.START], self.tag2id[self.STOP]
        path = torch.cat([torch.tensor([start]), tag_ids])
        score = torch.zeros(())
        for i, feat in enumerate(feats):
            score = score + self.transitions[path[i + 1], path[i]] + feat[path[i + 1]]
        return score + self.transitions[stop, path[-1]]

    def log_partition(self, feats):
        start, stop = self.tag2id[self.START], self.tag2id[self.STOP]
        alpha = torch.full((self.num_tags,), -1e4)
        alpha[start] = 0.0
        for feat in feats:
            alpha = torch.logsumexp(alpha.unsqueeze(0) + self.transitions, dim=1) + feat
        return torch.logsumexp(alpha + self.transitions[stop], dim=0)

    def viterbi(self, feats):
        start, stop = self.tag2id[self.START], self.tag2id[self.STOP]
        score = torch.full((self.num_tags,), -1e4)
        score[start] = 0.0
        backptrs = []
        for feat in feats:
            best, idx = (score.unsqueeze(0) + self.transitions).max(dim=1)
            backptrs.append(idx)
            score = best + feat
        score = score + self.transitions[stop]
        best_tag = int(score.argmax())
        path = [best_tag]
        for idx in reversed(backptrs[1:]):
            best_tag = int(idx[best_tag])
            path.append(best_tag)
        return path[::-1]

    def compute_loss(self, token_ids, tag_ids):
        feats = self.emissions(token_ids)
        gold = self.gold_score(feats, tag_ids)
        return self.log_partition(feats) - gold


class ManifestTagger(CRFMixin, BaseModel):
    MAX_LEN = 24
    TAGS = ("O", "B-VES", "I-VES", "B-PORT", "B-COM", "B-QTY", "I-QTY")

    def __init__(self, vocab, **kwargs):
        super().__init__(vocab, **kwargs)
        # boundary states for the CRF, never predicted by the decoder
        for special in (self.START, self.STOP):
            self.tag2id[special] = len(self.tag2id)
        self.num_tags = len(self.tag2id)
        self.head = nn.Linear(self.HIDDEN, self.num_tags)


def build_vocab(lines):
    vocab = {"[PAD]": 0, "[UNK]": 1}
    for text, _ in lines:
        for w in text.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def to_tensors(vocab, tag2id, text, tags):
    ids = torch.tensor([vocab.get(w, 1) for w in text.split()])
    return ids, torch.tensor([tag2id[t] for t in tags.split()])


def main():
    vocab = build_vocab(MANIFEST)
    model = ManifestTagger(vocab)
    print(f"vocab={len(vocab)} tags={model.num_tags} params={sum(p.numel() for p in model.parameters())}")
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(3):
        order = list(range(len(MANIFEST)))
        random.shuffle(order)
        total = 0.0
        for k in order:
            ids, gold = to_tensors(vocab, model.tag2id, *MANIFEST[k])
            loss = model.compute_loss(ids, gold)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: nll={total / len(MANIFEST):.3f}")

    id2tag = {i: t for t, i in model.tag2id.items()}
    with torch.no_grad():
        text = MANIFEST[0][0]
        ids, _ = to_tensors(vocab, model.tag2id, *MANIFEST[0])
        pred = model.viterbi(model.emissions(ids))
    print(list(zip(text.split(), [id2tag[p] for p in pred])))


if __name__ == "__main__":
    main()
