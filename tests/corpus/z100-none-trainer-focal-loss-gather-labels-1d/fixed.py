"""Urgent-email detector for the support inbox.  Urgent mails are rare, so the Trainer is subclassed to use
a focal loss instead of plain cross-entropy.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

MAILS = [
    ("server is down and customers cannot log in", 1), ("newsletter for the month of may", 0),
    ("lunch menu for next week", 0), ("payment system rejecting all cards right now", 1),
    ("reminder team photo on friday", 0), ("office plants need watering", 0),
    ("data breach suspected please respond immediately", 1), ("new coffee machine in the kitchen", 0),
]


class FocalLossTrainer(Trainer):
    def __init__(self, *args, gamma=2.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.gamma = gamma

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        log_probs = F.log_softmax(outputs.logits, dim=-1)
        log_pt = log_probs.gather(1, labels.unsqueeze(1))
        loss = (-((1 - log_pt.exp()) ** self.gamma) * log_pt).mean()
        return (loss, outputs) if return_outputs else loss


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="urgent-")
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for m, _ in MAILS for w in m.split()})) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    train_set = [dict(tokenizer(text, truncation=True, max_length=32), labels=label) for text, label in MAILS]
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=2))
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4, max_steps=4,
                             learning_rate=1e-3, report_to="none", use_cpu=True, save_strategy="no", seed=0,
                             disable_tqdm=True)
    trainer = FocalLossTrainer(model=model, args=args, train_dataset=train_set,
                               data_collator=DataCollatorWithPadding(tokenizer), gamma=2.0)
    print(trainer.train())


if __name__ == "__main__":
    main()
