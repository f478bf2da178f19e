"""Tag recipe ingredient lines (quantity / unit / ingredient / preparation) with a tiny BERT."""
import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)


@dataclass
class TaggerConfig:
    tags: list = field(default_factory=lambda: ["O", "QTY", "UNIT", "ING", "PREP"])
    max_words: int = 12
    n_train: int = 64
    n_eval: int = 16
    seed: int = 11
    out_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="ingr_"))


QUANTITIES = ["1", "2", "3", "half", "quarter", "12"]
UNITS = ["cup", "cups", "tablespoon", "teaspoons", "grams", "ounces", "pinch"]
INGREDIENTS = ["flour", "butter", "sugar", "buttermilk", "shallots", "parsley", "cardamom", "chickpeas"]
PREPS = ["chopped", "melted", "sifted", "softened", "minced", "toasted"]


def make_line(rng):
    words, tags = [rng.choice(QUANTITIES)], ["QTY"]
    words.append(rng.choice(UNITS)); tags.append("UNIT")
    for _ in range(rng.randint(1, 2)):
        words.append(rng.choice(INGREDIENTS)); tags.append("ING")
    if rng.random() < 0.6:
        words += [",", rng.choice(PREPS)]; tags += ["O", "PREP"]
    return words, tags


def write_vocab(path):
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","]
    pieces += QUANTITIES + ["cup", "tables", "tea", "grams", "ounces", "pinch", "butter", "flour", "sugar",
                             "sha", "cardamom", "chick", "parsley", "chopped", "melted", "sifted", "softened",
                             "minced", "toasted"]
    pieces += ["##s", "##poon", "##spoons", "##milk", "##llots", "##peas"]
    with open(path, "w") as fh:
        fh.write("\n".join(pieces) + "\n")


class IngredientLines(Dataset):
    def __init__(self, lines, tokenizer, cfg):
        self.items = []
        tag2id = {t: i for i, t in enumerate(cfg.tags)}
        for words, tags in lines:
            enc = tokenizer(words, is_split_into_words=True, truncation=True)
            label_ids = [tag2id[t] for t in tags][: cfg.max_words]
            label_ids += [-100] * (cfg.max_words - len(label_ids))
            enc["labels"] = label_ids
            self.items.append(dict(enc))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def build_model(tokenizer, cfg):
    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(cfg.tags),
    )
    return BertForTokenClassification(bert_cfg)


def main():
    cfg = TaggerConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)

    vocab_path = os.path.join(cfg.out_dir, "vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    train_lines = [make_line(rng) for _ in range(cfg.n_train)]
    eval_lines = [make_line(rng) for _ in range(cfg.n_eval)]
    train_ds = IngredientLines(train_lines, tokenizer, cfg)
    eval_ds = IngredientLines(eval_lines, tokenizer, cfg)

    model = build_model(tokenizer, cfg)
    args = TrainingArguments(
        output_dir=cfg.out_dir,
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=4,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss:", round(metrics["eval_loss"], 4))


if __name__ == "__main__":
    main()
