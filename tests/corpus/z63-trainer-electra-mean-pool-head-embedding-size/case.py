"""Product-category classifier: an ELECTRA-small-style encoder, masked mean pooling and a linear head,
trained with transformers.Trainer (the model is a plain nn.Module returning a dict with the loss).
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import (BertTokenizer, DataCollatorWithPadding, ElectraConfig, ElectraModel, Trainer,
                          TrainingArguments)

torch.manual_seed(0)
CATEGORIES = ["kitchen", "garden", "toys"]
PRODUCTS = [
    ("stainless steel frying pan", 0), ("garden hose with spray nozzle", 1), ("wooden train set for kids", 2),
    ("non stick saucepan with lid", 0), ("electric lawn mower", 1), ("plush teddy bear", 2),
    ("chef knife with wooden handle", 0), ("pruning shears for roses", 1), ("building blocks set", 2),
]


class MeanPoolClassifier(nn.Module):
    def __init__(self, config, num_labels):
        super().__init__()
        self.encoder = ElectraModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.embedding_size, num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        logits = self.head(self.dropout(pooled))
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


workdir = tempfile.mkdtemp(prefix="catalog-")
words = sorted({w for text, _ in PRODUCTS for w in text.split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

# ELECTRA-small layout: factorised embeddings (embedding_size) projected up to the hidden size
config = ElectraConfig(vocab_size=len(tokenizer), embedding_size=16, hidden_size=32, num_hidden_layers=2,
                       num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
model = MeanPoolClassifier(config, num_labels=len(CATEGORIES))
train_set = [{**tokenizer(text, truncation=True, max_length=32), "labels": label} for text, label in PRODUCTS]

args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4, num_train_epochs=2,
                         learning_rate=1e-3, report_to="none", use_cpu=True, save_strategy="no", disable_tqdm=True,
                         logging_strategy="no")
trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=DataCollatorWithPadding(tokenizer))
trainer.train()
print("steps:", trainer.state.global_step)
