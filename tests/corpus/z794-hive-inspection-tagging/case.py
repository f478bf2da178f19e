"""Token tagging of beehive inspection notes (queen status, brood, pests) with a tiny BERT in Lightning."""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SETTINGS = {
    "model": {"hidden_size": 32, "layers": 1, "heads": 2, "ffn": 64, "max_positions": 64, "dropout": 0.1},
    "data": {"max_len": 24, "tags": ["O", "QUEEN", "BROOD", "PEST", "STORE"], "pad_tag": -100},
    "train": {"batch_size": 3, "lr": 1e-3, "seed": 3},
}

# (word, tag) per inspection note
NOTES = [
    [("queen", "QUEEN"), ("seen", "O"), ("on", "O"), ("frame", "O"), ("four", "O"), ("capped", "BROOD"), ("brood", "BROOD")],
    [("varroa", "PEST"), ("mites", "PEST"), ("on", "O"), ("drone", "BROOD"), ("brood", "BROOD")],
    [("two", "O"), ("frames", "O"), ("of", "O"), ("capped", "STORE"), ("honey", "STORE"), ("and", "O"), ("pollen", "STORE")],
    [("supersedure", "QUEEN"), ("cells", "QUEEN"), ("along", "O"), ("bottom", "O"), ("bars", "O")],
    [("small", "PEST"), ("hive", "PEST"), ("beetle", "PEST"), ("in", "O"), ("the", "O"), ("lid", "O")],
    [("eggs", "BROOD"), ("and", "O"), ("larvae", "BROOD"), ("present", "O"), ("queen", "QUEEN"), ("marked", "O")],
]


@dataclass
class TaggedNote:
    ids: list
    tag_ids: list


def build_tokenizer():
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    words = sorted({w for note in NOTES for w, _ in note})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def encode_notes(tokenizer):
    tag_index = {t: i for i, t in enumerate(SETTINGS["data"]["tags"])}
    ignore = SETTINGS["data"]["pad_tag"]
    encoded = []
    for note in NOTES:
        words = [w for w, _ in note][: SETTINGS["data"]["max_len"] - 2]
        ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(words) + [tokenizer.sep_token_id]
        tags = [ignore] + [tag_index[t] for _, t in note[: len(words)]] + [ignore]
        encoded.append(TaggedNote(ids, tags))
    return encoded


def pad_notes(batch, pad_id, ignore):
    width = max(len(n.ids) for n in batch)
    tokens = torch.full((len(batch), width), pad_id, dtype=torch.long)
    targets = torch.full((len(batch), width), ignore, dtype=torch.long)
    attn = torch.zeros((len(batch), width), dtype=torch.long)
    for row, note in enumerate(batch):
        tokens[row, : len(note.ids)] = torch.tensor(note.ids)
        targets[row, : len(note.tag_ids)] = torch.tensor(note.tag_ids)
        attn[row, : len(note.ids)] = 1
    return {"tokens": tokens, "attn": attn, "targets": targets}


class HiveTagger(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        m = SETTINGS["model"]
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=m["hidden_size"], num_hidden_layers=m["layers"],
                         num_attention_heads=m["heads"], intermediate_size=m["ffn"],
                         max_position_embeddings=m["max_positions"])
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(m["dropout"])
        self.head = nn.Linear(m["hidden_size"], len(SETTINGS["data"]["tags"]))
        self.criterion = nn.CrossEntropyLoss(ignore_index=SETTINGS["data"]["pad_tag"])

    def forward(self, tokens, attn):
        hidden = self.encoder(input_ids=tokens, attention_mask=attn).last_hidden_state
        return self.head(self.dropout(hidden))

    def training_step(self, batch, batch_idx):
        scores = self(batch["tokens"], batch["attn"])
        loss = self.criterion(scores, batch["targets"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=SETTINGS["train"]["lr"])


class LossPrinter(L.Callback):
    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if outputs is None:
            return
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs
        print(f"batch {batch_idx}: loss={loss.item():.4f}")

    def on_train_epoch_end(self, trainer, pl_module):
        metric = trainer.callback_metrics.get("train_loss")
        if metric is None:
            return
        print(f"epoch {trainer.current_epoch} done, last train_loss={metric.item():.4f}")


def build_loader(tokenizer):
    notes = encode_notes(tokenizer)
    collate = lambda b: pad_notes(b, tokenizer.pad_token_id, SETTINGS["data"]["pad_tag"])
    return DataLoader(notes, batch_size=SETTINGS["train"]["batch_size"], collate_fn=collate)


def main():
    L.seed_everything(SETTINGS["train"]["seed"])
    tokenizer = build_tokenizer()
    loader = build_loader(tokenizer)
    model = HiveTagger(len(tokenizer))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, callbacks=[LossPrinter()])
    trainer.fit(model, loader)
    print("hive tagger trained")


if __name__ == "__main__":
    main()
