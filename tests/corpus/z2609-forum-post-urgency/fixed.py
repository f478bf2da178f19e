"""Flag MOOC forum posts that need an instructor reply (urgent vs. not urgent).

Posts are normalised first: links, code blocks and LaTeX are replaced by
placeholder tokens so the small in-house wordpiece vocab does not explode.
"""
import os
import random
import re

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "forum_vocab.txt")
PLACEHOLDERS = ["[URL]", "[CODE]", "[MATH]"]

BASE_WORDS = (
    "i my the a is it this to in of for and not on with can anyone help please "
    "quiz week assignment deadline grade grader submission error lecture video "
    "module problem question answer wrong stuck understand thanks great course "
    "notebook autograder score zero extension late link broken see here code "
    "formula why does get when what how instructor ta urgent again still"
).split()

URGENT_TEMPLATES = [
    "the autograder gives me zero on the quiz please help {url}",
    "submission error again on week {n} assignment see {code}",
    "deadline is today and the grader is broken {url} urgent",
    "my score is wrong can the instructor check {url}",
]
CALM_TEMPLATES = [
    "great lecture video thanks this module is great",
    "why does the formula {math} work in week {n}",
    "can anyone help me understand the answer to this question",
    "thanks for the course see the notebook here {url}",
]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    digits = [str(d) for d in range(10)]
    with open(path, "w") as f:
        f.write("\n".join(specials + BASE_WORDS + digits) + "\n")


def make_posts(n):
    posts = []
    for _ in range(n):
        urgent = random.random() < 0.4
        tmpl = random.choice(URGENT_TEMPLATES if urgent else CALM_TEMPLATES)
        text = tmpl.format(
            url="https://lms.example.edu/c/%d" % random.randint(100, 999),
            code="```x = grade(%d)```" % random.randint(1, 9),
            math="$a^2 + b^2$",
            n=random.randint(1, 9),
        )
        posts.append((text, int(urgent)))
    return posts


def normalise(text):
    text = re.sub(r"https?://\S+", " [URL] ", text)
    text = re.sub(r"```.*?```", " [CODE] ", text, flags=re.S)
    text = re.sub(r"\$[^$]+\$", " [MATH] ", text)
    return re.sub(r"\s+", " ", text).strip()


def build_tokenizer():
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH)
    tok.add_tokens(PLACEHOLDERS, special_tokens=True)
    return tok


def encode(tok, posts, max_length=32):
    texts = [normalise(t) for t, _ in posts]
    enc = tok(texts, padding="max_length", truncation=True, max_length=max_length,
              return_tensors="pt")
    labels = torch.tensor([y for _, y in posts])
    return TensorDataset(enc["input_ids"], enc["attention_mask"], labels)


def build_model(tok):
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=2,
        pad_token_id=tok.pad_token_id,
    )
    return BertForSequenceClassification(cfg)


def train(model, loader, epochs=2, lr=5e-4):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for input_ids, attn, labels in loader:
            out = model(input_ids=input_ids, attention_mask=attn, labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        print(f"epoch {epoch}: loss={running / len(loader):.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    hits, n = 0, 0
    for input_ids, attn, labels in loader:
        pred = model(input_ids=input_ids, attention_mask=attn).logits.argmax(-1)
        hits += (pred == labels).sum().item()
        n += labels.numel()
    return hits / n


if __name__ == "__main__":
    tokenizer = build_tokenizer()
    posts = make_posts(160)
    train_ds = encode(tokenizer, posts[:128])
    val_ds = encode(tokenizer, posts[128:])
    model = build_model(tokenizer)
    train(model, DataLoader(train_ds, batch_size=16, shuffle=True))
    print("val accuracy:", evaluate(model, DataLoader(val_ds, batch_size=32)))
