"""Sarcasm detector: masked mean pooling over a tiny BERT, trained with Accelerate."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

HIDDEN = 32
COMMENTS = [
    ("oh great another monday", 1), ("the concert was wonderful", 0),
    ("i just love waiting in line for hours", 1), ("thanks for the quick delivery", 0),
    ("wow what a surprise the train is late again", 1), ("the soup was tasty", 0),
    ("sure because that always works", 1), ("we had a nice walk by the river", 0),
]


def mean_pool(states, mask):
    mask = mask.unsqueeze(-1).to(states.dtype)
    summed = (states * mask).sum(dim=1)
    counts = mask.sum(dim=1).clamp(min=1.0)
    return summed / counts


class SarcasmModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=HIDDEN, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))
        self.classifier = nn.Linear(HIDDEN, 2)

    def forward(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.classifier(mean_pool(states, attention_mask))


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for t, _ in COMMENTS for w in t.split()})) + "\n")
    tokenizer = BertTokenizerFast(vocab_file)

    def collate(rows):
        enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"], torch.tensor([y for _, y in rows])

    model = SarcasmModel(len(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(COMMENTS, batch_size=4, shuffle=True, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    for epoch in range(3):
        for input_ids, attention_mask, labels in loader:
            loss = F.cross_entropy(model(input_ids, attention_mask), labels)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: {loss.item():.4f}")


if __name__ == "__main__":
    main()
