# Ingredient-line tagger for a recipe import pipeline.
# Tags each word of lines like "2 cups chopped walnuts" as quantity / unit / food.
import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

TAGS = ["O", "B-QTY", "B-UNIT", "B-FOOD", "I-FOOD"]
QTYS = ["1", "2", "3", "4", "half", "quarter", "one", "two"]
UNITS = ["cup", "cups", "tbsp", "tsp", "grams", "ounces", "pinch", "cloves"]
FOODS = [["walnuts"], ["brown", "sugar"], ["olive", "oil"], ["garlic"], ["flour"],
         ["sea", "salt"], ["unsalted", "butter"], ["red", "onion"], ["basil"]]
FILLER = ["chopped", "finely", "of", "fresh", "softened", "minced", "about", "divided"]


@dataclass
class RunConfig:
    n_lines: int = 240
    batch_size: int = 16
    lr: float = 5e-4
    epochs: int = 1
    hidden: int = 32
    seed: int = 3
    out_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="recipe_tagger_"))


cfg = RunConfig()
random.seed(cfg.seed)
torch.manual_seed(cfg.seed)


def make_line():
    words, tags = [], []
    words.append(random.choice(QTYS)); tags.append("B-QTY")
    words.append(random.choice(UNITS)); tags.append("B-UNIT")
    for _ in range(random.randint(0, 2)):
        words.append(random.choice(FILLER)); tags.append("O")
    food = random.choice(FOODS)
    words += food
    tags += ["B-FOOD"] + ["I-FOOD"] * (len(food) - 1)
    if random.random() < 0.3:
        words += [",", random.choice(FILLER)]; tags += ["O", "O"]
    return words, [TAGS.index(t) for t in tags]


class RecipeLines(Dataset):
    def __init__(self, n):
        self.items = [make_line() for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        words, tag_ids = self.items[i]
        return {"words": words, "tag_ids": tag_ids}


vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + sorted(
    set(QTYS + UNITS + FILLER + [w for f in FOODS for w in f]))
vocab_path = os.path.join(cfg.out_dir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(vocab_path)


class TagCollator:
    def __init__(self, tok):
        self.tok = tok

    def __call__(self, features):
        seqs, labs = [], []
        for f in features:
            ids = self.tok.convert_tokens_to_ids(f["words"])
            seqs.append([self.tok.cls_token_id] + ids + [self.tok.sep_token_id])
            labs.append([-100] + f["tag_ids"] + [-100])
        width = max(len(s) for s in seqs)
        input_ids = torch.full((len(seqs), width), self.tok.pad_token_id)
        labels = torch.full((len(seqs), width), -100)
        attention_mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for i, (s, l) in enumerate(zip(seqs, labs)):
            input_ids[i, :len(s)] = torch.tensor(s)
            labels[i, :len(l)] = torch.tensor(l)
            attention_mask[i, :len(s)] = 1
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


train_ds = RecipeLines(cfg.n_lines)
tag_counts = torch.bincount(torch.tensor([t for it in train_ds.items for t in it[1]]),
                            minlength=len(TAGS)).float()
tag_weights = (tag_counts.sum() / (len(TAGS) * tag_counts.clamp(min=1))).sqrt()


class WeightedTagTrainer(Trainer):
    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss_fct = nn.CrossEntropyLoss(weight=self.class_weights.to(outputs.logits.device),
                                       ignore_index=-100)
        loss = loss_fct(outputs.logits, labels)
        return (loss, outputs) if return_outputs else loss


bert_cfg = BertConfig(vocab_size=len(vocab), hidden_size=cfg.hidden, num_hidden_layers=1,
                      num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                      num_labels=len(TAGS),
                      id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)})
model = BertForTokenClassification(bert_cfg)

args = TrainingArguments(
    output_dir=cfg.out_dir,
    per_device_train_batch_size=cfg.batch_size,
    num_train_epochs=cfg.epochs,
    learning_rate=cfg.lr,
    logging_steps=10,
    save_strategy="no",
    remove_unused_columns=False,
    report_to=[],
    disable_tqdm=True,
    use_cpu=True,
)

trainer = WeightedTagTrainer(model=model, args=args, train_dataset=train_ds,
                             data_collator=TagCollator(tokenizer), class_weights=tag_weights)
result = trainer.train()
print("final train loss:", round(result.training_loss, 4))
