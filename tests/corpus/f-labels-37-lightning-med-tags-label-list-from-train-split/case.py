"""Medication extraction from discharge notes: a tiny BERT token classifier trained with Lightning."""
import os
import tempfile

import lightning.pytorch as pl
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

TRAIN = ["take/O aspirin/B-DRUG 100/B-DOSE mg/I-DOSE daily/O", "stop/O metformin/B-DRUG now/O",
         "start/O vitamin/B-DRUG d/I-DRUG 1000/B-DOSE units/I-DOSE", "continue/O aspirin/B-DRUG as/O before/O"]
DEV = ["metformin/B-DRUG 500/B-DOSE mg/I-DOSE twice/B-FREQ", "take/O vitamin/B-DRUG d/I-DRUG daily/O"]


def parse(lines):
    return [tuple(zip(*(tok.rsplit("/", 1) for tok in line.split()))) for line in lines]


def encode_note(words, tags, tokenizer, tag2id):
    input_ids, labels = [tokenizer.cls_token_id], [-100]
    word_idx = 0
    while word_idx < len(words):
        pieces = tokenizer.encode(words[word_idx], add_special_tokens=False)
        tag_id = tag2id.setdefault(tags[word_idx], len(tag2id))
        input_ids += pieces
        labels += [tag_id] + [-100] * (len(pieces) - 1)
        word_idx += 1
    return torch.tensor(input_ids + [tokenizer.sep_token_id]), torch.tensor(labels + [-100])


def collate(examples):
    ids = pad_sequence([ids for ids, _ in examples], batch_first=True)
    labels = pad_sequence([labels for _, labels in examples], batch_first=True, padding_value=-100)
    return {"input_ids": ids, "attention_mask": (ids != 0).long(), "labels": labels}


class MedTagger(pl.LightningModule):
    def __init__(self, vocab_size, num_labels):
        super().__init__()
        self.bert = BertForTokenClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=32, num_labels=num_labels))

    def training_step(self, batch, batch_idx):
        return self.bert(**batch).loss

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", self.bert(**batch).loss, batch_size=batch["input_ids"].size(0))

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


train_notes, dev_notes = parse(TRAIN), parse(DEV)
workdir = tempfile.mkdtemp()
words = sorted({w for words, _ in train_notes + dev_notes for w in words})
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

label_list = sorted({tag for _, tags in train_notes for tag in tags})
tag2id = {tag: i for i, tag in enumerate(label_list)}
train_set = [encode_note(w, t, tokenizer, tag2id) for w, t in train_notes]
dev_set = [encode_note(w, t, tokenizer, tag2id) for w, t in dev_notes]

pl.seed_everything(0, verbose=False)
model = MedTagger(len(tokenizer), num_labels=len(label_list))
trainer = pl.Trainer(accelerator="cpu", max_epochs=2, logger=False, enable_checkpointing=False,
                     enable_progress_bar=False, enable_model_summary=False)
trainer.fit(model, DataLoader(train_set, batch_size=2, shuffle=True, collate_fn=collate),
            DataLoader(dev_set, batch_size=2, collate_fn=collate))
print("val_loss", float(trainer.callback_metrics["val_loss"]))
