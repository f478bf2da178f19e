"""Fine-tune a tiny BERT to guess the genus of a herbarium sheet from the
collector's label transcription. Sheets are split stratified by taxon so every
species shows up on both sides."""
import os
import random
import tempfile
from collections import defaultdict

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

random.seed(11)
torch.manual_seed(11)

SHEETS = [
    ("Quercus robur", "lobed leaves short petiole acorns on long peduncle hedgerow"),
    ("Quercus petraea", "acorns sessile leaves with longer petiole upland wood"),
    ("Quercus ilex", "evergreen leathery leaves grey felted beneath coastal park"),
    ("Salix alba", "narrow silky leaves riverbank catkins with leaves"),
    ("Salix caprea", "broad oval leaves woolly beneath catkins before leaves"),
    ("Salix fragilis", "twigs snapping at base long glossy leaves ditch side"),
    ("Carex pendula", "drooping spikes tall tufted sedge damp woodland"),
    ("Carex flacca", "glaucous leaves chalk grassland small spikes"),
    ("Rubus caesius", "pruinose stems few prickles dewberry fruit dune slack"),
]
# a second, independent sheet for every taxon
SHEETS += [(taxon, "duplicate sheet " + note.split()[0] + " " + " ".join(note.split()[2:]))
           for taxon, note in SHEETS]

WORDS = sorted({w for _, note in SHEETS for w in note.split()})


def genus_of(taxon):
    return taxon.split()[0]


GENERA = sorted({genus_of(t) for t, _ in SHEETS})
TAXA = sorted({t for t, _ in SHEETS})
genus2id = {g: i for i, g in enumerate(GENERA)}
taxon2id = {t: i for i, t in enumerate(TAXA)}


def genus_label(row):
    return genus2id[genus_of(row[0])]


def taxon_label(row):
    return taxon2id[row[0]]


def stratified_split(rows, key, val_per_group=1):
    groups = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    train, val = [], []
    for _, members in sorted(groups.items()):
        random.shuffle(members)
        val.extend(members[:val_per_group])
        train.extend(members[val_per_group:])
    return train, val


class SheetDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, label_fn):
        self.enc = [tokenizer(note, truncation=True, max_length=32) for _, note in rows]
        self.targets = [label_fn(r) for r in rows]

    def __len__(self):
        return len(self.enc)

    def __getitem__(self, i):
        item = dict(self.enc[i])
        item["labels"] = self.targets[i]
        return item


def build_tokenizer(workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def main():
    workdir = tempfile.mkdtemp(prefix="herbarium_")
    tok = build_tokenizer(workdir)
    train_rows, val_rows = stratified_split(SHEETS, key=taxon_label)
    print(f"{len(GENERA)} genera, {len(TAXA)} taxa, train={len(train_rows)} val={len(val_rows)}")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(GENERA),
                     id2label=dict(enumerate(GENERA)), label2id=genus2id)
    model = BertForSequenceClassification(cfg)

    train_ds = SheetDataset(train_rows, tok, genus_label)
    val_ds = SheetDataset(val_rows, tok, genus_label)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        eval_strategy="epoch",
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
        seed=11,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=val_ds,
                      data_collator=DataCollatorWithPadding(tok))
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss:", round(metrics["eval_loss"], 4))

    preds = trainer.predict(val_ds).predictions.argmax(-1)
    for (taxon, _), p in zip(val_rows, preds):
        print(f"  {taxon:<18} -> {GENERA[p]}")


if __name__ == "__main__":
    main()
