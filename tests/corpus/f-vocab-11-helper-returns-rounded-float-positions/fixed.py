"""Mention tagger: each mention's character offset is turned into a coarse position bucket by a helper."""
import torch
import torch.nn as nn

torch.manual_seed(0)
CHARS_PER_BUCKET = 8
N_BUCKETS = 16
docs = [("the cat sat on the mat", [4, 19]), ("a dog barked at the mailman all day", [2, 20, 28])]


def prepare(doc):
    text, offsets = doc
    chars = torch.tensor([ord(c) % 50 for c in text])
    buckets = torch.round(torch.tensor(offsets) / CHARS_PER_BUCKET).long()
    return chars, buckets


class MentionScorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.char_emb = nn.Embedding(50, 8)
        self.bucket_emb = nn.Embedding(N_BUCKETS, 8)
        self.score = nn.Linear(16, 1)

    def forward(self, chars, buckets):
        doc_vec = self.char_emb(chars).mean(0, keepdim=True).expand(len(buckets), -1)
        return self.score(torch.cat([doc_vec, self.bucket_emb(buckets)], dim=-1)).squeeze(-1)


scorer = MentionScorer()
for doc in docs:
    chars, buckets = prepare(doc)
    print(scorer(chars, buckets).tolist())
