# News NER tagger trained with Accelerate (small transformer encoder from scratch)
import random

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(0)
torch.manual_seed(0)

TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
tag2id = {t: i for i, t in enumerate(TAGS)}

raw = [
    ("Angela Merkel met Emmanuel Macron in Berlin", "B-PER I-PER O B-PER I-PER O B-LOC"),
    ("Apple shares fell after the report", "B-ORG O O O O O"),
    ("The United Nations held talks in Geneva on Monday", "O B-ORG I-ORG O O O B-LOC O O"),
    ("Heavy rain hit Mumbai", "O O O B-LOC"),
    ("Lionel Messi signed with Inter Miami", "B-PER I-PER O O B-ORG I-ORG"),
    ("Reuters reported protests in Paris and Lyon", "B-ORG O O O B-LOC O B-LOC"),
    ("Prices rose", "O O"),
    ("Tesla opened a factory near Berlin", "B-ORG O O O O B-LOC"),
    ("Officials from the World Bank visited Nairobi last week", "O O O B-ORG I-ORG O B-LOC O O"),
    ("Serena Williams retired", "B-PER I-PER O"),
    ("Google and Microsoft compete in cloud computing", "B-ORG O B-ORG O O O O"),
    ("Floods in Jakarta", "O O B-LOC"),
]

vocab = {"<pad>": 0, "<unk>": 1}
for sent, _ in raw:
    for w in sent.lower().split():
        vocab.setdefault(w, len(vocab))

MAX_LEN = 24
BATCH = 4
D_MODEL = 32

examples = []
for sent, tags in raw:
    ids = [vocab.get(w.lower(), 1) for w in sent.split()][:MAX_LEN]
    labs = [tag2id[t] for t in tags.split()][:MAX_LEN]
    examples.append((torch.tensor(ids), torch.tensor(labs)))


def collate(batch):
    ids, labs = zip(*batch)
    lengths = torch.tensor([len(x) for x in ids])
    input_ids = pad_sequence(ids, batch_first=True, padding_value=vocab["<pad>"])
    labels = pad_sequence(labs, batch_first=True, padding_value=-100)
    pad_mask = torch.arange(MAX_LEN)[None, :] >= lengths[:, None]
    return {"input_ids": input_ids, "pad_mask": pad_mask, "labels": labels}


class NerTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, d_model=D_MODEL, max_len=MAX_LEN):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, n_tags)

    def forward(self, input_ids, pad_mask):
        positions = torch.arange(input_ids.size(1), device=input_ids.device)
        h = self.tok(input_ids) + self.pos(positions)[None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h)


accelerator = Accelerator(cpu=True)
model = NerTagger(len(vocab), len(TAGS))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
loader = DataLoader(examples, batch_size=BATCH, shuffle=True, collate_fn=collate)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

for epoch in range(3):
    model.train()
    total = 0.0
    for batch in loader:
        logits = model(batch["input_ids"], batch["pad_mask"])
        loss = loss_fn(logits.view(-1, len(TAGS)), batch["labels"].view(-1))
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    accelerator.print(f"epoch {epoch}: loss {total / len(loader):.4f}")
