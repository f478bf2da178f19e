"""Token tagging for digitised herbarium sheet labels (taxon / collector / locality).

Small Lightning module around a from-scratch BERT; used to sanity-check the
transcription pipeline before the real pretrained weights are wired in.
"""
import functools
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

TAGS = ["O", "B-TAXON", "I-TAXON", "B-COLL", "I-COLL", "B-LOC", "I-LOC"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
MAX_PIECES = 32

SHEETS = [
    ("Quercus robur collected by Margarethe Lindqvist near Uppsala",
     "B-TAXON I-TAXON O O B-COLL I-COLL O B-LOC"),
    ("Silene acaulis on scree above Abisko leg Henrik Aalto",
     "B-TAXON I-TAXON O O O B-LOC O B-COLL I-COLL"),
    ("Dryas octopetala coll Ingrid Sorensen Kebnekaise slope",
     "B-TAXON I-TAXON O B-COLL I-COLL B-LOC I-LOC"),
    ("Saxifraga oppositifolia leg Olof Berglund Tromso",
     "B-TAXON I-TAXON O B-COLL I-COLL B-LOC"),
    ("Betula nana in bog near Kiruna",
     "B-TAXON I-TAXON O O O B-LOC"),
    ("Carex bigelowii collected by Astrid Nyberg at Narvik",
     "B-TAXON I-TAXON O O B-COLL I-COLL O B-LOC"),
]


def write_wordpiece_vocab(sentences, folder):
    """Tiny wordpiece vocab built from the label transcriptions."""
    pieces = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
    for s in sentences:
        for w in s.lower().split():
            if len(w) > 7:
                pieces.update({w[:4], "##" + w[4:]})
            else:
                pieces.add(w)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    ordered = specials + sorted(pieces - set(specials))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(ordered) + "\n")
    return path


class SheetDataset(Dataset):
    def __init__(self, rows):
        self.rows = [(text.split(), tags.split()) for text, tags in rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def encode_sheets(batch, tokenizer, max_pieces):
    word_lists = [words for words, _ in batch]
    enc = tokenizer(
        word_lists,
        is_split_into_words=True,
        padding="max_length",
        truncation=True,
        max_length=max_pieces,
        return_tensors="pt",
    )
    tag_rows = []
    for i, (_, tags) in enumerate(batch):
        row, prev = [], None
        for wid in enc.word_ids(i):
            # first piece of each word carries the tag; specials, padding and continuations are ignored
            row.append(TAG2ID[tags[wid]] if wid is not None and wid != prev else -100)
            prev = wid
        tag_rows.append(row)
    enc["labels"] = torch.tensor(tag_rows, dtype=torch.long)
    return dict(enc)


class HerbariumTagger(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(TAGS),
        )
        self.bert = BertForTokenClassification(cfg)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: loss={out.loss.item():.4f}")
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    L.seed_everything(11, verbose=False)
    folder = tempfile.mkdtemp(prefix="herbarium_")
    tokenizer = BertTokenizer(write_wordpiece_vocab([s for s, _ in SHEETS], folder))
    print("example pieces:", tokenizer.tokenize(SHEETS[0][0]))

    collate = functools.partial(encode_sheets, tokenizer=tokenizer, max_pieces=MAX_PIECES)
    loader = DataLoader(SheetDataset(SHEETS), batch_size=3, shuffle=True, collate_fn=collate)

    module = HerbariumTagger(tokenizer.vocab_size)
    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
    )
    trainer.fit(module, train_dataloaders=loader)
    print("done")


if __name__ == "__main__":
    main()
