# %% Aviation incident report triage: classify short narratives by phase of flight
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

workdir = tempfile.mkdtemp(prefix="asrs_")

# %% raw reports
reports = [
    ("during pushback the tug driver lost contact with the cockpit", "ground"),
    ("aircraft taxied past hold short line without clearance", "ground"),
    ("wingtip contacted a parked vehicle on the ramp", "ground"),
    ("tower cleared us to cross but another aircraft was on final", "ground"),
    ("engine fire warning shortly after rotation we returned", "takeoff"),
    ("bird strike at rotation with vibration in number two engine", "takeoff"),
    ("rejected takeoff at high speed due to config warning", "takeoff"),
    ("tailstrike on departure from runway two seven", "takeoff"),
    ("altitude deviation of four hundred feet during cruise", "cruise"),
    ("tcas resolution advisory climb while level at flight level three five zero", "cruise"),
    ("severe turbulence injured a flight attendant in cruise", "cruise"),
    ("fuel imbalance noticed during cruise over the ocean", "cruise"),
    ("unstable approach continued below five hundred feet", "approach"),
    ("go around after windshear alert on short final", "approach"),
    ("landed on the wrong runway at night", "approach"),
    ("hard landing with gear damage after gusty crosswind approach", "approach"),
]
phases = sorted({p for _, p in reports})
phase2id = {p: i for i, p in enumerate(phases)}

# %% build a word-level vocab from the corpus
words = sorted({w for text, _ in reports for w in text.split()})
base_vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(base_vocab) + "\n")
vocab_size = len(base_vocab)

tok = BertTokenizer(vocab_path, do_lower_case=True)
# domain abbreviations that should stay single tokens
domain_terms = ["tcas", "atc", "rto", "ils", "vfr", "ifr", "metar", "notam", "fl350", "rwy27"]
tok.add_tokens([t for t in domain_terms if t not in tok.vocab])

# %% dataset
class NarrativeSet(Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        texts = [r[0] for r in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len,
                             return_tensors="pt")
        self.y = torch.tensor([phase2id[r[1]] for r in rows])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.y[i]
        return item

train_rows = reports + [
    ("atc issued a late runway change on the ils to rwy27", "approach"),
    ("notam for closed taxiway was missed during taxi", "ground"),
    ("rto initiated after a tire burst at eighty knots", "takeoff"),
    ("tcas traffic advisory at fl350 with opposite direction traffic", "cruise"),
]
train_ds = NarrativeSet(train_rows, tok)

# %% model
cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, num_labels=len(phases))
model = BertForSequenceClassification(cfg)

# %% train
args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4,
                         max_steps=6, learning_rate=5e-4, logging_steps=2, report_to=[],
                         use_cpu=True, disable_tqdm=True, save_strategy="no")
trainer = Trainer(model=model, args=args, train_dataset=train_ds)
trainer.train()
print("final loss", trainer.state.log_history[-1])
