"""Part-of-speech tagger for short news sentences: Embedding + GRU + Linear."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

TAGGED_TSV = """\
Shares rose sharply\tNOUN VERB ADV
The central bank kept rates steady\tDET ADJ NOUN VERB NOUN ADJ
Oil prices fell\tNOUN NOUN VERB
Investors  sold tech stocks on Friday morning\tNOUN VERB NOUN NOUN ADP PROPN NOUN
The euro gained\tDET PROPN VERB
Analysts expect a slow recovery\tNOUN VERB DET ADJ NOUN
Gold hit a record high\tPROPN VERB DET NOUN NOUN
Markets closed higher\tNOUN VERB ADV
"""


def read_corpus(text):
    rows = [line.split("\t") for line in text.strip().splitlines()]
    return [(words.split(), tags.split()) for words, tags in rows]


examples = read_corpus(TAGGED_TSV)
vocab = {"<pad>": 0}
for words, _ in examples:
    for w in words:
        vocab.setdefault(w.lower(), len(vocab))
tagset = sorted({t for _, tags in examples for t in tags})
tag_index = {t: i for i, t in enumerate(tagset)}


def collate(batch):
    ids = [torch.tensor([vocab[w.lower()] for w in words]) for words, _ in batch]
    tags = [torch.tensor([tag_index[t] for t in seq]) for _, seq in batch]
    return (
        pad_sequence(ids, batch_first=True, padding_value=0),
        pad_sequence(tags, batch_first=True, padding_value=-100),
    )


class GruTagger(nn.Module):
    def __init__(self, vocab_size, num_tags, emb_dim=24, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, num_tags)

    def forward(self, ids):
        states, _ = self.gru(self.embed(ids))
        return self.out(states)


torch.manual_seed(13)
tagger = GruTagger(len(vocab), len(tagset))
opt = torch.optim.SGD(tagger.parameters(), lr=0.1)
loader = DataLoader(examples, batch_size=4, shuffle=False, collate_fn=collate)

for epoch in range(5):
    running = 0.0
    for ids, gold in loader:
        scores = tagger(ids)
        loss = F.cross_entropy(scores.view(-1, len(tagset)), gold.view(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch + 1} | loss {running / len(loader):.3f}")

tagger.eval()
with torch.no_grad():
    ids, _ = collate([examples[0]])
    pred = tagger(ids).argmax(-1)[0].tolist()
print(" ".join(f"{w}/{tagset[p]}" for w, p in zip(examples[0][0], pred)))
