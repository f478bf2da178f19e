"""Per-residue secondary structure tagging (helix / strand / coil) for short
peptide fragments, with a small BERT encoder and the HF Trainer."""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import Dataset
from transformers import (BertConfig, BertModel, BertTokenizer, Trainer,
                          TrainingArguments)

AMINO = list("ACDEFGHIKLMNPQRSTVWY")
SS_TAGS = ["H", "E", "C"]


@dataclass
class TaggerSettings:
    max_len: int = 40
    hidden: int = 32
    n_tags: int = len(SS_TAGS)
    n_fragments: int = 64
    seed: int = 7


class PeptideFragments(Dataset):
    def __init__(self, tokenizer, settings, rng):
        self.items = []
        for _ in range(settings.n_fragments):
            length = rng.randint(12, settings.max_len - 2)
            residues = [rng.choice(AMINO) for _ in range(length)]
            tags = [SS_TAGS.index(self._guess_tag(r, rng)) for r in residues]
            enc = tokenizer(" ".join(residues), padding="max_length",
                            truncation=True, max_length=settings.max_len)
            labels = [-100] + tags + [-100]
            labels += [-100] * (settings.max_len - len(labels))
            self.items.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "labels": torch.tensor(labels[: settings.max_len]),
            })

    @staticmethod
    def _guess_tag(residue, rng):
        if residue in "AELMQKRH":
            return "H" if rng.random() < 0.8 else "C"
        if residue in "VIYFWT":
            return "E" if rng.random() < 0.7 else "C"
        return "C"

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class ResidueTagger(nn.Module):
    def __init__(self, bert_config, n_tags):
        super().__init__()
        self.encoder = BertModel(bert_config, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.tag_head = nn.Linear(bert_config.hidden_size, n_tags)
        self.criterion = nn.CrossEntropyLoss(ignore_index=-100)

    def forward(self, input_ids, attention_mask=None, labels=None):
        states = self.encoder(input_ids=input_ids,
                              attention_mask=attention_mask).last_hidden_state
        logits = self.tag_head(self.dropout(states))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.criterion(logits.view(-1, logits.size(-1)), labels.view(-1))
        return out


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [a.lower() for a in AMINO]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def main():
    settings = TaggerSettings()
    rng = random.Random(settings.seed)
    torch.manual_seed(settings.seed)

    with tempfile.TemporaryDirectory() as workdir:
        tokenizer = BertTokenizer(write_vocab(workdir))
        bert_config = BertConfig(
            vocab_size=len(tokenizer.vocab), hidden_size=settings.hidden,
            num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
            max_position_embeddings=64,
        )
        model = ResidueTagger(bert_config, settings.n_tags)
        train_set = PeptideFragments(tokenizer, settings, rng)

        args = TrainingArguments(
            output_dir=os.path.join(workdir, "out"),
            per_device_train_batch_size=8,
            num_train_epochs=1,
            learning_rate=3e-4,
            logging_steps=4,
            save_strategy="no",
            report_to=[],
            disable_tqdm=True,
            use_cpu=True,
        )
        trainer = Trainer(model=model, args=args, train_dataset=train_set)
        result = trainer.train()
        print("final training loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
