import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

TAGS = ["O", "B-SPECIES", "I-SPECIES", "B-COUNT", "B-HABITAT"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

SURVEY_NOTES = [
    {"tokens": "saw 3 little egret near reed bed".split(),
     "tags": ["O", "B-COUNT", "B-SPECIES", "I-SPECIES", "O", "B-HABITAT", "O"]},
    {"tokens": "12 barn swallow over meadow".split(),
     "tags": ["B-COUNT", "B-SPECIES", "I-SPECIES", "O", "B-HABITAT"]},
    {"tokens": "single grey heron at estuary".split(),
     "tags": ["B-COUNT", "B-SPECIES", "I-SPECIES", "O", "B-HABITAT"]},
    {"tokens": "kestrel hovering".split(),
     "tags": ["B-SPECIES", "O"]},
    {"tokens": "flock of 40 starling in hedgerow at dusk".split(),
     "tags": ["O", "O", "B-COUNT", "B-SPECIES", "O", "B-HABITAT", "O", "O"]},
    {"tokens": "2 mute swan on lake".split(),
     "tags": ["B-COUNT", "B-SPECIES", "I-SPECIES", "O", "B-HABITAT"]},
]


def build_vocab(records):
    vocab = {"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3}
    for rec in records:
        for w in rec["tokens"]:
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(rec, vocab):
    ids = [vocab["<s>"]] + [vocab.get(w, 1) for w in rec["tokens"]] + [vocab["</s>"]]
    tag_ids = [TAG2ID[t] for t in rec["tags"]]
    return ids, tag_ids


def collate(encoded):
    max_ids = max(len(ids) for ids, _ in encoded)
    max_tags = max(len(t) for _, t in encoded)
    ids = torch.tensor([x + [0] * (max_ids - len(x)) for x, _ in encoded])
    tags = torch.tensor([t + [-100] * (max_tags - len(t)) for _, t in encoded])
    return ids, tags


class BiLSTMTagger(nn.Module):
    def __init__(self, vocab_size, num_tags, emb_dim=24, hidden=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, num_tags)

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.out(h)


def main():
    vocab = build_vocab(SURVEY_NOTES)
    data = [encode(r, vocab) for r in SURVEY_NOTES]
    print(f"{len(data)} field notes, vocab size {len(vocab)}, {len(TAGS)} tags")

    model = BiLSTMTagger(len(vocab), len(TAGS))
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(5):
        random.shuffle(data)
        total = 0.0
        for i in range(0, len(data), 3):
            ids, tags = collate(data[i:i + 3])
            logits = model(ids)
            loss = F.cross_entropy(logits.reshape(-1, len(TAGS)), tags.reshape(-1),
                                   ignore_index=-100)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        ids, _ = collate([encode(SURVEY_NOTES[0], vocab)])
        pred = model(ids).argmax(-1)[0].tolist()
    print(list(zip(SURVEY_NOTES[0]["tokens"], [TAGS[p] for p in pred[1:-1]])))


if __name__ == "__main__":
    main()
