"""Triage classifier for course forum posts (question / logistics / technical / social)."""
import random
import re
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

CATEGORIES = ["content_question", "logistics", "technical_issue", "social"]
TEMPLATES = {
    "content_question": [
        "i dont understand why the {topic} proof works in lecture {n}",
        "can someone explain the second step of the {topic} example",
        "is the {topic} formula on slide {n} correct or a typo",
    ],
    "logistics": [
        "when is problem set {n} due and is there an extension",
        "will the midterm cover {topic} or only up to week {n}",
        "office hours moved to room {n} this week",
    ],
    "technical_issue": [
        "the autograder crashes on my {topic} submission with a timeout",
        "cannot open the notebook for week {n} kernel keeps dying",
        "video for lecture {n} wont load on the course site",
    ],
    "social": [
        "anyone want to form a study group for {topic}",
        "thanks everyone for the help on week {n}",
        "looking for a project partner interested in {topic}",
    ],
}
TOPICS = ["recursion", "dynamic programming", "eigenvalues", "bayes rule", "gradient descent", "hash tables"]


def synth_posts(n_posts):
    posts = []
    for _ in range(n_posts):
        cat = random.choice(CATEGORIES)
        text = random.choice(TEMPLATES[cat]).format(topic=random.choice(TOPICS), n=random.randint(1, 12))
        if random.random() < 0.5:
            text += " " + random.choice(["please help", "thanks in advance", "any ideas", "urgent"])
        posts.append({"body": text, "label": CATEGORIES.index(cat)})
    return posts


def tokenize(text):
    return re.findall(r"[a-z]+|\d+", text.lower())


class ForumVocab:
    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, posts, min_freq=1):
        counts = Counter(tok for p in posts for tok in tokenize(p["body"]))
        self.itos = [self.PAD, self.UNK] + sorted(t for t, c in counts.items() if c >= min_freq)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi.get(t, 1) for t in tokenize(text)]

    def __len__(self):
        return len(self.itos)


class ForumPostDataset(Dataset):
    def __init__(self, posts, vocab, max_tokens=64):
        self.posts = posts
        self.vocab = vocab
        self.max_tokens = max_tokens

    def __len__(self):
        return len(self.posts)

    def __getitem__(self, idx):
        post = self.posts[idx]
        ids = self.vocab.encode(post["body"])[: self.max_tokens]
        return torch.tensor(ids, dtype=torch.long), torch.tensor(post["label"])


def collate_posts(batch, pad_id=0):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=pad_id)
    return padded, lengths, torch.stack(labels)


class PostTriageNet(nn.Module):
    def __init__(self, vocab_size, emb_dim=48, hidden=64, n_classes=len(CATEGORIES)):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * hidden, n_classes))

    def forward(self, ids, lengths):
        x = self.emb(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        h = torch.cat([h[-2], h[-1]], dim=-1)
        return self.head(h)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for ids, lengths, labels in loader:
            pred = model(ids, lengths).argmax(-1)
            correct += (pred == labels).sum().item()
            total += labels.numel()
    return correct / max(total, 1)


def main():
    posts = synth_posts(600)
    split = int(0.8 * len(posts))
    train_posts, val_posts = posts[:split], posts[split:]
    vocab = ForumVocab(train_posts)

    train_ds = ForumPostDataset(train_posts, vocab)
    val_ds = ForumPostDataset(val_posts, vocab)
    train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=64, shuffle=False, collate_fn=collate_posts)

    model = PostTriageNet(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        running = 0.0
        for step, (ids, lengths, labels) in enumerate(train_loader):
            opt.zero_grad()
            logits = model(ids, lengths)
            loss = loss_fn(logits, labels)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch} loss {running / (step + 1):.4f} val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
