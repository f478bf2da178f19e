"""Spam filter for product reviews: reviews are tokenized once with truncation on, then batched with a padding
collator for a small BERT."""
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding

torch.manual_seed(0)
REVIEWS = [("love it works great", 0), ("buy cheap followers now click here", 1),
           ("arrived late but fine", 0),
           ("click here click here free gift card click here now free free free gift card offer click "
            "here now limited offer free gift click here free card now click offer free gift here now", 1)]

folder = tempfile.mkdtemp()
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + sorted({w for r, _ in REVIEWS for w in r.split()})))
tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
features = [dict(tokenizer(text, truncation=True, max_length=32), labels=label) for text, label in REVIEWS]

model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=32,
                                                 max_position_embeddings=32))
loader = DataLoader(features, batch_size=2, collate_fn=DataCollatorWithPadding(tokenizer))
optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
for batch in loader:
    loss = model(**batch).loss
    loss.backward()
    optim.step()
    optim.zero_grad()
print("ok", loss.item())
