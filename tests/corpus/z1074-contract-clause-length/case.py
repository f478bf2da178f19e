"""Contract clause typing with an auxiliary clause-length head (HF Trainer).

The length head is a small multitask regulariser: besides the clause type the
encoder has to predict which length band the clause falls in.
"""
import bisect
import itertools
import os
import tempfile
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments
from transformers.utils import logging as hf_logging

hf_logging.set_verbosity_error()
torch.manual_seed(3)

CLAUSES = [
    ("either party may terminate this agreement upon thirty days written notice", "termination"),
    ("the supplier shall indemnify and hold harmless the buyer from all claims arising from defects", "indemnity"),
    ("this agreement shall be governed by the laws of the state of delaware", "governing_law"),
    ("recipient shall keep all confidential information in strict confidence", "confidentiality"),
    ("the buyer may terminate immediately if the supplier becomes insolvent", "termination"),
    ("licensee shall indemnify licensor against any third party infringement claims", "indemnity"),
    ("any dispute shall be governed by english law and the courts of london", "governing_law"),
    ("confidential information excludes information already in the public domain", "confidentiality"),
]
CLAUSE_TYPES = sorted({t for _, t in CLAUSES})
LENGTH_EDGES = (8, 12, 16)          # -> bands: <8, 8-11, 12-15, >=16 tokens
AUX_WEIGHT = 0.3

model_kwargs = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64)
tokenizer_kwargs = dict(add_special_tokens=True, return_token_type_ids=True)
args_kwargs = dict(per_device_train_batch_size=4, num_train_epochs=2, learning_rate=5e-4,
                   logging_steps=1, save_strategy="no", disable_tqdm=True, report_to=[],
                   use_cpu=True, remove_unused_columns=False)


def length_band(n_tokens):
    return bisect.bisect_right(LENGTH_EDGES, n_tokens)


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def featurize(rows, tokenizer):
    for text, kind in rows:
        enc = tokenizer(text, **tokenizer_kwargs)
        n_tok = len(enc["input_ids"])
        yield {**enc, "clause_type": CLAUSE_TYPES.index(kind), "length_target": n_tok}


def collate(features, pad_id):
    width = max(len(f["input_ids"]) for f in features)
    pad = lambda seq, v: seq + [v] * (width - len(seq))
    batch = {k: torch.tensor([pad(f[k], 0 if k != "input_ids" else pad_id) for f in features])
             for k in ("input_ids", "attention_mask", "token_type_ids")}
    batch["clause_type"] = torch.tensor([f["clause_type"] for f in features])
    batch["length_target"] = torch.tensor([f["length_target"] for f in features])
    return batch


class ClauseModel(nn.Module):
    def __init__(self, config, n_types, n_bands):
        super().__init__()
        self.bert = BertModel(config)
        self.type_head = nn.Linear(config.hidden_size, n_types)
        self.length_head = nn.Linear(config.hidden_size, n_bands)

    def forward(self, input_ids, attention_mask, token_type_ids, clause_type=None, length_target=None):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).pooler_output
        type_logits, len_logits = self.type_head(pooled), self.length_head(pooled)
        out = {"logits": type_logits, "length_logits": len_logits}
        if clause_type is not None:
            loss = F.cross_entropy(type_logits, clause_type)
            if length_target is not None:
                loss = loss + AUX_WEIGHT * F.cross_entropy(len_logits, length_target)
            out["loss"] = loss
        return out


def main():
    tokenizer = BertTokenizer(write_vocab([t for t, _ in CLAUSES]))
    features = list(featurize(CLAUSES, tokenizer))
    bands = Counter(length_band(len(f["input_ids"])) for f in features)
    print("length band histogram:", dict(sorted(bands.items())))

    config = BertConfig(vocab_size=len(tokenizer), **model_kwargs)
    model = ClauseModel(config, n_types=len(CLAUSE_TYPES), n_bands=len(LENGTH_EDGES) + 1)
    trainer = Trainer(
        model=model,
        args=TrainingArguments(output_dir=tempfile.mkdtemp(), **args_kwargs),
        train_dataset=features,
        data_collator=lambda fs: collate(fs, tokenizer.pad_token_id),
    )
    result = trainer.train()
    print(f"train loss {result.training_loss:.4f}")

    model.eval()
    with torch.no_grad():
        stream = iter(features)
        while chunk := list(itertools.islice(stream, 4)):
            out = model(**collate(chunk, tokenizer.pad_token_id))
            print([CLAUSE_TYPES[i] for i in out["logits"].argmax(-1).tolist()])


if __name__ == "__main__":
    main()
