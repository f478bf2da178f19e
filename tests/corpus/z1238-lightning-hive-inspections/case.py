"""Colony status from free-text hive inspection notes (apiary club data, hand labelled)."""
import os
import tempfile
import warnings

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

import lightning as L
from transformers import BertConfig, BertTokenizer
from transformers.models.bert.modeling_bert import BertEmbeddings, BertEncoder

warnings.filterwarnings("ignore", ".*does not have many workers.*")
L.seed_everything(11, verbose=False)

ARCH = [
    {"type": "embed", "dim": 48, "positions": 64},
    {"type": "encoder", "layers": 1, "heads": 4},
    {"type": "pool", "mode": "max"},
    {"type": "linear", "out": 4},
]
DATA = {"max_len": 24, "batch_size": 4, "lr": 1e-3}
STATUS = ["queenright", "queenless", "swarming", "brood_disease"]

NOTES = [
    ("eggs and young larvae seen on three frames calm bees", 0),
    ("no eggs no queen seen bees roaring when opened", 1),
    ("queen cells along bottom bars colony very crowded", 2),
    ("sunken perforated cappings and ropey larvae in brood", 3),
    ("marked queen spotted laying pattern good", 0),
    ("laying workers suspected multiple eggs per cell", 1),
    ("half the bees left and hung in the hedge", 2),
    ("chalky mummified larvae at entrance and in cells", 3),
    ("solid brood frames stores building up well", 0),
    ("emergency cells drawn on the face of comb", 1),
    ("capped swarm cells and old queen still present", 2),
    ("patchy brood with discoloured larvae smell noticed", 3),
]


def vocab_from(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


class InspectionNotes(Dataset):
    def __init__(self, notes, tokenizer):
        self.notes, self.tokenizer = notes, tokenizer

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, idx):
        text, status = self.notes[idx]
        ids = self.tokenizer.encode(text, truncation=True, max_length=DATA["max_len"])
        keep = [1] * len(ids) + [0] * (DATA["max_len"] - len(ids))
        return torch.tensor(ids), torch.tensor(keep), status


def collate_notes(items, pad_id=0):
    ids, keep, status = zip(*items)
    return {
        "token_ids": pad_sequence(list(ids), batch_first=True, padding_value=pad_id),
        "keep": torch.stack(keep),
        "status": torch.tensor(status),
    }


def iter_blocks(arch, vocab_size):
    width, heads = 64, 2
    for spec in arch:
        width = spec.get("dim", width)
        heads = spec.get("heads", heads)
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=width, num_attention_heads=heads,
                         num_hidden_layers=spec.get("layers", 1), intermediate_size=2 * width,
                         max_position_embeddings=spec.get("positions", 128))
        if spec["type"] == "embed":
            yield "embed", BertEmbeddings(cfg)
        elif spec["type"] == "encoder":
            yield "encoder", BertEncoder(cfg)
        elif spec["type"] == "linear":
            yield "head", nn.Linear(width, spec["out"])


class HiveStatusModel(L.LightningModule):
    def __init__(self, arch, vocab_size):
        super().__init__()
        self.blocks = nn.ModuleDict(dict(iter_blocks(arch, vocab_size)))

    def forward(self, token_ids, keep):
        x = self.blocks["embed"](input_ids=token_ids)
        neg = (1 - keep[:, None, None, :].float()) * -1e9
        x = self.blocks["encoder"](x, attention_mask=neg).last_hidden_state
        x = x.masked_fill(keep[..., None] == 0, -1e9).amax(dim=1)
        return self.blocks["head"](x)

    def training_step(self, batch, batch_idx):
        logits = self(batch["token_ids"], batch["keep"])
        loss = F.cross_entropy(logits, batch["status"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=DATA["lr"])


def main():
    tokenizer = BertTokenizer(vocab_from(NOTES))
    ds = InspectionNotes(NOTES, tokenizer)
    loader = DataLoader(ds, batch_size=DATA["batch_size"], shuffle=True, collate_fn=collate_notes)
    model = HiveStatusModel(ARCH, tokenizer.vocab_size)
    print(f"{len(ds)} notes, {len(STATUS)} status classes")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, train_dataloaders=loader)
    print("finished, last loss:", trainer.callback_metrics.get("train_loss"))


if __name__ == "__main__":
    main()
