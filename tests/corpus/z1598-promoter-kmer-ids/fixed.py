import itertools
import os
import random
import tempfile
from dataclasses import dataclass, field

import numpy as np
import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    Trainer,
    TrainingArguments,
)

KMER = 3
SPECIAL = ["<pad>", "<unk>", "<cls>"]
KMER_VOCAB = {tok: i for i, tok in enumerate(
    SPECIAL + ["".join(p) for p in itertools.product("ACGT", repeat=KMER)]
)}
TATA_BOX = "TATAAA"


def synth_sequences(n, seed=0):
    rng = random.Random(seed)
    records = []
    for i in range(n):
        length = rng.randint(24, 40)
        seq = "".join(rng.choice("ACGT") for _ in range(length))
        is_promoter = i % 2
        if is_promoter:
            cut = rng.randint(0, length - len(TATA_BOX))
            seq = seq[:cut] + TATA_BOX + seq[cut + len(TATA_BOX):]
        records.append({"dna": seq, "promoter": is_promoter})
    return records


def kmerize(seq, k=KMER):
    return [seq[i:i + k] for i in range(len(seq) - k + 1)]


def encode(record):
    kmers = kmerize(record["dna"])
    kmer_ids = [KMER_VOCAB["<cls>"]] + [KMER_VOCAB.get(km, KMER_VOCAB["<unk>"]) for km in kmers]
    return {"kmer_ids": kmer_ids, "promoter": record["promoter"]}


@dataclass
class KmerBatcher:
    pad_index: int = KMER_VOCAB["<pad>"]
    max_kmers: int = 64
    stats: dict = field(default_factory=lambda: {"batches": 0})

    def __call__(self, examples):
        longest = min(self.max_kmers, max(len(e["kmer_ids"]) for e in examples))
        grid = np.zeros((len(examples), longest), dtype=np.int64)
        keep = np.zeros((len(examples), longest), dtype=np.int64)
        if self.pad_index != 0:
            grid[:] = self.pad_index
        for r, e in enumerate(examples):
            ids = e["kmer_ids"][:longest]
            grid[r, : len(ids)] = ids
            keep[r, : len(ids)] = 1
        self.stats["batches"] += 1
        return {
            "input_ids": torch.from_numpy(grid),
            "attention_mask": torch.from_numpy(keep),
            "promoter": torch.tensor([e["promoter"] for e in examples], dtype=torch.long),
        }


class PromoterTrainer(Trainer):
    smoothing = 0.1

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        is_promoter = inputs.pop("promoter")
        result = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        loss = torch.nn.functional.cross_entropy(
            result.logits, is_promoter, label_smoothing=self.smoothing
        )
        return (loss, result) if return_outputs else loss


def main():
    out_dir = tempfile.mkdtemp(prefix="promoter_")
    train_records = [encode(r) for r in synth_sequences(32, seed=7)]

    bert_cfg = BertConfig(
        vocab_size=len(KMER_VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=80,
        pad_token_id=KMER_VOCAB["<pad>"],
        num_labels=2,
    )
    classifier = BertForSequenceClassification(bert_cfg)

    training_args = TrainingArguments(
        output_dir=os.path.join(out_dir, "run"),
        per_device_train_batch_size=8,
        max_steps=5,
        learning_rate=1e-3,
        logging_steps=1,
        use_cpu=True,
        report_to=[],
        remove_unused_columns=False,
        save_strategy="no",
    )
    trainer = PromoterTrainer(
        model=classifier,
        args=training_args,
        train_dataset=train_records,
        data_collator=KmerBatcher(),
    )
    trainer.train()
    print("promoter classifier done:", trainer.data_collator.stats)


if __name__ == "__main__":
    main()
