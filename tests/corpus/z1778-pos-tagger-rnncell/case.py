# Assignment 5: part-of-speech tagging with a hand-written RNN loop
# (we are not allowed to use nn.RNN/nn.LSTM directly, only nn.RNNCell)

import torch
import torch.nn as nn

torch.manual_seed(42)

tagged_train = [
    [("the", "DET"), ("dog", "NOUN"), ("runs", "VERB")],
    [("a", "DET"), ("cat", "NOUN"), ("sleeps", "VERB"), ("quietly", "ADV")],
    [("the", "DET"), ("small", "ADJ"), ("dog", "NOUN"), ("barks", "VERB"), ("loudly", "ADV")],
    [("my", "DET"), ("old", "ADJ"), ("cat", "NOUN"), ("eats", "VERB"), ("the", "DET"), ("fish", "NOUN")],
    [("birds", "NOUN"), ("sing", "VERB")],
    [("the", "DET"), ("happy", "ADJ"), ("bird", "NOUN"), ("sings", "VERB"), ("very", "ADV"), ("softly", "ADV"), ("today", "NOUN")],
    [("a", "DET"), ("big", "ADJ"), ("fish", "NOUN"), ("swims", "VERB")],
    [("dogs", "NOUN"), ("chase", "VERB"), ("the", "DET"), ("cat", "NOUN")],
]

tagged_test = [
    [("the", "DET"), ("cat", "NOUN"), ("runs", "VERB")],
    [("a", "DET"), ("small", "ADJ"), ("bird", "NOUN"), ("sings", "VERB")],
    [("dogs", "NOUN"), ("eat", "VERB"), ("fish", "NOUN")],
]

# vocab for words and tags, index 0 is padding
word2idx = {"<pad>": 0, "<unk>": 1}
tag2idx = {"<pad>": 0}
for sent in tagged_train:
    for w, t in sent:
        word2idx.setdefault(w, len(word2idx))
        tag2idx.setdefault(t, len(tag2idx))
idx2tag = {i: t for t, i in tag2idx.items()}
print("words:", len(word2idx), "tags:", len(tag2idx))

def encode(sentences):
    longest = max(len(s) for s in sentences)
    words = torch.zeros(len(sentences), longest, dtype=torch.long)
    tags = torch.zeros(len(sentences), longest, dtype=torch.long)
    for i, s in enumerate(sentences):
        for j, (w, t) in enumerate(s):
            words[i, j] = word2idx.get(w, word2idx["<unk>"])
            tags[i, j] = tag2idx[t]
    return words, tags

train_words, train_tags = encode(tagged_train)
MAX_LEN = train_words.shape[1]
print("train tensor:", train_words.shape, "MAX_LEN =", MAX_LEN)


class LoopTagger(nn.Module):
    def __init__(self, n_words, n_tags, emb_dim=16, hid_dim=32, steps=MAX_LEN):
        super().__init__()
        self.steps = steps
        self.hid_dim = hid_dim
        self.emb = nn.Embedding(n_words, emb_dim, padding_idx=0)
        self.cell = nn.RNNCell(emb_dim, hid_dim)
        self.out = nn.Linear(hid_dim, n_tags)

    def forward(self, word_ids):
        vecs = self.emb(word_ids)  # (batch, len, emb)
        h = torch.zeros(word_ids.size(0), self.hid_dim)
        step_scores = []
        for t in range(self.steps):
            h = self.cell(vecs[:, t, :], h)
            step_scores.append(self.out(h))
        return torch.stack(step_scores, dim=1)  # (batch, len, tags)


tagger = LoopTagger(len(word2idx), len(tag2idx))
criterion = nn.CrossEntropyLoss(ignore_index=0)
optim = torch.optim.Adam(tagger.parameters(), lr=0.01)

for epoch in range(2):
    tagger.train()
    scores = tagger(train_words)
    loss = criterion(scores.reshape(-1, len(tag2idx)), train_tags.reshape(-1))
    optim.zero_grad()
    loss.backward()
    optim.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f}")

# ---- test ----
test_words, test_tags = encode(tagged_test)
tagger.eval()
with torch.no_grad():
    test_scores = tagger(test_words)
predicted = test_scores.argmax(-1)

mask = test_tags != 0
correct = (predicted[mask] == test_tags[mask]).sum().item()
print("test token accuracy:", correct / mask.sum().item())

for s, pred_row in zip(tagged_test, predicted):
    print([(w, idx2tag[p]) for (w, _), p in zip(s, pred_row.tolist())])
