"""Train a tiny BERT news-topic classifier with Accelerate and a hand-written padding collate."""
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

HEADLINES = [
    ("stocks rally as rates fall", 0), ("local team wins the cup final", 1),
    ("new phone launched with a bigger battery", 2), ("central bank holds rates", 0),
    ("striker signs for record fee", 1), ("chip maker unveils faster processor", 2),
    ("markets slip on oil prices", 0), ("coach sacked after five straight losses", 1),
]
words = sorted({w for text, _ in HEADLINES for w in text.split()})
vocab_path = os.path.join(WORK, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)

examples = []
for text, topic in HEADLINES:
    ids = tokenizer.encode(text)
    examples.append({"ids": torch.tensor(ids), "mask": torch.ones(len(ids), dtype=torch.long), "topic": topic})


def collate_headlines(batch):
    input_ids = pad_sequence([ex["ids"] for ex in batch], batch_first=True, padding_value=tokenizer.pad_token_id)
    attention_mask = pad_sequence([ex["mask"] for ex in batch], batch_first=True, padding_value=0)
    topics = torch.tensor([ex["topic"] for ex in batch])
    return input_ids, attention_mask, topics


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=3)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
loader = DataLoader(examples, batch_size=4, shuffle=True, collate_fn=collate_headlines)

accelerator = Accelerator(cpu=True)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

model.train()
for input_ids, attention_mask, topics in loader:
    logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
    loss = F.cross_entropy(logits, topics)
    accelerator.backward(loss)
    optimizer.step()
    optimizer.zero_grad()
    accelerator.print(f"loss {loss.item():.4f}")
