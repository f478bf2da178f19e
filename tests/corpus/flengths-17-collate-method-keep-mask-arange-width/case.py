"""Review rating regression with averaged word vectors; the pipeline object owns its batching."""
import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)
REVIEWS = [("great phone battery lasts", 5.0), ("screen broke", 1.0), ("ok for the price i guess", 3.0),
           ("love it", 5.0), ("stopped charging after a week", 1.0)]


class Pipeline:
    def __init__(self, words, max_tokens=16):
        self.index = {w: i + 1 for i, w in enumerate(words)}
        self.max_tokens = max_tokens
        self.vectors = nn.Embedding(len(words) + 1, 8, padding_idx=0)
        self.reg = nn.Linear(8, 1)

    def _batchify(self, rows):
        seqs = [torch.tensor([self.index[w] for w in text.split()]) for text, _ in rows]
        lens = torch.tensor([len(s) for s in seqs])
        x = pad_sequence(seqs, batch_first=True)
        keep = (torch.arange(self.max_tokens)[None, :] < lens[:, None]).float()
        return x, keep, torch.tensor([r for _, r in rows])

    def train_epoch(self, rows):
        opt = torch.optim.Adam([*self.vectors.parameters(), *self.reg.parameters()], lr=0.01)
        for step, (x, keep, y) in enumerate(DataLoader(rows, batch_size=2, collate_fn=self._batchify)):
            v = self.vectors(x)
            avg = (v * keep[..., None]).sum(1) / keep.sum(1, keepdim=True)
            loss = ((self.reg(avg).squeeze(-1) - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()


words = sorted({w for text, _ in REVIEWS for w in text.split()})
print(round(Pipeline(words).train_epoch(REVIEWS), 3))
