"""Fine-tune a tiny BERT to route railway maintenance tickets to the right depot team.

Pieced together from the HF text-classification tutorial + the Trainer docs.
"""
import os
import random
import tempfile
import logging

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("ticket_router")

SEED = 17
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# from the docs: id2label / label2id for the model card
id2label = {0: "track", 1: "signalling", 2: "rolling_stock", 3: "overhead_line"}
label2id = {v: k for k, v in id2label.items()}
NUM_LABELS = len(id2label)

tickets = [
    ("loose fishplate bolts near km 42 on the down line", "track"),
    ("ballast washed out after heavy rain at the cutting", "track"),
    ("signal aspect stuck on red at junction approach", "signalling"),
    ("axle counter reset failure in section four", "signalling"),
    ("brake pads worn on coach six of the morning unit", "rolling_stock"),
    ("door interlock fault reported by guard on unit 3021", "rolling_stock"),
    ("dropper wire hanging low over platform two", "overhead_line"),
    ("pantograph strike damage on catenary near the viaduct", "overhead_line"),
    ("graffiti on the footbridge parapet at the station", "civils"),
    ("cracked culvert headwall under the embankment", "civils"),
    ("ticket machine screen frozen at the east entrance", "station_equipment"),
    ("lift out of service at platform three", "station_equipment"),
]

# new teams got added after the pilot, extend the mapping
for _, team in tickets:
    if team not in label2id:
        label2id[team] = len(label2id)
        id2label[label2id[team]] = team

log.info("teams: %s", list(label2id))

VOCAB_WORDS = sorted({w for text, _ in tickets for w in text.split()})


def write_vocab(words):
    tmp = tempfile.mkdtemp(prefix="rail_vocab_")
    vocabPath = os.path.join(tmp, "vocab.txt")
    with open(vocabPath, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return tmp, vocabPath


class TicketDataset(Dataset):
    def __init__(self, rows, tok, maxLen=32):
        self.rows = rows
        self.tok = tok
        self.maxLen = maxLen

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, team = self.rows[idx]
        enc = self.tok(text, truncation=True, max_length=self.maxLen)
        enc["labels"] = label2id[team]
        return dict(enc)


output_dir, vocab_path = write_vocab(VOCAB_WORDS)
tokenizer = BertTokenizer(vocab_path)

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=NUM_LABELS,
    id2label=id2label,
    label2id=label2id,
)
model = BertForSequenceClassification(config)
log.info("model params: %d", sum(p.numel() for p in model.parameters()))

train_ds = TicketDataset(tickets, tokenizer)
data_collator = DataCollatorWithPadding(tokenizer=tokenizer)  # from the docs

training_args = TrainingArguments(
    output_dir=os.path.join(output_dir, "runs"),
    per_device_train_batch_size=4,
    num_train_epochs=1,
    learning_rate=5e-4,
    logging_steps=1,
    save_strategy="no",
    use_cpu=True,
    disable_tqdm=True,
    report_to=[],
    seed=SEED,
)


def compute_metrics(eval_pred):  # from the docs, not used yet
    logits, refs = eval_pred
    return {"accuracy": float((np.argmax(logits, axis=-1) == refs).mean())}


trainer = Trainer(
    model=model,
    args=training_args,
    train_dataset=train_ds,
    data_collator=data_collator,
)
trainResult = trainer.train()
log.info("train loss %.4f", trainResult.training_loss)
