"""Entity tagging for maritime incident reports (vessel / port / cargo) with a tiny BERT
in Lightning. Validation keeps an entity-type confusion matrix for the weekly QA sheet."""
import os
import tempfile

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

L.seed_everything(3, verbose=False)

BIO_TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-PORT", "I-PORT", "B-CARGO", "I-CARGO"]
ENTITY_TYPES = ["O", "VESSEL", "PORT", "CARGO"]
tag_to_type = torch.tensor([ENTITY_TYPES.index(t.split("-")[-1]) for t in BIO_TAGS])

REPORTS = [
    ("nordic star grounded near rotterdam carrying steel coils",
     ["B-VESSEL", "I-VESSEL", "O", "O", "B-PORT", "O", "B-CARGO", "I-CARGO"]),
    ("tug atlas lost power leaving port said",
     ["O", "B-VESSEL", "O", "O", "O", "B-PORT", "I-PORT"]),
    ("container spill of frozen poultry off antwerp",
     ["O", "O", "O", "B-CARGO", "I-CARGO", "O", "B-PORT"]),
    ("maria k collided with a pier in valletta",
     ["B-VESSEL", "I-VESSEL", "O", "O", "O", "O", "O", "B-PORT"]),
    ("fire in hold of ocean pearl loaded with fertilizer",
     ["O", "O", "O", "O", "B-VESSEL", "I-VESSEL", "O", "O", "B-CARGO"]),
    ("crude oil leak reported by tanker helios at fujairah",
     ["B-CARGO", "I-CARGO", "O", "O", "O", "O", "B-VESSEL", "O", "B-PORT"]),
]


def write_vocab(reports, folder):
    words = sorted({w for text, _ in reports for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tokenizer):
    def collate(rows):
        texts = [t.split() for t, _ in rows]
        enc = tokenizer(texts, is_split_into_words=True, padding=True, return_tensors="pt")
        tag_ids = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
        for b, (_, tags) in enumerate(rows):
            prev = None
            for pos, wid in enumerate(enc.word_ids(b)):
                if wid is not None and wid != prev:
                    tag_ids[b, pos] = BIO_TAGS.index(tags[wid])
                prev = wid
        return {**enc, "labels": tag_ids}
    return collate


class IncidentTagger(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, num_labels=len(BIO_TAGS))
        self.bert = BertForTokenClassification(cfg)
        self.lr = lr
        self.register_buffer("type_confusion", torch.zeros(len(ENTITY_TYPES), len(ENTITY_TYPES), dtype=torch.long))

    def training_step(self, batch, batch_idx):
        loss = self.bert(**batch).loss
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        out = self.bert(**batch)
        gold = batch["labels"]
        keep = gold.ne(-100)
        pred_tags = out.logits.argmax(-1)[keep]
        gold_tags = gold[keep]
        # rows = predicted type, columns = gold type
        pred_types, gold_types = tag_to_type[pred_tags], tag_to_type[gold_tags]
        self.type_confusion.index_put_((pred_types, gold_types), torch.ones_like(gold_types), accumulate=True)
        self.log("val_loss", out.loss)

    def on_validation_epoch_end(self):
        cm = self.type_confusion
        print("pred\\gold " + " ".join(f"{t:>7s}" for t in ENTITY_TYPES))
        for i, t in enumerate(ENTITY_TYPES):
            print(f"{t:>9s} " + " ".join(f"{v:7d}" for v in cm[i].tolist()))
        self.type_confusion.zero_()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    folder = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(REPORTS, folder))
    collate = make_collate(tokenizer)
    train_dl = DataLoader(REPORTS[:4], batch_size=2, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(REPORTS[4:], batch_size=2, collate_fn=collate)
    n_entities = sum(1 for _, tags in REPORTS for t in tags if t.startswith("B-"))
    print(f"{len(REPORTS)} reports, {n_entities} entities, {len(BIO_TAGS)} tags -> {len(ENTITY_TYPES)} types")
    all_tags = torch.tensor([BIO_TAGS.index(t) for _, tags in REPORTS for t in tags])
    per_type = torch.bincount(tag_to_type[all_tags], minlength=len(ENTITY_TYPES))
    print("tokens per type:", dict(zip(ENTITY_TYPES, per_type.tolist())))

    model = IncidentTagger(tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    print("done")


if __name__ == "__main__":
    main()
