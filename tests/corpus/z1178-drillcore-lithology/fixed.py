# Lithology tagging of drill-core logging notes with a tiny BERT, trained under Lightning.
import os
import tempfile
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

try:
    import lightning as L
except ImportError:
    import pytorch_lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

ROCKS = ["granite", "basalt", "sandstone", "shale"]
CORE_NOTES = [
    ("coarse pink feldspar quartz interlocking crystals", 0),
    ("dark fine grained vesicular with olivine phenocrysts", 1),
    ("well sorted rounded quartz grains cross bedding visible in core box four", 2),
    ("fissile grey laminated clay rich", 3),
    ("massive grey feldspar quartz mica", 0),
    ("columnar jointing dark fine grained", 1),
    ("medium grained quartz arenite with iron staining", 2),
    ("black organic rich laminated fissile with pyrite nodules along bedding", 3),
]


def write_vocab():
    words = sorted({w for note, _ in CORE_NOTES for w in note.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tok):
    def collate(rows):
        enc = tok([note for note, _ in rows], padding="longest", return_tensors="pt")
        return {"tokens": enc["input_ids"], "valid": enc["attention_mask"],
                "rock": torch.tensor([r for _, r in rows])}
    return collate


class PadToMultiple:
    """Round sequence length up so batch shapes repeat (fewer distinct kernels)."""

    def on_batch_start(self, state, batch):
        width = batch["tokens"].shape[1]
        extra = (-width) % state.pad_multiple
        if extra:
            batch["tokens"] = F.pad(batch["tokens"], (0, extra), value=state.pad_id)
            batch["valid"] = F.pad(batch["valid"], (0, extra), value=0)
        state.seq_len = batch["tokens"].shape[1]
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class RunningLoss:
    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        state.loss_sum += outputs["loss"].item()
        state.batches += 1
        return outputs

    def on_epoch_end(self, state):
        print(f"epoch {state.epoch} mean loss {state.loss_sum / max(state.batches, 1):.4f} "
              f"(last seq_len {state.seq_len})")
        state.loss_sum, state.batches = 0.0, 0


class Engine:
    def __init__(self, callbacks, state):
        self.callbacks = callbacks
        self.state = state

    def batch_start(self, batch):
        for cb in self.callbacks:
            batch = cb.on_batch_start(self.state, batch)
        return batch

    def forward_done(self, outputs):
        for cb in self.callbacks:
            outputs = cb.on_forward(self.state, outputs)
        return outputs

    def epoch_end(self):
        for cb in self.callbacks:
            cb.on_epoch_end(self.state)
        self.state.epoch += 1


class LithologyModule(L.LightningModule):
    def __init__(self, config, engine):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, len(ROCKS))
        self.engine = engine

    def on_after_batch_transfer(self, batch, dataloader_idx):
        return self.engine.batch_start(batch)

    def training_step(self, batch, batch_idx):
        hidden = self.encoder(input_ids=batch["tokens"], attention_mask=batch["valid"]).last_hidden_state
        logits = self.head(hidden[:, 0])
        loss = F.cross_entropy(logits, batch["rock"])
        self.engine.forward_done({"loss": loss, "logits": logits})
        return loss

    def on_train_epoch_end(self):
        self.engine.epoch_end()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=4e-4)


def main():
    tok = BertTokenizer(write_vocab())
    state = SimpleNamespace(pad_multiple=8, pad_id=tok.pad_token_id, seq_len=0,
                            loss_sum=0.0, batches=0, epoch=0)
    engine = Engine([PadToMultiple(), RunningLoss()], state)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    module = LithologyModule(cfg, engine)
    loader = DataLoader(CORE_NOTES, batch_size=4, shuffle=True, collate_fn=make_collate(tok))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(module, loader)
    print("trained on", len(CORE_NOTES), "core notes")


if __name__ == "__main__":
    main()
