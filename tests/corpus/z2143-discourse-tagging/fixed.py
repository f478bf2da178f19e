"""Sentence-level discourse element tagging for argumentative essays.

Every sentence of a student essay is labelled with its rhetorical role (Lead,
Position, Claim, Evidence, ...) so the feedback tool can tell a student e.g.
"your second body paragraph has a claim but no evidence".
Sentences are encoded with a bag of word embeddings, then a BiLSTM runs over the
sentence sequence of each essay.
"""
import random

import torch
import torch.nn as nn

random.seed(5)
torch.manual_seed(5)

ROLES = ["Lead", "Position", "Claim", "Counterclaim", "Rebuttal", "Evidence", "Concluding"]
ROLE_ID = {r: i for i, r in enumerate(ROLES)}
TEMPLATES = {
    "Lead": ["have you ever wondered why {t} matters", "many people talk about {t} today"],
    "Position": ["i believe {t} is a good idea", "in my opinion {t} should be required"],
    "Claim": ["one reason is that {t} saves time", "another reason is that {t} helps students"],
    "Counterclaim": ["some people say {t} is too expensive", "others argue {t} is unfair"],
    "Rebuttal": ["however the cost of {t} is small", "but this ignores how {t} works"],
    "Evidence": ["for example a study found {t} raised grades", "my friend used {t} and improved"],
    "Concluding": ["in conclusion {t} is worth it", "to sum up we should adopt {t}"],
}
TOPICS = ["online classes", "school uniforms", "a four day week", "phone bans", "summer projects"]
PAD_LABEL = -100


def synth_essay():
    topic = random.choice(TOPICS)
    roles = ["Lead", "Position"]
    for _ in range(random.randint(1, 3)):
        roles += ["Claim", "Evidence"] + (["Evidence"] if random.random() < 0.5 else [])
    if random.random() < 0.5:
        roles += ["Counterclaim", "Rebuttal"]
    roles.append("Concluding")
    return [(random.choice(TEMPLATES[r]).format(t=topic), r) for r in roles]


def build_vocab(essays):
    words = sorted({w for e in essays for s, _ in e for w in s.split()})
    return {w: i + 1 for i, w in enumerate(words)}


def collate(essays, vocab):
    """Flatten all sentences for the EmbeddingBag and keep per-essay sentence counts."""
    flat_ids, offsets, counts, labels = [], [], [], []
    max_sents = max(len(e) for e in essays)
    for essay in essays:
        counts.append(len(essay))
        for sent, role in essay:
            offsets.append(len(flat_ids))
            flat_ids += [vocab.get(w, 0) for w in sent.split()]
        labels.append([ROLE_ID[r] for _, r in essay] + [PAD_LABEL] * (max_sents - len(essay)))
    return (torch.tensor(flat_ids), torch.tensor(offsets), torch.tensor(counts),
            torch.tensor(labels))


class DiscourseTagger(nn.Module):
    def __init__(self, vocab_size, emb=40, hidden=32, n_roles=len(ROLES)):
        super().__init__()
        self.sent_bag = nn.EmbeddingBag(vocab_size + 1, emb, mode="mean")
        self.context = nn.LSTM(emb, hidden, bidirectional=True)
        self.classify = nn.Linear(2 * hidden, n_roles)

    def forward(self, word_ids, offsets, counts):
        sent_vecs = self.sent_bag(word_ids, offsets)
        per_essay = torch.split(sent_vecs, counts.tolist())
        padded = nn.utils.rnn.pad_sequence(per_essay)
        ctx, _ = self.context(padded)
        ctx = ctx.transpose(0, 1)
        flat = ctx.reshape(-1, ctx.size(-1))
        return self.classify(flat)


def accuracy(logits, gold):
    keep = gold != PAD_LABEL
    return (logits.argmax(-1)[keep] == gold[keep]).float().mean().item()


def main():
    train = [synth_essay() for _ in range(120)]
    dev = [synth_essay() for _ in range(30)]
    vocab = build_vocab(train + dev)
    tagger = DiscourseTagger(len(vocab))
    opt = torch.optim.Adam(tagger.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_LABEL)

    for epoch in range(4):
        random.shuffle(train)
        tagger.train()
        running = 0.0
        for i in range(0, len(train), 16):
            word_ids, offsets, counts, gold = collate(train[i:i + 16], vocab)
            logits = tagger(word_ids, offsets, counts)
            loss = loss_fn(logits, gold.view(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        tagger.eval()
        with torch.no_grad():
            word_ids, offsets, counts, gold = collate(dev, vocab)
            acc = accuracy(tagger(word_ids, offsets, counts), gold.view(-1))
        print(f"epoch {epoch}: train loss {running:.3f}  dev sentence acc {acc:.3f}")


if __name__ == "__main__":
    main()
