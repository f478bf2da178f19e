"""Classify vessel activity (fishing / transit / anchored / loitering) from
summarised AIS position reports with a small BERT, trained through Accelerate.

Loosely follows accelerate's examples/nlp_example.py training loop.
"""
import os
import re
import tempfile
from dataclasses import dataclass, field

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, HfArgumentParser)

ACTIVITIES = ["fishing", "transit", "anchored", "loitering"]
FIELD_MARKERS = ["<sog>", "<cog>", "<nav>", "<area>"]

AIS_SUMMARIES = [
    ("<sog> 2.1 knots <cog> erratic <nav> engaged in fishing <area> dogger bank", "fishing"),
    ("<sog> 14.8 knots <cog> steady 045 <nav> under way using engine <area> dover strait", "transit"),
    ("<sog> 0.1 knots <cog> none <nav> at anchor <area> rotterdam roads", "anchored"),
    ("<sog> 3.4 knots <cog> circling <nav> engaged in fishing <area> porcupine bank", "fishing"),
    ("<sog> 0.9 knots <cog> drifting <nav> under way using engine <area> off ushant", "loitering"),
    ("<sog> 12.2 knots <cog> steady 210 <nav> under way using engine <area> biscay", "transit"),
    ("<sog> 0.0 knots <cog> none <nav> at anchor <area> falmouth bay", "anchored"),
    ("<sog> 1.2 knots <cog> drifting <nav> restricted manoeuvrability <area> off ushant", "loitering"),
]


@dataclass
class ModelArguments:
    hidden_size: int = field(default=32, metadata={"help": "Encoder width."})
    num_hidden_layers: int = field(default=1, metadata={"help": "Number of encoder layers."})
    num_attention_heads: int = field(default=2, metadata={"help": "Attention heads per layer."})


@dataclass
class DataTrainingArguments:
    max_seq_length: int = field(default=48, metadata={"help": "Truncate AIS summaries to this many tokens."})
    train_batch_size: int = field(default=4, metadata={"help": "Batch size for the training DataLoader."})
    learning_rate: float = field(default=3e-4, metadata={"help": "AdamW learning rate."})
    num_epochs: int = field(default=2, metadata={"help": "Passes over the AIS summaries."})
    seed: int = field(default=17, metadata={"help": "Random seed."})


def write_vocab(texts):
    words = set()
    for t in texts:
        words.update(re.findall(r"\w+|[^\w\s]", re.sub(r"<\w+>", " ", t.lower())))
    path = os.path.join(tempfile.mkdtemp(prefix="ais_vocab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def batched_map(rows, fn, batch_size=1000, remove_columns=()):
    processed_rows = []
    for i in range(0, len(rows), batch_size):
        block = rows[i:i + batch_size]
        out = fn({k: [r[k] for r in block] for k in block[0]})
        for j in range(len(block)):
            processed_rows.append({k: v[j] for k, v in out.items() if k not in remove_columns})
    return processed_rows


def main():
    parser = HfArgumentParser((ModelArguments, DataTrainingArguments))
    model_args, data_args = parser.parse_args_into_dataclasses(args=[])
    set_seed(data_args.seed)
    accelerator = Accelerator(cpu=True)

    tokenizer = BertTokenizer(write_vocab([t for t, _ in AIS_SUMMARIES]))
    # keep the report field markers as single tokens
    tokenizer.add_tokens(FIELD_MARKERS)
    accelerator.print(f"tokenizer ready, {len(FIELD_MARKERS)} field markers registered")

    def preprocess_function(examples):
        enc = tokenizer(examples["report"], truncation=True, max_length=data_args.max_seq_length)
        enc["labels"] = [ACTIVITIES.index(a) for a in examples["activity"]]
        return enc

    rows = [{"report": t, "activity": a} for t, a in AIS_SUMMARIES]
    train_rows = batched_map(rows, preprocess_function, remove_columns=("report", "activity"))

    collator = DataCollatorWithPadding(tokenizer, return_tensors="pt")
    train_loader = DataLoader(train_rows, batch_size=data_args.train_batch_size, shuffle=True, collate_fn=collator)

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=model_args.hidden_size,
        num_hidden_layers=model_args.num_hidden_layers,
        num_attention_heads=model_args.num_attention_heads,
        intermediate_size=4 * model_args.hidden_size,
        max_position_embeddings=64,
        num_labels=len(ACTIVITIES),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=data_args.learning_rate)

    model, optimizer, train_loader = accelerator.prepare(model, optimizer, train_loader)

    for epoch in range(data_args.num_epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_loader):
            outputs = model(**batch)
            accelerator.backward(outputs.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += outputs.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    probe = tokenizer(AIS_SUMMARIES[4][0], return_tensors="pt")
    with torch.no_grad():
        guess = model(**probe).logits.argmax(-1).item()
    accelerator.print(f"probe report -> {ACTIVITIES[guess]}")


if __name__ == "__main__":
    main()
