# LSTM part-of-speech tagger from the PyTorch tutorial, changed to train on padded mini-batches
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)

training_data = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that old book today".split(), ["NN", "V", "DET", "ADJ", "NN", "ADV"]),
    ("She sang".split(), ["PRON", "V"]),
]
word_to_ix = {"<PAD>": 0}
for sent, _ in training_data:
    for word in sent:
        word_to_ix.setdefault(word, len(word_to_ix))
tag_to_ix = {"DET": 0, "NN": 1, "V": 2, "ADV": 3, "PRON": 4, "ADJ": 5, "CONJ": 6}
EMBEDDING_DIM, HIDDEN_DIM = 6, 6


class LSTMTagger(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentences):
        lstm_out, _ = self.lstm(self.word_embeddings(sentences))
        return F.log_softmax(self.hidden2tag(lstm_out), dim=-1)


def prepare_batch(batch):
    width = max(len(s) for s, _ in batch)
    words = torch.tensor([[word_to_ix[w] for w in s] + [0] * (width - len(s)) for s, _ in batch])
    tags = torch.tensor([[tag_to_ix[t] for t in ts] + [-100] * (width - len(ts)) for _, ts in batch])
    return words, tags


model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
sentences, targets = prepare_batch(training_data)
for epoch in range(30):
    model.zero_grad()
    tag_scores = model(sentences)
    loss = F.nll_loss(tag_scores.transpose(1, 2), targets, ignore_index=-100)
    loss.backward()
    optimizer.step()
print(loss.item())
