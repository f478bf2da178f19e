"""Masked-LM pretraining on support tickets; the model builder keeps the size of an earlier word list."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

BASE_VOCAB = 30


def build_mlm(vocab_size=BASE_VOCAB, hidden=32):
    """A tiny BERT masked LM."""
    config = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=2 * hidden, max_position_embeddings=64)
    return BertForMaskedLM(config)


def load_tokenizer(words):
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


TICKETS = ["printer offline again after the update", "cannot login to the vpn from home",
           "laptop battery drains overnight", "password reset link expired before use",
           "monitor flickers when docked", "shared drive missing after reboot"]


def pretrain(tickets, epochs=2):
    words = sorted({w for t in tickets for w in t.split()})
    tokenizer = load_tokenizer(words)
    model = build_mlm(hidden=32)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    enc = tokenizer(tickets, padding=True, return_tensors="pt")
    for epoch in range(epochs):
        labels = enc["input_ids"].clone()
        out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=labels)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        print("epoch", epoch, round(out.loss.item(), 3))


pretrain(TICKETS)
