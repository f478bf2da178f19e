"""Relation prediction on a small provenance graph (artworks, dealers, collectors, places).

Given the two ends of an edge, score which provenance event links them. Entity
vectors are learned from scratch; a 2-layer head maps a (head, tail) pair to
relation logits.
"""
import random
from collections import namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

EXPORT = """\
# provenance export v2: subject, object, predicate
Lacemaker_Study\tGoudstikker\tconsigned_by
Lacemaker_Study\tMannheimer\tsold_to
Lacemaker_Study\tAmsterdam\texhibited_in
Mannheimer\tRijksmuseum\tbequeathed_to
Harbour_at_Dusk\tDurand_Ruel\tconsigned_by
Harbour_at_Dusk\tHavemeyer\tsold_to
Harbour_at_Dusk\tParis\texhibited_in
Havemeyer\tMet_Museum\tbequeathed_to
Portrait_of_a_Jurist\tSchloss_Collection\tlooted_from
Portrait_of_a_Jurist\tMunich\tstored_in
Portrait_of_a_Jurist\tSchloss_Collection\trestituted_to
Still_Life_Lemons\tKnoedler\tconsigned_by
Still_Life_Lemons\tFrick\tsold_to
Still_Life_Lemons\tNew_York\texhibited_in
River_Landscape\tGoudstikker\tlooted_from
River_Landscape\tMunich\tstored_in
River_Landscape\tGoudstikker\trestituted_to
Winter_Scene\tDurand_Ruel\tconsigned_by
Winter_Scene\tFrick\tsold_to
Winter_Scene\tParis\texhibited_in
Frick\tFrick_Museum\tbequeathed_to
Study_of_Hands\tKnoedler\tconsigned_by
Study_of_Hands\tMannheimer\tsold_to
Study_of_Hands\tSchloss_Collection\tlooted_from
"""

Triple = namedtuple("Triple", "head rel tail")


def read_export(text):
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        subj, obj, pred = line.split("\t")
        rows.append((subj, obj, pred))
    return rows


def index_graph(rows):
    entities = sorted({r[0] for r in rows} | {r[1] for r in rows})
    relations = sorted({r[2] for r in rows})
    ent_id = {e: i for i, e in enumerate(entities)}
    rel_id = {p: i for i, p in enumerate(relations)}
    encoded = torch.tensor([[ent_id[s], ent_id[o], rel_id[p]] for s, o, p in rows])
    return encoded, entities, relations


def minibatches(triples, size, shuffle=True):
    idx = list(range(len(triples)))
    if shuffle:
        random.shuffle(idx)
    for start in range(0, len(idx), size):
        yield Triple(*triples[idx[start:start + size]].unbind(1))


class PairToRelation(nn.Module):
    def __init__(self, n_entities, n_relations, dim=24):
        super().__init__()
        self.ent = nn.Embedding(n_entities, dim)
        self.head = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(), nn.Linear(dim, n_relations))

    def forward(self, heads, tails):
        pair = torch.cat([self.ent(heads), self.ent(tails)], dim=-1)
        return self.head(pair)


@torch.no_grad()
def accuracy(model, triples):
    model.eval()
    hits = 0
    for b in minibatches(triples, 64, shuffle=False):
        hits += (model(b.head, b.tail).argmax(-1) == b.rel).sum().item()
    model.train()
    return hits / len(triples)


def main():
    rows = read_export(EXPORT)
    triples, entities, relations = index_graph(rows)
    print(f"{len(triples)} edges, {len(entities)} entities, {len(relations)} relation types")

    model = PairToRelation(len(entities), len(relations))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    for epoch in range(1, 31):
        total = 0.0
        for b in minibatches(triples, 8):
            logits = model(b.head, b.tail)
            loss = F.cross_entropy(logits, b.rel)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b.rel)
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d}  loss {total / len(triples):.4f}  acc {accuracy(model, triples):.3f}")

    probe = Triple(*triples[:3].unbind(1))
    for h, t, p in zip(probe.head, probe.tail, model(probe.head, probe.tail).argmax(-1)):
        print(f"{entities[h]} -> {entities[t]}: {relations[p]}")


if __name__ == "__main__":
    main()
