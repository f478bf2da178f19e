"""Domain-adaptive MLM warm-up on glaciology field notes (tiny BERT, Lightning).

The output projection shares its matrix with the input word embeddings
(weight tying), plus a free per-token bias.
"""
import functools
import os
import random
import tempfile

import torch
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

FIELD_NOTES = [
    "ablation stake four lost two centimetres of ice since the last visit",
    "crevasse field above the icefall widened after the warm spell",
    "meltwater channel on the lower tongue is running clear this morning",
    "snow pit at the upper basin shows three distinct ice lenses",
    "terminus retreated about eleven metres compared with the spring survey",
    "debris cover on the medial moraine is thicker near stake seven",
    "supraglacial lake drained overnight and left a dry basin",
    "firn temperature at ten metres depth is close to melting point",
    "moulin near the camp is louder after the afternoon rain",
    "gps station on the upper basin recorded faster flow this week",
]


class LazyNotes(torch.utils.data.Dataset):
    def __init__(self, rows, transform=None):
        self.rows = rows
        self._transform = transform

    def with_transform(self, fn):
        return LazyNotes(self.rows, transform=fn)

    @functools.cached_property
    def words(self):
        return sorted({w for r in self.rows for w in r.split()})

    @functools.cached_property
    def max_len(self):
        return max(len(r.split()) for r in self.rows) + 2

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        return self._transform(row) if self._transform else {"text": row}


def build_tokenizer(words):
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def mask_tokens(text, tokenizer, max_len, rate=0.2):
    enc = tokenizer(text, padding="max_length", max_length=max_len, truncation=True)
    ids = torch.tensor(enc["input_ids"])
    targets = torch.full_like(ids, -100)
    special = torch.tensor(tokenizer.get_special_tokens_mask(enc["input_ids"], already_has_special_tokens=True)).bool()
    candidates = [i for i in range(len(ids)) if not special[i]]
    chosen = random.sample(candidates, max(1, int(rate * len(candidates))))
    for pos in chosen:
        targets[pos] = ids[pos]
        ids[pos] = tokenizer.mask_token_id
    return {"input_ids": ids, "attention_mask": torch.tensor(enc["attention_mask"]), "mlm_targets": targets}


class TiedMLM(L.LightningModule):
    def __init__(self, vocab_size, max_len):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=max(64, max_len))
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head_transform = torch.nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.head_bias = torch.nn.Parameter(torch.zeros(vocab_size))

    def token_logits(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        hidden = F.layer_norm(F.gelu(self.head_transform(hidden)), hidden.shape[-1:])
        emb = self.encoder.embeddings.word_embeddings
        return hidden @ emb.weight + self.head_bias

    def training_step(self, batch, batch_idx):
        logits = self.token_logits(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits.flatten(0, 1), batch["mlm_targets"].flatten(), ignore_index=-100)
        self.log("mlm_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    raw = LazyNotes(FIELD_NOTES)
    tokenizer = build_tokenizer(raw.words)
    train_ds = raw.with_transform(
        functools.partial(mask_tokens, tokenizer=tokenizer, max_len=raw.max_len))
    print(f"{len(train_ds)} notes, vocab {len(tokenizer)}, max_len {raw.max_len}")

    loader = DataLoader(train_ds, batch_size=4, shuffle=True)
    model = TiedMLM(vocab_size=len(tokenizer), max_len=raw.max_len)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("final mlm loss:", float(trainer.callback_metrics["mlm_loss"]))


if __name__ == "__main__":
    main()
