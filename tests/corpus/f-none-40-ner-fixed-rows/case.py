import os
import tempfile
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

BATCH = 8
SEQ = 24
VOCAB = 300
EMBED = 32
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG"]
PAD_TAG = -100


class TokenTagger(nn.Module):
    def __init__(self, vocab, embed, num_tags):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed, padding_idx=0)
        self.lstm = nn.LSTM(embed, embed, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * embed, num_tags)

    def forward(self, ids):
        hidden, _ = self.lstm(self.embed(ids))
        return self.out(hidden)


def make_corpus(n_sentences):
    g = torch.Generator().manual_seed(3)
    ids = torch.randint(1, VOCAB, (n_sentences, SEQ), generator=g)
    tags = torch.randint(0, len(TAGS), (n_sentences, SEQ), generator=g)
    lengths = torch.randint(8, SEQ + 1, (n_sentences,), generator=g)
    for i, n in enumerate(lengths.tolist()):
        ids[i, n:] = 0
        tags[i, n:] = PAD_TAG
    return TensorDataset(ids, tags)


def tagging_loss(logits, tags):
    flat_logits = logits.reshape(BATCH * SEQ, -1)
    flat_tags = tags.view(-1)
    return F.cross_entropy(flat_logits, flat_tags, ignore_index=PAD_TAG)


def token_accuracy(logits, tags):
    mask = tags != PAD_TAG
    preds = logits.argmax(dim=-1)
    return (preds[mask] == tags[mask]).float().mean().item()


torch.manual_seed(0)
train_set = make_corpus(60)
loader = DataLoader(train_set, batch_size=BATCH, shuffle=True)
tagger = TokenTagger(VOCAB, EMBED, len(TAGS))
optim = torch.optim.Adam(tagger.parameters(), lr=2e-3)

for epoch in range(3):
    running, accs = 0.0, []
    for ids, tags in loader:
        logits = tagger(ids)
        loss = tagging_loss(logits, tags)
        optim.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
        optim.step()
        running += loss.item()
        accs.append(token_accuracy(logits.detach(), tags))
    print(f"epoch {epoch}: loss={running / len(loader):.4f} token_acc={sum(accs) / len(accs):.3f}")

torch.save(tagger.state_dict(), os.path.join(tempfile.mkdtemp(prefix="tagger_"), "token_tagger.pt"))
print("saved tagger")
