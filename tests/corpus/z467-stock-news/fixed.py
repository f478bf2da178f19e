import os
import random
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

SEED = 11
random.seed(SEED)
torch.manual_seed(SEED)

LABELS = {"negative": 0, "neutral": 1, "positive": 2}
TICKERS = ["AAPL", "TSLA", "NVDA", "JPM", "XOM"]

POS = ["beats estimates", "raises guidance", "record revenue", "shares surge", "upgrade to buy"]
NEG = ["misses estimates", "cuts guidance", "shares plunge", "downgrade to sell", "faces probe"]
NEU = ["to report earnings", "holds annual meeting", "names new cfo", "files quarterly report"]


def make_headlines(n):
    rows = []
    for _ in range(n):
        label = random.choice(list(LABELS))
        phrase = random.choice({"positive": POS, "negative": NEG, "neutral": NEU}[label])
        ticker = random.choice(TICKERS)
        rows.append({"ticker": ticker, "text": f"{ticker.lower()} {phrase} after market close", "label": LABELS[label]})
    return rows


def build_tokenizer(rows):
    words = sorted({w for r in rows for w in r["text"].split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    tok = BertTokenizerFast(path)
    tok.add_special_tokens({"additional_special_tokens": [f"[{t}]" for t in TICKERS]})
    return tok


def collate_headlines(batch, tokenizer, max_len):
    enc = tokenizer([b["text"] for b in batch], padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    # put a ticker marker right after [CLS] so the model knows which company the news is about
    ticker_ids = torch.tensor(tokenizer.convert_tokens_to_ids([f"[{b['ticker']}]" for b in batch]))
    input_ids = torch.cat([enc["input_ids"][:, :1], ticker_ids[:, None], enc["input_ids"][:, 1:]], dim=1)
    mask = enc["attention_mask"]
    attention_mask = torch.cat([mask[:, :1], torch.ones_like(ticker_ids)[:, None], mask[:, 1:]], dim=1)
    return {
        "input_ids": input_ids,
        "attention_mask": attention_mask,
        "labels": torch.tensor([b["label"] for b in batch]),
    }


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    for batch in loader:
        with torch.set_grad_enabled(training):
            out = model(**batch)
        if training:
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        total_loss += out.loss.item() * len(batch["labels"])
        correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
        seen += len(batch["labels"])
    return total_loss / seen, correct / seen


rows = make_headlines(24)
train_rows, val_rows = rows[:18], rows[18:]
tokenizer = build_tokenizer(rows)

config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(LABELS))
model = BertForSequenceClassification(config)

collate = partial(collate_headlines, tokenizer=tokenizer, max_len=16)
train_loader = DataLoader(train_rows, batch_size=6, shuffle=True, collate_fn=collate)
val_loader = DataLoader(val_rows, batch_size=6, collate_fn=collate)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

for epoch in range(1):
    tr_loss, tr_acc = run_epoch(model, train_loader, optimizer)
    va_loss, va_acc = run_epoch(model, val_loader)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")
