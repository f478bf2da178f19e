"""Readability regression: predict a grade level for short passages with a BERT encoder + linear head."""
import os
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer, DataCollatorWithPadding

PASSAGES = [
    ("the cat sat on the mat", 1.0),
    ("we went to the park and played with a red ball", 2.0),
    ("photosynthesis converts light energy into chemical energy stored in glucose", 7.5),
    ("the committee postponed its decision pending further review of the evidence", 10.0),
    ("i like apples", 1.0),
    ("economic growth slowed as interest rates rose across most developed economies", 11.0),
]


def write_vocab(folder):
    words = sorted({w for p, _ in PASSAGES for w in p.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class PassageDataset(Dataset):
    def __init__(self, rows, tokenizer, max_length=64):
        self.rows, self.tokenizer, self.max_length = rows, tokenizer, max_length

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, grade = self.rows[i]
        features = self.tokenizer(text, truncation=True, max_length=self.max_length)
        features["grade"] = grade
        return features


class GradeRegressor(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        cls = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        return self.head(cls).squeeze(-1)


torch.manual_seed(0)
tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64)
model = GradeRegressor(config)
loader = DataLoader(PassageDataset(PASSAGES, tokenizer), batch_size=3, shuffle=True,
                    collate_fn=DataCollatorWithPadding(tokenizer))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(3):
    for batch in loader:
        grade = batch.pop("grade").float()
        pred = model(**batch)
        loss = nn.functional.mse_loss(pred, grade)
        loss.backward()
        opt.step()
        opt.zero_grad()
    print(f"epoch {epoch} mse {loss.item():.2f}")
