import math
import random
import re
import tempfile
from collections import Counter
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

random.seed(3)
torch.manual_seed(3)

CHATS = [
    ("where is my order it was supposed to arrive yesterday", "track_order"),
    ("can you tell me the tracking number for order 5521", "track_order"),
    ("my package still says in transit", "track_order"),
    ("has my parcel shipped yet", "track_order"),
    ("i want to return these shoes they are too small", "return_item"),
    ("how do i send back a damaged blender", "return_item"),
    ("the jacket does not fit can i get a refund", "return_item"),
    ("start a return for my last purchase please", "return_item"),
    ("do you have this phone case in blue", "product_question"),
    ("is the coffee grinder compatible with espresso beans", "product_question"),
    ("what size is the large backpack in litres", "product_question"),
    ("does this laptop come with a charger", "product_question"),
    ("i was charged twice for the same order", "billing"),
    ("my card was declined but money left my account", "billing"),
    ("can i pay with paypal instead", "billing"),
    ("the discount code did not apply at checkout", "billing"),
] * 3
INTENTS = sorted({i for _, i in CHATS})


def tokenize(text):
    return re.findall(r"[a-z0-9']+", text.lower())


counts = Counter(w for t, _ in CHATS for w in tokenize(t))
vocab = {"<pad>": 0, "<unk>": 1}
for w in counts:
    vocab[w] = len(vocab)
examples = [([vocab.get(w, 1) for w in tokenize(t)], INTENTS.index(i)) for t, i in CHATS]


def pad_collate(batch, pad_id, max_len):
    seqs = [torch.tensor(ids[:max_len]) for ids, _ in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    tokens = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=pad_id)
    padding = torch.arange(tokens.size(1))[None, :] >= lengths[:, None]
    intents = torch.tensor([y for _, y in batch])
    return tokens, padding, intents


class IntentEncoder(nn.Module):
    def __init__(self, vocab_size, n_intents, d=32, heads=4, layers=2, max_len=24):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d, padding_idx=0)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.out = nn.Linear(d, n_intents)
        self.scale = math.sqrt(d)

    def forward(self, tokens, padding):
        pos = torch.arange(tokens.size(1), device=tokens.device)
        x = self.tok(tokens) * self.scale + self.pos(pos)
        h = self.encoder(x, src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).float()
        return self.out((h * keep).sum(1) / keep.sum(1))


MAX_LEN = 24
loader = DataLoader(examples, batch_size=8, shuffle=True,
                    collate_fn=partial(pad_collate, pad_id=vocab["<pad>"], max_len=MAX_LEN))
model = IntentEncoder(len(vocab), len(INTENTS), max_len=MAX_LEN)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(4):
    model.train()
    running = 0.0
    for tokens, padding, intents in loader:
        loss = loss_fn(model(tokens, padding), intents)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * len(intents)
    print(f"epoch {epoch}: loss {running / len(examples):.3f}")

torch.save(model.state_dict(), tempfile.mkdtemp() + "/intent_encoder.pt")
