"""Character-level tagger with a Shaw-style relative-position bias computed by a helper function."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
MAX_REL = 8
HEADS = 2


def relative_bias(table, q_len, k_len):
    here = torch.arange(q_len)[:, None]
    there = torch.arange(k_len)[None, :]
    return table(there - here + MAX_REL).permute(2, 0, 1)


class CharTagger(nn.Module):
    def __init__(self, n_chars, dim=16):
        super().__init__()
        self.chars = nn.Embedding(n_chars, dim)
        self.qk = nn.Linear(dim, 2 * dim)
        self.rel = nn.Embedding(2 * MAX_REL + 1, HEADS)
        self.tag = nn.Linear(dim, 3)

    def forward(self, codes):
        x = self.chars(codes)
        q, k = self.qk(x).chunk(2, dim=-1)
        scores = (q @ k.transpose(-1, -2)).unsqueeze(1) + relative_bias(self.rel, codes.size(1), codes.size(1))
        return self.tag(F.softmax(scores, dim=-1).mean(1) @ x)


alphabet = sorted(set("the quick brown fox jumps over a lazy dog"))
tagger = CharTagger(len(alphabet) + 1)
for word in ["fox", "lazy", "quickbrownfox"]:
    codes = torch.tensor([[alphabet.index(c) + 1 for c in word]])
    print(word, tagger(codes).argmax(-1).tolist())
