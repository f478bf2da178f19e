"""Support-email router in a functional style: partial-applied tokenizer, lambdas, a pure train step."""
import os
import tempfile
from functools import partial

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "my", "card", "was", "charged", "twice", "package",
         "never", "arrived", "want", "to", "return", "shoes", "where", "is", "refund", "late", "delivery"]
ROUTES = ["billing", "shipping", "returns"]

path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(path)

encode = partial(tokenizer, padding=True, truncation=True, max_length=16, return_tensors="pt")
route_to_id = {name: i for i, name in enumerate(ROUTES)}
to_targets = lambda names: torch.tensor(list(map(route_to_id.__getitem__, names)))
chunks = lambda rows, n: (rows[i:i + n] for i in range(0, len(rows), n))

emails = [("my card was charged twice", "billing"), ("package never arrived", "shipping"),
          ("want to return shoes", "returns"), ("where is my refund", "billing"),
          ("late delivery", "shipping"), ("return my card", "returns")]


def train_step(model, optimizer, texts, routes):
    out = model(**encode(list(texts)), labels=to_targets(routes))
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return out.loss.item()


model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=37,
                                                 max_position_embeddings=32, num_labels=len(ROUTES)))
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
losses = [train_step(model, optimizer, *zip(*batch)) for batch in chunks(emails, 3)]
print("losses", losses)
