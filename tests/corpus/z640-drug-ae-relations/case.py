"""Drug / adverse-event relation extraction on pharmacovigilance case narratives.

Small transformer encoder trained from scratch; entity spans are mean-pooled and every
(head, tail) pair of entities in a sentence is scored by a pair classifier.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

REL_TYPES = ["no_relation", "causes", "treats"]

# Case narratives as exported from the safety database (export order, not id order).
SENTENCES = [
    {"id": "ae-017", "text": "patient developed severe rash after starting lamotrigine",
     "entities": [(2, 4), (6, 7)]},
    {"id": "ae-003", "text": "metformin was stopped because of lactic acidosis and nausea while insulin continued",
     "entities": [(0, 1), (5, 7), (8, 9), (10, 11)]},
    {"id": "ae-009", "text": "ondansetron relieved the vomiting caused by cisplatin",
     "entities": [(0, 1), (3, 4), (6, 7)]},
    {"id": "ae-001", "text": "amiodarone led to hypothyroidism and later pulmonary fibrosis",
     "entities": [(0, 1), (3, 4), (6, 8)]},
    {"id": "ae-012", "text": "headache resolved after paracetamol",
     "entities": [(0, 1), (3, 4)]},
]

# Gold relations keyed by case id: (head_entity_idx, tail_entity_idx, relation)
RELATIONS = {
    "ae-001": [(0, 1, "causes"), (0, 2, "causes")],
    "ae-003": [(0, 1, "causes"), (0, 2, "causes"), (3, 1, "no_relation")],
    "ae-009": [(0, 1, "treats"), (2, 1, "causes")],
    "ae-012": [(1, 0, "treats")],
    "ae-017": [(1, 0, "causes")],
}


def build_vocab(sentences):
    words = sorted({w for s in sentences for w in s["text"].split()})
    return {w: i + 2 for i, w in enumerate(words)}  # 0 pad, 1 unk


class PairRelationModel(nn.Module):
    def __init__(self, vocab_size, dim=32, n_rel=len(REL_TYPES)):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(64, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.scorer = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(), nn.Linear(dim, n_rel))

    def pair_table(self, token_ids, spans):
        positions = torch.arange(token_ids.size(0))
        h = self.encoder((self.emb(token_ids) + self.pos(positions)).unsqueeze(0)).squeeze(0)
        ents = torch.stack([h[a:b].mean(0) for a, b in spans])          # (n_ent, dim)
        n = ents.size(0)
        heads = ents.unsqueeze(1).expand(n, n, -1)
        tails = ents.unsqueeze(0).expand(n, n, -1)
        return self.scorer(torch.cat([heads, tails], dim=-1))           # (n_ent, n_ent, n_rel)


def encode(text, vocab):
    return torch.tensor([vocab.get(w, 1) for w in text.split()], dtype=torch.long)


def make_examples(sentences, relations):
    rel_lists = [relations[k] for k in sorted(relations)]
    examples = []
    for sent, rels in zip(sentences, rel_lists):
        examples.append({
            "id": sent["id"],
            "text": sent["text"],
            "spans": sent["entities"],
            "heads": torch.tensor([r[0] for r in rels]),
            "tails": torch.tensor([r[1] for r in rels]),
            "rel": torch.tensor([REL_TYPES.index(r[2]) for r in rels]),
        })
    return examples


def train(epochs=15):
    vocab = build_vocab(SENTENCES)
    examples = make_examples(SENTENCES, RELATIONS)
    model = PairRelationModel(len(vocab) + 2)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    print(f"vocab={len(vocab)} cases={len(examples)}")

    for epoch in range(epochs):
        random.shuffle(examples)
        total = 0.0
        for ex in examples:
            table = model.pair_table(encode(ex["text"], vocab), ex["spans"])
            scores = table[ex["heads"], ex["tails"]]                      # (n_rel_annot, n_rel)
            loss = F.cross_entropy(scores, ex["rel"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 5 == 0 or epoch == epochs - 1:
            print(f"epoch {epoch:02d} loss {total / len(examples):.4f}")
    return model, vocab


@torch.no_grad()
def predict(model, vocab, sent):
    table = model.pair_table(encode(sent["text"], vocab), sent["entities"])
    best = table.argmax(-1)
    words = sent["text"].split()
    for i, (a, b) in enumerate(sent["entities"]):
        for j, (c, d) in enumerate(sent["entities"]):
            if i != j and best[i, j] != 0:
                print(f"  {' '.join(words[a:b])} --{REL_TYPES[best[i, j]]}--> {' '.join(words[c:d])}")


if __name__ == "__main__":
    model, vocab = train()
    model.eval()
    for s in SENTENCES[:2]:
        print(s["id"])
        predict(model, vocab, s)
