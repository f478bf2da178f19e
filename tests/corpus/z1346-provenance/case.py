"""Museum provenance matcher: does a catalogue entry describe the same object as an auction lot?

Each example is packed as [CLS] lot text [SEP] catalogue entry [SEP] accession note [SEP] and scored
with a small BERT cross-encoder under Lightning.
"""
import abc
import functools

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

L.seed_everything(23, verbose=False)

RECORDS = [
    ("bronze ritual vessel with taotie mask", "shang dynasty bronze ding taotie decoration",
     "acquired 1921 from dealer in paris", 1),
    ("lacquered writing box with gold maki-e", "edo period suzuribako gold lacquer plum blossom",
     "bequest of private collector 1958", 1),
    ("marble portrait head of a bearded man", "roman limestone funerary relief two figures",
     "excavated 1932 field season", 0),
    ("silk tapestry panel with cranes", "kesi silk panel cranes and clouds qing",
     "transferred from university collection", 1),
    ("carved ivory chess piece king", "glazed earthenware tile with floral border",
     "purchased at auction 1974", 0),
    ("gilt bronze seated buddha", "tang ceramic horse with sancai glaze",
     "gift of the artist family", 0),
]


class Vocabulary:
    def __init__(self, reserved=("[PAD]", "[UNK]", "[CLS]", "[SEP]")):
        self.itos, self.stoi, self.is_frozen = [], {}, False
        for tok in reserved:
            self.add(tok)

    def add(self, tok):
        if tok not in self.stoi and not self.is_frozen:
            self.stoi[tok] = len(self.itos)
            self.itos.append(tok)

    def __len__(self):
        return len(self.itos)

    def lookup(self, tok):
        return self.stoi[tok] if tok in self.stoi else self.stoi["[UNK]"]

    def freeze(self):
        self.is_frozen = True


class PackedPairDataset(Dataset, abc.ABC):
    SEGMENTS = ("lot", "catalogue")

    def __init__(self, records, vocab):
        self.records = records
        self.vocab = vocab

    def pack(self, parts):
        ids, segs = [self.vocab.lookup("[CLS]")], [0]
        for seg_no, text in enumerate(parts):
            words = [self.vocab.lookup(w) for w in text.split()] + [self.vocab.lookup("[SEP]")]
            ids += words
            segs += [seg_no] * len(words)
        return ids, segs


class ProvenanceDataset(PackedPairDataset):
    SEGMENTS = ("lot", "catalogue", "accession")

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        *parts, same = self.records[idx]
        ids, segs = self.pack(parts[: len(self.SEGMENTS)])
        return {"ids": ids, "segs": segs, "same": float(same)}


class Collator:
    def __init__(self, pad_id, pad_segment=0):
        self.pad_id = pad_id
        self.pad_segment = pad_segment

    def __call__(self, items):
        n = max(len(it["ids"]) for it in items)
        pad = lambda seq, val: seq + [val] * (n - len(seq))
        return {
            "input_ids": torch.tensor([pad(it["ids"], self.pad_id) for it in items]),
            "token_type_ids": torch.tensor([pad(it["segs"], self.pad_segment) for it in items]),
            "attention_mask": torch.tensor([pad([1] * len(it["ids"]), 0) for it in items]),
            "target": torch.tensor([it["same"] for it in items]),
        }


class CrossEncoder(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                            intermediate_size=64, max_position_embeddings=64,
                            type_vocab_size=len(PackedPairDataset.SEGMENTS))
        self.bert = BertModel(config)
        self.scorer = torch.nn.Linear(config.hidden_size, 1)

    def training_step(self, batch, batch_idx):
        target = batch.pop("target")
        pooled = self.bert(**batch).pooler_output
        loss = F.binary_cross_entropy_with_logits(self.scorer(pooled).squeeze(-1), target)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def build_vocab(records):
    vocab = Vocabulary()
    for rec in records:
        for field in rec[:-1]:
            for w in field.split():
                vocab.add(w)
    vocab.freeze()
    return vocab


if __name__ == "__main__":
    vocab = build_vocab(RECORDS)
    train_ds = ProvenanceDataset(RECORDS, vocab)
    print(f"{len(train_ds)} pairs, {len(vocab)} word types, segments={train_ds.SEGMENTS}")
    make_loader = functools.partial(DataLoader, batch_size=3, collate_fn=Collator(vocab.lookup("[PAD]")))
    module = CrossEncoder(vocab_size=len(vocab))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(module, make_loader(train_ds, shuffle=True))
    print("finished provenance matcher training")
