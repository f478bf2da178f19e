import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast


@dataclass
class Cfg:
    classes: tuple = ("hate", "offensive", "neither")
    max_len: int = 24
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 13


CSV_ROWS = """text,class
you people should all be deported,0
go back to where you came from,0
your kind ruins everything,0
they are vermin and should be wiped out,0
shut up you absolute idiot,1
this ref is a clown lol,1
what a stupid take,1
you are such a loser,1
great game last night,2
love this song so much,2
anyone going to the market tomorrow,2
the weather is lovely today,2
thanks for sharing this,2
happy birthday to my sister,2
that idiot driver almost hit me,1
we should welcome our new neighbours,2"""


def load_rows(raw):
    lines = raw.strip().splitlines()[1:]
    texts, labels = [], []
    for line in lines:
        text, cls = line.rsplit(",", 1)
        texts.append(text)
        labels.append(int(cls))
    return texts, labels


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizerFast(os.path.join(folder, "vocab.txt"))


class TweetDataset(Dataset):
    def __init__(self, texts, labels, tokenizer, max_len):
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len, return_tensors="pt")
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.labels[i], dtype=torch.float32)
        return item


def main(cfg=Cfg()):
    set_seed(cfg.seed)
    accelerator = Accelerator(cpu=True)

    texts, labels = load_rows(CSV_ROWS)
    tokenizer = build_tokenizer(texts)
    train_ds = TweetDataset(texts, labels, tokenizer, cfg.max_len)
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=4, intermediate_size=64, max_position_embeddings=cfg.max_len,
                        num_labels=len(cfg.classes))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    model.eval()
    probe = tokenizer(["you are such a clown"], return_tensors="pt", padding="max_length", max_length=cfg.max_len)
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    accelerator.print("prediction:", cfg.classes[pred])


if __name__ == "__main__":
    main()
