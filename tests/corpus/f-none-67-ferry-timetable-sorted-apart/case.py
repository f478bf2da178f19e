"""Pick the token that names the departure time in ferry timetable notices (pointer-style extraction)."""
import torch
import torch.nn as nn

torch.manual_seed(0)

NOTICES = [
    ("sailing at 0730 cancelled", "0730"),
    ("the 1415 from ardrossan will run late owing to weather", "1415"),
    ("extra sailing 1900", "1900"),
    ("due to tidal conditions the 0615 departure moves to the north berth today", "0615"),
    ("1100 runs", "1100"),
    ("passengers for the 2030 crossing please check in early", "2030"),
]


def build_vocab(texts):
    vocab = {"<unk>": 0}
    for t in texts:
        for w in t.split():
            vocab.setdefault(w, len(vocab))
    return vocab


vocab = build_vocab(t for t, _ in NOTICES)
token_rows = [torch.tensor([vocab[w] for w in text.split()]) for text, _ in NOTICES]
time_index = [text.split().index(time) for text, time in NOTICES]

# process short notices first: fewer pads, faster warm-up
token_rows = sorted(token_rows, key=len)


class Pointer(nn.Module):
    def __init__(self, n_words, dim=16):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.score = nn.Linear(dim, 1)

    def forward(self, ids):
        h, _ = self.rnn(self.emb(ids).unsqueeze(0))
        return self.score(h[0]).squeeze(-1)


model = Pointer(len(vocab))
opt = torch.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(3):
    total = 0.0
    for ids, at in zip(token_rows, time_index):
        scores = model(ids)
        gold_score = scores[at]
        loss = torch.logsumexp(scores, 0) - gold_score
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch}: {total / len(token_rows):.3f}")
