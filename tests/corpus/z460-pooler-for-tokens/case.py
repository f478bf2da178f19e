"""Tiny NER tagger: BERT encoder + linear head, trained on a toy dataset."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
random.seed(0)

WORDS = ["alice", "bob", "carol", "went", "to", "paris", "berlin", "london",
         "on", "monday", "friday", "with", "met", "in", "the", "park"]
TAGS = ["O", "B-PER", "B-LOC", "B-DATE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
WORD_TAG = {"alice": "B-PER", "bob": "B-PER", "carol": "B-PER",
            "paris": "B-LOC", "berlin": "B-LOC", "london": "B-LOC",
            "monday": "B-DATE", "friday": "B-DATE"}
MAX_LEN = 16


def make_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
    with open(os.path.join(vocab_dir, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    return BertTokenizerFast(os.path.join(vocab_dir, "vocab.txt"))


def random_sentence():
    n = random.randint(4, 9)
    return [random.choice(WORDS) for _ in range(n)]


class NerDataset(Dataset):
    def __init__(self, sentences, tokenizer):
        self.items = []
        for words in sentences:
            enc = tokenizer(words, is_split_into_words=True, padding="max_length",
                            max_length=MAX_LEN, truncation=True)
            labels = []
            for wid in enc.word_ids():
                labels.append(-100 if wid is None else TAG2ID[WORD_TAG.get(words[wid], "O")])
            self.items.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "labels": torch.tensor(labels),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class BertTagger(nn.Module):
    def __init__(self, config, num_labels):
        super().__init__()
        self.num_labels = num_labels
        self.bert = BertModel(config)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, num_labels)
        self.loss_fct = nn.CrossEntropyLoss(ignore_index=-100)

    def forward(self, input_ids, attention_mask, labels=None):
        outputs = self.bert(input_ids=input_ids, attention_mask=attention_mask, return_dict=False)
        sequence_output = outputs[1]
        logits = self.classifier(self.dropout(sequence_output))
        loss = None
        if labels is not None:
            loss = self.loss_fct(logits.view(-1, self.num_labels), labels.view(-1))
        return loss, logits


tokenizer = make_tokenizer()
config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
model = BertTagger(config, num_labels=len(TAGS))

train_ds = NerDataset([random_sentence() for _ in range(24)], tokenizer)
loader = DataLoader(train_ds, batch_size=4, shuffle=True)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

model.train()
for epoch in range(2):
    total = 0.0
    for step, batch in enumerate(loader):
        loss, logits = model(**batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: mean loss {total / len(loader):.4f}")

model.eval()
with torch.no_grad():
    sample = train_ds[0]
    _, logits = model(sample["input_ids"][None], sample["attention_mask"][None])
    pred = logits.argmax(-1)[0].tolist()
    print([TAGS[p] for p in pred])
