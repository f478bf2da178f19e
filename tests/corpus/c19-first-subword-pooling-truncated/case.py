"""Word-level features from a sub-word encoder via first-piece pooling (for a chunking head)."""
import torch
import torch.nn as nn

torch.manual_seed(0)
MAX_TOKENS = 12


def wordpiece_split(word):
    """Fake word-piece splitter: one piece per 4 characters."""
    return [word[i:i + 4] for i in range(0, len(word), 4)]


def encode(words, piece_vocab):
    piece_ids, word_starts = [], []
    for w in words:
        word_starts.append(len(piece_ids))
        piece_ids += [piece_vocab.setdefault(p, len(piece_vocab) + 1) for p in wordpiece_split(w)]
    return torch.tensor([piece_ids[:MAX_TOKENS]]), word_starts


class FirstPiecePooler(nn.Module):
    def __init__(self, vocab_size=100, dim=16, num_chunks=3):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, num_chunks)

    def forward(self, input_ids, word_starts):
        states, _ = self.rnn(self.emb(input_ids))
        word_vecs = []
        for w, start in enumerate(word_starts):
            word_vecs.append(states[0, start])
        return self.head(torch.stack(word_vecs))


sentence = "international shipping regulations complicate everything for manufacturers".split()
input_ids, word_starts = encode(sentence, {})
pooler = FirstPiecePooler()
with torch.no_grad():
    chunk_logits = pooler(input_ids, word_starts)
print("chunk tags:", chunk_logits.argmax(-1).tolist())
