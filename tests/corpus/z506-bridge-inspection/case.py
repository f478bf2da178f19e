"""Token tagging of bridge inspection remarks (structural element / defect / severity)
with a small BERT encoder in PyTorch Lightning.

Inspectors almost always name the element first, so the loss weights early
positions a bit more than the tail of the remark.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

SEQ_CAP = 40
LABELS = ["O", "ELEM", "DEFECT", "SEV"]
REMARKS = [
    ("pier cap spalling severe", "ELEM ELEM DEFECT SEV"),
    ("bearing corrosion moderate near abutment", "ELEM DEFECT SEV O ELEM"),
    ("deck cracking minor", "ELEM DEFECT SEV"),
    ("girder flange section loss severe at midspan", "ELEM ELEM DEFECT DEFECT SEV O O"),
    ("expansion joint leaking minor debris", "ELEM ELEM DEFECT SEV O"),
    ("abutment scour moderate", "ELEM DEFECT SEV"),
    ("railing impact damage minor", "ELEM DEFECT DEFECT SEV"),
    ("deck efflorescence moderate underside", "ELEM DEFECT SEV O"),
]


def make_tokenizer():
    words = sorted({w for r, _ in REMARKS for w in r.split()})
    tmp = tempfile.mkdtemp(prefix="bridge_tok_")
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return BertTokenizer(os.path.join(tmp, "vocab.txt"))


def encode_remarks(tokenizer):
    samples = []
    for text, tags in REMARKS:
        enc = tokenizer(text.split(), is_split_into_words=True, truncation=True, max_length=SEQ_CAP)
        tag_ids = [LABELS.index(t) for t in tags.split()]
        gold = [-100 if w is None else tag_ids[w] for w in enc.word_ids()]
        samples.append((enc["input_ids"], gold))
    return samples


def pad_batch(samples, pad_id):
    width = max(len(ids) for ids, _ in samples)
    tok = torch.full((len(samples), width), pad_id, dtype=torch.long)
    tgt = torch.full((len(samples), width), -100, dtype=torch.long)
    for row, (ids, gold) in enumerate(samples):
        tok[row, :len(ids)] = torch.tensor(ids)
        tgt[row, :len(gold)] = torch.tensor(gold)
    return {"tokens": tok, "keep": (tok != pad_id).long(), "tags": tgt}


class InspectionTagger(L.LightningModule):
    def __init__(self, vocab_size, seq_cap=SEQ_CAP, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, len(LABELS))
        # linearly decaying emphasis from 1.5 down to 0.5 over the remark
        self.register_buffer("pos_weight", torch.linspace(1.5, 0.5, seq_cap))

    def forward(self, tokens, keep):
        hidden = self.encoder(input_ids=tokens, attention_mask=keep).last_hidden_state
        return self.head(hidden)

    def training_step(self, batch, batch_idx):
        logits = self(batch["tokens"], batch["keep"])
        tags = batch["tags"]
        total, norm = logits.new_zeros(()), logits.new_zeros(())
        for pos in range(self.pos_weight.size(0)):
            step_gold = tags[:, pos]
            valid = step_gold != -100
            if not valid.any():
                continue
            step_loss = F.cross_entropy(logits[:, pos, :][valid], step_gold[valid], reduction="sum")
            total = total + self.pos_weight[pos] * step_loss
            norm = norm + self.pos_weight[pos] * valid.sum()
        loss = total / norm.clamp_min(1.0)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    tokenizer = make_tokenizer()
    samples = encode_remarks(tokenizer)
    loader = DataLoader(samples, batch_size=4, shuffle=True,
                        collate_fn=lambda s: pad_batch(s, tokenizer.pad_token_id))
    model = InspectionTagger(vocab_size=len(tokenizer))
    print(f"{len(samples)} remarks, vocab {len(tokenizer)}")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, loader)
    print("done, last loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
