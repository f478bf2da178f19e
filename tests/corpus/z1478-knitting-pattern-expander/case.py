# Expand terse knitting-pattern shorthand ("k2 p2 rep to end") into full
# instructions for the accessible-pattern project. Small encoder-decoder built on
# nn.Transformer, trained with Lightning.
import math
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertTokenizer

L.seed_everything(3, verbose=False)

PATTERNS = [
    ("k2 p2 rep to end", "knit two purl two repeat to the end of the row"),
    ("k1 yo k2tog", "knit one yarn over knit two together"),
    ("sl1 k1 psso", "slip one knit one pass slipped stitch over"),
    ("p to end turn", "purl to the end of the row and turn"),
    ("k3 m1 k3", "knit three make one knit three"),
    ("rep rows 1 to 4", "repeat rows one to four"),
    ("k2tog tbl p1", "knit two together through back loop purl one"),
    ("cast on 24 sts", "cast on twenty four stitches"),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def tokenizer_for(texts, workdir, name):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(workdir, f"{name}-vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return BertTokenizer(path, do_basic_tokenize=False)


class PatternExpander(L.LightningModule):
    def __init__(self, src_vocab, tgt_vocab, pad_id, bos_id, eos_id, d_model=32, max_len=32):
        super().__init__()
        self.save_hyperparameters()
        self.src_emb = nn.Embedding(src_vocab, d_model, padding_idx=pad_id)
        self.tgt_emb = nn.Embedding(tgt_vocab, d_model, padding_idx=pad_id)
        self.pos = nn.Embedding(max_len, d_model)
        self.core = nn.Transformer(d_model=d_model, nhead=2, num_encoder_layers=1,
                                   num_decoder_layers=1, dim_feedforward=64, dropout=0.0,
                                   batch_first=True)
        self.head = nn.Linear(d_model, tgt_vocab)

    def _embed(self, table, ids):
        steps = torch.arange(ids.size(1), device=ids.device)
        return table(ids) * math.sqrt(self.hparams.d_model) + self.pos(steps)

    def forward(self, src, dec_in):
        n = dec_in.size(1)
        causal = torch.ones(n, n, dtype=torch.bool, device=dec_in.device).triu(1)
        hidden = self.core(self._embed(self.src_emb, src), self._embed(self.tgt_emb, dec_in),
                           tgt_mask=causal,
                           src_key_padding_mask=src.eq(self.hparams.pad_id),
                           tgt_key_padding_mask=dec_in.eq(self.hparams.pad_id),
                           memory_key_padding_mask=src.eq(self.hparams.pad_id))
        return self.head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["src"], batch["dec_in"])
        loss = F.cross_entropy(scores, batch["gold"], ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=3e-3)

    @torch.no_grad()
    def generate(self, src, max_new_tokens=12):
        out = torch.full((src.size(0), 1), self.hparams.bos_id, dtype=torch.long)
        for _ in range(max_new_tokens):
            nxt = self(src, out)[:, -1].argmax(-1, keepdim=True)
            out = torch.cat([out, nxt], dim=1)
            if (nxt == self.hparams.eos_id).all():
                break
        return out[:, 1:]


def make_collate(src_tok, tgt_tok):
    def collate(rows):
        src = src_tok([s for s, _ in rows], padding=True, return_tensors="pt")["input_ids"]
        tgt = tgt_tok([t for _, t in rows], padding=True, add_special_tokens=False,
                      return_tensors="pt")
        ids, keep = tgt["input_ids"], tgt["attention_mask"].bool()
        eos = torch.full((ids.size(0), 1), tgt_tok.sep_token_id)
        bos = torch.full((ids.size(0), 1), tgt_tok.cls_token_id)
        lengths = keep.sum(1)
        gold = torch.cat([ids, torch.full_like(eos, -100)], dim=1)
        gold[~torch.cat([keep, torch.zeros_like(eos, dtype=torch.bool)], dim=1)] = -100
        gold[torch.arange(ids.size(0)), lengths] = tgt_tok.sep_token_id
        dec_in = torch.cat([bos, ids], dim=1)
        return {"src": src, "dec_in": dec_in, "gold": gold}
    return collate


def main():
    workdir = tempfile.mkdtemp()
    src_tok = tokenizer_for([s for s, _ in PATTERNS], workdir, "shorthand")
    tgt_tok = tokenizer_for([t for _, t in PATTERNS], workdir, "english")
    print(f"source vocab {len(src_tok)}, target vocab {len(tgt_tok)}")

    loader = DataLoader(PATTERNS, batch_size=4, shuffle=True, collate_fn=make_collate(src_tok, tgt_tok))
    model = PatternExpander(len(src_tok), len(tgt_tok), pad_id=tgt_tok.pad_token_id,
                            bos_id=tgt_tok.cls_token_id, eos_id=tgt_tok.sep_token_id)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, loader)

    model.eval()
    probe = src_tok(["k2 p2 rep to end", "cast on 24 sts"], padding=True, return_tensors="pt")
    for row in model.generate(probe["input_ids"], max_new_tokens=12):
        print(tgt_tok.decode(row, skip_special_tokens=True))


if __name__ == "__main__":
    main()
