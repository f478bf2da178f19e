"""Tag skills in job-ad sentences with a tiny BertForTokenClassification, trained with Accelerate."""
import os
import tempfile

import torch
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

TAGS = ["O", "B-SKILL", "I-SKILL"]
ADS = [
    ("we need strong python and sql", "O O O B-SKILL O B-SKILL"),
    ("experience with machine learning is a plus", "O O B-SKILL I-SKILL O O O"),
    ("you will build data pipelines in spark and maintain dashboards in tableau for the sales "
     "team while mentoring two junior analysts", "O O O B-SKILL I-SKILL O B-SKILL O O O O B-SKILL O O O "
     "O O O O O O"),
    ("docker and kubernetes required", "B-SKILL O B-SKILL O"),
]
MAX_TOKENS = 16


def align_labels(enc, tags):
    word_ids = enc.word_ids()
    return [-100 if w is None else TAGS.index(tags[w]) for w in word_ids]


class JobAds(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = [(text.split(), tags.split()) for text, tags in rows]
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        words, tags = self.rows[i]
        enc = self.tokenizer(words, is_split_into_words=True, truncation=True, max_length=MAX_TOKENS)
        labels = align_labels(enc, tags)
        return torch.tensor(enc["input_ids"]), torch.tensor(labels)


def pad_batch(batch):
    ids, labels = zip(*batch)
    input_ids = pad_sequence(ids, batch_first=True, padding_value=0)
    return {"input_ids": input_ids, "attention_mask": (input_ids != 0).long(),
            "labels": pad_sequence(labels, batch_first=True, padding_value=-100)}


workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    words = sorted({w for text, _ in ADS for w in text.split()})
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizerFast(vocab_path)

accelerator = Accelerator(cpu=True)
torch.manual_seed(0)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32, num_labels=len(TAGS))
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
loader = DataLoader(JobAds(ADS, tokenizer), batch_size=2, shuffle=False, collate_fn=pad_batch)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

model.train()
for epoch in range(3):
    for step, batch in enumerate(loader):
        loss = model(**batch).loss
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        accelerator.print(f"epoch {epoch} step {step}: loss {loss.item():.4f}")
