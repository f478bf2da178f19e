import os
import random
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

random.seed(13)
torch.manual_seed(13)

MAX_LEN = 48
TAGS = ["O", "B-TERM", "I-TERM", "B-LIAB", "I-LIAB", "B-GOVLAW", "I-GOVLAW"]
tag2id = {t: i for i, t in enumerate(TAGS)}

# (clause text, word level tags)
RAW = [
    ("this agreement shall commence on the effective date and continue for two years",
     "O O O B-TERM I-TERM I-TERM I-TERM I-TERM O B-TERM I-TERM I-TERM I-TERM"),
    ("neither party shall be liable for indirect or consequential damages",
     "O O O O B-LIAB I-LIAB I-LIAB I-LIAB I-LIAB I-LIAB"),
    ("this agreement is governed by the laws of the state of delaware",
     "O O O B-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW"),
    ("the supplier shall indemnify the customer against all losses",
     "O O O B-LIAB I-LIAB I-LIAB I-LIAB I-LIAB I-LIAB"),
    ("either party may terminate this agreement upon thirty days written notice",
     "O O O B-TERM I-TERM I-TERM I-TERM I-TERM I-TERM I-TERM I-TERM"),
    ("any dispute shall be resolved under the laws of england",
     "O O O O O B-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW I-GOVLAW"),
]


def build_tokenizer(examples):
    words = sorted({w for text, _ in examples for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizerFast(path)


tokenizer = build_tokenizer(RAW)


def encode(text, tag_str):
    enc = tokenizer(text.split(), is_split_into_words=True, truncation=True, max_length=MAX_LEN)
    word_tags = tag_str.split()
    labels = [-100 if w is None else tag2id[word_tags[w]] for w in enc.word_ids()]
    return {"input_ids": torch.tensor(enc["input_ids"]), "labels": torch.tensor(labels)}


def collate(batch):
    input_ids = pad_sequence([b["input_ids"] for b in batch], batch_first=True,
                             padding_value=tokenizer.pad_token_id)
    labels = pad_sequence([b["labels"] for b in batch], batch_first=True, padding_value=-100)
    attention_mask = torch.zeros(len(batch), input_ids.size(1), dtype=torch.long)
    for i, b in enumerate(batch):
        attention_mask[i, : len(b["input_ids"])] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


dataset = [encode(t, tags) for t, tags in RAW * 4]
loader = DataLoader(dataset, batch_size=4, shuffle=True, collate_fn=collate)

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=48,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=64,
    num_labels=len(TAGS),
    id2label=dict(enumerate(TAGS)),
    label2id=tag2id,
)
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

model.train()
for epoch in range(3):
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        running += out.loss.item()
    print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

model.eval()
sample = collate([dataset[0]])
with torch.no_grad():
    pred = model(**sample).logits.argmax(-1)[0]
words = RAW[0][0].split()
print([(w, TAGS[p]) for w, p in zip(words, pred[1:].tolist())])
