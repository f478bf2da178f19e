"""Batch inference with a tiny BERT sentiment classifier.

The whole review set is tokenized once up front (for the masks); each batch is
re-tokenized on the fly.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
WORDS = "the a movie film was is great bad boring fun plot acting and but really not i loved hated it".split()
BATCH = 2

vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
tokenizer = BertTokenizer(vocab_path)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=2)
model = BertForSequenceClassification(config).eval()

reviews = [
    "i loved the movie",
    "boring plot",
    "the acting was really not great but the plot was fun and the film was great",
    "i hated it",
]
full = tokenizer(reviews, padding=True, return_tensors="pt")

predictions = []
with torch.no_grad():
    for start in range(0, len(reviews), BATCH):
        enc = tokenizer(reviews[start:start + BATCH], padding=True, return_tensors="pt")
        out = model(input_ids=enc.input_ids, attention_mask=enc.attention_mask)
        predictions += out.logits.argmax(-1).tolist()
print("predictions:", predictions)
