import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

MENTION_TYPES = ["PLACE", "VESSEL", "CARGO", "PERSON"]

DOCUMENTS = [
    {"id": "log-1794-031", "text": "sighted the brig Dolphin off Cape Clear at dawn"},
    {"id": "log-1794-007", "text": "took on salt pork at Cork"},
    {"id": "log-1794-112", "text": "Mr Hale reports the Swift bound for Lisbon with wine and cork aboard"},
    {"id": "log-1794-054", "text": "anchored Kinsale"},
    {"id": "log-1794-009", "text": "Captain Ward sent barrels of tar to the Hope"},
    {"id": "log-1794-080", "text": "passed Fastnet rock in heavy weather towards Bantry"},
]

ANNOTATIONS = {  # doc id -> list of (head token position, mention type)
    "log-1794-031": [(3, "VESSEL"), (5, "PLACE")],
    "log-1794-007": [(2, "CARGO"), (5, "PLACE")],
    "log-1794-112": [(1, "PERSON"), (4, "VESSEL"), (7, "PLACE"), (9, "CARGO")],
    "log-1794-054": [(1, "PLACE")],
    "log-1794-009": [(1, "PERSON"), (5, "CARGO"), (8, "VESSEL")],
    "log-1794-080": [(1, "PLACE"), (7, "PLACE")],
}


def build_vocab(docs):
    words = sorted({w.lower() for d in docs for w in d["text"].split()})
    return {w: i + 1 for i, w in enumerate(words)}


def attach_annotations(documents, annotations):
    ann_lists = [annotations[k] for k in sorted(annotations)]
    paired = []
    for doc, anns in zip(documents, ann_lists):
        paired.append((doc, anns))
    return paired


class MentionTyper(nn.Module):
    def __init__(self, vocab_size, n_types, d=24):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, d)
        self.rnn = nn.GRU(d, d, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * d, n_types)

    def encode(self, ids):
        hidden, _ = self.rnn(self.emb(ids).unsqueeze(0))
        return hidden[0]

    def forward(self, ids, positions):
        hidden = self.encode(ids)
        return self.out(torch.stack([hidden[pos] for pos in positions]))


def main():
    vocab = build_vocab(DOCUMENTS)
    type_id = {t: i for i, t in enumerate(MENTION_TYPES)}
    pairs = attach_annotations(DOCUMENTS, ANNOTATIONS)
    n_mentions = sum(len(a) for _, a in pairs)
    print(f"{len(pairs)} logbook entries, {n_mentions} annotated mentions, vocab {len(vocab)}")

    model = MentionTyper(len(vocab) + 1, len(MENTION_TYPES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(8):
        random.shuffle(pairs)
        total = 0.0
        for doc, anns in pairs:
            ids = torch.tensor([vocab[w.lower()] for w in doc["text"].split()])
            logits = model(ids, [pos for pos, _ in anns])
            gold = torch.tensor([type_id[t] for _, t in anns])
            loss = F.cross_entropy(logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / len(pairs):.3f}")

    correct = 0
    with torch.no_grad():
        for doc, anns in pairs:
            ids = torch.tensor([vocab[w.lower()] for w in doc["text"].split()])
            pred = model(ids, [pos for pos, _ in anns]).argmax(-1).tolist()
            correct += sum(p == type_id[t] for p, (_, t) in zip(pred, anns))
    print(f"training-set mention accuracy: {correct / n_mentions:.2f}")


if __name__ == "__main__":
    main()
