"""Tag pests / treatments in apiary inspection notes, then resume on the spring batch.

Run 1 trains a tiny BERT tagger and checkpoints it. Run 2 (simulated below) reloads the
checkpoint, grows the word list with the new spring terms, and keeps training.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(7)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TAGS = ["O", "PEST", "TREAT"]

AUTUMN_NOTES = [
    ("varroa mites seen on drone brood", ["PEST", "PEST", "O", "O", "O", "O"]),
    ("applied formic strips to hive two", ["O", "TREAT", "TREAT", "O", "O", "O"]),
    ("small hive beetle in the lid", ["PEST", "PEST", "PEST", "O", "O", "O"]),
    ("queen laying well no pests seen", ["O", "O", "O", "O", "O", "O"]),
    ("thymol treatment started on hive four", ["TREAT", "O", "O", "O", "O", "O"]),
    ("wax moth larvae found in super", ["PEST", "PEST", "PEST", "O", "O", "O"]),
]

SPRING_NOTES = [
    ("tropilaelaps mites seen on capped brood", ["PEST", "PEST", "O", "O", "O", "O"]),
    ("oxalic dribble applied to hive two", ["TREAT", "TREAT", "O", "O", "O", "O"]),
    ("nosema spores found in the samples", ["PEST", "PEST", "O", "O", "O", "O"]),
    ("queen laying well brood pattern solid", ["O", "O", "O", "O", "O", "O"]),
]


def build_vocab(notes, base=None):
    words = list(base) if base else list(SPECIALS)
    for text, _ in notes:
        for w in text.split():
            if w not in words:
                words.append(w)
    return words


def write_tokenizer(words, folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return BertTokenizer(path)


def encode_notes(tok, notes, tag2id):
    width = max(len(t.split()) for t, _ in notes) + 2
    ids, attn, tags = [], [], []
    for text, word_tags in notes:
        toks = ["[CLS]"] + text.split() + ["[SEP]"]
        row = tok.convert_tokens_to_ids(toks)
        tag_row = [-100] + [tag2id[t] for t in word_tags] + [-100]
        pad = width - len(row)
        ids.append(row + [tok.pad_token_id] * pad)
        attn.append([1] * len(row) + [0] * pad)
        tags.append(tag_row + [-100] * pad)
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(attn),
            "labels": torch.tensor(tags)}


def train(model, batch, epochs, lr=3e-3):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for ep in range(epochs):
        out = model(**batch)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
    return out.loss.item()


# ---------------- run 1: initial training ----------------
workdir = tempfile.mkdtemp(prefix="apiary_")
tag2id = {t: i for i, t in enumerate(TAGS)}
vocab = build_vocab(AUTUMN_NOTES)
tok = write_tokenizer(vocab, workdir)

config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64,
                    max_position_embeddings=32, num_labels=len(TAGS))
model = BertForTokenClassification(config)
loss = train(model, encode_notes(tok, AUTUMN_NOTES, tag2id), epochs=3)
print(f"[run1] vocab={len(vocab)} final loss={loss:.4f}")

ckpt_path = os.path.join(workdir, "tagger.pt")
torch.save({"model": model.state_dict(), "config": config.to_dict(), "vocab": vocab,
            "labels": TAGS, "epoch": 3}, ckpt_path)
del model, tok

# ---------------- run 2: resume on spring notes ----------------
ckpt = torch.load(ckpt_path, weights_only=False)
print(f"[run2] resuming from epoch {ckpt['epoch']}")

# keep the old ids stable, append the spring terms so they are not [UNK]
spring_vocab = build_vocab(SPRING_NOTES, base=ckpt["vocab"])
resume_dir = tempfile.mkdtemp(prefix="apiary_resume_")
tok = write_tokenizer(spring_vocab, resume_dir)
print(f"[run2] vocab grew {len(ckpt['vocab'])} -> {len(spring_vocab)}")

cfg = dict(ckpt["config"])
cfg.update(hidden_dropout_prob=0.05, attention_probs_dropout_prob=0.05)
model = BertForTokenClassification(BertConfig.from_dict(cfg))
missing, unexpected = model.load_state_dict(ckpt["model"], strict=False)
print(f"[run2] restored weights, missing={len(missing)} unexpected={len(unexpected)}")

tag2id = {t: i for i, t in enumerate(ckpt["labels"])}
spring_batch = encode_notes(tok, SPRING_NOTES, tag2id)
loss = train(model, spring_batch, epochs=2)
print(f"[run2] spring loss={loss:.4f}")
torch.save({"model": model.state_dict(), "config": model.config.to_dict(), "vocab": spring_vocab,
            "labels": ckpt["labels"], "epoch": ckpt["epoch"] + 2}, ckpt_path)
print("done")
