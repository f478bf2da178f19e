"""Question/passage relevance with a BERT cross-encoder; inputs joined as text, segments marked by hand."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
words = sorted(set("what is the capital of france paris a city in europe who wrote hamlet shakespeare play".split()))
vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tokenizer = BertTokenizer(vocab_path)
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                                                 num_attention_heads=2, intermediate_size=64, num_labels=2))
model.eval()

pairs = [("what is the capital of france", "paris is a city in europe"),
         ("who wrote hamlet", "shakespeare wrote the play hamlet")]
enc = tokenizer([f"{q} [SEP] {p}" for q, p in pairs], padding=True, return_tensors="pt")
# segment A up to the first [SEP], segment B after it
token_type_ids = (enc.input_ids == tokenizer.sep_token_id).cumsum(dim=1)

with torch.no_grad():
    logits = model(input_ids=enc.input_ids, attention_mask=enc.attention_mask, token_type_ids=token_type_ids).logits
print(logits.softmax(-1)[:, 1])
