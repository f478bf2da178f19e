"""Word-level BiLSTM part-of-speech tagger; sentences are bucketed by length to save padding."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)
CORPUS = [
    ("the old man the boats", "DET ADJ NOUN DET NOUN"),
    ("time flies", "NOUN VERB"),
    ("she quickly read the long letter from her sister", "PRON ADV VERB DET ADJ NOUN ADP PRON NOUN"),
    ("dogs bark", "NOUN VERB"),
    ("we watched a film", "PRON VERB DET NOUN"),
    ("the children played in the garden after school", "DET NOUN VERB ADP DET NOUN ADP NOUN"),
    ("birds sing loudly", "NOUN VERB ADV"),
]
PAD = 0
word_vocab = {w: i + 1 for i, w in enumerate(sorted({w for s, _ in CORPUS for w in s.split()}))}
tag_vocab = {t: i for i, t in enumerate(sorted({t for _, ts in CORPUS for t in ts.split()}))}


class BiLstmTagger(nn.Module):
    def __init__(self, n_words, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=PAD)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * dim, n_tags)

    def forward(self, word_ids):
        states, _ = self.lstm(self.emb(word_ids))
        return self.proj(states)


def batches(sentences, tag_seqs, size=3):
    for start in range(0, len(sentences), size):
        words = [torch.tensor([word_vocab[w] for w in s.split()]) for s in sentences[start:start + size]]
        tags = [torch.tensor([tag_vocab[t] for t in ts.split()]) for ts in tag_seqs[start:start + size]]
        yield (pad_sequence(words, batch_first=True, padding_value=PAD),
               pad_sequence(tags, batch_first=True, padding_value=-100))


by_length = sorted(CORPUS, key=lambda pair: len(pair[0].split()))
sentences = [s for s, _ in by_length]
tag_seqs = [ts for _, ts in by_length]

tagger = BiLstmTagger(len(word_vocab) + 1, len(tag_vocab))
optimizer = torch.optim.Adam(tagger.parameters(), lr=5e-3)
for epoch in range(10):
    total = 0.0
    for word_ids, tag_ids in batches(sentences, tag_seqs):
        scores = tagger(word_ids)
        loss = F.cross_entropy(scores.view(-1, scores.size(-1)), tag_ids.view(-1), ignore_index=-100)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    print(f"epoch {epoch}: {total:.3f}")
