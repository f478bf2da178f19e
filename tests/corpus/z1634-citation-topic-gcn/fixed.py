"""
Semi-supervised topic classification on a small synthetic citation graph
(Cora-style: bag-of-words per paper, citation links, 20 labels per class).
Dense two-layer GCN (Kipf & Welling) with the renormalisation trick.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

TOPICS = ["Case_Based", "Genetic_Algorithms", "Neural_Networks", "Probabilistic_Methods",
          "Reinforcement_Learning", "Rule_Learning", "Theory"]
N_PAPERS = 280
N_WORDS = 300
PER_CLASS_TRAIN = 20


def dump_corpus(root):
    with open(os.path.join(root, "topics.tsv"), "w") as f:
        for k, name in enumerate(TOPICS, start=1):
            f.write(f"{k}\t{name}\n")
    paper_ids = random.sample(range(10000, 999999), N_PAPERS)
    topic_of = {}
    with open(os.path.join(root, "papers.tsv"), "w") as f:
        for pid in paper_ids:
            t = random.randint(1, len(TOPICS))
            topic_of[pid] = t
            # each topic prefers its own slice of the vocabulary
            words = random.sample(range((t - 1) * 40, (t - 1) * 40 + 60), 8) + random.sample(range(N_WORDS), 4)
            f.write(f"{pid}\t{t}\t{' '.join(map(str, words))}\n")
    by_topic = {}
    for pid in paper_ids:
        by_topic.setdefault(topic_of[pid], []).append(pid)
    with open(os.path.join(root, "cites.tsv"), "w") as f:
        for pid in paper_ids:
            for _ in range(3):
                if random.random() < 0.8:
                    cited = random.choice(by_topic[topic_of[pid]])
                else:
                    cited = random.choice(paper_ids)
                if cited != pid:
                    f.write(f"{pid}\t{cited}\n")


def read_corpus(root):
    topic_names = {}
    with open(os.path.join(root, "topics.tsv")) as f:
        for line in f:
            k, name = line.split()
            topic_names[int(k)] = name

    node_of, topic_ids, bows = {}, [], []
    with open(os.path.join(root, "papers.tsv")) as f:
        for line in f:
            pid, tid, words = line.rstrip("\n").split("\t")
            node_of[int(pid)] = len(node_of)
            topic_ids.append(int(tid) - 1)
            bow = torch.zeros(N_WORDS)
            bow[[int(w) for w in words.split()]] = 1.0
            bows.append(bow)

    cites = []
    with open(os.path.join(root, "cites.tsv")) as f:
        for line in f:
            citing, cited = map(int, line.split())
            cites.append((node_of[citing], node_of[cited]))

    feats = torch.stack(bows)
    feats = feats / feats.sum(1, keepdim=True)
    return feats, torch.tensor(topic_ids), torch.tensor(cites).t(), topic_names


def normalized_adjacency(cites, n):
    A = torch.zeros(n, n)
    A[cites[0], cites[1]] = 1.0
    A = ((A + A.t()) > 0).float() + torch.eye(n)
    d_inv_sqrt = A.sum(1).pow(-0.5)
    return d_inv_sqrt[:, None] * A * d_inv_sqrt[None, :]


class GCN(nn.Module):
    def __init__(self, d_in, d_hid, n_out, p_drop=0.5):
        super().__init__()
        self.W1 = nn.Linear(d_in, d_hid)
        self.W2 = nn.Linear(d_hid, n_out)
        self.p_drop = p_drop

    def forward(self, X, A_hat):
        H = F.relu(A_hat @ self.W1(F.dropout(X, self.p_drop, self.training)))
        return A_hat @ self.W2(F.dropout(H, self.p_drop, self.training))


def planetoid_split(topic):
    train = []
    for c in topic.unique():
        train += (topic == c).nonzero().flatten()[:PER_CLASS_TRAIN].tolist()
    in_train = set(train)
    rest = [i for i in range(topic.numel()) if i not in in_train]
    return torch.tensor(train), torch.tensor(rest[:100]), torch.tensor(rest[100:])


def main():
    with tempfile.TemporaryDirectory() as root:
        dump_corpus(root)
        X, topic, cites, topic_names = read_corpus(root)

    n_classes = len(topic_names)
    A_hat = normalized_adjacency(cites, X.size(0))
    idx_train, idx_val, idx_test = planetoid_split(topic)
    print(f"papers={X.size(0)} citations={cites.size(1)} classes={n_classes} "
          f"train/val/test={len(idx_train)}/{len(idx_val)}/{len(idx_test)}")

    model = GCN(N_WORDS, 16, n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)

    for epoch in range(1, 26):
        model.train()
        opt.zero_grad()
        logits = model(X, A_hat)
        loss = F.cross_entropy(logits[idx_train], topic[idx_train])
        loss.backward()
        opt.step()
        if epoch % 25 == 0:
            model.eval()
            with torch.no_grad():
                pred = model(X, A_hat).argmax(1)
            val_acc = (pred[idx_val] == topic[idx_val]).float().mean()
            test_acc = (pred[idx_test] == topic[idx_test]).float().mean()
            print(f"epoch {epoch:3d} loss {loss.item():.4f} val {val_acc:.3f} test {test_acc:.3f}")


if __name__ == "__main__":
    main()
