import os
import random

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "inspection_vocab.txt")

MAX_LEN = 40
BATCH_SIZE = 8
TAGS = ["O", "B-QUEEN", "B-EGGS", "B-BROOD", "I-BROOD", "B-PEST", "B-STORES", "I-STORES", "B-TEMPER"]
tag2id = {t: i for i, t in enumerate(TAGS)}

SNIPPETS = {
    "queen": [(["queen", "seen"], ["B-QUEEN", "O"]), (["no", "queen"], ["O", "B-QUEEN"])],
    "eggs": [(["eggs", "present"], ["B-EGGS", "O"]), (["fresh", "eggs"], ["O", "B-EGGS"])],
    "brood": [(["capped", "brood", "spotty"], ["B-BROOD", "I-BROOD", "O"]),
              (["open", "brood", "on", "frames"], ["B-BROOD", "I-BROOD", "O", "O"])],
    "pest": [(["varroa", "count", "high"], ["B-PEST", "O", "O"]),
             (["small", "hive", "beetle"], ["O", "O", "B-PEST"]),
             (["chalkbrood", "noted"], ["B-PEST", "O"])],
    "stores": [(["honey", "stores", "low"], ["B-STORES", "I-STORES", "O"]),
               (["pollen", "stores", "good"], ["B-STORES", "I-STORES", "O"])],
    "temper": [(["bees", "calm"], ["O", "B-TEMPER"]), (["very", "defensive"], ["O", "B-TEMPER"])],
    "filler": [(["weather", "warm"], ["O", "O"]), (["added", "super"], ["O", "O"]),
               (["fed", "syrup"], ["O", "O"]), (["hive", "two"], ["O", "O"])],
}


def make_note():
    keys = random.sample(list(SNIPPETS), k=random.randint(2, 6))
    words, tags = [], []
    for k in keys:
        w, t = random.choice(SNIPPETS[k])
        words += w + ["."]
        tags += t + ["O"]
    return words, tags


def write_vocab(path, notes):
    words = sorted({w for ws, _ in notes for w in ws})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + words) + "\n")


def encode_note(tokenizer, words, tags):
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=MAX_LEN)
    labels, prev = [], None
    for wid in enc.word_ids():
        if wid is None or wid == prev:
            labels.append(-100)
        else:
            labels.append(tag2id[tags[wid]])
        prev = wid
    labels += [-100] * (MAX_LEN - len(labels))
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": labels}


def build_collate(tokenizer):
    def collate(batch):
        feats = [{"input_ids": b["input_ids"], "attention_mask": b["attention_mask"]} for b in batch]
        padded = tokenizer.pad(feats, padding=True, return_tensors="pt")
        padded["labels"] = torch.tensor([b["labels"] for b in batch], dtype=torch.long)
        return padded
    return collate


def main():
    notes = [make_note() for _ in range(64)]
    write_vocab(VOCAB_PATH, notes)
    tokenizer = BertTokenizer(VOCAB_PATH)

    encoded = [encode_note(tokenizer, w, t) for w, t in notes]
    split = int(0.8 * len(encoded))
    train_set, val_set = encoded[:split], encoded[split:]
    collate = build_collate(tokenizer)
    train_dl = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_set, batch_size=BATCH_SIZE, collate_fn=collate)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=tag2id)
    model = BertForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(3):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        model.eval()
        hits, count = 0, 0
        with torch.no_grad():
            for batch in val_dl:
                preds = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.argmax(-1)
                keep = batch["labels"] != -100
                hits += (preds[keep] == batch["labels"][keep]).sum().item()
                count += keep.sum().item()
        print(f"epoch {epoch}: train loss {running / (step + 1):.3f}  val tag acc {hits / max(count, 1):.3f}")


if __name__ == "__main__":
    main()
