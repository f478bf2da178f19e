"""Train a tiny BERT cross-encoder to flag customs declarations that don't match the invoice,
with the tariff note as a third segment. Training loop driven by Accelerate."""
import enum
import functools
import os
import tempfile
from typing import Literal, NamedTuple

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class Segment(enum.IntEnum):
    DECLARATION = 0
    INVOICE = 1
    TARIFF_NOTE = 2


class Verdict(enum.IntEnum):
    CONSISTENT = 0
    MISMATCH = 1


class EncoderSettings(NamedTuple):
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    max_positions: int = 128
    type_vocab_size: int = 2


class Shipment(NamedTuple):
    declared: str
    invoiced: str
    tariff_note: str
    verdict: Verdict


SHIPMENTS = [
    Shipment("cotton t-shirts 200 pcs", "cotton t-shirts 200 pcs", "chapter 61 knitted apparel", Verdict.CONSISTENT),
    Shipment("ceramic tiles 40 boxes", "porcelain vases 40 boxes", "chapter 69 ceramic products", Verdict.MISMATCH),
    Shipment("laptop batteries 50 units", "laptop batteries 50 units", "chapter 85 electrical machinery", Verdict.CONSISTENT),
    Shipment("green tea 30 kg", "roasted coffee 30 kg", "chapter 09 coffee tea spices", Verdict.MISMATCH),
    Shipment("steel bolts 900 pcs", "steel bolts 900 pcs", "chapter 73 articles of steel", Verdict.CONSISTENT),
    Shipment("wool scarves 120 pcs", "synthetic scarves 120 pcs", "chapter 62 woven apparel", Verdict.MISMATCH),
    Shipment("olive oil 60 litres", "olive oil 60 litres", "chapter 15 fats and oils", Verdict.CONSISTENT),
    Shipment("bicycle tyres 80 units", "car tyres 80 units", "chapter 40 rubber articles", Verdict.MISMATCH),
]

PadSide = Literal["left", "right"]


def write_vocab(rows: list[Shipment]) -> str:
    words = sorted({w for s in rows for text in s[:3] for w in text.lower().split()})
    tmp = tempfile.mkdtemp(prefix="customs_vocab_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_shipment(tok: BertTokenizer, item: Shipment) -> tuple[list[int], list[int]]:
    """[CLS] declared [SEP] invoiced [SEP] tariff note [SEP], one segment id per part."""
    parts = {
        Segment.DECLARATION: item.declared,
        Segment.INVOICE: item.invoiced,
        Segment.TARIFF_NOTE: item.tariff_note,
    }
    ids, segs = [tok.cls_token_id], [Segment.DECLARATION.value]
    for seg, text in parts.items():
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids.extend(piece)
        segs.extend([seg.value] * len(piece))
    return ids, segs


def collate(batch: list[Shipment], tok: BertTokenizer, side: PadSide = "right") -> dict[str, torch.Tensor]:
    encoded = [encode_shipment(tok, b) for b in batch]
    width = max(len(ids) for ids, _ in encoded)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, segs in encoded:
        gap = width - len(ids)
        pad = [tok.pad_token_id] * gap
        zeros = [0] * gap
        if side == "right":
            out["input_ids"].append(ids + pad)
            out["token_type_ids"].append(segs + zeros)
            out["attention_mask"].append([1] * len(ids) + zeros)
        else:
            out["input_ids"].append(pad + ids)
            out["token_type_ids"].append(zeros + segs)
            out["attention_mask"].append(zeros + [1] * len(ids))
    tensors = {k: torch.tensor(v) for k, v in out.items()}
    tensors["labels"] = torch.tensor([int(b.verdict) for b in batch])
    return tensors


def main() -> None:
    set_seed(11)
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab(SHIPMENTS))
    cfg = EncoderSettings()

    model = BertForSequenceClassification(
        BertConfig(
            vocab_size=tok.vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads,
            intermediate_size=cfg.hidden * 2,
            max_position_embeddings=cfg.max_positions,
            type_vocab_size=cfg.type_vocab_size,
            num_labels=len(Verdict),
        )
    )
    loader = DataLoader(SHIPMENTS, batch_size=4, shuffle=True, collate_fn=functools.partial(collate, tok=tok))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
            accelerator.print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
        accelerator.print(f"epoch {epoch} mean loss {running / len(loader):.4f}")

    accelerator.print("customs matcher trained")


if __name__ == "__main__":
    main()
