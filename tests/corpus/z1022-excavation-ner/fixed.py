"""Tag finds, materials and stratigraphic layers in excavation day-book lines.

Lightning + tiny BERT encoder, 2-fold CV, OOF tag predictions kept for the ensemble.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

N_FOLDS = 2
TAGS = ["O", "B-FIND", "I-FIND", "B-MAT", "I-MAT", "B-LAYER", "I-LAYER"]
TAG_IDX = {t: i for i, t in enumerate(TAGS)}

DAYBOOK = [
    ("rim sherd of coarse ware in context 104", "B-FIND I-FIND O B-MAT I-MAT O B-LAYER I-LAYER"),
    ("bronze pin recovered from ash lens", "B-MAT B-FIND O O B-LAYER I-LAYER"),
    ("flint scraper near hearth base in context 211", "B-MAT B-FIND O B-LAYER I-LAYER O B-LAYER I-LAYER"),
    ("bone comb fragment lying on clay floor", "B-MAT B-FIND I-FIND O O B-LAYER I-LAYER"),
    ("iron nail with wood remains in context 104", "B-MAT B-FIND O B-MAT O O B-LAYER I-LAYER"),
    ("glass bead sieved from pit fill", "B-MAT B-FIND O O B-LAYER I-LAYER"),
    ("loom weight of fired clay beside posthole", "B-FIND I-FIND O B-MAT I-MAT O B-LAYER"),
    ("copper alloy coin in topsoil", "B-MAT I-MAT B-FIND O B-LAYER"),
]


def make_tokenizer():
    words = sorted({w for line, _ in DAYBOOK for w in line.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def encode_lines(rows, tokenizer):
    """Yield (token ids, tag ids) with [CLS]/[SEP] tags ignored by the loss."""
    for line, tag_str in rows:
        ids = tokenizer.convert_tokens_to_ids(["[CLS]"] + line.split() + ["[SEP]"])
        tag_ids = [-100] + [TAG_IDX[t] for t in tag_str.split()] + [-100]
        yield ids, tag_ids


def pad_collate(items, pad_id):
    width = max(len(ids) for ids, _ in items)
    tok = torch.full((len(items), width), pad_id, dtype=torch.long)
    tgt = torch.full((len(items), width), -100, dtype=torch.long)
    keep = torch.zeros((len(items), width), dtype=torch.long)
    for row, (ids, tag_ids) in enumerate(items):
        tok[row, :len(ids)] = torch.tensor(ids)
        tgt[row, :len(tag_ids)] = torch.tensor(tag_ids)
        keep[row, :len(ids)] = 1
    return {"tok": tok, "keep": keep, "tgt": tgt}


class DaybookTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.tagger = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, tok, keep):
        hidden = self.encoder(input_ids=tok, attention_mask=keep).last_hidden_state
        return self.tagger(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["tok"], batch["keep"])
        loss = F.cross_entropy(scores.transpose(1, 2), batch["tgt"], ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def predict_step(self, batch, batch_idx):
        return self(batch["tok"], batch["keep"]).argmax(-1), batch["tgt"]

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(2024)
    tokenizer = make_tokenizer()
    encoded = list(encode_lines(DAYBOOK, tokenizer))
    collate = lambda items: pad_collate(items, tokenizer.pad_token_id)

    oof_tags = []
    for fold in range(N_FOLDS):
        trn = [x for i, x in enumerate(encoded) if i % N_FOLDS != fold]
        val = [x for i, x in enumerate(encoded) if i % N_FOLDS == fold]
        print("fold %d: %d train lines, %d held-out lines" % (fold, len(trn), len(val)))

        model = DaybookTagger(vocab_size=len(tokenizer), n_tags=len(TAGS))
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                            logger=False, enable_checkpointing=False)
        trainer.fit(model, DataLoader(trn, batch_size=2, shuffle=True, collate_fn=collate))

        for pred, gold in trainer.predict(model, DataLoader(val, batch_size=2, collate_fn=collate)):
            for p_row, g_row in zip(pred, gold):
                keep = g_row != -100
                oof_tags.append([TAGS[i] for i in p_row[keep].tolist()])

    print("collected OOF tag sequences for %d lines" % len(oof_tags))
    print(oof_tags[0])


if __name__ == "__main__":
    main()
