"""Intent classifier over word ids; the batch is padded by hand, notebook style."""
import torch
import torch.nn as nn

torch.manual_seed(0)
PAD_VALUE = -1
vocab = {w: i for i, w in enumerate(
    "<pad> <unk> book a flight to paris cancel my order what is the weather today".split())}


class BagOfEmbeddings(nn.Module):
    def __init__(self, n_words, dim=16, n_intents=3):
        super().__init__()
        self.lookup = nn.Embedding(n_words, dim)
        self.out = nn.Linear(dim, n_intents)

    def forward(self, x):
        return self.out(self.lookup(x).mean(1))


sents = ["book a flight to paris", "cancel my order", "what is the weather today"]
seqs = [[vocab.get(w, 1) for w in s.split()] for s in sents]
L = max(map(len, seqs))
padded = [s + [0] * (L - len(s)) for s in seqs]
x = torch.tensor(padded)
net = BagOfEmbeddings(len(vocab))
y = torch.tensor([0, 1, 2])
loss = nn.functional.cross_entropy(net(x), y)
loss.backward()
print("loss", round(loss.item(), 4))
