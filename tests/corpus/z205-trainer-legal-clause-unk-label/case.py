import os
import re
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

CLAUSE_TYPES = ["termination", "confidentiality", "indemnity", "governing_law", "payment"]

RAW_CLAUSES = [
    ("either party may terminate this agreement upon thirty days written notice", "termination"),
    ("this agreement terminates automatically if the licensee becomes insolvent", "termination"),
    ("the supplier may end the contract immediately for material breach", "termination"),
    ("the recipient shall keep all proprietary information strictly confidential", "confidentiality"),
    ("neither party shall disclose the terms of this agreement to any third party", "confidentiality"),
    ("confidential information excludes information already in the public domain", "confidentiality"),
    ("the vendor shall indemnify the client against all third party claims", "indemnity"),
    ("each party shall hold the other harmless from losses caused by its negligence", "indemnity"),
    ("the licensee agrees to defend and indemnify the licensor for any infringement", "indemnity"),
    ("this agreement is governed by the laws of the state of new york", "governing_law"),
    ("any dispute shall be resolved exclusively in the courts of england", "governing_law"),
    ("the parties submit to the jurisdiction of the courts of delaware", "governing_law"),
    ("invoices are payable within thirty days of receipt", "payment"),
    ("late payments accrue interest at one percent per month", "payment"),
    ("the client shall pay the fees in advance on a quarterly basis", "payment"),
] * 2


class LabelVocab:
    def __init__(self, names, unknown="other"):
        self.unknown = unknown
        self.itos = [unknown] + list(names)
        self.stoi = {name: i for i, name in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def lookup(self, name):
        return self.stoi.get(name, self.stoi[self.unknown])


@dataclass
class ClauseExample:
    text: str
    clause_type: str
    features: dict = field(default_factory=dict)

    def encode(self, tokenizer, label_vocab, max_length=32):
        enc = tokenizer(self.text, truncation=True, max_length=max_length)
        self.features = dict(enc)
        self.features["labels"] = label_vocab.lookup(self.clause_type)
        return self


class ClauseDataset(Dataset):
    def __init__(self, examples):
        self.examples = examples

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        return self.examples[idx].features


class ClauseTaggerBuilder:
    def __init__(self, workdir, clause_names):
        self.workdir = workdir
        self.clause_names = clause_names

    def build_tokenizer(self, corpus):
        words = sorted({w for text in corpus for w in re.findall(r"\w+", text.lower())})
        path = os.path.join(self.workdir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        return BertTokenizer(path)

    def build_model(self, tokenizer):
        config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                            num_labels=len(self.clause_names))
        return BertForSequenceClassification(config)


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    label_vocab = LabelVocab(CLAUSE_TYPES)
    builder = ClauseTaggerBuilder(workdir, CLAUSE_TYPES)
    tokenizer = builder.build_tokenizer([t for t, _ in RAW_CLAUSES])

    examples = [ClauseExample(text, kind).encode(tokenizer, label_vocab) for text, kind in RAW_CLAUSES]
    train_set = ClauseDataset(examples)
    model = builder.build_model(tokenizer)

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), max_steps=3,
                             per_device_train_batch_size=8, learning_rate=5e-4,
                             logging_steps=1, save_strategy="no", report_to=[], use_cpu=True,
                             disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=train_set,
                      data_collator=DataCollatorWithPadding(tokenizer))
    result = trainer.train()
    print("final loss", result.training_loss)


if __name__ == "__main__":
    main()
