"""Intent detection on short chat messages: word pieces from a BERT vocabulary, a small self-attention encoder.
Messages of fewer than three pieces are dropped before training."""
import os
import tempfile

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertTokenizer

torch.manual_seed(0)

MESSAGES = ["hi", "book a table for two tonight", "cancel my order please", "ok",
            "what is the weather like tomorrow", "play some jazz", "thanks", "set an alarm for seven"]
INTENTS = [0, 1, 2, 0, 3, 4, 0, 5]

vocab_dir = tempfile.mkdtemp()
words = sorted({w for m in MESSAGES for w in m.split()})
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + words) + "\n")
tok = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))

enc = tok(MESSAGES)
enc["labels"] = INTENTS
keep = [i for i, ids in enumerate(enc["input_ids"]) if len(ids) >= 4]
enc["input_ids"] = [enc["input_ids"][i] for i in keep]
enc["labels"] = [enc["labels"][i] for i in keep]
enc["attention_mask"] = [enc["attention_mask"][i] for i in keep]
examples = [{"ids": ids, "pad": [m == 0 for m in mask], "y": y}
            for ids, mask, y in zip(enc["input_ids"], enc["attention_mask"], enc["labels"])]


def pad_batch(items):
    return (pad_sequence([torch.tensor(e["ids"]) for e in items], batch_first=True),
            pad_sequence([torch.tensor(e["pad"]) for e in items], batch_first=True, padding_value=True),
            torch.tensor([e["y"] for e in items]))


class IntentEncoder(nn.Module):
    def __init__(self, vocab_size, dim=16, intents=6):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.attn = nn.MultiheadAttention(dim, 2, batch_first=True)
        self.out = nn.Linear(dim, intents)

    def forward(self, ids, pad):
        x = self.emb(ids)
        x, _ = self.attn(x, x, x, key_padding_mask=pad)
        return self.out(x[:, 0])


model = IntentEncoder(len(tok))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for ids, pad, y in DataLoader(examples, batch_size=3, collate_fn=pad_batch):
    loss = nn.functional.cross_entropy(model(ids, pad), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("trained on", len(examples), "messages")
