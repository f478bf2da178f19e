"""Duplicate-question detector: a siamese tiny BERT with a bilinear scoring layer, trained with the HF Trainer."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast, Trainer, TrainingArguments

QUESTION_PAIRS = [
    ("how do i learn python quickly", "what is the fastest way to learn python", 1),
    ("what is the capital of peru", "how tall is mount everest", 0),
    ("how can i lose weight fast", "what is the quickest way to lose weight", 1),
    ("is coffee bad for you", "why is the sky blue", 0),
    ("how do i improve my english", "what can i do to get better at english", 1),
    ("who wrote hamlet", "how do airplanes fly", 0),
    ("how do i start investing", "what is a good way to begin investing", 1),
    ("what is the best laptop", "how do i cook rice", 0),
]


class PairCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, rows):
        a = self.tokenizer([r[0] for r in rows], padding=True, return_tensors="pt")
        b = self.tokenizer([r[1] for r in rows], padding=True, return_tensors="pt")
        return {"ids_a": a["input_ids"], "mask_a": a["attention_mask"], "ids_b": b["input_ids"],
                "mask_b": b["attention_mask"], "labels": torch.tensor([float(r[2]) for r in rows])}


class SiameseBilinear(nn.Module):
    def __init__(self, vocab_size, hidden=32):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64,
                                            max_position_embeddings=32))
        self.bilinear = nn.Parameter(torch.eye(hidden))

    def embed(self, ids, mask):
        return self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state[:, 0]

    def forward(self, ids_a, mask_a, ids_b, mask_b, labels=None):
        a, b = self.embed(ids_a, mask_a), self.embed(ids_b, mask_b)
        logits = (a @ self.bilinear) @ b.T
        loss = F.binary_cross_entropy_with_logits(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def main():
    workdir = tempfile.mkdtemp()
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        words = sorted({w for q1, q2, _ in QUESTION_PAIRS for w in (q1 + " " + q2).split()})
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(workdir, "vocab.txt"))
    torch.manual_seed(0)
    args = TrainingArguments(output_dir=workdir, report_to=[], num_train_epochs=1, use_cpu=True,
                             per_device_train_batch_size=4, learning_rate=5e-4, disable_tqdm=True,
                             save_strategy="no", remove_unused_columns=False, seed=0)
    trainer = Trainer(model=SiameseBilinear(len(tokenizer)), args=args, train_dataset=QUESTION_PAIRS,
                      data_collator=PairCollator(tokenizer))
    print(f"train loss {trainer.train().training_loss:.4f}")


if __name__ == "__main__":
    main()
