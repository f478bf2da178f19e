# Bird-ringing station: guess the age class of a bird from the ringer's
# free-text field notes (juv / 1st-winter / adult).
import torch
from torch import nn

torch.manual_seed(7)

AGE_CLASSES = ["juvenile", "first-winter", "adult"]

TRAIN_NOTES = [
    ("fluffy body feathers yellow gape", 0),
    ("loose undertail coverts gape flanges visible", 0),
    ("moult limit in greater coverts pointed tail", 1),
    ("retained juvenile coverts worn primaries", 1),
    ("uniform fresh wing rounded tail feathers", 2),
    ("full adult plumage brood patch present", 2),
    ("gape still yellow spotted breast", 0),
    ("contrast in coverts narrow tail feathers", 1),
]

FIELD_NOTES = [
    "brood patch and uniform wing",
    "spotted mantle soft yellow gape",
    "clear moult limit abraded tertials",
]


class Lexicon:
    def __init__(self):
        self.ids = {"<pad>": 0, "<unk>": 1}
        self.locked = False

    def __len__(self):
        return len(self.ids)

    def lock(self):
        self.locked = True

    def lookup(self, word):
        if word not in self.ids:
            if self.locked:
                return self.ids["<unk>"]
            self.ids[word] = len(self.ids)
        return self.ids[word]

    def encode(self, notes):
        rows = [[self.lookup(w) for w in text.split()] for text in notes]
        width = max(map(len, rows))
        return torch.tensor([r + [0] * (width - len(r)) for r in rows])


class RingClassifier(nn.Module):
    def __init__(self, n_words, n_classes=len(AGE_CLASSES)):
        super().__init__()
        self.emb = nn.Embedding(n_words, 16, padding_idx=0)
        self.out = nn.Linear(16, n_classes)

    def forward(self, ids):
        keep = (ids != 0).unsqueeze(-1).float()
        vecs = (self.emb(ids) * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.out(vecs)


lex = Lexicon()
x_train = lex.encode([t for t, _ in TRAIN_NOTES])
y_train = torch.tensor([a for _, a in TRAIN_NOTES])
print(f"lexicon has {len(lex)} entries after reading {len(TRAIN_NOTES)} notes")

model = RingClassifier(len(lex))
lex.lock()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
loss_fn = nn.CrossEntropyLoss()

for step in range(60):
    opt.zero_grad()
    loss = loss_fn(model(x_train), y_train)
    loss.backward()
    opt.step()
    if step % 20 == 0:
        print(f"step {step:2d} loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    x_field = lex.encode(FIELD_NOTES)
    guesses = model(x_field).argmax(-1)
for note, g in zip(FIELD_NOTES, guesses.tolist()):
    print(f"{note:40s} -> {AGE_CLASSES[g]}")
