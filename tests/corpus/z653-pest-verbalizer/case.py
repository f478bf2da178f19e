"""Prompt-style triage of crop scouting notes with a masked LM.

Each note becomes "<note> cause : [MASK]" and the model is trained to fill the
slot with one of four label words. Evaluation reports slot accuracy through
the Trainer's metric hooks.
"""
import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForMaskedLM, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

set_seed(7)

NOTES = [
    ("grey powder on the upper leaves spreading after rain", "fungus"),
    ("tiny green bugs clustered under young shoots with sticky residue", "insect"),
    ("fine webbing on leaf undersides and bronze speckles", "mite"),
    ("yellow mosaic pattern and stunted new growth across the row", "virus"),
    ("black spots with yellow halos on older leaves", "fungus"),
    ("chewed leaf edges and small green caterpillars at dawn", "insect"),
    ("stippled pale dots and webbing near the leaf veins", "mite"),
    ("curled leaves with mottled yellow streaks and no pests seen", "virus"),
    ("white mould on stems near the soil after a humid week", "fungus"),
    ("holes in the leaves and beetles dropping when shaken", "insect"),
    ("silvery leaves with tiny red dots visible under a lens", "mite"),
    ("ring spots on fruit and leaves that spread along the row", "virus"),
]
LABEL_WORDS = ["fungus", "insect", "mite", "virus"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab():
    words = sorted({w for note, _ in NOTES for w in note.split()} | set(LABEL_WORDS) | {"cause", ":"})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


@dataclass
class Verbalizer:
    words: list
    token_ids: torch.Tensor

    @classmethod
    def from_tokenizer(cls, words, tok):
        return cls(words, torch.tensor(tok.convert_tokens_to_ids(words)))

    def word_ids_for(self, class_idx):
        return self.token_ids.to(class_idx.device)[class_idx]


class ScoutingNotes(Dataset):
    def __init__(self, rows, tok, max_len=24):
        self.items = []
        for note, word in rows:
            enc = tok(f"{note} cause : {tok.mask_token}", padding="max_length",
                      max_length=max_len, truncation=True)
            target = [-100] * max_len
            target[enc["input_ids"].index(tok.mask_token_id)] = tok.convert_tokens_to_ids(word)
            enc["labels"] = target
            self.items.append({k: torch.tensor(v) for k, v in enc.items()})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def build_hooks(verbalizer):
    def slot_predictions(logits, labels):
        at_slot = logits[labels != -100]          # (n_slots, vocab)
        best = at_slot.argmax(dim=-1)
        return verbalizer.word_ids_for(best)

    def slot_accuracy(eval_pred):
        preds, labels = eval_pred.predictions, eval_pred.label_ids
        gold = labels[labels != -100]
        return {"slot_acc": float(np.mean(preds == gold))}

    return slot_predictions, slot_accuracy


def main():
    tok = BertTokenizer(write_vocab())
    verbalizer = Verbalizer.from_tokenizer(LABEL_WORDS, tok)
    print("label word ids:", verbalizer.token_ids.tolist())

    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = BertForMaskedLM(config)

    train_ds = ScoutingNotes(NOTES[:8], tok)
    eval_ds = ScoutingNotes(NOTES[8:], tok)
    preprocess, metrics = build_hooks(verbalizer)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), num_train_epochs=2, per_device_train_batch_size=4,
        per_device_eval_batch_size=4, learning_rate=5e-4, logging_steps=2, save_strategy="no",
        disable_tqdm=True, report_to=[], use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      compute_metrics=metrics, preprocess_logits_for_metrics=preprocess)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
