"""Predict plant family from digitised herbarium sheet transcriptions.

Each sheet has three transcribed blocks (collector note, locality, current
determination); they are packed into one BERT input with their own segment
ids so the encoder can tell the blocks apart. Trained with Lightning.
"""
import os
import tempfile
from dataclasses import asdict, dataclass, field

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

FAMILIES = ["rosaceae", "fabaceae", "poaceae"]


@dataclass(frozen=True)
class Sheet:
    collector_note: str
    locality: str
    determination: str
    family: str


SHEETS = [
    Sheet("shrub with white flowers thorny stems", "hedgerow near river", "crataegus sp", "rosaceae"),
    Sheet("climbing herb pea like flowers pods", "field margin clay soil", "vicia sp", "fabaceae"),
    Sheet("tufted grass spikelets awned", "dry meadow chalk", "bromus sp", "poaceae"),
    Sheet("small tree pome fruits red", "woodland edge", "sorbus sp", "rosaceae"),
    Sheet("trifoliate leaves pink heads", "grazed pasture", "trifolium sp", "fabaceae"),
    Sheet("tall grass feathery panicle", "river bank sand", "phragmites sp", "poaceae"),
]


@dataclass
class SheetLayout:
    segments: list = field(default_factory=lambda: ["collector_note", "locality", "determination"])
    max_length: int = 48


@dataclass
class EncoderSettings:
    vocab_size: int = 0
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 64
    type_vocab_size: int = 2
    num_labels: int = len(FAMILIES)


def sheet_tokenizer(sheets, layout):
    words = sorted({w for s in sheets for seg in layout.segments for w in getattr(s, seg).split()})
    folder = tempfile.mkdtemp(prefix="herbarium_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def pack_sheet(sheet, tok, layout):
    """[CLS] block0 [SEP] block1 [SEP] block2 [SEP], segment id = block index."""
    ids, seg_ids = [tok.cls_token_id], [0]
    for block_no, name in enumerate(layout.segments):
        piece = tok(getattr(sheet, name), add_special_tokens=False)["input_ids"] + [tok.sep_token_id]
        ids.extend(piece)
        seg_ids.extend([block_no] * len(piece))
    return ids[: layout.max_length], seg_ids[: layout.max_length]


def collate_sheets(batch, tok, layout):
    packed = [pack_sheet(s, tok, layout) for s in batch]
    width = max(len(ids) for ids, _ in packed)
    ids = torch.full((len(batch), width), tok.pad_token_id)
    segs = torch.zeros((len(batch), width), dtype=torch.long)
    attn = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (tid, sid) in enumerate(packed):
        ids[row, : len(tid)] = torch.tensor(tid)
        segs[row, : len(sid)] = torch.tensor(sid)
        attn[row, : len(tid)] = 1
    fam = torch.tensor([FAMILIES.index(s.family) for s in batch])
    return {"input_ids": ids, "token_type_ids": segs, "attention_mask": attn, "labels": fam}


class FamilyClassifier(L.LightningModule):
    def __init__(self, enc_settings, lr=5e-4):
        super().__init__()
        self.net = BertForSequenceClassification(BertConfig(**asdict(enc_settings)))
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    L.seed_everything(3, verbose=False)
    layout = SheetLayout()
    tok = sheet_tokenizer(SHEETS, layout)
    print(f"vocab {len(tok)} tokens, blocks: {', '.join(layout.segments)}")

    loader = DataLoader(SHEETS, batch_size=3, shuffle=True,
                        collate_fn=lambda b: collate_sheets(b, tok, layout))
    module = FamilyClassifier(EncoderSettings(vocab_size=len(tok), type_vocab_size=len(layout.segments)))

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(module, loader)
    print("trained, last loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
