"""Language-of-law classifier (contract clause types) fine-tuned with transformers.Trainer, with accuracy
and macro-F1 reported on the dev set.  The config keeps the hidden states in the outputs because the same
model later exports clause embeddings (mean of the last layer) for the search index.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

torch.manual_seed(0)
CLAUSES = ["termination", "confidentiality", "payment"]
TRAIN = [
    ("either party may end this agreement with notice", 0), ("the receiving party shall keep all data secret", 1),
    ("invoices are payable within thirty days", 2), ("this agreement ends on the expiry date", 0),
    ("no party may disclose the terms to others", 1), ("late payment bears interest", 2),
]
DEV = [("the agreement may be ended for breach", 0), ("all information shall be kept secret", 1),
       ("fees are payable in advance", 2), ("invoices are sent monthly", 2)]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for t, _ in TRAIN + DEV for w in t.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(CLAUSES),
                    output_hidden_states=True)
model = BertForSequenceClassification(config)


def featurize(rows):
    return [{**tokenizer(text, truncation=True, max_length=32), "labels": label} for text, label in rows]


def compute_metrics(eval_pred):
    preds = np.argmax(eval_pred.predictions, axis=-1)
    gold = eval_pred.label_ids
    f1s = []
    for c in range(len(CLAUSES)):
        tp = np.sum((preds == c) & (gold == c))
        denom = np.sum(preds == c) + np.sum(gold == c)
        f1s.append(2 * tp / denom if denom else 0.0)
    return {"accuracy": float((preds == gold).mean()), "macro_f1": float(np.mean(f1s))}


args = TrainingArguments(output_dir=os.path.join(tmp, "out"), per_device_train_batch_size=3,
                         per_device_eval_batch_size=2, num_train_epochs=1, eval_strategy="epoch", learning_rate=1e-3,
                         report_to="none", use_cpu=True, save_strategy="no", disable_tqdm=True, logging_strategy="no")
trainer = Trainer(model=model, args=args, train_dataset=featurize(TRAIN), eval_dataset=featurize(DEV),
                  data_collator=DataCollatorWithPadding(tokenizer), compute_metrics=compute_metrics)
trainer.train()
print(trainer.evaluate())
