"""Tagging context numbers, find types and soil descriptions in excavation day-book entries.

Token classification with a tiny BERT, trained with Accelerate. Evaluation gathers logits with
gather_for_metrics and reports a class-weighted loss (finds are rare compared to soil words).
"""
import functools
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(11)

LABELS = ["O", "CONTEXT", "FIND", "SOIL", "DEPTH"]
L2I = {name: i for i, name in enumerate(LABELS)}

DAYBOOK = [
    ("context 104 dark silty clay with charcoal flecks", "O CONTEXT SOIL SOIL SOIL O FIND FIND"),
    ("sherd of samian ware at 1.2 m in context 107", "FIND O FIND FIND O DEPTH O O O CONTEXT"),
    ("loose sandy loam over context 110", "SOIL SOIL SOIL O O CONTEXT"),
    ("iron nail and bone fragment recovered", "FIND FIND O FIND FIND O"),
    ("context 112 compact gravel at 0.8 m", "O CONTEXT SOIL SOIL O DEPTH O"),
    ("flint flake from silty clay", "FIND FIND O SOIL SOIL"),
    ("context 115 ashy deposit with bone", "O CONTEXT SOIL SOIL O FIND"),
    ("roof tile in sandy loam at 1.5 m", "FIND FIND O SOIL SOIL O DEPTH O"),
    ("charcoal rich lens below context 104", "FIND SOIL SOIL O O CONTEXT"),
    ("coin of constantine at 0.4 m", "FIND O FIND O DEPTH O"),
]

WORDS = ["context", "dark", "silty", "clay", "with", "charcoal", "flecks", "sherd", "of", "samian", "ware",
         "at", "m", "in", "loose", "sandy", "loam", "over", "iron", "nail", "and", "bone", "fragment",
         "recovered", "compact", "gravel", "flint", "flake", "from", "ashy", "deposit", "roof", "tile", "rich",
         "lens", "below", "coin", "constantine", ".", "0", "1", "2", "4", "5", "8", "104", "107", "110", "112",
         "115"]


def make_tokenizer():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def encode(tokenizer, entry):
    text, tags = entry
    words, word_tags = text.split(), [L2I[t] for t in tags.split()]
    enc = tokenizer(words, is_split_into_words=True)
    aligned, last = [], None
    for w in enc.word_ids():
        aligned.append(-100 if w is None or w == last else word_tags[w])
        last = w
    return enc["input_ids"], aligned


def collate(batch, pad_id):
    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    tags = torch.full((len(batch), width), -100, dtype=torch.long)
    att = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (tok, lab) in enumerate(batch):
        ids[row, :len(tok)] = torch.tensor(tok)
        tags[row, :len(lab)] = torch.tensor(lab)
        att[row, :len(tok)] = 1
    return {"input_ids": ids, "attention_mask": att, "labels": tags}


def label_weights(encoded):
    counts = torch.ones(len(LABELS))
    for _, tags in encoded:
        for t in tags:
            if t >= 0:
                counts[t] += 1
    return counts.sum() / (len(LABELS) * counts)


def evaluate(model, loader, accelerator, weights):
    model.eval()
    losses, hits, total = [], 0, 0
    for batch in loader:
        gold = batch.pop("labels")
        with torch.no_grad():
            logits = model(**batch).logits
        logits, gold = accelerator.gather_for_metrics((logits, gold))
        losses.append(F.cross_entropy(logits, gold, weight=weights, ignore_index=-100).item())
        valid = gold != -100
        hits += (logits.argmax(-1)[valid] == gold[valid]).sum().item()
        total += valid.sum().item()
    model.train()
    return sum(losses) / len(losses), hits / max(total, 1)


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = make_tokenizer()
    encoded = [encode(tokenizer, e) for e in DAYBOOK]
    weights = label_weights(encoded[:7]).to(accelerator.device)
    accelerator.print("label weights:", [round(w, 2) for w in weights.tolist()])

    coll = functools.partial(collate, pad_id=tokenizer.pad_token_id)
    train_dl = DataLoader(encoded[:7], batch_size=4, shuffle=True, collate_fn=coll)
    dev_dl = DataLoader(encoded[7:], batch_size=2, collate_fn=coll)

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(LABELS))
    model = BertForTokenClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, train_dl, dev_dl = accelerator.prepare(model, optim, train_dl, dev_dl)

    for epoch in range(3):
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
        dev_loss, dev_acc = evaluate(model, dev_dl, accelerator, weights)
        accelerator.print(f"epoch {epoch}: train loss {out.loss.item():.3f} dev loss {dev_loss:.3f} acc {dev_acc:.2f}")


if __name__ == "__main__":
    main()
