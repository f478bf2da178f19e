"""Domain-adaptive MLM step on clinical notes with a tiny BERT.

Clinical abbreviations are added to the tokenizer so they are not split into [UNK].
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

torch.manual_seed(0)
BASE_WORDS = "patient has history of and was given on admission no chest pain denies fever".split()
DOMAIN_TOKENS = ["copd", "nstemi", "bid", "prn"]

vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_file, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS))
tokenizer = BertTokenizer(vocab_file)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64)
model = BertForMaskedLM(config)

num_added = tokenizer.add_tokens(DOMAIN_TOKENS)
print(f"added {num_added} domain tokens")

notes = ["patient has history of copd and nstemi", "denies chest pain was given on admission prn"]
batch = tokenizer(notes, padding=True, return_tensors="pt")
labels = batch["input_ids"].clone()
masked = torch.rand(labels.shape) < 0.15
labels[~masked] = -100
batch["input_ids"][masked] = tokenizer.mask_token_id

optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
loss = model(**batch, labels=labels).loss
loss.backward()
optimizer.step()
print(f"mlm loss {loss.item():.3f}")
