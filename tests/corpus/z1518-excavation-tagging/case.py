"""Tag finds and features in archaeological context sheets (Lightning).

Context sheets run past the encoder window, so each sheet is split into overlapping
windows by the tokenizer. A tiny token classifier is trained on the windows and the
window probabilities are stitched back onto the sheet and averaged where they overlap.
"""
import os
import tempfile
import warnings

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

warnings.filterwarnings("ignore")
L.seed_everything(3, verbose=False)

MAX_LEN = 32
DOC_STRIDE = 20
TAGS = ["O", "FIND", "FEATURE"]
FINDS = {"sherd", "sherds", "flint", "bone", "coin", "slag", "tile", "bead"}
FEATURES = {"posthole", "ditch", "pit", "hearth", "gully", "wall", "floor", "cut"}

SHEETS = [
    "context 1043 dark grey silty clay fill of pit 1042 with frequent charcoal flecks moderate "
    "small stones and several sherds of coarse pottery also animal bone and a single worked flint "
    "the fill was sealed by the occupation layer and cut the natural gravel on its north side "
    "the base of the pit was flat and the sides were steep with a clear break of slope",
    "context 2210 mid brown sandy silt fill of ditch 2209 running east west across the trench "
    "containing slag and fragments of roof tile the ditch was recut at least once and the later cut "
    "truncated a posthole on the south edge one copper alloy coin came from the upper fill",
    "context 3302 compact burnt clay surface interpreted as a hearth set into the floor of the "
    "building a glass bead and burnt bone were recovered from the ash spread around it the hearth "
    "was bounded by a low stone wall on the west side and overlain by collapse rubble with tile",
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def tag_of(token):
    return 1 if token in FINDS else 2 if token in FEATURES else 0


def window_sheets(tok, sheets):
    enc = tok(sheets, max_length=MAX_LEN, truncation=True, stride=DOC_STRIDE,
              return_overflowing_tokens=True, return_special_tokens_mask=True,
              padding="max_length", return_tensors="pt")
    gold = torch.full_like(enc["input_ids"], -100)
    for r in range(enc["input_ids"].shape[0]):
        for c, t in enumerate(tok.convert_ids_to_tokens(enc["input_ids"][r])):
            if enc["special_tokens_mask"][r, c] == 0:
                gold[r, c] = tag_of(t)
    rows = []
    for r in range(enc["input_ids"].shape[0]):
        rows.append({"input_ids": enc["input_ids"][r], "attention_mask": enc["attention_mask"][r],
                     "labels": gold[r]})
    return enc, rows


class ContextTagger(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(TAGS))
        self.net = BertForTokenClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def predict_step(self, batch, batch_idx):
        batch = {k: v for k, v in batch.items() if k != "labels"}
        return self.net(**batch).logits.softmax(-1)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def stitch(tok, sheets, enc, window_probs):
    sheet_lens = [len(tok(s, add_special_tokens=False)["input_ids"]) for s in sheets]
    sums = [torch.zeros(n, len(TAGS)) for n in sheet_lens]
    hits = [torch.zeros(n, 1) for n in sheet_lens]
    seen = {}
    for w, sheet_idx in enumerate(enc["overflow_to_sample_mapping"].tolist()):
        rank = seen.get(sheet_idx, 0)
        seen[sheet_idx] = rank + 1
        body = (enc["special_tokens_mask"][w] == 0) & (enc["attention_mask"][w] == 1)
        probs = window_probs[w][body]
        off = rank * DOC_STRIDE
        sums[sheet_idx][off:off + len(probs)] = sums[sheet_idx][off:off + len(probs)] + probs
        hits[sheet_idx][off:off + len(probs)] += 1
    return [s / h.clamp(min=1) for s, h in zip(sums, hits)]


def main():
    tok = BertTokenizer(write_vocab(SHEETS))
    enc, rows = window_sheets(tok, SHEETS)
    print(f"{len(SHEETS)} sheets -> {len(rows)} windows")

    model = ContextTagger(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(rows, batch_size=4, shuffle=True))

    preds = trainer.predict(model, DataLoader(rows, batch_size=4))
    window_probs = torch.cat(preds)
    sheet_probs = stitch(tok, SHEETS, enc, window_probs)

    for s, probs in zip(SHEETS, sheet_probs):
        toks = tok.tokenize(s)
        tagged = [(t, TAGS[k]) for t, k in zip(toks, probs.argmax(-1).tolist()) if k != 0]
        print(s.split()[1], "->", tagged[:6])


if __name__ == "__main__":
    main()
