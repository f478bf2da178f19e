# Bridge watch log -> incident severity, 2-fold CV with a tiny BERT under Accelerate.
# Vessel type is injected as a leading marker token so the encoder can condition on it.
import os
import tempfile
from dataclasses import dataclass
from functools import partial

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

N_FOLDS = 2
SEVERITIES = ["routine", "near_miss", "incident"]
VESSEL_MARKERS = ["[TANKER]", "[TUG]", "[FERRY]", "[TRAWLER]"]


@dataclass
class LogEntry:
    vessel: str
    text: str
    severity: int


ENTRIES = [
    LogEntry("tanker", "pilot boarded at fairway buoy , all normal", 0),
    LogEntry("tug", "tow line parted during berthing , line recovered", 2),
    LogEntry("ferry", "crossing traffic passed close ahead , speed reduced", 1),
    LogEntry("trawler", "nets hauled , course resumed to fishing ground", 0),
    LogEntry("tanker", "radar contact lost in fog , sound signals given", 1),
    LogEntry("tug", "engine alarm on approach , berthing aborted", 2),
    LogEntry("ferry", "ramp lowered on schedule , all normal", 0),
    LogEntry("trawler", "gear fouled on wreck , vessel heeled sharply", 2),
]


def write_vocab(entries):
    words = sorted({w for e in entries for w in e.text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def collate_logs(batch, tokenizer, max_len=32):
    texts = ["[%s] %s" % (e.vessel.upper(), e.text) for e in batch]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor([e.severity for e in batch])
    return dict(enc)


def fresh_model(tokenizer):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(SEVERITIES),
    )
    return BertForSequenceClassification(config)


def run_fold(fold, train_rows, valid_rows, tokenizer, accelerator):
    collate = partial(collate_logs, tokenizer=tokenizer)
    train_dl = DataLoader(train_rows, batch_size=2, shuffle=True, collate_fn=collate)
    valid_dl = DataLoader(valid_rows, batch_size=2, shuffle=False, collate_fn=collate)

    model = fresh_model(tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, opt, train_dl, valid_dl = accelerator.prepare(model, opt, train_dl, valid_dl)

    model.train()
    for step, batch in enumerate(train_dl):
        out = model(**batch)
        accelerator.backward(out.loss)
        opt.step()
        opt.zero_grad()
        accelerator.print("fold %d step %d loss %.4f" % (fold, step, out.loss.item()))

    model.eval()
    probs = []
    with torch.no_grad():
        for batch in valid_dl:
            batch.pop("labels")
            probs.append(F.softmax(model(**batch).logits, dim=-1).cpu())
    return torch.cat(probs)


def main():
    set_seed(7)
    accelerator = Accelerator(cpu=True)

    tokenizer = BertTokenizer(write_vocab(ENTRIES))
    added = tokenizer.add_tokens(VESSEL_MARKERS, special_tokens=True)
    accelerator.print("added %d vessel markers, tokenizer size %d" % (added, len(tokenizer)))

    oof = []
    for fold in range(N_FOLDS):
        train_rows = [e for i, e in enumerate(ENTRIES) if i % N_FOLDS != fold]
        valid_rows = [e for i, e in enumerate(ENTRIES) if i % N_FOLDS == fold]
        fold_probs = run_fold(fold, train_rows, valid_rows, tokenizer, accelerator)
        oof.append(fold_probs)
        accelerator.print("fold %d done, %d oof rows" % (fold, fold_probs.shape[0]))

    oof = torch.cat(oof)
    accelerator.print("oof matrix", tuple(oof.shape))
    accelerator.print("predicted severities:", [SEVERITIES[i] for i in oof.argmax(-1).tolist()])


if __name__ == "__main__":
    main()
