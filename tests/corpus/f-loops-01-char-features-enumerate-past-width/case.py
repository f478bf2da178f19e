"""Character-level language identification: each sentence becomes a fixed-width row of character codes for a small
CNN."""
import torch
from torch import nn

torch.manual_seed(0)


class CharFeaturizer:
    def __init__(self, width):
        self.width = width

    def __call__(self, sentences):
        feats = torch.zeros(len(sentences), self.width, dtype=torch.long)
        for i, sentence in enumerate(sentences):
            for j, ch in enumerate(sentence.lower()):
                feats[i, j] = min(ord(ch), 127)
        return feats


class LangID(nn.Module):
    def __init__(self, n_langs=3):
        super().__init__()
        self.emb = nn.Embedding(128, 8)
        self.conv = nn.Conv1d(8, 16, 3, padding=1)
        self.out = nn.Linear(16, n_langs)

    def forward(self, codes):
        h = self.conv(self.emb(codes).transpose(1, 2)).relu()
        return self.out(h.max(dim=2).values)


featurize = CharFeaturizer(width=24)
sentences = ["the cat sleeps", "le chat dort sur le canapé du salon", "die katze schläft"]
logits = LangID()(featurize(sentences))
print(logits.argmax(-1).tolist())
