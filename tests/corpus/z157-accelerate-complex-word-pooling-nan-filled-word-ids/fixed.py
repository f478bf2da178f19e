"""Complex-word identification: pool BERT word pieces into words and flag the hard ones (Accelerate loop)."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

MAX_WORDS = 10
SENTENCES = [
    ("plants use photosynthesis to make food", [0, 0, 1, 0, 0, 0]),
    ("the committee reached a unanimous verdict", [0, 0, 0, 0, 1, 1]),
    ("we walked to the park", [0, 0, 0, 0, 0]),
    ("the medication caused drowsiness in patients", [0, 1, 0, 1, 0, 0]),
    ("she read the book quickly", [0, 0, 0, 0, 0]),
    ("his explanation was incomprehensible", [0, 1, 0, 1]),
]
PIECES = {"photosynthesis": ["photo", "##synthesis"], "verdict": ["verd", "##ict"],
          "medication": ["medic", "##ation"], "drowsiness": ["drows", "##iness"],
          "incomprehensible": ["incomp", "##rehens", "##ible"], "explanation": ["explan"]}


def make_batch(rows, tokenizer):
    words = [text.split() for text, _ in rows]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    slots = []
    for i in range(len(rows)):
        word_of_piece = np.array(enc.word_ids(i), dtype=float)
        slots.append(np.nan_to_num(word_of_piece, nan=MAX_WORDS).astype(np.int64))
    labels = torch.full((len(rows), MAX_WORDS), -100)
    for i, (_, flags) in enumerate(rows):
        labels[i, :len(flags)] = torch.tensor(flags)
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "word_index": torch.from_numpy(np.stack(slots)), "labels": labels}


class WordComplexity(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.head = nn.Linear(config.hidden_size, 2)

    def forward(self, input_ids, attention_mask, word_index):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        batch, width, hidden = states.shape
        flat_index = (word_index + torch.arange(batch).unsqueeze(1) * (MAX_WORDS + 1)).view(-1)
        sums = states.new_zeros(batch * (MAX_WORDS + 1), hidden).index_add_(0, flat_index, states.reshape(-1, hidden))
        counts = states.new_zeros(batch * (MAX_WORDS + 1), 1).index_add_(0, flat_index, states.new_ones(batch * width, 1))
        words = (sums / counts.clamp(min=1)).view(batch, MAX_WORDS + 1, hidden)[:, :MAX_WORDS]
        return self.head(words)


def main():
    torch.manual_seed(0)
    tmp = tempfile.mkdtemp()
    whole = sorted({w for text, _ in SENTENCES for w in text.split()} - PIECES.keys())
    pieces = list(dict.fromkeys(p for split in PIECES.values() for p in split))
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + whole + pieces) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(tmp, "vocab.txt"))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)

    accelerator = Accelerator(cpu=True)
    model = WordComplexity(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(SENTENCES, batch_size=3, shuffle=True, collate_fn=lambda rows: make_batch(rows, tokenizer))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    for epoch in range(3):
        for batch in loader:
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = F.cross_entropy(logits.reshape(-1, 2), labels.reshape(-1), ignore_index=-100)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch} loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
