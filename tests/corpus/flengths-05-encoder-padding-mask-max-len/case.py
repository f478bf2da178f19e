"""Question classifier over a PyTorch TransformerEncoder; batches padded to their longest question."""
import torch
import torch.nn as nn

CFG = {"max_len": 12, "dim": 16, "vocab": 60}


def pad_batch(questions):
    longest = max(len(q) for q in questions)
    return torch.tensor([q + [0] * (longest - len(q)) for q in questions])


def padding_mask(questions, width=CFG["max_len"]):
    return torch.tensor([[False] * len(q) + [True] * (width - len(q)) for q in questions])


class QuestionEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(CFG["vocab"], CFG["dim"], padding_idx=0)
        layer = nn.TransformerEncoderLayer(CFG["dim"], 2, 32, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.out = nn.Linear(CFG["dim"], 3)

    def forward(self, ids, pad):
        h = self.enc(self.emb(ids), src_key_padding_mask=pad)
        return self.out(h[:, 0])


questions = [[5, 9, 13, 2], [7, 3, 21, 30, 11, 4, 8], [12, 40]]
ids = pad_batch(questions)
pad = padding_mask(questions)
logits = QuestionEncoder()(ids, pad)
print(logits.argmax(-1).tolist())
