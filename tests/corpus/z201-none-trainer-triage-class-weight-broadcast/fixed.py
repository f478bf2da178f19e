import os
import tempfile
from collections import Counter

import torch
import torch.nn.functional as F
from transformers import (BertTokenizer, DataCollatorWithPadding, DistilBertConfig,
                          DistilBertForSequenceClassification, Trainer, TrainingArguments)

URGENCY = ["routine", "soon", "urgent", "emergency"]
MESSAGES = [
    ("need a refill of my allergy pills", 0), ("can i move my checkup to next month", 0),
    ("question about my last lab bill", 0), ("please send my vaccination record", 0),
    ("rash on my arm for three days", 1), ("ear hurts since yesterday", 1),
    ("mild fever and sore throat", 1), ("chest pain and short of breath", 3),
    ("want to book a yearly physical", 0), ("my prescription ran out today", 0),
    ("cut on hand will not stop bleeding", 2), ("child has high fever and is very sleepy", 2),
    ("knee swollen after a fall", 1), ("what are your opening hours", 0),
    ("need a note for work", 0), ("face drooping and slurred speech", 3),
]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def inverse_frequency(label_list, n_classes):
    counts = Counter(label_list)
    freq = torch.tensor([counts.get(c, 0) + 1.0 for c in range(n_classes)])
    return freq.sum() / (n_classes * freq)


class WeightedTrainer(Trainer):
    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        targets = inputs.pop("labels")
        outputs = model(**inputs)
        per_item = F.cross_entropy(outputs.logits, targets, reduction="none")
        loss = (per_item * self.class_weights.to(per_item.device)[targets]).mean()
        return (loss, outputs) if return_outputs else loss


def main():
    torch.manual_seed(1)
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab([m for m, _ in MESSAGES], tmp))
    records = []
    for text, level in MESSAGES:
        enc = tokenizer(text, truncation=True, max_length=32)
        records.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": level})

    cfg = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=32, n_layers=1, n_heads=2, hidden_dim=64,
                           max_position_embeddings=64, num_labels=len(URGENCY))
    model = DistilBertForSequenceClassification(cfg)
    weights = inverse_frequency([lvl for _, lvl in MESSAGES], len(URGENCY))

    args = TrainingArguments(output_dir=os.path.join(tmp, "ckpt"), per_device_train_batch_size=8,
                             num_train_epochs=3, learning_rate=1e-3, use_cpu=True, report_to="none",
                             save_strategy="no", logging_strategy="no", disable_tqdm=True)
    trainer = WeightedTrainer(model=model, args=args, train_dataset=records,
                              data_collator=DataCollatorWithPadding(tokenizer), class_weights=weights)
    trainer.train()

    model.eval()
    probe = tokenizer("sudden chest pain", return_tensors="pt")
    with torch.no_grad():
        print("triage:", URGENCY[model(**probe).logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
