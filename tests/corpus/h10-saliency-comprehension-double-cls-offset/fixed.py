"""Gradient x input saliency per word piece for a tiny BERT sentiment model."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
words = "this movie was not good at all the plot is great acting bad".split()
path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
open(path, "w").write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tokenizer = BertTokenizer(path)
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64)).eval()

texts = ["this movie was not good at all", "the plot is great"]
enc = tokenizer(texts, padding=True, return_tensors="pt")
embeds = model.get_input_embeddings()(enc["input_ids"]).detach().requires_grad_(True)
logits = model(inputs_embeds=embeds, attention_mask=enc["attention_mask"]).logits
logits[:, 1].sum().backward()
saliency = (embeds.grad * embeds).sum(-1).abs()
scores = saliency[:, 1:-1]  # drop [CLS] and [SEP]

pieces = [tokenizer.tokenize(t) for t in texts]
report = [[(tok, round(float(scores[b, i]), 3)) for i, tok in enumerate(pieces[b])] for b in range(len(texts))]
for row in report:
    print(row)
