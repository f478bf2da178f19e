"""Aspect-level sentiment: max-pool the BERT states of the aspect term, trained with the HF Trainer."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast, Trainer, TrainingArguments

POLARITIES = ["negative", "neutral", "positive"]
REVIEWS = [
    ("the battery life is amazing but the screen scratches easily", (1, 3), "positive"),
    ("the battery life is amazing but the screen scratches easily", (6, 7), "negative"),
    ("service was slow and the pasta was cold", (0, 1), "negative"),
    ("service was slow and the pasta was cold", (5, 6), "negative"),
    ("the keyboard feels fine for daily typing", (1, 2), "neutral"),
    ("great price for a sturdy tripod", (1, 2), "positive"),
    ("the hotel room was clean and the staff friendly", (2, 3), "positive"),
    ("the hotel room was clean and the staff friendly", (7, 8), "positive"),
]


class AspectCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, rows):
        enc = self.tokenizer([r["words"] for r in rows], is_split_into_words=True, padding=True,
                             return_tensors="pt")
        aspect_mask = torch.zeros_like(enc["input_ids"], dtype=torch.bool)
        for i, row in enumerate(rows):
            start, end = row["span"]
            for j, word in enumerate(enc.word_ids(i)):
                if word is not None and start <= word < end:
                    aspect_mask[i, j] = 1
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "aspect_mask": aspect_mask, "labels": torch.tensor([r["label"] for r in rows])}


class AspectSentiment(nn.Module):
    def __init__(self, vocab_size, hidden=32):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64,
                                            max_position_embeddings=64))
        self.head = nn.Linear(hidden, len(POLARITIES))

    def forward(self, input_ids, attention_mask, aspect_mask, labels=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        floor = torch.finfo(states.dtype).min
        pooled = torch.where(aspect_mask.unsqueeze(-1), states, floor).amax(dim=1)
        logits = self.head(pooled)
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def main():
    workdir = tempfile.mkdtemp()
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        words = sorted({w for text, _, _ in REVIEWS for w in text.split()})
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(vocab_path)
    train_rows = [{"words": text.split(), "span": span, "label": POLARITIES.index(pol)}
                  for text, span, pol in REVIEWS]

    torch.manual_seed(0)
    model = AspectSentiment(len(tokenizer))
    args = TrainingArguments(output_dir=workdir, report_to=[], num_train_epochs=1, use_cpu=True,
                             per_device_train_batch_size=4, learning_rate=1e-3, disable_tqdm=True,
                             save_strategy="no", remove_unused_columns=False, seed=0)
    trainer = Trainer(model=model, args=args, train_dataset=train_rows, data_collator=AspectCollator(tokenizer))
    print(f"train loss {trainer.train().training_loss:.4f}")


if __name__ == "__main__":
    main()
