"""Fine-tune a small BERT on hive inspection notes and log a prediction-drift summary.

The beekeeping co-op wants a quick triage of free-text inspection notes into four
buckets. Alongside accuracy we log which buckets the model leans on most, so the
weekly report can flag when it collapses onto one or two of them.
"""
import os
import random
import tempfile
from collections import Counter

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

BUCKETS = ["queenless", "swarm_prep", "varroa", "healthy"]
TOP_K = 3  # report lists the three busiest buckets

NOTES = [
    ("no eggs seen and no queen spotted, workers roaring", "queenless"),
    ("laying workers present, drone brood scattered", "queenless"),
    ("several queen cups charged along the bottom bars", "swarm_prep"),
    ("capped swarm cells and the brood nest is backfilled", "swarm_prep"),
    ("mite drop high on the sticky board after sugar roll", "varroa"),
    ("deformed wings on emerging bees and mites on drones", "varroa"),
    ("solid brood pattern, calm bees, good stores", "healthy"),
    ("queen seen laying, pollen coming in well", "healthy"),
    ("no queen, emergency cells started on one frame", "queenless"),
    ("crowded boxes with queen cells on the frame edges", "swarm_prep"),
    ("spotty brood and mites visible in uncapped cells", "varroa"),
    ("strong colony, plenty of capped honey and eggs", "healthy"),
]
HELD_OUT = [
    ("queen cells on bottom bars and bees bearding", "swarm_prep"),
    ("mites on drones, a few crawling bees with bad wings", "varroa"),
    ("eggs and young larvae, calm and heavy with stores", "healthy"),
    ("no eggs, no queen, cells started on two frames", "queenless"),
]


def build_tokenizer(notes):
    words = sorted({w for text, _ in notes for w in text.replace(",", " ").split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp(prefix="apiary_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class NoteSet(torch.utils.data.Dataset):
    def __init__(self, rows, tok):
        texts = [t for t, _ in rows]
        self.enc = tok(texts, padding="max_length", truncation=True, max_length=24)
        self.targets = [BUCKETS.index(b) for _, b in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def drift_metrics(eval_pred):
    logits, gold = eval_pred
    probs = torch.softmax(torch.from_numpy(logits), dim=-1)
    preds = probs.argmax(dim=-1)

    # how often each bucket gets picked on the held-out notes
    pred_counts = Counter(dict.fromkeys(range(len(BUCKETS)), 0))
    pred_counts.update(preds.tolist())
    busiest = torch.tensor([bucket for bucket, _ in pred_counts.most_common(TOP_K)])
    mean_conf = probs.mean(dim=0)[busiest]

    acc = float((preds.numpy() == gold).mean())
    return {
        "accuracy": acc,
        "busiest_bucket": BUCKETS[int(busiest[0])],
        "top_conf": float(mean_conf[0]),
        "conf_spread": float(mean_conf[0] - mean_conf[TOP_K - 1]),
    }


def main():
    tok = build_tokenizer(NOTES + HELD_OUT)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=32, num_labels=len(BUCKETS))
    model = BertForSequenceClassification(cfg)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="apiary_run_"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
        seed=7,
    )
    trainer = Trainer(model=model, args=args,
                      train_dataset=NoteSet(NOTES, tok),
                      eval_dataset=NoteSet(HELD_OUT, tok),
                      compute_metrics=drift_metrics)
    print(f"training on {len(NOTES)} notes, evaluating on {len(HELD_OUT)}")
    trainer.train()
    report = trainer.evaluate()
    for key in sorted(report):
        print(f"  {key}: {report[key]}")


if __name__ == "__main__":
    main()
