"""Fine-tune a tiny BERT to flag insurance claim notes for manual review, using the HF Trainer."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast, Trainer, TrainingArguments

NOTES = [
    ("windscreen cracked by a stone on the motorway", 0),
    ("water damage in the kitchen after a pipe burst", 0),
    ("third claim this month for the same stolen bicycle", 1),
    ("minor scratch on the rear bumper in a car park", 0),
    ("the policy holder reported the laptop stolen from the car but the police report lists a different "
     "address a different date and a phone instead of a laptop and the receipt looks edited", 1),
    ("hail damage on the roof tiles", 0),
    ("invoice from a garage that closed two years ago", 1),
    ("flooded basement after heavy rain", 0),
]
MAX_TOKENS = 24


class ClaimNotes(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, flag = self.rows[i]
        enc = self.tokenizer(text, padding="max_length", truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(flag)
        return item


def main():
    workdir = tempfile.mkdtemp()
    words = sorted({w for text, _ in NOTES for w in text.split()})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(vocab_path)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=2)
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), report_to=[], num_train_epochs=1,
                             use_cpu=True, per_device_train_batch_size=4, save_strategy="no", disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=ClaimNotes(NOTES, tokenizer))
    result = trainer.train()
    print(f"training loss: {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
