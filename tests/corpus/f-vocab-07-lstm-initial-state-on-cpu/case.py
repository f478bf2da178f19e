"""POS tagger with an LSTM whose initial state is built in forward.

DEVICE is CUDA when available; on CPU-only machines the meta device stands in
for the accelerator."""
import torch
import torch.nn as nn

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "meta")


class Tagger(nn.Module):
    def __init__(self, vocab=100, dim=16, hidden=24, tags=6):
        super().__init__()
        self.hidden = hidden
        self.emb = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.tag = nn.Linear(hidden, tags)

    def forward(self, ids):
        e = self.emb(ids)
        h0 = torch.zeros(1, ids.size(0), self.hidden)
        c0 = torch.zeros(1, ids.size(0), self.hidden)
        out, _ = self.lstm(e, (h0, c0))
        return self.tag(out)


tagger = Tagger().to(DEVICE)
sentences = torch.randint(0, 100, (3, 9)).to(DEVICE)
tag_scores = tagger(sentences)
print("tag scores", tuple(tag_scores.shape))
