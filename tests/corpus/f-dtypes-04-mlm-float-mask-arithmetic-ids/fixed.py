"""Masked-language-model warm-up on support chat lines: a share of the tokens is replaced by [MASK] before each
step and the model learns to restore them."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

torch.manual_seed(0)
LINES = ["my order never arrived", "how do i reset my password", "the app crashes on start",
         "can i change my delivery address"]

path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for l in LINES for w in l.split()})))
tokenizer = BertTokenizer(path)


def mask_tokens(batch, share=0.3):
    chosen = (torch.rand(batch["input_ids"].shape) < share).float() * batch["attention_mask"]
    batch["labels"] = batch["input_ids"].masked_fill(chosen == 0, -100)
    batch["input_ids"] = (batch["input_ids"] * (1 - chosen) + tokenizer.mask_token_id * chosen).long()
    return batch


model = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1,
                                   num_attention_heads=2, intermediate_size=32, max_position_embeddings=32))
optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
for step in range(2):
    batch = mask_tokens(tokenizer(LINES, padding=True, return_tensors="pt"))
    loss = model(**batch).loss
    loss.backward()
    optim.step()
    optim.zero_grad()
print("loss", loss.item())
