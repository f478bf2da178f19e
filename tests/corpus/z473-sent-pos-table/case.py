# Hierarchical document classifier: a tiny BERT encodes each sentence, then a small
# transformer runs over the sentence [CLS] vectors (with its own sentence-position table).
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

MAX_SENTS = 8
MAX_TOKENS = 24
LABELS = ["sports", "finance", "tech"]

words = {
    "sports": "match goal team coach score league player win season".split(),
    "finance": "market stock bank price rate loan profit share fund".split(),
    "tech": "software chip cloud data model code server app device".split(),
}
common = "the a in on of and was is with for to new".split()

vocab_dir = tempfile.mkdtemp()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + common + sum(words.values(), [])
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab))
tokenizer = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))


def fake_doc(topic):
    n = random.randint(3, 6)
    sents = []
    for _ in range(n):
        k = random.randint(5, 12)
        sents.append(" ".join(random.choice(words[topic] + common) for _ in range(k)))
    return sents


docs = [(fake_doc(t), LABELS.index(t)) for t in LABELS for _ in range(6)]
random.shuffle(docs)


def encode_docs(batch):
    """-> input_ids / attention_mask of shape (docs, MAX_SENTS, MAX_TOKENS), sent_mask (docs, MAX_SENTS)."""
    B = len(batch)
    input_ids = torch.zeros(B, MAX_SENTS, MAX_TOKENS, dtype=torch.long)
    attn = torch.zeros(B, MAX_SENTS, MAX_TOKENS, dtype=torch.long)
    sent_mask = torch.zeros(B, MAX_SENTS, dtype=torch.bool)
    for i, (sents, _) in enumerate(batch):
        enc = tokenizer(sents[:MAX_SENTS], padding="max_length", truncation=True,
                        max_length=MAX_TOKENS, return_tensors="pt")
        n = enc["input_ids"].size(0)
        input_ids[i, :n] = enc["input_ids"]
        attn[i, :n] = enc["attention_mask"]
        sent_mask[i, :n] = True
    labels = torch.tensor([y for _, y in batch])
    return input_ids, attn, sent_mask, labels


def positions_like(x):
    b, n = x.shape[:2]
    return torch.arange(n, device=x.device).unsqueeze(0).expand(b, n)


class HierDocModel(nn.Module):
    def __init__(self, vocab_size, n_labels, hidden=48):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=4, intermediate_size=96,
                         max_position_embeddings=MAX_TOKENS)
        self.sent_encoder = BertModel(cfg, add_pooling_layer=False)
        self.sent_pos = nn.Embedding(MAX_SENTS, hidden)
        layer = nn.TransformerEncoderLayer(hidden, 4, 96, batch_first=True)
        self.doc_encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.classifier = nn.Linear(hidden, n_labels)

    def forward(self, input_ids, attention_mask, sent_mask):
        B, S, T = input_ids.shape
        flat_ids = input_ids.view(B * S, T)
        flat_mask = attention_mask.view(B * S, T)
        out = self.sent_encoder(input_ids=flat_ids, attention_mask=flat_mask,
                                position_ids=positions_like(flat_ids))
        cls_vecs = out.last_hidden_state[:, 0].view(B, S, -1)
        sent_vecs = cls_vecs + self.sent_pos(positions_like(flat_ids))
        doc = self.doc_encoder(sent_vecs, src_key_padding_mask=~sent_mask)
        doc = (doc * sent_mask.unsqueeze(-1)).sum(1) / sent_mask.sum(1, keepdim=True)
        return self.classifier(doc)


model = HierDocModel(len(vocab), len(LABELS))
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(2):
    for start in range(0, len(docs), 4):
        ids, attn, smask, y = encode_docs(docs[start:start + 4])
        logits = model(ids, attn, smask)
        loss = loss_fn(logits, y)
        optim.zero_grad()
        loss.backward()
        optim.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    ids, attn, smask, y = encode_docs(docs[:6])
    preds = model(ids, attn, smask).argmax(-1)
    print("acc on first 6:", (preds == y).float().mean().item())
