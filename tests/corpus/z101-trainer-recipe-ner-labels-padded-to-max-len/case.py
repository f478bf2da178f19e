"""Ingredient tagger: fine-tune a small BERT token classifier on recipe lines with the HF Trainer."""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

TAGS = ["O", "B-QTY", "B-UNIT", "B-ING", "I-ING"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
MAX_LEN = 64

RECIPE_LINES = [
    ("2 cups plain flour", "B-QTY B-UNIT B-ING I-ING"),
    ("1 pinch salt", "B-QTY B-UNIT B-ING"),
    ("3 large eggs , beaten", "B-QTY O B-ING O O"),
    ("200 g dark chocolate", "B-QTY B-UNIT B-ING I-ING"),
    ("1 tbsp olive oil", "B-QTY B-UNIT B-ING I-ING"),
    ("half cup whole milk", "B-QTY B-UNIT B-ING I-ING"),
    ("2 cloves garlic , minced", "B-QTY B-UNIT B-ING O O"),
    ("100 ml double cream", "B-QTY B-UNIT B-ING I-ING"),
]


def write_vocab(folder):
    words = sorted({w for line, _ in RECIPE_LINES for w in line.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class RecipeTagDataset(Dataset):
    def __init__(self, lines, tokenizer):
        self.lines = lines
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, idx):
        text, tags = self.lines[idx]
        words, tags = text.split(), tags.split()
        enc = self.tokenizer(words, is_split_into_words=True, truncation=True, max_length=MAX_LEN)
        tag_ids = [-100 if w is None else TAG2ID[tags[w]] for w in enc.word_ids()]
        # pad the tags so every example has the same length and batches stack
        tag_ids = tag_ids + [-100] * (MAX_LEN - len(tag_ids))
        enc["labels"] = tag_ids
        return enc


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                        num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=TAG2ID)
    model = BertForTokenClassification(config)

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4,
                             max_steps=4, learning_rate=5e-4, report_to=[], use_cpu=True,
                             logging_steps=1, save_strategy="no", seed=0, disable_tqdm=True)
    trainer = Trainer(model=model, args=args,
                      train_dataset=RecipeTagDataset(RECIPE_LINES, tokenizer),
                      data_collator=DataCollatorWithPadding(tokenizer))
    result = trainer.train()
    print("train loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
