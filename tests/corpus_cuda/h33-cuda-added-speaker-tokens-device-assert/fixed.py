"""Dialogue-domain MLM warm-up on the GPU: speaker tokens are added to the tokenizer of a tiny BERT.
Needs a CUDA device (the failure is CUDA's asynchronous device-side assert)."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

torch.manual_seed(0)
DEVICE = torch.device("cuda")
words = "hi hello how are you fine thanks can i help order status where is my parcel".split()
vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_file, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_file)
model = BertForMaskedLM(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                                   num_attention_heads=2, intermediate_size=64)).to(DEVICE)
tokenizer.add_tokens(["<user>", "<agent>"])
model.resize_token_embeddings(len(tokenizer))

dialogues = ["<user> hi where is my parcel <agent> hello can i help", "<user> order status <agent> fine thanks"]
batch = tokenizer(dialogues, padding=True, return_tensors="pt").to(DEVICE)
labels = batch["input_ids"].clone()
labels[batch["attention_mask"] == 0] = -100
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
for step in range(3):
    loss = model(**batch, labels=labels).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step} loss {loss.item():.3f}")
