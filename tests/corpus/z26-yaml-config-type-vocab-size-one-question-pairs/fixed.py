"""Answer-sentence selection: does the passage sentence answer the question?  Experiment settings live in a
YAML config, as in the project's configs/ folder."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import yaml
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CONFIG = """
seed: 13
model:
  hidden_size: 32
  num_hidden_layers: 2
  num_attention_heads: 2
  intermediate_size: 64
  max_position_embeddings: 128
  type_vocab_size: 2
  num_labels: 2
data:
  max_length: 48
  batch_size: 4
optim:
  lr: 3.0e-4
  epochs: 2
"""

examples = [
    ("when was the bridge built", "the bridge was built in 1932", 1),
    ("when was the bridge built", "it spans the river near the old town", 0),
    ("who designed the tower", "the tower was designed by a local architect", 1),
    ("who designed the tower", "visitors can climb to the top", 0),
    ("how tall is the tower", "the tower is 90 metres tall", 1),
    ("how tall is the tower", "it was painted red in 1990", 0),
]


def load_config(text):
    cfg = yaml.safe_load(text)
    torch.manual_seed(cfg["seed"])
    return cfg


def build_tokenizer(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def build_model(model_cfg, vocab_size):
    return BertForSequenceClassification(BertConfig(vocab_size=vocab_size, **model_cfg))


cfg = load_config(CONFIG)
tokenizer = build_tokenizer([q + " " + s for q, s, _ in examples], tempfile.mkdtemp())
model = build_model(cfg["model"], len(tokenizer))


def collate(rows):
    questions, sentences, labels = zip(*rows)
    batch = tokenizer(list(questions), list(sentences), padding=True, truncation="only_second",
                      max_length=cfg["data"]["max_length"], return_tensors="pt")
    batch["labels"] = torch.tensor(labels)
    return batch


loader = DataLoader(examples, batch_size=cfg["data"]["batch_size"], shuffle=True, collate_fn=collate)
optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["optim"]["lr"])
for epoch in range(cfg["optim"]["epochs"]):
    for batch in loader:
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch} loss {loss.item():.4f}")
