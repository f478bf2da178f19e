import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    DataCollatorForTokenClassification,
    Trainer,
    TrainingArguments,
)

TAGS = ["O", "QTY", "UNIT", "PREP", "FOOD"]
tag2id = {t: i for i, t in enumerate(TAGS)}

RAW = [
    ("2 cups chopped onion", "QTY UNIT PREP FOOD"),
    ("1 tbsp olive oil", "QTY UNIT FOOD FOOD"),
    ("3 cloves minced garlic", "QTY UNIT PREP FOOD"),
    ("half cup grated cheese", "QTY UNIT PREP FOOD"),
    ("4 large eggs", "QTY O FOOD"),
    ("1 tsp salt", "QTY UNIT FOOD"),
    ("200 g diced tomatoes", "QTY UNIT PREP FOOD"),
    ("a pinch of pepper", "QTY UNIT O FOOD"),
    ("2 tbsp chopped parsley", "QTY UNIT PREP FOOD"),
    ("1 cup sliced mushrooms", "QTY UNIT PREP FOOD"),
    ("500 g ground beef", "QTY UNIT PREP FOOD"),
    ("3 tbsp butter", "QTY UNIT FOOD"),
] * 3

workdir = tempfile.mkdtemp()
words = sorted({w for line, _ in RAW for w in line.split()})
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)


def tokenize_and_align(line, tag_str):
    tokens = line.split()
    tags = tag_str.split()
    enc = tokenizer(tokens, is_split_into_words=True, truncation=True, max_length=16)
    aligned, prev = [], None
    for wid in enc.word_ids():
        if wid is None or wid == prev:
            aligned.append(-100)
        else:
            aligned.append(tag2id[tags[wid]])
        prev = wid
    enc["labels"] = aligned
    return dict(enc)


class IngredientLines(Dataset):
    def __init__(self, rows):
        self.items = [tokenize_and_align(line, tags) for line, tags in rows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class SmoothedTagTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        out = model(**inputs)
        scores = out.logits
        loss = F.cross_entropy(scores.permute(0, 2, 1), gold, ignore_index=-100, label_smoothing=0.05)
        return (loss, out) if return_outputs else loss


cfg = BertConfig(
    vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS),
    id2label=dict(enumerate(TAGS)), label2id=tag2id,
)
model = BertForTokenClassification(cfg)

args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=8, num_train_epochs=1,
    learning_rate=5e-4, disable_tqdm=True, report_to=[], use_cpu=True, save_strategy="no",
    logging_steps=2,
)
trainer = SmoothedTagTrainer(
    model=model, args=args, train_dataset=IngredientLines(RAW),
    data_collator=DataCollatorForTokenClassification(tokenizer),
)
trainer.train()
print("done")
