import os
import csv
import random
from dataclasses import dataclass

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

base_dir = os.path.dirname(os.path.abspath(__file__))


@dataclass
class CatalogueEntry:
    object_number: str
    title: str
    department: str


def batches(entries, tokenizer, dept2idx, bs, max_len):
    for start in range(0, len(entries), bs):
        chunk = entries[start:start + bs]
        ids_batch = torch.zeros(len(chunk), max_len, dtype=torch.long)
        mask_batch = torch.zeros(len(chunk), max_len)
        for r, e in enumerate(chunk):
            toks = tokenizer.encode(e.title, truncation=True, max_length=max_len)
            ids_batch[r, :len(toks)] = torch.tensor(toks)
            mask_batch[r, :len(toks)] = 1
        lab = torch.tensor([dept2idx[e.department] for e in chunk], dtype=torch.long)
        yield ids_batch, mask_batch, lab


def main():
    random.seed(2693)
    np.random.seed(2693)
    torch.manual_seed(2693)

    departments = {
        "Asian Art": ["lacquer", "scroll", "jade", "celadon", "ink", "buddha", "screen", "netsuke"],
        "Egyptian Antiquities": ["scarab", "amulet", "papyrus", "faience", "stela", "canopic", "shabti", "sarcophagus"],
        "Decorative Arts": ["chair", "clock", "silverware", "tureen", "cabinet", "candlestick", "snuffbox", "mirror"],
        "Prints and Drawings": ["etching", "lithograph", "sketch", "woodcut", "engraving", "study", "charcoal", "proof"],
    }
    fillers = ["of", "a", "the", "with", "for", "in", "figure", "pair", "small", "fragmentary", "seated", "standing",
               "dynasty", "period", "style", "after", "attributed", "to", "workshop"]

    # write the fake export from the collections management system
    csv_path = os.path.join(base_dir, "cms_export.csv")
    with open(csv_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["object_number", "title", "department"])
        for i in range(160):
            d = random.choice(list(departments.keys()))
            n = random.randint(3, 9)
            t = []
            for _ in range(n):
                if random.random() < 0.55:
                    t.append(random.choice(departments[d]))
                else:
                    t.append(random.choice(fillers))
            w.writerow(["%s.%d" % (d[:3].upper(), 1000 + i), " ".join(t), d])

    entries = []
    with open(csv_path, newline="") as fh:
        for row in csv.DictReader(fh):
            entries.append(CatalogueEntry(row["object_number"], row["title"], row["department"]))
    print("loaded", len(entries), "entries")
    print(entries[:3])

    # vocab from the titles
    vocab_words = sorted(set(w for e in entries for w in e.title.split()))
    vocab_file = os.path.join(base_dir, "cms_vocab.txt")
    with open(vocab_file, "w") as fh:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab_words:
            fh.write(w + "\n")
    tok = BertTokenizer(vocab_file)
    print("vocab", tok.vocab_size)
    print(tok.tokenize(entries[0].title))

    dept_names = sorted(set(e.department for e in entries))
    dept2idx = {d: i for i, d in enumerate(dept_names)}
    idx2dept = {i: d for d, i in dept2idx.items()}
    print(dept2idx)

    random.shuffle(entries)
    n_train = 128
    train_entries, test_entries = entries[:n_train], entries[n_train:]

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32, num_labels=len(dept_names))
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)

    max_len = 16
    bs = 16
    for ep in range(4):
        model.train()
        random.shuffle(train_entries)
        losses = []
        for step, (ids, msk, y) in enumerate(batches(train_entries, tok, dept2idx, bs, max_len)):
            if ep == 0 and step == 0:
                print("ids", ids.shape, "mask", msk.shape, "y", y.shape)
                print(ids[0])
            out = model(input_ids=ids, attention_mask=msk, labels=y)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"ep {ep} loss {np.mean(losses):.4f}")

    model.eval()
    right = 0
    n = 0
    with torch.no_grad():
        for ids, msk, y in batches(test_entries, tok, dept2idx, bs, max_len):
            logits = model(input_ids=ids, attention_mask=msk).logits
            pred = logits.argmax(dim=-1)
            right += (pred == y).sum().item()
            n += len(y)
            print("pred", [idx2dept[p] for p in pred.tolist()[:3]])
    print("test acc", right / n)


if __name__ == "__main__":
    main()
