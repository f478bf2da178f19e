import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)

LINES = [
    "2 cups flour", "1 tsp salt", "3 large eggs", "200 g butter",
    "1 pinch nutmeg", "half cup milk", "4 tbsp sugar", "2 cloves garlic",
    "1 can tomatoes", "500 ml stock", "3 sprigs thyme", "1 kg potatoes",
    "2 tbsp olive oil", "1 cup rice",
]
DEV_LINES = ["3 cups milk", "2 tsp sugar", "1 kg flour", "4 large eggs",
             "200 ml olive oil", "2 sprigs thyme", "1 pinch salt", "half can tomatoes"]
UNITS = {"cups", "cup", "tsp", "g", "pinch", "tbsp", "cloves", "can", "ml", "sprigs", "kg"}
TAGS = ["O", "QTY", "UNIT", "ING"]


def tag_words(line):
    tags = []
    for i, w in enumerate(line.split()):
        if i == 0:
            tags.append("QTY")
        elif w in UNITS:
            tags.append("UNIT")
        elif w == "large":
            tags.append("O")
        else:
            tags.append("ING")
    return tags


def make_tokenizer(folder):
    words = sorted({w for l in LINES + DEV_LINES for w in l.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate_with(tok):
    def collate(lines):
        words = [l.split() for l in lines]
        enc = tok(words, is_split_into_words=True, padding=True, return_tensors="pt")
        tag_rows = []
        for b, line in enumerate(lines):
            per_word = tag_words(line)
            row = [-100 if w is None else TAGS.index(per_word[w]) for w in enc.word_ids(b)]
            tag_rows.append(row)
        return {"ids": enc["input_ids"], "attn": enc["attention_mask"],
                "tag_ids": torch.tensor(tag_rows)}
    return collate


def main():
    tok = make_tokenizer(tempfile.mkdtemp())
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=len(TAGS))
    model = BertForTokenClassification(cfg)
    train_dl = DataLoader(LINES, batch_size=4, shuffle=True, collate_fn=collate_with(tok))
    dev_dl = DataLoader(DEV_LINES, batch_size=4, collate_fn=collate_with(tok))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(4):
        model.train()
        for batch in train_dl:
            tags = batch["tag_ids"]
            out = model(input_ids=batch["ids"], attention_mask=batch["attn"], labels=tags)
            opt.zero_grad()
            out.loss.backward()
            opt.step()

        model.eval()
        dev_loss, hits, total = 0.0, 0, 0
        with torch.no_grad():
            for batch in dev_dl:
                out = model(input_ids=batch["ids"], attention_mask=batch["attn"], labels=tags)
                dev_loss += out.loss.item()
                keep = batch["tag_ids"] != -100
                hits += (out.logits.argmax(-1)[keep] == batch["tag_ids"][keep]).sum().item()
                total += keep.sum().item()
        print(f"epoch {epoch} dev loss {dev_loss / len(dev_dl):.3f} token acc {hits / total:.2f}")


if __name__ == "__main__":
    main()
