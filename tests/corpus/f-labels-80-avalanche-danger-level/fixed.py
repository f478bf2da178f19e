import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(0)


@dataclass(frozen=True)
class Bulletin:
    region: str
    summary: str
    level: int


BULLETINS = [
    Bulletin("north ridge", "stable snowpack little wind", 1),
    Bulletin("east bowl", "isolated wind slabs on steep slopes", 2),
    Bulletin("west couloir", "fresh snow and wind slabs widespread", 3),
    Bulletin("south face", "wet snow slides likely in afternoon", 3),
    Bulletin("high plateau", "persistent weak layer large slides likely", 4),
    Bulletin("upper valley", "very large natural slides expected widespread", 5),
    Bulletin("lower forest", "stable snowpack", 1),
    Bulletin("glacier basin", "wind slabs and weak layer on steep slopes", 4),
]


def build_tokenizer():
    words = sorted({w for b in BULLETINS for w in (b.region + " " + b.summary).split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class Featurizer:
    def __init__(self, tokenizer, max_length=32):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, rec):
        enc = self.tokenizer(rec.region, rec.summary, truncation=True, max_length=self.max_length)
        ex = dict(enc)
        ex["labels"] = rec.level - 1
        return ex


class BulletinDataset(Dataset):
    def __init__(self, examples):
        self.examples = examples

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]


def main():
    tok = build_tokenizer()
    featurize = Featurizer(tok)
    train_ds = BulletinDataset([featurize(b) for b in BULLETINS])
    print(f"{len(train_ds)} bulletins, first example has {len(train_ds[0]['input_ids'])} tokens")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=5)
    model = BertForSequenceClassification(cfg)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=1e-3,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        seed=0,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      data_collator=DataCollatorWithPadding(tok))
    result = trainer.train()
    print(f"final training loss {result.training_loss:.4f}")

    preds = trainer.predict(train_ds).predictions.argmax(-1)
    for b, p in zip(BULLETINS, preds.tolist()):
        print(f"{b.region:>14}: published {b.level}, predicted {p + 1}")


if __name__ == "__main__":
    main()
