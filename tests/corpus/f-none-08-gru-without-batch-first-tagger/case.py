import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

VOCAB_SIZE = 200
NUM_INTENTS = 5
MAX_LEN = 12


def build_utterances(n, generator):
    token_ids = torch.randint(1, VOCAB_SIZE, (n, MAX_LEN), generator=generator)
    lengths = torch.randint(4, MAX_LEN + 1, (n,), generator=generator)
    positions = torch.arange(MAX_LEN).unsqueeze(0)
    token_ids = token_ids.masked_fill(positions >= lengths.unsqueeze(1), 0)
    intents = token_ids[:, 0] % NUM_INTENTS
    return token_ids, intents


class IntentGRU(nn.Module):
    def __init__(self, vocab_size, emb_dim=32, hidden=48, num_intents=NUM_INTENTS):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(hidden, num_intents)

    def forward(self, token_ids):
        embedded = self.embed(token_ids)
        _, last_hidden = self.rnn(embedded)
        return self.classifier(self.dropout(last_hidden[-1]))


def main():
    generator = torch.Generator().manual_seed(7)
    token_ids, intents = build_utterances(256, generator)
    loader = DataLoader(TensorDataset(token_ids, intents), batch_size=16, shuffle=True,
                        generator=generator)

    model = IntentGRU(VOCAB_SIZE)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        model.train()
        running, correct = 0.0, 0
        for batch_ids, batch_intents in loader:
            logits = model(batch_ids)
            loss = F.cross_entropy(logits, batch_intents)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * batch_ids.size(0)
            correct += (logits.argmax(-1) == batch_intents).sum().item()
        print(f"epoch {epoch}: loss={running / len(token_ids):.3f} "
              f"acc={correct / len(token_ids):.3f}")


if __name__ == "__main__":
    main()
