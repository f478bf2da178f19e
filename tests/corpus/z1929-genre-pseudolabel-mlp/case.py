import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
rng = np.random.default_rng(1)

GENRES = ["jazz", "metal", "ambient", "hiphop", "folk"]
N_MFCC = 20
N_CLIPS = 600

# synthetic clip-level audio descriptors: MFCC means + spectral centroid, rolloff, tempo
centers = rng.normal(0.0, 2.0, size=(len(GENRES), N_MFCC + 3))
genre_of_clip = rng.integers(0, len(GENRES), size=N_CLIPS)
clip_feats = centers[genre_of_clip] + rng.normal(0.0, 3.0, size=(N_CLIPS, N_MFCC + 3))
clip_feats = (clip_feats - clip_feats.mean(0)) / clip_feats.std(0)

feats_t = torch.tensor(clip_feats, dtype=torch.float32)
genre_t = torch.tensor(genre_of_clip, dtype=torch.long)

perm = rng.permutation(N_CLIPS).tolist()
labeled_ids = perm[:40]
heldout_ids = perm[40:140]
unlabeled_ids = perm[140:]


class GenreMLP(nn.Module):
    def __init__(self, d_in, n_out, hidden=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, n_out)

    def forward(self, x):
        return self.head(self.body(x))


def fit(x, y, epochs=150):
    net = GenreMLP(x.size(1), len(GENRES))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2, weight_decay=1e-4)
    net.train()
    for _ in range(epochs):
        logits = net(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


@torch.no_grad()
def heldout_accuracy(net):
    net.eval()
    pred = net(feats_t[heldout_ids]).argmax(1)
    return (pred == genre_t[heldout_ids]).float().mean().item()


CONF_THRESHOLD = 0.9
pseudo_ids, pseudo_genres = [], torch.empty(0, dtype=torch.long)

for round_no in range(5):
    x_train = torch.cat([feats_t[labeled_ids], feats_t[pseudo_ids]])
    y_train = torch.cat([genre_t[labeled_ids], pseudo_genres])
    model = fit(x_train, y_train)
    acc = heldout_accuracy(model)

    model.eval()
    with torch.no_grad():
        pool_probs = F.softmax(model(feats_t[unlabeled_ids]), dim=1)
    top_prob, top_genre = pool_probs.max(1)
    confident = top_prob >= CONF_THRESHOLD
    newly = [cid for cid, ok in zip(unlabeled_ids, confident.tolist()) if ok]

    pseudo_ids = pseudo_ids + newly
    pseudo_genres = torch.cat([pseudo_genres, top_genre])
    unlabeled_ids = [cid for cid, ok in zip(unlabeled_ids, confident.tolist()) if not ok]

    if newly:
        agree = (genre_t[newly] == top_genre[confident]).float().mean().item()
    else:
        agree = float("nan")
    print(f"round {round_no}: train={len(labeled_ids) + len(pseudo_ids) - len(newly)} acc={acc:.3f} "
          f"+{len(newly)} pseudo (precision {agree:.3f}), pool left {len(unlabeled_ids)}")

    if not unlabeled_ids:
        break
