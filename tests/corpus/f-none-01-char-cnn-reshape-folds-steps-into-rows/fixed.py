"""Language identification of short strings with a character CNN; the head sees one pooled vector per string."""
import torch
import torch.nn as nn

SAMPLES = [("bonjour tout le monde", 0), ("hello there my friend", 1), ("hola como estas amigo", 2),
           ("merci beaucoup madame", 0), ("good morning to you", 1), ("buenos dias senora", 2)]
ALPHABET = {c: i + 1 for i, c in enumerate(sorted({c for s, _ in SAMPLES for c in s}))}
WIDTH = 24


def encode(text):
    ids = [ALPHABET[c] for c in text][:WIDTH]
    return ids + [0] * (WIDTH - len(ids))


class CharCNN(nn.Module):
    def __init__(self, n_chars, n_langs, hidden=20):
        super().__init__()
        self.hidden = hidden
        self.chars = nn.Embedding(n_chars + 1, 12, padding_idx=0)
        self.conv = nn.Conv1d(12, hidden, kernel_size=5)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.classifier = nn.Linear(hidden, n_langs)

    def forward(self, char_ids):
        h = self.conv(self.chars(char_ids).transpose(1, 2)).relu()
        pooled = self.pool(h)
        flat = pooled.reshape(-1, self.hidden)
        return self.classifier(flat)


torch.manual_seed(0)
strings = torch.tensor([encode(s) for s, _ in SAMPLES])
langs = torch.tensor([y for _, y in SAMPLES])
net = CharCNN(len(ALPHABET), 3)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()
for step in range(3):
    scores = net(strings)
    loss = criterion(scores, langs)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("loss", loss.item())
