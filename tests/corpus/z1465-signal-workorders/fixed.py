"""Predict whether a railway signalling work order will need a second visit,
from the fault report and the action the technician logged.

Work orders come out of the maintenance system as one row per step, so we
stitch each order back into a BERT sentence pair before training.
"""
import functools
import itertools
import logging
import operator
import os
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s:%(name)s: %(message)s")
log = logging.getLogger("signals")

torch.manual_seed(7)

# (work_order, step_no, text) -- step 1 is the fault report, step 2 the action taken
STEPS = [
    ("WO-5521", 2, "replaced lamp and cleaned lens"),
    ("WO-5521", 1, "signal aspect dim at junction"),
    ("WO-5530", 1, "track circuit showing occupied with no train"),
    ("WO-5530", 2, "reset relay and no fault found"),
    ("WO-5547", 1, "point motor slow to detect normal"),
    ("WO-5547", 2, "adjusted detection rods and lubricated slide chairs"),
    ("WO-5562", 1, "axle counter reset required after storm"),
    ("WO-5562", 2, "power supply replaced and counter restored"),
    ("WO-5578", 1, "signal aspect flickering intermittently"),
    ("WO-5578", 2, "no fault found on arrival"),
    ("WO-5583", 1, "track circuit failure after rail grinding"),
    ("WO-5583", 2, "bonded rail joint and tested circuit"),
]
REVISITED = {"WO-5521": 0, "WO-5530": 1, "WO-5547": 0, "WO-5562": 0, "WO-5578": 1, "WO-5583": 0}

order_of = operator.itemgetter(0)
step_of = operator.itemgetter(1)
text_of = operator.itemgetter(2)


def write_vocab(rows, folder):
    words = sorted(set(itertools.chain.from_iterable(map(lambda r: text_of(r).split(), rows))))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def stitch_orders(rows, tokenizer):
    """One example per work order: [CLS] report [SEP] action [SEP] with segment ids."""
    ordered = sorted(rows, key=operator.itemgetter(0, 1))
    examples = []
    for order, grp in itertools.groupby(ordered, key=order_of):
        steps = list(grp)
        pieces = [tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text_of(s))) + [tokenizer.sep_token_id]
                  for s in steps]
        seg_runs = [[step_of(s) - 1] * len(p) for s, p in zip(steps, pieces)]
        ids = [tokenizer.cls_token_id] + list(itertools.chain.from_iterable(pieces))
        segs = seg_runs[0][:1] + list(itertools.chain.from_iterable(seg_runs))
        examples.append({"order": order, "ids": ids, "segs": segs, "y": REVISITED[order]})
    return examples


def collate(batch, pad_id):
    width = functools.reduce(max, map(lambda ex: len(ex["ids"]), batch))
    pad = lambda seq, fill: seq + [fill] * (width - len(seq))
    return {
        "input_ids": torch.tensor([pad(ex["ids"], pad_id) for ex in batch]),
        "token_type_ids": torch.tensor([pad(ex["segs"], 0) for ex in batch]),
        "attention_mask": torch.tensor([pad([1] * len(ex["ids"]), 0) for ex in batch]),
        "labels": torch.tensor([ex["y"] for ex in batch]),
    }


def main():
    accelerator = Accelerator(cpu=True)
    workdir = tempfile.mkdtemp(prefix="signals_")
    tokenizer = BertTokenizer(write_vocab(STEPS, workdir))

    examples = stitch_orders(STEPS, tokenizer)
    log.info("stitched %d work orders, longest %d tokens", len(examples),
             max(map(lambda ex: len(ex["ids"]), examples)))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
                        num_labels=2)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(examples, batch_size=3, shuffle=True,
                        collate_fn=functools.partial(collate, pad_id=tokenizer.pad_token_id))

    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    model.train()
    for epoch in range(2):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
