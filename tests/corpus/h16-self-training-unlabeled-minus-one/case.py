"""Self-training for language ID: a few labelled sentences, the rest marked -1 (unlabelled) as in
scikit-learn's SelfTrainingClassifier; hashed character trigrams, model written with torch.nn.functional."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
LANGS = ["en", "fr", "de"]
UNLABELED = -1
data = [("the cat is on the table", 0), ("le chat est sur la table", 1), ("die katze ist auf dem tisch", 2),
        ("where is the station", UNLABELED), ("ou est la gare", UNLABELED), ("wo ist der bahnhof", UNLABELED)]
DIM = 64

featurize = lambda s: torch.bincount(torch.tensor([sum(map(ord, s[i:i + 3])) * 31 % DIM for i in range(len(s) - 2)]),
                                     minlength=DIM).float()
X = torch.stack([featurize(s) for s, _ in data])
y = torch.tensor([label for _, label in data])

W = torch.zeros(len(LANGS), DIM, requires_grad=True)
b = torch.zeros(len(LANGS), requires_grad=True)
opt = torch.optim.SGD([W, b], lr=0.1)
for rnd in range(3):
    for _ in range(50):
        loss = F.cross_entropy(F.linear(X, W, b), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        conf, guess = F.softmax(F.linear(X, W, b), -1).max(-1)
        y = torch.where((y == UNLABELED) & (conf > 0.9), guess, y)
    print(f"round {rnd}: {(y == UNLABELED).sum().item()} still unlabelled")
