# Lab 4: sequence tagging of recipe instructions.
# Each word gets a tag: ACT (action verb), ING (ingredient), QTY (quantity), O (other).
# Model: embedding -> BiLSTM -> linear, adapted from the PyTorch LSTM tagger tutorial.
import torch
import torch.nn as nn

torch.manual_seed(1)

recipe_lines = [
    ("chop two onions finely", "ACT QTY ING O"),
    ("add salt", "ACT ING"),
    ("stir in one cup of flour", "ACT O QTY O O ING"),
    ("boil the pasta", "ACT O ING"),
    ("whisk three eggs with milk", "ACT QTY ING O ING"),
    ("melt butter", "ACT ING"),
    ("slice one tomato", "ACT QTY ING"),
    ("fry the onions in butter until golden", "ACT O ING O ING O O"),
    ("season with salt and pepper", "ACT O ING O ING"),
    ("pour two cups of milk into the pan", "ACT QTY O O ING O O O"),
]

TAGS = ["<pad>", "O", "ACT", "ING", "QTY"]
tag2idx = {t: i for i, t in enumerate(TAGS)}

word2idx = {"<pad>": 0, "<unk>": 1}
for sentence, _ in recipe_lines:
    for w in sentence.split():
        if w not in word2idx:
            word2idx[w] = len(word2idx)

print("vocab:", len(word2idx), "words,", len(TAGS), "tags")

MAX_WORDS = 10
EMB_DIM = 24
HIDDEN = 32
BATCH_SIZE = 4
EPOCHS = 15


def encode_words(sentence):
    ids = [word2idx.get(w, 1) for w in sentence.split()]
    ids = ids[:MAX_WORDS]
    return ids + [0] * (MAX_WORDS - len(ids))


def encode_tags(tag_lists):
    longest = MAX_WORDS
    rows = []
    for t in tag_lists:
        ids = [tag2idx[x] for x in t.split()]
        rows.append(ids + [0] * (longest - len(ids)))
    return torch.tensor(rows)


def make_batches(data, size):
    batches = []
    for start in range(0, len(data), size):
        chunk = data[start:start + size]
        words = torch.tensor([encode_words(s) for s, _ in chunk])
        tags = encode_tags([t for _, t in chunk])
        batches.append((words, tags))
    return batches


class RecipeTagger(nn.Module):
    def __init__(self, n_words, n_tags):
        super().__init__()
        self.emb = nn.Embedding(n_words, EMB_DIM, padding_idx=0)
        self.lstm = nn.LSTM(EMB_DIM, HIDDEN, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * HIDDEN, n_tags)

    def forward(self, words):
        x = self.emb(words)
        x, _ = self.lstm(x)
        return self.out(x)


tagger = RecipeTagger(len(word2idx), len(TAGS))
loss_fn = nn.CrossEntropyLoss(ignore_index=tag2idx["<pad>"])
opt = torch.optim.Adam(tagger.parameters(), lr=0.01)

batches = make_batches(recipe_lines, BATCH_SIZE)
for i, (w, t) in enumerate(batches):
    print(f"batch {i}: words {tuple(w.shape)}")

for epoch in range(EPOCHS):
    total_loss = 0.0
    for words, tags in batches:
        opt.zero_grad()
        scores = tagger(words)
        loss = loss_fn(scores.view(-1, len(TAGS)), tags.view(-1))
        loss.backward()
        opt.step()
        total_loss += loss.item()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d} loss {total_loss / len(batches):.4f}")

# quick check on one new instruction
test_sentence = "chop one tomato finely"
with torch.no_grad():
    scores = tagger(torch.tensor([encode_words(test_sentence)]))
    pred = scores.argmax(-1)[0][: len(test_sentence.split())]
print(test_sentence)
print(" ".join(TAGS[i] for i in pred.tolist()))

correct = 0
counted = 0
with torch.no_grad():
    for words, tags in batches:
        pred = tagger(words).argmax(-1)
        mask = tags != 0
        correct += (pred[mask] == tags[mask]).sum().item()
        counted += mask.sum().item()
print(f"train tag accuracy: {correct / counted:.3f}")
