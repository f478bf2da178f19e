"""Word-level LSTM language model on the team's changelog, trained with truncated backpropagation through
time on a batchified token stream (columns are independent streams, as in the PyTorch word LM example).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

CHANGELOG = """
fixed crash on startup when the config file is missing
added export to csv for the reports page
improved load time of the dashboard on slow networks
fixed wrong totals in the monthly report
added dark mode to the settings page
removed the old export dialog
"""
BPTT = 8
N_STREAMS = 2


def tokens(text):
    for line in text.strip().splitlines():
        yield from line.split()
        yield "<eos>"


def batchify(ids, n_streams):
    usable = (len(ids) // n_streams) * n_streams
    return torch.tensor(ids[:usable]).view(n_streams, -1).t().contiguous()   # (time, stream)


def bptt_windows(stream, bptt):
    for i in range(0, stream.size(0) - 1, bptt):
        yield stream[i:i + bptt], stream[i + 1:i + 1 + bptt]


class WordLM(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.lstm = nn.LSTM(dim, dim)
        self.decoder = nn.Linear(dim, vocab_size)

    def forward(self, ids, hidden=None):
        out, hidden = self.lstm(self.embed(ids), hidden)
        return self.decoder(out), hidden


def main():
    torch.manual_seed(0)
    words = list(tokens(CHANGELOG))
    vocab = {w: i for i, w in enumerate(dict.fromkeys(words))}
    stream = batchify([vocab[w] for w in words], N_STREAMS)
    model = WordLM(len(vocab))
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(2):
        hidden, total = None, 0.0
        for inputs, targets in bptt_windows(stream, BPTT):
            logits, hidden = model(inputs, hidden)
            hidden = tuple(h.detach() for h in hidden)
            loss = F.cross_entropy(logits.view(-1, len(vocab)), targets.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / ((stream.size(0) - 1 + BPTT - 1) // BPTT):.3f}")


if __name__ == "__main__":
    main()
