"""BiLSTM part-of-speech tagger; sentences and tags come from a tiny CoNLL-style string."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

CONLL = """the DET
dog NOUN
barks VERB

a DET
small ADJ
cat NOUN
sleeps VERB

dogs NOUN
bark VERB
"""


def read_conll(text):
    sentences = []
    for block in text.strip().split("\n\n"):
        pairs = [line.split() for line in block.splitlines()]
        sentences.append(([w for w, _ in pairs], [t for _, t in pairs]))
    return sentences


class TaggingDataset(Dataset):
    def __init__(self, sentences):
        self.sentences = sentences
        self.word2id = {"<pad>": 0, "<unk>": 1}
        self.tag2id = {}
        for words, tags in sentences:
            for w in words:
                self.word2id.setdefault(w, len(self.word2id))
            for t in tags:
                self.tag2id.setdefault(t, len(self.tag2id))

    def __len__(self):
        return len(self.sentences)

    def __getitem__(self, i):
        words, tags = self.sentences[i]
        return {"words": [self.word2id.get(w, 1) for w in words], "tags": [self.tag2id[t] for t in tags]}


class Tagger(nn.Module):
    def __init__(self, n_words, n_tags, dim=24):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, words):
        return self.out(self.lstm(self.emb(words))[0])


def pad_batch(items):
    pad = lambda key, value: nn.utils.rnn.pad_sequence([torch.tensor(x[key]) for x in items], batch_first=True,
                                                         padding_value=value)
    return {"words": pad("words", 0), "tags": pad("tags", -100)}


data = TaggingDataset(read_conll(CONLL))
loader = DataLoader(data, batch_size=3, shuffle=False, collate_fn=pad_batch)
model = Tagger(len(data.word2id), len(data.tag2id))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(3):
    for batch in loader:
        scores = model(batch["words"])
        loss = loss_fn(scores.reshape(-1, scores.size(-1)), batch["tags"].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(epoch, round(loss.item(), 3))
