"""Tag ingredient spans in recipe lines with a tiny BERT + token classifier, trained with HF Trainer."""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

SEED = 13
MAX_LEN = 24
TAGS = ["O", "QTY", "UNIT", "B-ING", "I-ING"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

QTYS = ["1", "2", "3", "half", "quarter", "10", "250"]
UNITS = ["cup", "cups", "tbsp", "tsp", "grams", "ml", "pinch"]
INGREDIENTS = [["brown", "sugar"], ["flour"], ["olive", "oil"], ["salt"], ["baking", "soda"],
               ["whole", "milk"], ["butter"], ["dark", "chocolate"], ["lemon", "juice"]]
FILLER = ["of", "finely", "chopped", "softened", "sifted", "to", "taste", "melted", "and"]

random.seed(SEED)
torch.manual_seed(SEED)


def make_vocab(folder):
    words = set(QTYS + UNITS + FILLER)
    for ing in INGREDIENTS:
        words.update(ing)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def synth_line():
    words, tags = [], []
    words.append(random.choice(QTYS)); tags.append("QTY")
    words.append(random.choice(UNITS)); tags.append("UNIT")
    if random.random() < 0.5:
        words.append("of"); tags.append("O")
    ing = random.choice(INGREDIENTS)
    for j, w in enumerate(ing):
        words.append(w); tags.append("B-ING" if j == 0 else "I-ING")
    for _ in range(random.randint(0, 3)):
        words.append(random.choice(FILLER)); tags.append("O")
    return words, tags


class RecipeLines(torch.utils.data.Dataset):
    def __init__(self, tokenizer, n):
        self.rows = []
        for _ in range(n):
            words, tags = synth_line()
            enc = tokenizer(words, is_split_into_words=True, padding="max_length",
                            truncation=True, max_length=MAX_LEN)
            word_ids = enc.word_ids()
            labels = [-100 if w is None else TAG2ID[tags[w]] for w in word_ids]
            self.rows.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "labels": torch.tensor(labels),
            })

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class IngredientTagger(nn.Module):
    def __init__(self, config, num_tags):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.tagger = nn.Linear(config.hidden_size, num_tags)
        self.num_tags = num_tags

    def forward(self, input_ids, attention_mask, labels=None):
        outputs = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = outputs[1]
        logits = self.tagger(self.dropout(hidden))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.view(-1, self.num_tags), labels.view(-1), ignore_index=-100)
        return {"loss": loss, "logits": logits}


def main():
    workdir = tempfile.mkdtemp(prefix="recipe_ner_")
    tokenizer = BertTokenizer(make_vocab(workdir))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = IngredientTagger(config, num_tags=len(TAGS))

    train_ds = RecipeLines(tokenizer, 16)
    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=5,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print("final train loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
