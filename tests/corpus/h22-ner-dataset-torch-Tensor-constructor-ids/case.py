"""BiLSTM named-entity tagger; examples are fixed-width windows built in a Dataset."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
SENTS = [["John", "lives", "in", "Paris"], ["Mary", "visited", "Berlin", "last", "year"], ["IBM", "hired", "Ann"]]
TAGS = [["B-PER", "O", "O", "B-LOC"], ["B-PER", "O", "B-LOC", "O", "O"], ["B-ORG", "O", "B-PER"]]
WIDTH = 6
w2i = {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(sorted({w for s in SENTS for w in s}))}}
t2i = {t: i for i, t in enumerate(["O", "B-PER", "B-LOC", "B-ORG"])}


class WindowDataset(Dataset):
    def __getitem__(self, i):
        ids = [w2i.get(w, 1) for w in SENTS[i]] + [0] * (WIDTH - len(SENTS[i]))
        tags = [t2i[t] for t in TAGS[i]] + [-100] * (WIDTH - len(TAGS[i]))
        return torch.Tensor(ids), torch.LongTensor(tags)

    def __len__(self):
        return len(SENTS)


class BiLSTMTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(w2i), 32, padding_idx=0)
        self.rnn = nn.LSTM(32, 32, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(64, len(t2i))

    def forward(self, x):
        return self.proj(self.rnn(self.embed(x))[0])


net = BiLSTMTagger()
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
crit = nn.CrossEntropyLoss(ignore_index=-100)
for epoch in range(5):
    for x, y in DataLoader(WindowDataset(), batch_size=2):
        out = net(x)
        loss = crit(out.view(-1, len(t2i)), y.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
print("final loss", loss.item())
