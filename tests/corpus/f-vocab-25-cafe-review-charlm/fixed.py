import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

BYTE_VOCAB = 256
CONTEXT = 24

REVIEWS = [
    "Great café, the crème brûlée was perfect 😍",
    "Staff said “back in five” and vanished for twenty minutes.",
    "Best piñata-shaped cookies in town — kids loved them!",
    "The jalapeño toastie is a must ☕🔥",
    "Cosy spot, but the Wi‑Fi “password” was a mystery.",
    "Flat white was smooth; the croissant a bit dry.",
    "Crêpes with Nutella… worth every cent 👌",
    "Naïve décor, lovely music, rude cashier.",
]


def to_ids(text):
    return list(text.encode("utf-8"))


def review_stream(reviews):
    for review in reviews:
        yield to_ids(review) + [ord("\n")]


class CharLM(nn.Module):
    def __init__(self, vocab=BYTE_VOCAB, dim=48, hidden=96):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, ids):
        out, _ = self.rnn(self.embed(ids))
        return self.head(out)


corpus = torch.tensor([i for ids in review_stream(REVIEWS * 4) for i in ids])
starts = torch.arange(0, len(corpus) - CONTEXT - 1, 5)


def sample_batch(batch_size=16):
    pick = starts[torch.randint(len(starts), (batch_size,))]
    x = torch.stack([corpus[s:s + CONTEXT] for s in pick])
    y = torch.stack([corpus[s + 1:s + CONTEXT + 1] for s in pick])
    return x, y


model = CharLM()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for step in range(12):
    x, y = sample_batch()
    logits = model(x)
    loss = F.cross_entropy(logits.reshape(-1, BYTE_VOCAB), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 40 == 0:
        print(f"step {step}: loss {loss.item():.3f}")

with torch.no_grad():
    x, y = sample_batch(64)
    ppl = F.cross_entropy(model(x).reshape(-1, BYTE_VOCAB), y.reshape(-1)).exp()
print(f"held-in perplexity {ppl.item():.2f}")
