"""Part-of-speech tagger, Lightning-style: the loss is computed in a step method."""
import torch
import torch.nn as nn

N_TAGS = 7


class Tagger(nn.Module):
    def __init__(self, vocab=100, dim=20):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, dim, batch_first=True)
        self.proj = nn.Linear(dim, N_TAGS)
        self.crit = nn.CrossEntropyLoss(ignore_index=-100)

    def forward(self, tokens):
        states, _ = self.lstm(self.emb(tokens))
        return self.proj(states)

    def step(self, tokens, gold):
        scores = self(tokens)
        return self.crit(scores, gold)


torch.manual_seed(0)
tagger = Tagger()
tokens = torch.randint(1, 100, (3, 11))
gold = torch.randint(0, N_TAGS, (3, 11))
print(tagger.step(tokens, gold).item())
