"""Train a bag-of-words intent router for a banking chatbot and list the utterances it misroutes."""
import torch
import torch.nn as nn
import torch.nn.functional as F

INTENTS = ["balance", "transfer", "card_lost", "opening_hours"]
TRAIN = [
    ("what is my balance", 0), ("how much money do i have", 0), ("show my account balance", 0),
    ("send money to my sister", 1), ("transfer fifty euros to john", 1), ("move money to savings", 1),
    ("i lost my card", 2), ("my card was stolen", 2), ("block my card please", 2),
    ("when do you open", 3), ("are you open on sunday", 3), ("what time does the branch close", 3),
]
HELD_OUT = [
    ("balance please", 0), ("how much is in my account", 0), ("send fifty euros", 1),
    ("transfer money to savings", 1), ("card stolen yesterday", 2), ("please block the card", 2),
    ("is the branch open", 3), ("what time do you close", 3), ("money on my card", 0),
]

vocab = {w: i for i, w in enumerate(sorted({w for t, _ in TRAIN + HELD_OUT for w in t.split()}))}


def encode(texts):
    ids = [torch.tensor([vocab[w] for w in t.split()]) for t in texts]
    offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
    return torch.cat(ids), offsets


class Router(nn.Module):
    def __init__(self, n_words, n_intents, dim=16):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, dim, mode="mean")
        self.out = nn.Linear(dim, n_intents)

    def forward(self, ids, offsets):
        return self.out(self.bag(ids, offsets))


class MisrouteReport:
    def __init__(self, model, intents):
        self.model = model
        self.intents = intents

    @torch.no_grad()
    def collect(self, examples):
        self.model.eval()
        scores = self.model(*encode([t for t, _ in examples]))
        best = scores.max(dim=1).indices
        wrong = []
        for k in range(len(examples)):
            text, gold = examples[k]
            pred = int(best[k])
            if pred != gold:
                wrong.append((text, gold, pred))
        return [(text, self.intents[g], self.intents[p]) for text, g, p in wrong]


torch.manual_seed(0)
router = Router(len(vocab), len(INTENTS))
opt = torch.optim.Adam(router.parameters(), lr=0.05)
ids, offsets = encode([t for t, _ in TRAIN])
targets = torch.tensor([y for _, y in TRAIN])
for step in range(60):
    loss = F.cross_entropy(router(ids, offsets), targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"final train loss {loss.item():.4f}")

report = MisrouteReport(router, INTENTS)
for text, gold, pred in report.collect(HELD_OUT):
    print(f"{text!r}: expected {gold}, routed to {pred}")
print("done")
