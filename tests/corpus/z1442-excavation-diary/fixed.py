"""Tag finds, contexts, depths and periods in excavation diary lines with a small BERT tagger."""
import os
import tempfile

import lightning as L
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

# (trench, "word/TAG word/TAG ...")
DIARY = [
    ("A", "found/O bronze/FIND pin/FIND in/O context/CTX 104/CTX at/O 40cm/DEPTH"),
    ("A", "sherd/FIND of/O samian/PERIOD ware/FIND from/O fill/CTX 107/CTX"),
    ("A", "context/CTX 110/CTX cut/O by/O pit/CTX 112/CTX roman/PERIOD date/O likely/O"),
    ("A", "iron/FIND nail/FIND recovered/O at/O 65cm/DEPTH in/O layer/CTX 3/CTX"),
    ("B", "flint/FIND scraper/FIND neolithic/PERIOD from/O context/CTX 201/CTX"),
    ("B", "charcoal/FIND sample/O taken/O at/O 120cm/DEPTH hearth/CTX 205/CTX"),
    ("B", "posthole/CTX 209/CTX with/O packing/O stones/O no/O finds/O"),
    ("B", "bone/FIND comb/FIND anglo/PERIOD saxon/PERIOD in/O pit/CTX 214/CTX at/O 80cm/DEPTH"),
    ("C", "coin/FIND of/O constantine/PERIOD in/O topsoil/CTX at/O 10cm/DEPTH"),
    ("C", "medieval/PERIOD glazed/FIND jug/FIND handle/FIND from/O ditch/CTX 305/CTX"),
    ("C", "layer/CTX 306/CTX sealed/O by/O rubble/O at/O 95cm/DEPTH"),
    ("C", "loomweight/FIND and/O spindle/FIND whorl/FIND iron/PERIOD age/PERIOD context/CTX 310/CTX"),
]


def parse(line):
    pairs = [tok.rsplit("/", 1) for tok in line.split()]
    return [w for w, _ in pairs], [t for _, t in pairs]


def make_tokenizer(sentences, folder):
    words = sorted({w for s in sentences for w in s})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def encode_rows(tokenizer, sentences, tag_seqs, tag_enc):
    rows = []
    for words, tags in zip(sentences, tag_seqs):
        ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(words) + [tokenizer.sep_token_id]
        tgt = [-100] + tag_enc.transform(tags).tolist() + [-100]
        rows.append((ids, tgt))
    return rows


def pad_collate(rows, pad_id):
    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    tgt = torch.full((len(rows), width), -100, dtype=torch.long)
    for i, (a, b) in enumerate(rows):
        ids[i, : len(a)] = torch.tensor(a)
        tgt[i, : len(b)] = torch.tensor(b)
    return ids, (ids != pad_id).long(), tgt


class DiaryTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, class_w):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = torch.nn.Linear(cfg.hidden_size, n_tags)
        self.register_buffer("class_w", torch.tensor(class_w, dtype=torch.float))

    def forward(self, ids, att):
        return self.head(self.encoder(input_ids=ids, attention_mask=att).last_hidden_state)

    def _loss(self, batch):
        ids, att, tags = batch
        logits = self(ids, att)
        return F.cross_entropy(logits.transpose(1, 2), tags, weight=self.class_w, ignore_index=-100)

    def training_step(self, batch, batch_idx):
        return self._loss(batch)

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", self._loss(batch))

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    trenches = [t for t, _ in DIARY]
    parsed = [parse(line) for _, line in DIARY]
    sentences, tag_seqs = [p[0] for p in parsed], [p[1] for p in parsed]

    idx_tr, idx_va = train_test_split(np.arange(len(DIARY)), test_size=0.25,
                                      stratify=trenches, random_state=21)
    train_tags = np.concatenate([tag_seqs[i] for i in idx_tr])
    tag_enc = LabelEncoder().fit(train_tags)
    class_w = compute_class_weight("balanced", classes=tag_enc.classes_, y=train_tags)
    print("tags:", {str(c): round(float(w), 2) for c, w in zip(tag_enc.classes_, class_w)})

    tokenizer = make_tokenizer(sentences, tempfile.mkdtemp())
    rows = encode_rows(tokenizer, sentences, tag_seqs, tag_enc)
    collate = lambda b: pad_collate(b, tokenizer.pad_token_id)
    train_dl = DataLoader([rows[i] for i in idx_tr], batch_size=3, shuffle=True, collate_fn=collate)
    val_dl = DataLoader([rows[i] for i in idx_va], batch_size=3, collate_fn=collate)

    model = DiaryTagger(tokenizer.vocab_size, len(tag_enc.classes_), class_w)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, train_dl, val_dl)

    model.eval()
    gold, pred = [], []
    with torch.no_grad():
        for ids, att, tags in val_dl:
            keep = tags != -100
            pred.append(model(ids, att).argmax(-1)[keep].numpy())
            gold.append(tags[keep].numpy())
    print(classification_report(np.concatenate(gold), np.concatenate(pred),
                                labels=np.arange(len(tag_enc.classes_)),
                                target_names=tag_enc.classes_, zero_division=0))


if __name__ == "__main__":
    main()
