"""Route ferry radio transcripts to the right desk (harbour control / engineering / passenger services)."""
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

DESKS = ["harbour", "engineering", "passengers"]

TRANSCRIPTS = [
    ("requesting berth four on arrival", "harbour"),
    ("port engine running hot reducing speed", "engineering"),
    ("passenger feeling unwell on deck two", "passengers"),
    ("fog thick at the breakwater holding position outside", "harbour"),
    ("bilge alarm in the aft compartment crew checking now", "engineering"),
    ("lost child reported near the cafe", "passengers"),
    ("pilot boarding at the outer buoy", "harbour"),
    ("generator tripped running on emergency power", "engineering"),
    ("wheelchair assistance needed at the car deck ramp", "passengers"),
    ("clear to depart", "harbour"),
    ("steering hydraulics losing pressure slowly", "engineering"),
    ("vending machine jammed", "passengers"),
]


def save_vocab(folder):
    words = sorted({w for text, _ in TRANSCRIPTS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


class RadioRouter(L.LightningModule):
    def __init__(self, vocab_size, lr=4e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(DESKS))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(input_ids=batch["ids"], attention_mask=batch["keep"], labels=batch["desk"])
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: loss={out.loss.item():.4f}")
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def bucketed_batches(examples, batch_size):
    """Indices grouped so that each batch holds transcripts of similar length."""
    by_len = sorted(range(len(examples)), key=lambda i: examples[i]["ids"].numel())
    batches = []
    for start in range(0, len(by_len), batch_size):
        batches.append(by_len[start:start + batch_size])
    return batches


def main():
    tok = BertTokenizer(save_vocab(tempfile.mkdtemp(prefix="ferry_")))

    def encode_one(record):
        text, desk = record
        ids = tok.encode(text, truncation=True, max_length=48)
        return {
            "ids": torch.tensor(ids),
            "keep": torch.ones(len(ids), dtype=torch.long),
            "desk": torch.tensor(DESKS.index(desk)),
        }

    with ThreadPoolExecutor(max_workers=4) as pool:
        examples = list(pool.map(encode_one, TRANSCRIPTS))
    print(f"{len(examples)} transcripts encoded, longest {max(e['ids'].numel() for e in examples)} tokens")

    batches = bucketed_batches(examples, batch_size=4)
    loader = DataLoader(examples, batch_sampler=batches)

    model = RadioRouter(vocab_size=tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dataloaders=loader)
    print("training finished")


if __name__ == "__main__":
    main()
