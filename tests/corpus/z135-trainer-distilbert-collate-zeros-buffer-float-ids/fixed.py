"""Emotion classifier: tiny DistilBERT + HF Trainer with a hand-written padding collator."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import (DistilBertConfig, DistilBertForSequenceClassification, DistilBertTokenizerFast, Trainer,
                          TrainingArguments)

torch.manual_seed(0)
scratch = tempfile.mkdtemp()

EMOTIONS = ["joy", "anger", "fear"]
SAMPLES = [
    ("i finally passed my driving test", "joy"),
    ("they cancelled my flight again without telling me", "anger"),
    ("there is someone walking outside in the dark", "fear"),
    ("best birthday ever", "joy"),
    ("stop sending me these spam calls", "anger"),
    ("i think i heard a noise downstairs", "fear"),
    ("we won the match in the last minute", "joy"),
    ("the landlord kept the whole deposit", "anger"),
]


def make_tokenizer(texts, folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in texts for w in t.split()})
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return DistilBertTokenizerFast(vocab_file)


def encode_samples(samples, tokenizer):
    out = []
    for text, emotion in samples:
        ids = tokenizer(text, truncation=True, max_length=48)["input_ids"]
        out.append({"input_ids": ids, "label": EMOTIONS.index(emotion)})
    return out


def pad_batch(features):
    longest = max(len(f["input_ids"]) for f in features)
    input_ids = torch.zeros(len(features), longest, dtype=torch.long)  # 0 is [PAD]
    attention_mask = torch.zeros(len(features), longest, dtype=torch.long)
    for row, feat in enumerate(features):
        n = len(feat["input_ids"])
        input_ids[row, :n] = torch.tensor(feat["input_ids"])
        attention_mask[row, :n] = 1
    labels = torch.tensor([f["label"] for f in features])
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


tokenizer = make_tokenizer([t for t, _ in SAMPLES], scratch)
train_records = encode_samples(SAMPLES, tokenizer)

cfg = DistilBertConfig(vocab_size=len(tokenizer), dim=32, n_layers=1, n_heads=2, hidden_dim=37,
                       max_position_embeddings=64, num_labels=len(EMOTIONS))
classifier = DistilBertForSequenceClassification(cfg)

training_args = TrainingArguments(output_dir=os.path.join(scratch, "emotion"), max_steps=3,
                                  per_device_train_batch_size=4, learning_rate=5e-4, report_to=[],
                                  save_strategy="no", use_cpu=True, disable_tqdm=True)
Trainer(model=classifier, args=training_args, train_dataset=train_records, data_collator=pad_batch).train()
print("trained on", len(train_records), "samples")
