"""Classify long ecological field-survey reports by habitat type.

Reports are split into overlapping token windows; the encoder scores each window and
window logits are averaged back into one prediction per report.
"""
import os
import random
import tempfile
from functools import partial

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

try:
    import lightning as L
except ImportError:  # older installs
    import pytorch_lightning as L

random.seed(5)
torch.manual_seed(5)

HABITATS = ["wetland", "grassland", "woodland"]
WINDOW = 40          # tokens per window incl. [CLS]/[SEP]
STRIDE = 24          # step between window starts

TRAIN = [
    ("reed beds along the margin with standing water and sedge tussocks . bittern heard "
     "booming at dawn and dragonfly larvae abundant in the shallow pools . " * 3, 0),
    ("open sward grazed short by sheep with scattered orchids and yellow rattle . skylark "
     "song flights over the whole plot and ant hills common on the slope . " * 3, 1),
    ("mature oak canopy with hazel understorey and deadwood on the ground . nuthatch and "
     "treecreeper recorded and bluebells carpet the shaded floor in spring . " * 3, 2),
    ("water table at the surface across most quadrats and sphagnum lawns around the pools . "
     "sedge warbler singing from the reed edge . " * 4, 0),
    ("tall herb meadow cut for hay in july with knapweed and yellow rattle . skylark and "
     "meadow pipit breeding in the sward . " * 4, 1),
    ("beech and oak high forest with a closed canopy and little ground flora . deadwood "
     "beetles under bark and nuthatch calling . " * 4, 2),
]
VALID = [
    ("shallow pools with sedge and reed . bittern heard .", 0),
    ("short sward with orchids and skylark .", 1),
    ("oak canopy with hazel and bluebells . nuthatch calling .", 2),
    ("sphagnum lawns and standing water around the pools .", 0),
]


def build_tokenizer(root):
    words = sorted({w for text, _ in TRAIN + VALID for w in text.split()})
    path = os.path.join(root, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def cut_windows(docs, tok):
    """One row per window: (token ids, report index, habitat label)."""
    rows = []
    body = WINDOW - 2
    for doc_idx, (text, label) in enumerate(docs):
        pieces = tok(text, add_special_tokens=False)["input_ids"]
        for start in range(0, max(len(pieces) - body + STRIDE, 1), STRIDE):
            chunk = [tok.cls_token_id] + pieces[start:start + body] + [tok.sep_token_id]
            rows.append((torch.tensor(chunk), doc_idx, label))
    return rows


def collate(rows, width, pad_id):
    ids = pad_sequence([r[0] for r in rows], batch_first=True, padding_value=pad_id)
    lengths = torch.tensor([len(r[0]) for r in rows])
    attn = (torch.arange(width)[None, :] < lengths[:, None]).long()
    return {"input_ids": ids, "attention_mask": attn,
            "doc": torch.tensor([r[1] for r in rows]),
            "labels": torch.tensor([r[2] for r in rows])}


class HabitatClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_docs_val):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(HABITATS))
        self.net = BertForSequenceClassification(cfg)
        self.n_docs_val = n_docs_val
        self._val_logits, self._val_docs, self._val_gold = [], [], []

    def forward(self, batch):
        return self.net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                        labels=batch["labels"])

    def training_step(self, batch, batch_idx):
        out = self(batch)
        self.log("train_loss", out.loss)
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self(batch)
        self._val_logits.append(out.logits)
        self._val_docs.append(batch["doc"])
        self._val_gold.append(batch["labels"])

    def on_validation_epoch_end(self):
        logits = torch.cat(self._val_logits)
        docs = torch.cat(self._val_docs)
        gold = torch.cat(self._val_gold)
        summed = torch.zeros(self.n_docs_val, logits.size(-1)).index_add_(0, docs, logits)
        counts = torch.bincount(docs, minlength=self.n_docs_val).clamp(min=1).unsqueeze(-1)
        doc_pred = (summed / counts).argmax(-1)
        doc_gold = torch.zeros(self.n_docs_val, dtype=torch.long).index_copy_(0, docs, gold)
        acc = (doc_pred == doc_gold).float().mean()
        self.log("val_doc_acc", acc)
        print(f"report-level accuracy: {acc:.2f}")
        self._val_logits, self._val_docs, self._val_gold = [], [], []

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    tok = build_tokenizer(tempfile.mkdtemp())
    train_rows, val_rows = cut_windows(TRAIN, tok), cut_windows(VALID, tok)
    print(f"train windows: {len(train_rows)}  val windows: {len(val_rows)}")

    batchify = partial(collate, width=WINDOW, pad_id=tok.pad_token_id)
    train_dl = DataLoader(train_rows, batch_size=4, shuffle=True, collate_fn=batchify)
    val_dl = DataLoader(val_rows, batch_size=4, collate_fn=batchify)

    model = HabitatClassifier(tok.vocab_size, n_docs_val=len(VALID))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, train_dl, val_dl)


if __name__ == "__main__":
    main()
