import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(3)
torch.manual_seed(3)

MAX_TOKENS = 12
PAD_ID = 0
POS_TAGS = ["NOUN", "VERB", "ADJ", "ADP", "DET", "PRON", "PUNCT"]
VOCAB_SIZE = 200


def make_corpus(n_sentences):
    corpus = []
    for _ in range(n_sentences):
        length = random.randint(4, 16)
        corpus.append({
            "token_ids": torch.randint(1, VOCAB_SIZE, (length,)),
            "pos_ids": torch.randint(0, len(POS_TAGS), (length,)),
        })
    return corpus


def collate_sentences(batch):
    token_seqs = [ex["token_ids"][:MAX_TOKENS] for ex in batch]
    pos_seqs = [ex["pos_ids"] for ex in batch]
    return {
        "token_ids": pad_sequence(token_seqs, batch_first=True, padding_value=PAD_ID),
        "pos_ids": pad_sequence(pos_seqs, batch_first=True, padding_value=-100),
    }


class PosTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb_dim=32, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD_ID)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_tags)

    def forward(self, token_ids):
        states, _ = self.lstm(self.embed(token_ids))
        return self.head(states)


def train(epochs=2):
    loader = DataLoader(make_corpus(64), batch_size=8, shuffle=True,
                        collate_fn=collate_sentences)
    model = PosTagger(VOCAB_SIZE, len(POS_TAGS))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            logits = model(batch["token_ids"])
            loss = F.cross_entropy(logits.view(-1, len(POS_TAGS)),
                                   batch["pos_ids"].view(-1), ignore_index=-100)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    train()
