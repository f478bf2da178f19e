import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "pack my box with five dozen liquor jugs",
    "how vexingly quick daft zebras jump",
    "sphinx of black quartz judge my vow",
]


class CharVocab:
    def __init__(self, texts):
        chars = sorted(set("".join(texts)))
        self.itos = ["<bos>"] + chars
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        return [self.stoi[c] for c in text]


class CharGRU(nn.Module):
    def __init__(self, vocab_size, emb_dim=24, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True)
        self.proj = nn.Linear(hidden, vocab_size)

    def forward(self, tokens):
        h, _ = self.rnn(self.embed(tokens))
        return F.log_softmax(self.proj(h), dim=-1)


def token_log_likelihood(lp, targets):
    picked = lp.gather(1, targets.unsqueeze(-1))
    return picked.squeeze(-1)


def make_windows(vocab, texts, window=12):
    inputs, targets = [], []
    for text in texts:
        ids = [0] + vocab.encode(text)
        for start in range(0, len(ids) - window - 1, window):
            chunk = ids[start:start + window + 1]
            inputs.append(chunk[:-1])
            targets.append(chunk[1:])
    return torch.tensor(inputs), torch.tensor(targets)


def perplexity(model, inputs, targets):
    model.eval()
    with torch.no_grad():
        lp = model(inputs)
        ll = token_log_likelihood(lp, targets)
    return math.exp(-ll.mean().item())


def main():
    vocab = CharVocab(CORPUS)
    inputs, targets = make_windows(vocab, CORPUS)
    print(f"vocab={len(vocab)} windows={tuple(inputs.shape)}")

    model = CharGRU(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    model.train()
    lp = model(inputs)
    nll = -token_log_likelihood(lp, targets).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    print(f"train nll {nll.item():.3f}")

    print(f"perplexity {perplexity(model, inputs, targets):.2f}")


if __name__ == "__main__":
    main()
