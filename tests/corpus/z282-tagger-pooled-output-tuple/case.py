import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

RECIPES = [
    ("mix 2 cups flour with 1 tsp salt", ["O", "QTY", "UNIT", "ING", "O", "QTY", "UNIT", "ING"]),
    ("add 3 eggs and whisk", ["O", "QTY", "ING", "O", "O"]),
    ("melt 100 g butter", ["O", "QTY", "UNIT", "ING"]),
    ("stir in 1 cup sugar slowly", ["O", "O", "QTY", "UNIT", "ING", "O"]),
    ("fold 200 g chocolate into batter", ["O", "QTY", "UNIT", "ING", "O", "ING"]),
    ("season with 2 tsp pepper", ["O", "O", "QTY", "UNIT", "ING"]),
    ("pour 1 cup milk", ["O", "QTY", "UNIT", "ING"]),
    ("chop 4 onions finely", ["O", "QTY", "ING", "O"]),
] * 4
TAGS = ["O", "QTY", "UNIT", "ING"]
tag2id = {t: i for i, t in enumerate(TAGS)}

workdir = tempfile.mkdtemp()
words = sorted({w for text, _ in RECIPES for w in text.split()})
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tok = BertTokenizer(vocab_path, do_lower_case=True)


def encode(batch):
    texts = [t.split() for t, _ in batch]
    enc = tok(texts, is_split_into_words=True, padding="max_length", max_length=12,
              truncation=True, return_tensors="pt")
    tag_ids = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for row, (_, tags) in enumerate(batch):
        for col, wid in enumerate(enc.word_ids(row)):
            if wid is not None:
                tag_ids[row, col] = tag2id[tags[wid]]
    return enc, tag_ids


class IngredientTagger(nn.Module):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.tagger = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        outputs = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids, return_dict=False)
        hidden = outputs[1]
        return self.tagger(self.drop(hidden))


model = IngredientTagger(len(tok), len(TAGS))
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

for epoch in range(2):
    total = 0.0
    for start in range(0, len(RECIPES), 8):
        enc, tag_ids = encode(RECIPES[start:start + 8])
        scores = model(**enc)
        loss = F.cross_entropy(scores.view(-1, len(TAGS)), tag_ids.view(-1), ignore_index=-100)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    print(f"epoch {epoch}: loss={total:.3f}")
