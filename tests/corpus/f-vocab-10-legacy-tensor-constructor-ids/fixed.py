"""Intent classifier over bag-of-words ids: the encoded batch is turned into a tensor with the legacy
constructor before it reaches the model."""
import torch
import torch.nn as nn

vocab = {w: i for i, w in enumerate("<pad> <unk> book a flight cancel my order play some music".split())}
utterances = ["book a flight", "cancel my order", "play some music please"]


def encode(texts, width=5):
    rows = [[vocab.get(w, 1) for w in t.split()][:width] for t in texts]
    return [r + [0] * (width - len(r)) for r in rows]


class IntentModel(nn.Module):
    def __init__(self, n_words, n_intents=3, dim=8):
        super().__init__()
        self.words = nn.EmbeddingBag(n_words, dim, mode="mean")
        self.head = nn.Linear(dim, n_intents)

    def forward(self, token_matrix):
        return self.head(self.words(token_matrix))


net = IntentModel(len(vocab))
token_matrix = torch.tensor(encode(utterances), dtype=torch.long)
print(net(token_matrix).argmax(-1))
