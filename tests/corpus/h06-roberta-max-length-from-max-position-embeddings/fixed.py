"""Evaluate a RoBERTa review classifier on long reviews, truncating to what the model can take."""
import json
import os
import tempfile

import torch
from transformers import RobertaConfig, RobertaForSequenceClassification, RobertaTokenizer

torch.manual_seed(0)

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
LETTERS = list("abcdefghijklmnopqrstuvwxyz.,!") + ["Ġ"]
vocab_dir = tempfile.mkdtemp()
json.dump({t: i for i, t in enumerate(SPECIALS + LETTERS)}, open(os.path.join(vocab_dir, "vocab.json"), "w"))
open(os.path.join(vocab_dir, "merges.txt"), "w").write("#version: 0.2\n")
tokenizer = RobertaTokenizer(os.path.join(vocab_dir, "vocab.json"), os.path.join(vocab_dir, "merges.txt"))

config = RobertaConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=64, max_position_embeddings=34, num_labels=2)
model = RobertaForSequenceClassification(config).eval()

dev = [
    ("great phone, battery lasts two days!", 1),
    ("screen cracked after a week and support never answered my emails.", 0),
    ("ok", 1),
]

batch = tokenizer([text for text, _ in dev], padding=True, truncation=True,
                  max_length=model.config.max_position_embeddings - 2, return_tensors="pt")
with torch.no_grad():
    preds = model(**batch).logits.argmax(-1)
accuracy = (preds == torch.tensor([label for _, label in dev])).float().mean()
print(f"dev accuracy {accuracy:.2f}")
