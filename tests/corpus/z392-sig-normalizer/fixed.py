"""Train a tiny BART to expand pharmacy sig abbreviations into plain-English directions.

e.g. "1 tab po bid" -> "take 1 tablet by mouth twice daily"
"""
import argparse
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BartConfig, BartForConditionalGeneration, BertTokenizer,
                          Seq2SeqTrainer, Seq2SeqTrainingArguments)

ABBREV = {
    "tab": "tablet", "cap": "capsule", "po": "by mouth", "sl": "under the tongue",
    "bid": "twice daily", "tid": "three times daily", "qd": "once daily",
    "qhs": "at bedtime", "prn": "as needed", "ac": "before meals", "pc": "after meals",
}
DOSES = ["1", "2", "half"]


def make_pairs(n, seed):
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        dose = rng.choice(DOSES)
        form = rng.choice(["tab", "cap"])
        route = rng.choice(["po", "sl"])
        freq = rng.choice(["bid", "tid", "qd", "qhs"])
        extra = rng.choice(["", "prn", "ac", "pc"])
        src = " ".join(t for t in [dose, form, route, freq, extra] if t)
        tgt = " ".join(["take", dose] + [ABBREV[t] for t in [form, route, freq, extra] if t])
        pairs.append((src, tgt))
    return pairs


def write_vocab(pairs, folder):
    words = sorted({w for s, t in pairs for w in (s + " " + t).split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class SigDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        src, tgt = self.pairs[i]
        return {"sig": src, "directions": tgt}


@dataclass
class SigCollator:
    tokenizer: BertTokenizer
    max_source_len: int
    max_target_len: int

    def __call__(self, rows):
        enc = self.tokenizer([r["sig"] for r in rows], padding="max_length", truncation=True,
                             max_length=self.max_source_len, return_tensors="pt")
        tgt = self.tokenizer([r["directions"] for r in rows], padding="max_length", truncation=True,
                             max_length=self.max_target_len, return_tensors="pt")["input_ids"]
        decoder_input_ids = tgt[:, :-1].clone()
        labels = tgt[:, 1:].clone()
        labels[labels == self.tokenizer.pad_token_id] = -100
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "decoder_input_ids": decoder_input_ids,
            "labels": labels,
        }


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--max-source-len", type=int, default=16)
    p.add_argument("--max-target-len", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=13)
    return p.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    pairs = make_pairs(48, args.seed)
    workdir = tempfile.mkdtemp(prefix="sig_")
    tok = BertTokenizer(write_vocab(pairs, workdir))

    config = BartConfig(
        vocab_size=tok.vocab_size, d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2,
        encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
        pad_token_id=tok.pad_token_id, bos_token_id=tok.cls_token_id,
        eos_token_id=tok.sep_token_id, decoder_start_token_id=tok.cls_token_id,
    )
    model = BartForConditionalGeneration(config)

    training_args = Seq2SeqTrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=args.batch_size,
        num_train_epochs=args.epochs,
        learning_rate=5e-4,
        logging_steps=5,
        save_strategy="no",
        remove_unused_columns=False,
        report_to=[], disable_tqdm=True, use_cpu=True,
    )
    trainer = Seq2SeqTrainer(
        model=model,
        args=training_args,
        train_dataset=SigDataset(pairs),
        data_collator=SigCollator(tok, args.max_source_len, args.max_target_len),
    )
    result = trainer.train()
    print("final train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
