"""Skill-mention tagger for job ads: token states scored against learned label embeddings (BERT encoder)."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast

LABELS = ["O", "B-SKILL", "I-SKILL", "B-TOOL", "I-TOOL"]
ADS = [
    ("we need strong python and sql skills".split(), "O O O B-SKILL O B-SKILL O".split()),
    ("experience with apache spark is a plus".split(), "O O B-TOOL I-TOOL O O O".split()),
    ("you know machine learning and docker".split(), "O O B-SKILL I-SKILL O B-TOOL".split()),
    ("great communication and project management".split(), "O B-SKILL O B-SKILL I-SKILL".split()),
]


def write_vocab(folder):
    words = sorted({w for ws, _ in ADS for w in ws})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode(tokenizer, examples):
    enc = tokenizer([ws for ws, _ in examples], is_split_into_words=True, padding=True, return_tensors="pt")
    labels = torch.full(enc["input_ids"].shape, -100)
    for i, (_, tags) in enumerate(examples):
        for j, w in enumerate(enc.word_ids(i)):
            if w is not None:
                labels[i, j] = LABELS.index(tags[w])
    return enc, labels


class LabelAttentionTagger(nn.Module):
    def __init__(self, vocab_size, n_labels, hidden=32):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))
        self.label_emb = nn.Parameter(torch.randn(n_labels, hidden) * 0.02)

    def forward(self, input_ids, attention_mask):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return torch.einsum("btd,ld->btl", states, self.label_emb)


def main():
    torch.manual_seed(0)
    tokenizer = BertTokenizerFast(write_vocab(tempfile.mkdtemp()))
    enc, labels = encode(tokenizer, ADS)
    model = LabelAttentionTagger(len(tokenizer), len(LABELS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for step in range(20):
        scores = model(enc["input_ids"], enc["attention_mask"])
        loss = F.cross_entropy(scores.transpose(1, 2), labels, ignore_index=-100)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if step % 5 == 0:
            print(f"step {step}: loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
