"""Three-way stance classification with a small BERT, trained by a step function."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification

LABELS = ["against", "neutral", "favor"]


def make_model():
    cfg = BertConfig(vocab_size=90, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=32, num_labels=2)
    return BertForSequenceClassification(cfg)


def step(model, x, y, opt):
    out = model(input_ids=x, labels=y)
    out.loss.backward()
    opt.step()
    opt.zero_grad()
    return out.loss.item()


torch.manual_seed(0)
clf = make_model()
optimizer = torch.optim.AdamW(clf.parameters(), lr=1e-3)
stances = ["favor", "against", "neutral", "favor"]
x = torch.randint(5, 90, (4, 10))
y = torch.tensor([LABELS.index(s) for s in stances])
for i in range(2):
    print(step(clf, x, y, optimizer))
